// What the panel remembers across hide/show and window reloads (VS Code's getState /
// setState): selections, sort, filter and zoom. Never program data.

export type SortKey = 'name' | 'status' | 'kind' | 'depth' | 'putRate' | 'getRate' | 'blocked' | 'waiting' | 'highWater' | 'dropped';
export const SORT_KEYS: readonly SortKey[] = ['name', 'status', 'kind', 'depth', 'putRate', 'getRate', 'blocked', 'waiting', 'highWater', 'dropped'];

export interface ViewState {
  session?: string;
  /** The user picked `session` in the picker; a session the host switched to is not pinned. */
  pinned?: boolean;
  queue?: string;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  filter: string;
  /** null: follow live; else the visible range in session ms. */
  zoom: { x0: number; x1: number } | null;
  /** Width of the live-follow window in ms (0: everything). */
  window: number;
  /** Show one combined chart of the listed queues instead of the selected queue's detail chart. */
  combined: boolean;
}

export const LIVE_WINDOWS: readonly { ms: number; label: string }[] = [
  { ms: 30_000, label: 'Last 30 s' },
  { ms: 60_000, label: 'Last 1 min' },
  { ms: 300_000, label: 'Last 5 min' },
  { ms: 900_000, label: 'Last 15 min' },
  { ms: 0, label: 'Whole session' },
];

export const DEFAULT_VIEW: ViewState = { sort: { key: 'name', dir: 'asc' }, filter: '', zoom: null, window: 60_000, combined: false };

/** Accept a stored state only field by field: an older or damaged state must not break the page. */
export function restoreViewState(raw: unknown): ViewState {
  const v: ViewState = { ...DEFAULT_VIEW, sort: { ...DEFAULT_VIEW.sort } };
  if (typeof raw !== 'object' || raw === null) return v;
  const r = raw as Record<string, unknown>;
  if (typeof r.session === 'string') v.session = r.session;
  if (r.pinned === true) v.pinned = true;
  if (typeof r.queue === 'string') v.queue = r.queue;
  if (typeof r.filter === 'string') v.filter = r.filter.slice(0, 200);
  if (typeof r.combined === 'boolean') v.combined = r.combined;
  if (typeof r.window === 'number' && LIVE_WINDOWS.some((w) => w.ms === r.window)) v.window = r.window;
  const sort = r.sort as Record<string, unknown> | undefined;
  if (sort && SORT_KEYS.includes(sort.key as SortKey) && (sort.dir === 'asc' || sort.dir === 'desc')) {
    v.sort = { key: sort.key as SortKey, dir: sort.dir };
  }
  const zoom = r.zoom as Record<string, unknown> | null | undefined;
  if (zoom && typeof zoom.x0 === 'number' && typeof zoom.x1 === 'number' && zoom.x1 > zoom.x0) v.zoom = { x0: zoom.x0, x1: zoom.x1 };
  return v;
}
