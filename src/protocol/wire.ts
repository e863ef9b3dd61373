// The wire format between the in-process hub (src/trace) and its readers (the
// extension, the recording file, tests). Defined once here; every side imports these
// types. docs/PROTOCOL.md documents them for people. Versioning rules:
//   - `v` is bumped only for incompatible changes.
//   - Readers ignore event types and fields they do not know.
//   - Writers only add optional fields within a version.
//
// Times are milliseconds (floating point) since the hub's clock origin
// (`AttachInfo.origin`, an epoch-ms wall-clock time taken when the hub was created).

export const PROTOCOL_VERSION = 1;

/**
 * Version of the .qscope format written (2: may hold columnar lines, 'sampleCols' and
 * 'counterCols'); readers open every version from OLDEST_RECORDING_VERSION up to it.
 */
export const RECORDING_VERSION = 2;
export const OLDEST_RECORDING_VERSION = 1;

/** Where in the user's code something happened. */
export interface CallSite {
  /** Path or URL as V8 reports it (file:///…, /abs/path.js, node:internal/…). */
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  /** Function name, or '' at top level / anonymous. */
  fn: string;
}

export type QueueKindWire = 'fifo' | 'lifo' | 'priority';
export type WaiterRoleWire = 'put' | 'get';
export type WaitOutcomeWire = 'served' | 'timeout' | 'aborted' | 'shutdown';

/** Absolute per-queue counters since the queue was created. */
export interface Counters {
  puts: number;
  gets: number;
  /** Puts that had to wait (blocked producers). */
  blockedPuts: number;
  /** Gets that had to wait (waiting consumers). */
  waitedGets: number;
  timeouts: number;
  aborts: number;
  /** Highest depth ever seen. */
  highWater: number;
  /** Detail events dropped for this queue because nobody drained. */
  dropped: number;
  /** Tasks running now, for task pools of other libraries (p-queue, fastq, async, piscina). */
  running?: number;
  /**
   * Pools of other libraries, state now (issue #14; absent = the library has no such state):
   * `paused` (p-queue's pause()), `rateLimited` (p-queue holds tasks back for its
   * intervalCap), `runningSince` (hub time the oldest running task started; absent when none
   * runs; the model turns it into epoch ms), `runningAdopted` (true when that task was
   * already running when the hub armed, an attach: `runningSince` is then the arming time and
   * the age a lower bound, as for adopted waits), `stats` (library figures, as the snapshot's),
   * `done` and `taskP99Ms` (tasks the adapter saw from start to end while armed, and the p99
   * of their durations in ms; absent until one finished: the stuck rule's history).
   */
  paused?: boolean;
  rateLimited?: boolean;
  runningSince?: number;
  runningAdopted?: boolean;
  done?: number;
  taskP99Ms?: number;
  stats?: Record<string, number>;
}

/**
 * Wait-time histogram: counts[i] is the number of waits whose duration fell in bucket i,
 * with bucket upper bounds WAIT_BUCKETS_MS[i] (the last bucket is open-ended).
 */
export const WAIT_BUCKETS_MS = [0.1, 1, 10, 100, 1000, 10000, Infinity] as const;

// ---------------------------------------------------------------------------
// Events (drain() batches and recording files carry these)
// ---------------------------------------------------------------------------

/** A queue came into being (or was already alive when the hub was armed). */
export interface QueueCreatedEvent {
  type: 'queue';
  t: number;
  q: number; // queue id, unique per realm
  name: string;
  kind: QueueKindWire;
  maxsize: number;
  /** The user's line that constructed it; absent when created before the hub was armed. */
  site?: CallSite;
  /** Depth at creation/arming time (non-zero when arming finds a populated queue). */
  size: number;
  /** The library of a queue QueueScope adapted ("p-queue@9.0.0", "node:stream"); absent for its own. */
  lib?: string;
  /** How many tasks may run at once (task pools). */
  concurrency?: number;
  /** What depth and maxsize count: 'bytes' for byte-mode streams; absent means items. */
  units?: 'bytes';
}

/**
 * Depth samples taken at one tick for every queue that changed in the interval.
 * Each row: [queueId, depthAtTick, minInInterval, maxInInterval, putsInInterval, getsInInterval].
 * The interval is (previous sample of that queue, t].
 */
export interface SamplesEvent {
  type: 'samples';
  t: number;
  rows: SampleRow[];
}
/**
 * A queue's sampling interval, from its previous row (or its 'queue' announcement) to the
 * event's `t`: depth at `t`, lowest and highest depth, puts and gets. `firstChange` (hub time,
 * optional, since 2026-12-04): the queue was unchanged until then, so its depth held at the
 * previous row's value, and the band of min/max starts there, not at the previous row. The
 * hub sets it only when the quiet part is a good share of the interval (an idle queue's
 * first burst after the poller backed off to seconds).
 */
export type SampleRow = [q: number, depth: number, min: number, max: number, puts: number, gets: number, firstChange?: number];

/** A put blocked (role 'put') or a get waited (role 'get'). `t` is when it started. */
export interface WaitStartEvent {
  type: 'wait';
  t: number;
  q: number;
  w: number; // waiter id, unique per realm
  role: WaiterRoleWire;
  site?: CallSite;
  /** Already waiting when the hub was armed: it started at or before `t`, site unknown. */
  adopted?: boolean;
}

/** A wait announced by a WaitStartEvent ended. `t` is when it ended. */
export interface WaitEndEvent {
  type: 'waitEnd';
  t: number;
  q: number;
  w: number;
  outcome: WaitOutcomeWire;
  /** Duration of the wait. */
  ms: number;
}

/**
 * Short waits that were never announced individually (they ended below the hub's
 * detail threshold before a drain saw them), aggregated per queue since the last drain.
 */
export interface ShortWaitsEvent {
  type: 'shortWaits';
  t: number;
  q: number;
  role: WaiterRoleWire;
  count: number;
  totalMs: number;
  /** Histogram over WAIT_BUCKETS_MS. */
  hist: number[];
}

/** Absolute counters of a queue whose counters changed since the last drain. */
export interface CountersEvent {
  type: 'counters';
  t: number;
  q: number;
  c: Counters;
  /** Tasks put but not yet taskDone()'d. */
  unfinished: number;
  /**
   * Calls blocked in put() / waiting in get() right now (exact). Present when the hub
   * counts them (columnar drains); without them readers count the waiters they were told of.
   */
  blocked?: number;
  waiting?: number;
  /**
   * Individual waits of this queue were sampled 1 in `sampled` (1: every wait is reported).
   * The counters above never are.
   */
  sampled?: number;
}

export interface ShutdownEvent {
  type: 'shutdown';
  t: number;
  q: number;
  immediate: boolean;
}

/** The queue was garbage-collected: it leaves the picture. */
export interface CollectedEvent {
  type: 'gc';
  t: number;
  q: number;
  /**
   * Its state when it went (since 2026-12-04; absent from older hubs): what it held, its
   * totals, and who was still waiting on it. A queue that changed after the previous drain
   * and was collected before the next one is not reported by that drain: these are its last
   * figures. `unfinished` is the count last read from the queue plus the puts since.
   */
  final?: CollectedFinal;
}

export interface CollectedFinal {
  size: number;
  puts: number;
  gets: number;
  unfinished: number;
  blocked: number;
  waiting: number;
}

/** Detail events were dropped because nobody drained (total for the realm so far). */
export interface DroppedEvent {
  type: 'dropped';
  t: number;
  total: number;
}

// ---------------------------------------------------------------------------
// Distributed queues (BullMQ on Redis, src/redis): added in v1, readers that do not know
// them ignore them. For such a queue the `queue`/`samples` depth is the ready backlog
// (waiting + paused + prioritized); these events carry the rest. docs/REDIS.md.
// ---------------------------------------------------------------------------

/** The job states a BullMQ queue is counted in. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed', 'paused'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Per-state job counts of a queue at `t` (one read of all its states in one round trip). */
export interface JobCountsEvent {
  type: 'jobCounts';
  t: number;
  q: number;
  counts: Record<JobState, number>;
  /** Age (ms) at `t` of the oldest job in 'waiting' (null: none waiting). */
  oldestWaitMs: number | null;
  /**
   * Events seen on the queue's event stream in the interval (previous jobCounts, t].
   * `retried` (since 2026-12-03; absent before, read as 0): failed attempts sent back to wait,
   * at once or after a backoff (BullMQ writes no 'failed' for those).
   */
  flow: { added: number; active: number; completed: number; failed: number; stalled: number; retried?: number };
}

export type JobEventKind = 'failed' | 'stalled' | 'retries-exhausted' | 'requeued' | 'retried';

/**
 * A notable job event from the queue's event stream ('requeued': moved back to waiting from
 * active after a stall, or by a stream read that did not see the job start; 'retried': a
 * failed attempt sent back to wait, at once or after a backoff, since 2026-12-03). `name` and `reason` are the program's data: shown as text only.
 */
export interface JobNoticeEvent {
  type: 'jobEvent';
  t: number;
  q: number;
  event: JobEventKind;
  jobId: string;
  name?: string;
  /** failedReason, cut at 200 characters. */
  reason?: string;
}

/** A worker connection of a queue (BullMQ names its connections; `getWorkers()` semantics). */
export interface WorkerInfoWire {
  /** Redis client id. */
  id: string;
  /** The worker's name ('' when the worker was not given one). */
  name: string;
  /** Seconds connected. */
  age: number;
  /** Seconds since its last command. */
  idle: number;
  /** In-program adapter only (docs/ADAPTERS.md, BullMQ): the Worker's concurrency. */
  concurrency?: number;
  /** In-program adapter only: the jobs this Worker runs now, oldest first (at most 20). */
  jobs?: RunningJobWire[];
}

/** A job a Worker of the traced program is running. `name` is program data: text only. */
export interface RunningJobWire {
  id: string;
  name: string;
  /** ms since this worker started running it. */
  ageMs: number;
  /** Attempts started, this one included (BullMQ's attemptsMade + 1). */
  attempts: number;
}

/** The workers of a queue, sent when the set changed. */
export interface WorkersEvent {
  type: 'workers';
  t: number;
  q: number;
  workers: WorkerInfoWire[];
}

/** The source could not be read from `since` to `t` (Redis unreachable): no data, not zeros. */
export interface GapEvent {
  type: 'gap';
  t: number;
  since: number;
  reason: string;
}

/**
 * Columnar drains (drain(maxBytes, { columns: true })) only: the rows of one or more
 * SamplesEvents as columns, all of one length (row i = q[i], depth[i], …). Readers expand
 * it back into a SamplesEvent (src/model/parse.ts), so nothing downstream sees it.
 */
export interface SampleColumnsEvent {
  type: 'sampleCols';
  t: number;
  q: number[];
  depth: number[];
  min: number[];
  max: number[];
  puts: number[];
  gets: number[];
  /** Optional: SampleRow's firstChange, -1 in a row without one. */
  first?: number[];
}

/**
 * Columnar drains only: the CountersEvents of every queue that changed since the previous
 * drain, as columns of one length. Readers expand it into CountersEvents.
 */
export interface CounterColumnsEvent {
  type: 'counterCols';
  t: number;
  q: number[];
  puts: number[];
  gets: number[];
  blockedPuts: number[];
  waitedGets: number[];
  timeouts: number[];
  aborts: number[];
  highWater: number[];
  dropped: number[];
  unfinished: number[];
  blocked: number[];
  waiting: number[];
  sampled: number[];
}

/** Column names of each columnar event, in the order the hub writes them. */
export const SAMPLE_COLUMNS = ['q', 'depth', 'min', 'max', 'puts', 'gets'] as const;
export const COUNTER_COLUMNS = [
  'q',
  'puts',
  'gets',
  'blockedPuts',
  'waitedGets',
  'timeouts',
  'aborts',
  'highWater',
  'dropped',
  'unfinished',
  'blocked',
  'waiting',
  'sampled',
] as const;

/** What a columnar drain may carry besides WireEvents (recordings keep them as lines; every reader expands them). */
export type ColumnarEvent = SampleColumnsEvent | CounterColumnsEvent;

export type WireEvent =
  | JobCountsEvent
  | JobNoticeEvent
  | WorkersEvent
  | GapEvent
  | QueueCreatedEvent
  | SamplesEvent
  | WaitStartEvent
  | WaitEndEvent
  | ShortWaitsEvent
  | CountersEvent
  | ShutdownEvent
  | CollectedEvent
  | DroppedEvent;

// ---------------------------------------------------------------------------
// hub.attach(), hub.drain(), hub.snapshot()
// ---------------------------------------------------------------------------

/** Who is speaking: one hub = one realm (main thread or a worker) of one process. */
export interface SourceInfo {
  v: number; // PROTOCOL_VERSION
  pid: number;
  threadId: number; // 0 on the main thread
  isMainThread: boolean;
  title: string;
  argv: string[];
  /** Epoch ms of the hub clock's zero. */
  origin: number;
  /** Hub time (ms since origin) when this was produced. */
  now: number;
  /** Depth sampling interval, ms. */
  sampleInterval: number;
  /**
   * Hub time when the hub armed: its data is complete from then on, and nothing it reports is
   * older. Readers start the session's timeline there. Absent from hubs that predate it.
   */
  armedAt?: number;
}

/**
 * The `lib` of Node streams' queues (src/trace/adapters/streams.ts). Often a tool's plumbing
 * rather than the program's work: a supervisor's pipes (nodemon), stdout.
 */
export const STREAM_LIB = 'node:stream';

/** What `hub.attach()` returns (as a JSON string). */
export interface AttachInfo extends SourceInfo {
  snapshot: Snapshot;
  /** The seq the next drain batch will carry. */
  nextSeq: number;
}

/** What `hub.drain(maxBytes)` returns (as a JSON string). */
export interface DrainBatch {
  v: number;
  /** Increments by one per batch; a reader that sees a jump lost a batch. */
  seq: number;
  /** Hub time at the drain. */
  t: number;
  events: WireEvent[];
  /**
   * Readers only, when the drain held columnar events: `events` in the same order with
   * those left columnar, as a recorder writes them (at 10,000 busy queues ~5x fewer bytes
   * and ~8x less time than one line per expanded event; docs/RECORDING.md).
   */
  compact?: (WireEvent | ColumnarEvent)[];
  /** True when maxBytes cut the batch; the rest comes with the next drain. */
  more: boolean;
  /**
   * The hub was in the middle of something (another drain, its exit tail) when this drain ran
   * inside it: nothing was taken and no seq consumed (`seq` repeats the last one handed out).
   * Readers ignore the batch and ask again later.
   */
  busy?: true;
  /** Total detail events dropped in this realm so far. */
  dropped: number;
  /** Columnar drains: debuggee milliseconds this drain took. */
  ms?: number;
  /** Columnar drains: new waits are reported 1 in `stride` right now (1: all of them). */
  stride?: number;
  /** Columnar drains: sample rows folded into one row per queue by this drain (resolution lost, nothing else). */
  folded?: number;
  /**
   * Columnar drains: the program's CPU time since the previous columnar drain, ms per second
   * of wall time (the whole process: process.cpuUsage()). The poller spaces drains so that
   * their own cost stays a small share of it. Absent where the hub cannot read it.
   */
  cpu?: number;
}

/** drain()'s second argument. Hubs that predate it ignore it and answer as without it. */
export interface DrainOptions {
  /**
   * Columnar answer under a fixed budget (docs/PROTOCOL.md, "Columnar drains"): lifecycle
   * events, then every changed queue's samples and counters as columns (always complete),
   * then detail (waits) up to maxBytes, sampled 1 in N when there is more than fits.
   */
  columns?: boolean;
}

export interface WaiterSnapshot {
  w: number;
  q: number;
  role: WaiterRoleWire;
  /** Hub time the wait started. */
  since: number;
  /** How long it has waited at snapshot time (at least this long when `adopted`). */
  waitMs: number;
  site?: CallSite;
  /** Already waiting when the hub was armed: `since` is the arming time, a lower bound. */
  adopted?: boolean;
}

export interface QueueSnapshot {
  q: number;
  name: string;
  kind: QueueKindWire;
  maxsize: number;
  size: number;
  shutdown: boolean;
  unfinished: number;
  site?: CallSite;
  counters: Counters;
  waiters: WaiterSnapshot[];
  /** Safe, bounded text previews of the first items in `get` order. */
  items: string[];
  /** As in QueueCreatedEvent. */
  lib?: string;
  concurrency?: number;
  units?: 'bytes';
  /** Library-specific figures at snapshot time, e.g. piscina's threads, utilization, wait_p50/p90/p99/max (ms). */
  stats?: Record<string, number>;
  /** Previews of the running tasks' data (async's workersList()), like `items`. */
  runningItems?: string[];
}

/** What `hub.snapshot({ items })` returns. */
export interface Snapshot {
  v: number;
  t: number;
  queues: QueueSnapshot[];
  /** Readers only: entries of `queues` the reader dropped as malformed (so the list is not whole). */
  skipped?: number;
}

// ---------------------------------------------------------------------------
// Recording files (.qscope): newline-delimited JSON, gzip-compressed when large.
// ---------------------------------------------------------------------------

/** First line of every recording. */
export interface RecordingHeader {
  type: 'qscope';
  v: number;
  /** Epoch ms when the recording was written. */
  created: number;
  /** What wrote it: 'hub' (QUEUESCOPE_TRACE_FILE) or 'extension'. */
  writer: 'hub' | 'extension';
  /** Free-form label: the debug session's name, the program's title. */
  label?: string;
}

/**
 * A source (one realm) joins the recording; every later line tagged with its `src`
 * belongs to it. Its snapshot, when present, seeds the queues alive at that moment.
 */
export interface RecordingSourceLine {
  type: 'source';
  src: string;
  info: SourceInfo;
  snapshot?: Snapshot;
}

/** The source ended (process exit, worker exit, session end). */
export interface RecordingEndLine {
  type: 'end';
  src: string;
  t: number;
  reason: string;
  /** The exit code, when the realm ended by 'exit'. */
  code?: number;
  /** An uncaught exception's first line (program data: text only). */
  error?: string;
  /** Where that exception was thrown (EndInfo.at). */
  at?: CallSite;
  /** The debugger asked it to stop (EndInfo.requested). */
  requested?: true;
  /** Exit code 13 was Node's, for a top-level await that never settled (EndInfo.unsettledAwait). */
  unsettledAwait?: true;
}

/**
 * A debugger stopped the realm (a breakpoint, a step, Pause) at `t` (hub time), or let it run
 * again at `t`. Replays and `queuescope check` count no wait, quiet time or window across a
 * pause, as the live engine does (docs/RECORDING.md, "Pauses"). Written by the extension's
 * session recorder since 2026-12-04; older readers skip these lines.
 */
export interface RecordingPauseLine {
  type: 'pause' | 'resume';
  src: string;
  t: number;
}

/**
 * How a realm ended, as its exit tail or its recording's end line says: `reason` 'exit',
 * 'uncaughtException', 'SIGINT', 'SIGTERM', 'SIGHUP', 'abrupt' (a main thread whose armed tail stayed
 * empty: its exit hooks never ran, e.g. SIGKILL or a crash; set by the reader) or 'ended' when only the session's end
 * is known.
 */
export interface EndInfo {
  reason: string;
  code?: number;
  /**
   * With code 13: Node's own code for a main ES module whose top-level await was still
   * waiting when the event loop ran out (not a program's process.exit(13)). Since 2026-12-04.
   */
  unsettledAwait?: true;
  error?: string;
  /**
   * Where the uncaught exception was thrown: the first frame of its stack in the program's
   * own code (not Node's, not QueueScope's; a dependency's only when no frame is the
   * program's). As the realm reported it; views map it through source maps.
   */
  at?: CallSite;
  /** The debugger asked it to stop (Stop, Restart, Disconnect): what it left behind is no news. */
  requested?: true;
}

/** Limits a reader applies to an EndInfo from the debuggee or a file. */
export const END_REASON_MAX = 64;
export const END_ERROR_MAX = 300;
const END_FILE_MAX = 2048;
const END_FN_MAX = 200;

/** The untrusted fields an EndInfo is read from (an exit tail's or a recording's end line, a webview message). */
export interface EndFields {
  reason?: unknown;
  code?: unknown;
  unsettledAwait?: unknown;
  error?: unknown;
  at?: unknown;
  requested?: unknown;
}

/** An EndInfo from untrusted fields, or undefined when `reason` is not a string. A malformed `at` is left out. */
export function endInfoOf(fields: EndFields): EndInfo | undefined {
  const { reason, code, error, at, requested, unsettledAwait } = fields;
  if (typeof reason !== 'string' || reason === '') return undefined;
  const out: EndInfo = { reason: reason.slice(0, END_REASON_MAX) };
  if (requested === true) out.requested = true;
  if (typeof code === 'number' && Number.isInteger(code) && Math.abs(code) < 2 ** 31) out.code = code;
  if (unsettledAwait === true && out.code !== undefined) out.unsettledAwait = true;
  if (typeof error === 'string' && error !== '') out.error = error.length > END_ERROR_MAX ? `${error.slice(0, END_ERROR_MAX - 1)}…` : error;
  const site = endSiteOf(at);
  if (site !== undefined) out.at = site;
  return out;
}

function endSiteOf(x: unknown): CallSite | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { file, line, column, fn } = x as Record<string, unknown>;
  const position = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n < 2 ** 31;
  if (typeof file !== 'string' || file === '' || file.length > END_FILE_MAX || !position(line) || !position(column)) return undefined;
  return { file, line, column, fn: typeof fn === 'string' ? fn.slice(0, END_FN_MAX) : '' };
}

/** Any WireEvent, tagged with the source it came from. */
export type RecordingEventLine = WireEvent & { src: string };

/**
 * A columnar event as a recording line (format version 2; written by the extension's
 * session recorder). Readers expand it into the RecordingEventLines it stands for, so
 * nothing downstream of the reader sees it.
 */
export type RecordingColumnsLine = ColumnarEvent & { src: string };

/** What a writer may put in a file: every RecordingLine, and columnar lines. */
export type StoredLine = RecordingLine | RecordingColumnsLine;

/**
 * The last line of a recording saved while its session ran (the panel's Save during a live
 * session, since 2026-12-05): `at` (epoch ms) is when. Its realms were still running, so a
 * reader judges no exit for them: the file ending is not the program ending. Older readers
 * skip the line (an unknown type).
 */
export interface RecordingSavedLine {
  type: 'saved';
  at: number;
}

export type RecordingLine = RecordingHeader | RecordingSourceLine | RecordingEndLine | RecordingPauseLine | RecordingSavedLine | RecordingEventLine;

/** A source's key: stable across a process's life. */
export function sourceKey(info: Pick<SourceInfo, 'pid' | 'threadId'>): string {
  return `${info.pid}:${info.threadId}`;
}

/** The one human label of a source, wherever it is shown (tree, panel, log, exports):
 *  "pid 123 main" or "pid 123 worker 2"; a source with no process (pid 0: a Redis watch)
 *  by its title, "BullMQ 'bull' on redis://host:6379". */
export function sourceLabel(info: Pick<SourceInfo, 'pid' | 'threadId'> & { title?: string }): string {
  // pid 0 is no process: a source without one (a Redis watch, src/redis) is named by its title.
  if (info.pid === 0 && typeof info.title === 'string' && info.title !== '') return info.title;
  return `pid ${info.pid} ${info.threadId === 0 ? 'main' : `worker ${info.threadId}`}`;
}
