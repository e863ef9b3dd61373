// Every message between the extension host and the QueueScope panel's webview, defined
// once. The host imports the types and the validator; the webview imports only types
// (plus this module's tiny pure helpers). docs/PANEL.md describes the flow:
//
//   webview -> host  'ready'           (after the page has loaded and restored its view state)
//   host -> webview  'init'            full state of the selected session (also after 'selectSession')
//   host -> webview  'update'          incremental: changed queues, current waiters, NEW samples only
//   host -> webview  'sessions'        the session list changed
//   host -> webview  'findings'        the findings strip of the selected session (after every
//                                      'init' and whenever the diagnostics engine's findings change)
//   host -> webview  'noHub'           running debug sessions with no QueueScope hub (live panel only)
//   webview -> host  'selectSession'   the user picked another session
//   webview -> host  'openSource'      the user clicked a call site
//   webview -> host  'clearEnded'      the user clicked Clear Ended Sessions
//   webview -> host  'openDebugTerminal' the user clicked Open QueueScope Debug Terminal
//
// Times inside the panel are milliseconds since the session's start (`SessionInfo.start`,
// epoch ms), so the webview never needs a hub's clock origin.

import type { CallSite, Counters, EndInfo, JobState, QueueKindWire, WaiterRoleWire } from './wire';
import type { JobsInfo } from './jobsText';
import type { QueuePatch } from './queuePatch';

export type { CallSite, Counters, QueueKindWire, WaiterRoleWire, JobsInfo };

/** View type of the panel (WebviewPanelSerializer registration, package.json activation). */
export const PANEL_VIEW_TYPE = 'queuescope.panel';

/** 'replay' is for recordings opened later (same messages, no live follow of new data). */
export type PanelMode = 'live' | 'replay';
export type SessionStatus = 'running' | 'paused' | 'ended';

export interface SessionInfo {
  id: string;
  name: string;
  status: SessionStatus;
  /** Epoch ms of time zero of this session's axis. */
  start: number;
  queueCount: number;
  /** Blocked producers + waiting consumers right now. */
  waiters: number;
  /** How the program ended, when that is worth saying: an uncaught exception, a non-zero exit code, a signal. */
  end?: EndInfo;
  /**
   * Who `end` is, when not the program itself (SessionEnd.realm: "worker thread 2"): the
   * banner says it while the rest runs on (since 2026-12-04).
   */
  endRealm?: string;
}

/** One queue as the overview shows it. `key` is unique within its session. */
export interface QueueInfo {
  key: string;
  name: string;
  kind: QueueKindWire;
  maxsize: number;
  size: number;
  shutdown: boolean;
  /** Garbage-collected: kept for its timeline, shown as gone. */
  gone: boolean;
  /** Which process/thread it lives in, e.g. "pid 4242" or "pid 4242 · worker 1". */
  source: string;
  counters: Counters;
  /** Recent throughput, per second. */
  putRate: number;
  getRate: number;
  /** Current blocked producers and waiting consumers. */
  blocked: number;
  waiting: number;
  /** The program's hub reports this queue's individual waits 1 in N (absent: all of them). */
  waitsSampled?: number;
  /** Where it was created. Sent once per queue after an 'init': an update without it keeps the one known. */
  site?: CallSite;
  /** Previews of the first items (present while paused, from the snapshot). */
  items?: string[];
  /** Another library's queue: its library, pool concurrency, byte units (see protocol/libText.ts). */
  lib?: string;
  concurrency?: number;
  units?: 'bytes';
  /**
   * Task pools of other libraries (issue #14): session time the oldest running task started
   * (the webview ticks `now - runningSince` itself, as for waiters); `counters.paused` and
   * `counters.rateLimited` carry the flags. Library figures (piscina's threads, utilization,
   * wait percentiles) and, while paused, previews of the running tasks' data (async).
   */
  runningSince?: number;
  /**
   * Session time this queue's process or thread stands at when it is not running (its pause,
   * or its last moment once it ended): ages (oldest running task, waits) stop there, as in a
   * session whose other processes run on. Absent while it runs.
   */
  stoppedAt?: number;
  stats?: Record<string, number>;
  runningItems?: string[];
  /**
   * A BullMQ queue (a Redis watch): per-state counts, throughput, failures, oldest waiting
   * job, workers, gaps (protocol/jobsText.ts). Names and reasons in it are program data:
   * the webview re-reads it with readJobsInfo and renders its strings as text only.
   */
  jobs?: JobsInfo;
}

export interface WaiterInfo {
  id: string;
  queue: string;
  role: WaiterRoleWire;
  /** Session time the wait started; the webview ticks `now - since` itself. */
  since: number;
  site?: CallSite;
  /** Already waiting when QueueScope attached: it has waited at least since `since`. */
  adopted?: boolean;
  /** Session time its process or thread stopped at (paused or ended): its wait time stands still there. Absent while it runs. */
  stoppedAt?: number;
}

/** Depth samples of one queue, columnar, ascending times (session ms). */
export interface SeriesChunk {
  queue: string;
  /**
   * A BullMQ queue's job count in this state over time (depth = the count) instead of its
   * depth (issue #16; optional: older panels would mistake it for depth, and only newer
   * hosts send it).
   */
  state?: JobState;
  t: number[];
  depth: number[];
  min: number[];
  max: number[];
}

/** Step series of waiter counts: from t[i] on there were put[i] blocked producers and get[i] waiting consumers. */
export interface WaitCountChunk {
  queue: string;
  t: number[];
  put: number[];
  get: number[];
}

/** Everything the panel shows of one session. */
export interface SessionData {
  id: string;
  status: SessionStatus;
  /** Session time when this was produced (drives the wait-time clocks and live follow). */
  now: number;
  queues: QueueInfo[];
  waiters: WaiterInfo[];
  series: SeriesChunk[];
  waitCounts: WaitCountChunk[];
  /** Detail events the hub dropped (nobody drained in time). */
  dropped: number;
  /** Running and read less often than once a second (paced at scale): ms between refreshes. */
  refreshMs?: number;
}

export interface InitMessage {
  type: 'init';
  mode: PanelMode;
  sessions: SessionInfo[];
  /** The selected session, or null when there is none yet. */
  session: SessionData | null;
}

export interface SessionsMessage {
  type: 'sessions';
  sessions: SessionInfo[];
}

/** Incremental update of the selected session: `series`/`waitCounts` carry only points after the previous message. */
export interface UpdateMessage {
  type: 'update';
  session: string;
  status: SessionStatus;
  now: number;
  /**
   * Queues that changed: each the whole row the first time it is sent after an init, then a
   * patch on the row the webview holds (only changed fields, `null` for one that is gone;
   * protocol/queuePatch.ts).
   */
  queues: QueuePatch[];
  /** Keys of queues that left the model entirely. */
  removed: string[];
  /** The complete current waiter list of the session; absent when it did not change. */
  waiters?: WaiterInfo[];
  series: SeriesChunk[];
  waitCounts: WaitCountChunk[];
  dropped: number;
  /** As SessionData.refreshMs; absent while the session is refreshed at least once a second. */
  refreshMs?: number;
}

/** host -> webview messages that carry the panel's picture (sent by the panel feed). */
export type FeedMessage = InitMessage | SessionsMessage | UpdateMessage;

/** A queue's depth at the replay's time cursor (docs/RECORDING.md). */
export interface CursorQueueInfo {
  key: string;
  /** Depth at the last sample at or before the cursor. */
  depth: number;
  /** Lowest and highest depth in the sampling interval that holds the cursor. */
  min: number;
  max: number;
}

/** host -> webview: the answer to a 'cursor' message (recording tools). */
export interface CursorStateMessage {
  type: 'cursorState';
  session: string;
  /** Session ms of the cursor. */
  t: number;
  queues: CursorQueueInfo[];
  /** Every wait in progress at the cursor. */
  waiters: WaiterInfo[];
}

export type FindingSeverity = 'warning' | 'info' | 'hint';

/** One row of the panel's findings strip (built by src/diagnostics/strip.ts findingsStripRows). */
export interface StripRow {
  id: string;
  severity: FindingSeverity;
  /** Codicon name (without `codicon-`). */
  icon: string;
  /** Short rule title: "Deadlock", "Stuck work"… */
  title: string;
  /** Shorter still, for a queue's State badge in the overview: "deadlock", "stuck", "work left"… (title when absent). */
  badge?: string;
  /** The finding's sentence (it quotes program-supplied names: render as text only). */
  text: string;
  /** "for 12 s" (active time), empty for exit findings. */
  age: string;
  /** Queue keys to highlight / select when the row is clicked. */
  queues: string[];
  /** Waiters to highlight: queue key + waiter id. */
  waiters: { queue: string; id: number }[];
  /** Sites the row links to (waiters' first, then related). */
  sites: CallSite[];
  /** Set when the finding rests on partial knowledge. */
  partial?: string;
}

/** host -> webview: the complete findings strip of `session` (an empty list clears it). */
export interface FindingsMessage {
  type: 'findings';
  session: string;
  rows: StripRow[];
}

/**
 * How a debug session with no hub was started, which says what would give it one: 'terminal'
 * (VS Code's own JavaScript Debug Terminal), 'attach' (a program started elsewhere), 'launch'
 * (a launch configuration QueueScope did not arm).
 */
export type NoHubHow = 'terminal' | 'attach' | 'launch';

/** A running debug session (process or worker) in which no QueueScope hub answered for seconds. */
export interface NoHubSession {
  /** The debug session's name, e.g. "app.js [4711]" (program-supplied: render as text only). */
  name: string;
  how: NoHubHow;
}

/** host -> webview: every running debug session without a hub (an empty list: none). */
export interface NoHubMessage {
  type: 'noHub';
  sessions: NoHubSession[];
}

/** Every host -> webview message. */
export type HostMessage = FeedMessage | CursorStateMessage | FindingsMessage | NoHubMessage;

/** The `type` of every host message, listed once; the webview recognises host messages by it. */
export const HOST_MESSAGE_TYPES = ['init', 'sessions', 'update', 'cursorState', 'findings', 'noHub'] as const satisfies readonly HostMessage['type'][];
// Compile-time check that the list is complete: adding a HostMessage without listing it fails here.
const everyHostTypeListed: Exclude<HostMessage['type'], (typeof HOST_MESSAGE_TYPES)[number]> extends never ? true : never = true;
void everyHostTypeListed;

const hostTypes: ReadonlySet<string> = new Set(HOST_MESSAGE_TYPES);

/** Whether `data` is shaped like a host message (its `type` is one of ours). */
export function isHostMessage(data: unknown): data is HostMessage {
  return typeof data === 'object' && data !== null && hostTypes.has((data as { type?: unknown }).type as string);
}

const SEVERITIES: ReadonlySet<string> = new Set<FindingSeverity>(['warning', 'info', 'hint']);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** A findings row's site, which the strip links to: a file named, a line and column the host opens. */
function isStripSite(v: unknown): v is CallSite {
  const s = v as Partial<CallSite> | null;
  return typeof s === 'object' && s !== null && isStr(s.file) && s.file.length > 0 && isCount(s.line) && isCount(s.column) && (s.fn === undefined || isStr(s.fn));
}

/**
 * A queue's or a waiter's call site, as the model accepts it (src/model/parse.ts isCallSite):
 * any string for the file (empty too), finite numbers for the line and column.
 */
function isSite(v: unknown): v is CallSite {
  const s = v as Partial<CallSite> | null;
  return typeof s === 'object' && s !== null && typeof s.file === 'string' && typeof s.line === 'number' && s.line - s.line === 0 && typeof s.column === 'number' && s.column - s.column === 0 && (s.fn === undefined || typeof s.fn === 'string');
}

function isStripRow(v: unknown): v is StripRow {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    isStr(r.id) && isStr(r.severity) && SEVERITIES.has(r.severity) && isStr(r.icon) && /^[a-z0-9-]+$/.test(r.icon) && isStr(r.title) && (r.badge === undefined || isStr(r.badge)) && isStr(r.text) && isStr(r.age) &&
    Array.isArray(r.queues) && r.queues.every(isStr) &&
    Array.isArray(r.waiters) && r.waiters.every((w) => typeof w === 'object' && w !== null && isStr((w as { queue?: unknown }).queue) && isCount((w as { id?: unknown }).id)) &&
    Array.isArray(r.sites) && r.sites.every(isStripSite) &&
    (r.partial === undefined || isStr(r.partial))
  );
}

const NO_HUB_HOWS: ReadonlySet<string> = new Set<NoHubHow>(['terminal', 'attach', 'launch']);

/** Why a 'noHub' message is refused, or null (the webview checks it before rendering it). */
export function noHubMessageError(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const m = v as Record<string, unknown>;
  if (m.type !== 'noHub') return 'not a noHub message';
  return listError(m.sessions, 'noHub.sessions', (x) => typeof x === 'object' && x !== null && isStr((x as NoHubSession).name) && NO_HUB_HOWS.has((x as NoHubSession).how), 'is not a session without a hub');
}

const STATUSES: ReadonlySet<string> = new Set<SessionStatus>(['running', 'paused', 'ended']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Columns of one chunk: arrays of one length (their elements are not walked: an init at scale holds millions). */
const sameLengthArrays = (o: Record<string, unknown>, names: readonly string[]): boolean => names.every((n) => Array.isArray(o[n]) && (o[n] as unknown[]).length === (o[names[0]!] as unknown[]).length);

/** Why a list is refused (its first bad element), or null. */
function listError(v: unknown, name: string, ok: (x: unknown) => boolean, what = 'has the wrong shape'): string | null {
  if (!Array.isArray(v)) return `${name} must be an array`;
  const bad = v.findIndex((x) => !ok(x));
  return bad >= 0 ? `${name}[${bad}] ${what}` : null;
}

const isSessionInfo = (v: unknown): boolean => isObj(v) && isStr(v.id) && isStr(v.name) && STATUSES.has(v.status as string);
const isKeyed = (v: unknown): boolean => isObj(v) && isStr(v.key);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isWaiter = (v: unknown): boolean =>
  isObj(v) && typeof v.id === 'string' && typeof v.queue === 'string' && (v.role === 'put' || v.role === 'get') && typeof v.since === 'number' && v.since - v.since === 0 &&
  (v.site === undefined || isSite(v.site)) && (v.adopted === undefined || isBool(v.adopted)) && (v.stoppedAt === undefined || isNum(v.stoppedAt));

/**
 * Every field of a queue row the panel renders, and its type: required ones (a patch may
 * leave them out, never send `null`, which would delete them) and optional ones (`null` in a
 * patch: gone). `jobs` is program and Redis data the store re-reads part by part
 * (readJobsInfo), dropping a malformed one and keeping the row: it is not checked here.
 *
 * Held to what the model lets through (src/model/parse.ts), no more: any finite number for a
 * size, a rate or a counter (a negative one renders as it is), so a value the model accepts
 * never blanks a whole message; a wrong type (a string for a number, `null` for a required
 * field) is refused. Constant tables of type codes, read with plain typeof checks: this runs
 * for every row of every message (600 rows per update at scale), with no closure or
 * allocation per field.
 */
const T_STR = 0, T_NUM = 1, T_BOOL = 2, T_KIND = 3, T_SITE = 4, T_STRINGS = 5, T_FIGURES = 6, T_BYTES = 7;
type TypeCode = typeof T_STR | typeof T_NUM | typeof T_BOOL | typeof T_KIND | typeof T_SITE | typeof T_STRINGS | typeof T_FIGURES | typeof T_BYTES;
const ROW_REQUIRED: readonly (readonly [string, TypeCode])[] = [
  ['name', T_STR], ['kind', T_KIND], ['maxsize', T_NUM], ['size', T_NUM], ['shutdown', T_BOOL], ['gone', T_BOOL], ['source', T_STR],
  ['putRate', T_NUM], ['getRate', T_NUM], ['blocked', T_NUM], ['waiting', T_NUM],
];
const ROW_OPTIONAL: readonly (readonly [string, TypeCode])[] = [
  ['waitsSampled', T_NUM], ['site', T_SITE], ['items', T_STRINGS], ['lib', T_STR], ['concurrency', T_NUM], ['units', T_BYTES],
  ['runningSince', T_NUM], ['stoppedAt', T_NUM], ['stats', T_FIGURES], ['runningItems', T_STRINGS],
];
const COUNTER_FIELDS = ['puts', 'gets', 'blockedPuts', 'waitedGets', 'timeouts', 'aborts', 'highWater', 'dropped'] as const;
const COUNTER_OPTIONAL: readonly (readonly [string, TypeCode])[] = [
  ['running', T_NUM], ['paused', T_BOOL], ['rateLimited', T_BOOL], ['runningSince', T_NUM], ['runningAdopted', T_BOOL], ['done', T_NUM], ['taskP99Ms', T_NUM], ['stats', T_FIGURES],
];

function hasType(v: unknown, t: TypeCode): boolean {
  switch (t) {
    case T_STR:
      return typeof v === 'string';
    case T_NUM:
      return typeof v === 'number' && v - v === 0; // finite (NaN and ±Infinity give NaN)
    case T_BOOL:
      return typeof v === 'boolean';
    case T_KIND:
      return v === 'fifo' || v === 'lifo' || v === 'priority';
    case T_SITE:
      return isSite(v);
    case T_STRINGS:
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
      return true;
    case T_FIGURES:
      if (!isObj(v)) return false;
      for (const k in v) if (Object.hasOwn(v, k) && !isNum(v[k])) return false;
      return true;
    case T_BYTES:
      return v === 'bytes';
  }
}

/**
 * Why a queue row is refused, or null. `whole`: an init's row, every required field there;
 * else an update's patch, any of them (the store drops a partial row for a queue it does not
 * hold). Unknown fields are left alone (a newer host may add some).
 */
function queueRowError(v: unknown, whole: boolean): string | null {
  if (!isObj(v) || typeof v.key !== 'string') return 'has no key';
  if (rowFine(v, whole)) return null; // the common case: named property reads only, no keyed lookup
  return rowReason(v, whole);
}

const num = (x: unknown): boolean => typeof x === 'number' && x - x === 0; // finite: NaN and ±Infinity give NaN
/** A required field: absent only in a patch. */
const req = (x: unknown, whole: boolean, ok: boolean): boolean => (x === undefined ? !whole : ok);
/** An optional field: absent, `null` in a patch (gone), or of its type. */
const opt = (x: unknown, whole: boolean, t: TypeCode): boolean => x === undefined || (x === null && !whole) || hasType(x, t);

/** Whether a row (or a patch) is fine, read field by field by name (fast); rowReason says why not. */
function rowFine(v: Record<string, unknown>, whole: boolean): boolean {
  const k = v.kind;
  if (
    !(req(v.name, whole, typeof v.name === 'string') && req(k, whole, k === 'fifo' || k === 'lifo' || k === 'priority') && req(v.maxsize, whole, num(v.maxsize)) &&
      req(v.size, whole, num(v.size)) && req(v.shutdown, whole, typeof v.shutdown === 'boolean') && req(v.gone, whole, typeof v.gone === 'boolean') &&
      req(v.source, whole, typeof v.source === 'string') && req(v.putRate, whole, num(v.putRate)) && req(v.getRate, whole, num(v.getRate)) &&
      req(v.blocked, whole, num(v.blocked)) && req(v.waiting, whole, num(v.waiting)) &&
      opt(v.waitsSampled, whole, T_NUM) && opt(v.site, whole, T_SITE) && opt(v.items, whole, T_STRINGS) && opt(v.lib, whole, T_STR) && opt(v.concurrency, whole, T_NUM) &&
      opt(v.units, whole, T_BYTES) && opt(v.runningSince, whole, T_NUM) && opt(v.stoppedAt, whole, T_NUM) && opt(v.stats, whole, T_FIGURES) && opt(v.runningItems, whole, T_STRINGS))
  ) {
    return false;
  }
  const c = v.counters;
  if (c === undefined) return !whole;
  if (!isObj(c)) return false;
  return (
    req(c.puts, whole, num(c.puts)) && req(c.gets, whole, num(c.gets)) && req(c.blockedPuts, whole, num(c.blockedPuts)) && req(c.waitedGets, whole, num(c.waitedGets)) &&
    req(c.timeouts, whole, num(c.timeouts)) && req(c.aborts, whole, num(c.aborts)) && req(c.highWater, whole, num(c.highWater)) && req(c.dropped, whole, num(c.dropped)) &&
    opt(c.running, whole, T_NUM) && opt(c.paused, whole, T_BOOL) && opt(c.rateLimited, whole, T_BOOL) && opt(c.runningSince, whole, T_NUM) && opt(c.runningAdopted, whole, T_BOOL) &&
    opt(c.done, whole, T_NUM) && opt(c.taskP99Ms, whole, T_NUM) && opt(c.stats, whole, T_FIGURES)
  );
}

/** Every field of a row checked by the tables: the reason it is refused, or null (a row with optional parts, a patch). */
function rowReason(v: Record<string, unknown>, whole: boolean): string | null {
  for (let i = 0; i < ROW_REQUIRED.length; i++) {
    const [k, t] = ROW_REQUIRED[i]!;
    const x = v[k];
    if (x === undefined) {
      if (whole) return `has no ${k}`;
    } else if (!hasType(x, t)) return `.${k} has the wrong type`;
  }
  for (let i = 0; i < ROW_OPTIONAL.length; i++) {
    const [k, t] = ROW_OPTIONAL[i]!;
    const x = v[k];
    if (x !== undefined && !(x === null && !whole) && !hasType(x, t)) return `.${k} has the wrong type`;
  }
  const c = v.counters;
  if (c === undefined && !whole) return null;
  if (!isObj(c)) return '.counters must be an object';
  for (let i = 0; i < COUNTER_FIELDS.length; i++) {
    const k = COUNTER_FIELDS[i]!;
    const x = c[k];
    if (x === undefined) {
      if (whole) return `has no counters.${k}`;
    } else if (typeof x !== 'number' || x - x !== 0) return `.counters.${k} must be a finite number`;
  }
  for (let i = 0; i < COUNTER_OPTIONAL.length; i++) {
    const [k, t] = COUNTER_OPTIONAL[i]!;
    const x = c[k];
    if (x !== undefined && !(x === null && !whole) && !hasType(x, t)) return `.counters.${k} has the wrong type`;
  }
  return null;
}

/** A list of queue rows: the first bad one named, with what is wrong with it. */
function rowsError(v: unknown, name: string, whole: boolean): string | null {
  if (!Array.isArray(v)) return `${name} must be an array`;
  for (let i = 0; i < v.length; i++) {
    const e = queueRowError(v[i], whole);
    if (e !== null) return `${name}[${i}]${e.startsWith('.') ? '' : ' '}${e}`;
  }
  return null;
}
const isSeriesChunk = (v: unknown): boolean => isObj(v) && isStr(v.queue) && sameLengthArrays(v, ['t', 'depth', 'min', 'max']);
const isWaitCountChunk = (v: unknown): boolean => isObj(v) && isStr(v.queue) && sameLengthArrays(v, ['t', 'put', 'get']);

/** The parts an init's session and an update share. */
function sessionPartsError(m: Record<string, unknown>, name: string): string | null {
  if (!STATUSES.has(m.status as string)) return `${name}.status must be running, paused or ended`;
  if (!isNum(m.now)) return `${name}.now must be a number`;
  if (!isNum(m.dropped) || m.dropped < 0) return `${name}.dropped must be a number >= 0`; // a recording's own figure, not always whole
  return (
    rowsError(m.queues, `${name}.queues`, name !== 'update') ??
    (m.waiters === undefined && name === 'update' ? null : listError(m.waiters, `${name}.waiters`, isWaiter)) ??
    listError(m.series, `${name}.series`, isSeriesChunk) ??
    listError(m.waitCounts, `${name}.waitCounts`, isWaitCountChunk)
  );
}

/**
 * Check an 'init', 'sessions', 'update' or 'cursorState' message before the webview applies
 * any of it, so that one of the wrong shape changes nothing (a half-applied update would leave
 * the panel showing a state the host never sent). Every field of a queue row and a waiter the
 * panel renders has its type (finite numbers, strings, a call site's file a string), so a
 * wrong one is refused here rather than thrown in a render; series columns are checked for
 * their length only (an init at scale holds millions of points), and figures the store reads
 * defensively (refreshMs, a session's end) are not. Returns the reason it is refused, or null.
 */
export function feedMessageError(v: unknown): string | null {
  if (!isObj(v)) return 'not an object';
  switch (v.type) {
    case 'sessions':
      return listError(v.sessions, 'sessions.sessions', isSessionInfo);
    case 'init': {
      if (v.mode !== 'live' && v.mode !== 'replay') return 'init.mode must be live or replay';
      const e = listError(v.sessions, 'init.sessions', isSessionInfo);
      if (e !== null || v.session === null) return e;
      if (!isObj(v.session) || !isStr(v.session.id)) return 'init.session must be null or a session with an id';
      return sessionPartsError(v.session, 'init.session');
    }
    case 'update':
      if (!isStr(v.session)) return 'update.session must be a string';
      return sessionPartsError(v, 'update') ?? listError(v.removed, 'update.removed', isStr);
    case 'cursorState':
      if (!isStr(v.session) || !isNum(v.t)) return 'cursorState needs a session and a time';
      return listError(v.queues, 'cursorState.queues', (q) => isKeyed(q) && ['depth', 'min', 'max'].every((k) => isNum((q as Record<string, unknown>)[k]))) ?? listError(v.waiters, 'cursorState.waiters', isWaiter);
    default:
      return `not a feed message (type ${JSON.stringify(String(v.type))})`;
  }
}

/**
 * Check a 'findings' message before the webview renders it: every field the strip reads has
 * its type (an icon name is a plain codicon id, since it becomes a class name). Returns the
 * reason it is refused, or null.
 */
export function findingsMessageError(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const m = v as Record<string, unknown>;
  if (m.type !== 'findings') return 'not a findings message';
  if (!isStr(m.session)) return 'findings.session must be a string';
  return listError(m.rows, 'findings.rows', isStripRow, 'is not a strip row');
}

// ---------------------------------------------------------------------------
// webview -> host
// ---------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
  /** The session the restored view state had selected, if any. */
  session?: string;
  /** The user picked that session (so a new session does not take over); absent = false. */
  pinned?: boolean;
}

export interface SelectSessionMessage {
  type: 'selectSession';
  session: string;
}

export interface OpenSourceMessage {
  type: 'openSource';
  session: string;
  file: string;
  line: number;
  column: number;
}

/** Recording tools: what was going on at session time `t` of a replay (`start`: the session's epoch zero). */
export interface CursorMessage {
  type: 'cursor';
  session: string;
  start: number;
  t: number;
}

/** Recording tools: save the current chart; `dataUrl` is a data:image/png;base64 URL (validated by the host). */
export interface ExportPngMessage {
  type: 'exportPng';
  session: string;
  /** Suggested file name (the queue's name). */
  name: string;
  dataUrl: string;
}

/** Recording tools: save this session's recording (the host asks where). */
export interface SaveRecordingMessage {
  type: 'saveRecording';
  session: string;
}

/** The user clicked "Clear Ended Sessions" in the panel (the same as the tree's command). */
export interface ClearEndedMessage {
  type: 'clearEnded';
}

/** The user clicked "Open QueueScope Debug Terminal" beside a session without a hub. */
export interface OpenDebugTerminalMessage {
  type: 'openDebugTerminal';
}

export type WebviewMessage = ReadyMessage | SelectSessionMessage | OpenSourceMessage | CursorMessage | ExportPngMessage | SaveRecordingMessage | ClearEndedMessage | OpenDebugTerminalMessage;

export type Validation = { ok: true; message: WebviewMessage } | { ok: false; error: string };

/** Bounds on strings a webview may send (a session id, a V8 script URL). */
const MAX_ID = 200;
const MAX_PATH = 4096;

type Field = (v: unknown) => string | null; // null = fine, else the reason

const str = (max: number): Field => (v) =>
  typeof v !== 'string' ? 'must be a string' : v.length === 0 ? 'must not be empty' : v.length > max ? `longer than ${max}` : null;
const finite = (min: number): Field => (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? null : `must be a finite number >= ${min}`);
/** A PNG of a chart is at most a few MB; the host checks the content. */
const MAX_DATA_URL = 30 * 1024 * 1024;
const bool: Field = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');
const posInt: Field = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1e9 ? null : 'must be an integer >= 1');

/** Per message type: required fields and optional fields. Unknown fields are an error. */
const SHAPES: Record<WebviewMessage['type'], { required: Record<string, Field>; optional?: Record<string, Field> }> = {
  ready: { required: {}, optional: { session: str(MAX_ID), pinned: bool } },
  selectSession: { required: { session: str(MAX_ID) } },
  openSource: { required: { session: str(MAX_ID), file: str(MAX_PATH), line: posInt, column: posInt } },
  cursor: { required: { session: str(MAX_ID), start: finite(0), t: finite(0) } },
  exportPng: { required: { session: str(MAX_ID), name: str(MAX_ID), dataUrl: str(MAX_DATA_URL) } },
  saveRecording: { required: { session: str(MAX_ID) } },
  clearEnded: { required: {} },
  openDebugTerminal: { required: {} },
};

/**
 * Check a message from the webview. The webview is our code, but it renders program data:
 * treat what it sends as untrusted and act only on exact, known shapes.
 */
export function validateWebviewMessage(value: unknown): Validation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'not an object' };
  const rec = value as Record<string, unknown>;
  const type = rec.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}` };
  }
  const shape = SHAPES[type as WebviewMessage['type']];
  for (const key of Object.keys(rec)) {
    if (key === 'type') continue;
    // Own fields only: `in` would also accept names every object inherits (toString, constructor).
    if (!Object.hasOwn(shape.required, key) && !(shape.optional && Object.hasOwn(shape.optional, key))) return { ok: false, error: `${type}: unexpected field ${JSON.stringify(key).slice(0, 60)}` };
  }
  for (const [key, check] of Object.entries(shape.required)) {
    if (!Object.hasOwn(rec, key)) return { ok: false, error: `${type}: missing ${key}` };
    const why = check(rec[key]);
    if (why) return { ok: false, error: `${type}.${key} ${why}` };
  }
  for (const [key, check] of Object.entries(shape.optional ?? {})) {
    if (!Object.hasOwn(rec, key) || rec[key] === undefined) continue;
    const why = check(rec[key]);
    if (why) return { ok: false, error: `${type}.${key} ${why}` };
  }
  return { ok: true, message: rec as unknown as WebviewMessage };
}
