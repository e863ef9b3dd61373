// A queue's row in an 'update' is a patch on the row the webview already holds: only the
// fields that changed since the host last sent that queue, `null` for a field that is gone.
// At 1,000 busy queues a row repeats its name, kind, maxsize, source and eight counters
// every time (~290 bytes), and every byte is relayed and cloned on the renderer thread the
// workbench shares with the panel; a rate-only refresh was a whole row for two numbers.

import type { Counters } from './wire';
import type { QueueInfo } from './webview';

/** Some fields of T: a value that changed, or `null` for one that is no longer there. */
export type FieldPatch<T> = { [K in keyof T]?: T[K] | null };

/** One queue's row in an update: the whole row the first time, else what changed. */
export type QueuePatch = Omit<FieldPatch<QueueInfo>, 'key' | 'counters'> & { key: string; counters?: FieldPatch<Counters> };

/** `next` as a patch on `prev` (the row the webview holds); `next` itself when there is no `prev`. */
export function diffQueueInfo(prev: QueueInfo | undefined, next: QueueInfo): QueuePatch {
  if (!prev) return next;
  const { counters: before, ...rest } = prev;
  const { counters: after, ...row } = next;
  const out = diffFlat(rest, row) ?? {};
  const counters = diffFlat(before, after);
  if (counters) out.counters = counters;
  return { ...out, key: next.key } as QueuePatch;
}

/**
 * The row after `patch`. Without a row to patch, only a whole row can stand on its own
 * (anything else is a host bug, and is dropped rather than drawn half-empty).
 */
export function applyQueuePatch(prev: QueueInfo | undefined, patch: QueuePatch): QueueInfo | undefined {
  if (!prev) return isWholeRow(patch) ? patch : undefined;
  const { counters, ...row } = patch;
  const out = applyFlat(prev, row);
  if (counters && typeof counters === 'object') out.counters = applyFlat(prev.counters, counters);
  return out as unknown as QueueInfo;
}

const ROW_NUMBERS = ['maxsize', 'size', 'putRate', 'getRate', 'blocked', 'waiting'] as const;
const COUNTER_NUMBERS = ['puts', 'gets', 'blockedPuts', 'waitedGets', 'timeouts', 'aborts', 'highWater', 'dropped'] as const;

/** Every field a row must have (QueueInfo's required ones). */
function isWholeRow(p: QueuePatch): p is QueueInfo {
  const c = p.counters;
  return (
    typeof p.name === 'string' &&
    typeof p.kind === 'string' &&
    typeof p.source === 'string' &&
    typeof p.shutdown === 'boolean' &&
    typeof p.gone === 'boolean' &&
    ROW_NUMBERS.every((k) => typeof p[k] === 'number') &&
    !!c &&
    COUNTER_NUMBERS.every((k) => typeof c[k] === 'number')
  );
}

/** The fields of `next` that differ from `prev`'s, `null` for one `next` no longer has. */
function diffFlat(prev: object, next: object): Record<string, unknown> | undefined {
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(b)) if (b[k] !== undefined && !same(a[k], b[k])) (out ??= {})[k] = b[k];
  for (const k of Object.keys(a)) if (a[k] !== undefined && b[k] === undefined) (out ??= {})[k] = null;
  return out;
}

/** `prev` with `patch`'s fields set, and those it says `null` for removed. */
function applyFlat(prev: object, patch: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...prev };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Equal values; objects and arrays (a site, previews, library figures) by their JSON. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
