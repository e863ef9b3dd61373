// Reading what the hub sends: JSON text from attach()/drain()/snapshot() into wire types.
// The debuggee is not trusted to be well-formed (a truncated evaluate result, a different
// library version, a program that overwrote the hub): every reader returns either a value
// or a clear error, and never throws. Individual malformed events are dropped and counted
// rather than rejecting the whole batch, so one bad event loses nothing else.

import {
  COUNTER_COLUMNS,
  PROTOCOL_VERSION,
  type ColumnarEvent,
  SAMPLE_COLUMNS,
  type AttachInfo,
  type CallSite,
  type Counters,
  type DrainBatch,
  type QueueSnapshot,
  type SampleRow,
  type Snapshot,
  type WaiterSnapshot,
  type WireEvent,
} from '../protocol/wire';
import { statsOf } from './stats';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';

function parseJson(text: string, what: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const snippet = text.length > 80 ? `${text.slice(0, 60)}…(${text.length} chars)` : text;
    return fail(`${what}: not valid JSON (${(err as Error).message}): ${snippet}`);
  }
}

function checkVersion(v: unknown, what: string): string | undefined {
  if (!isNum(v)) return `${what}: missing protocol version`;
  if (v !== PROTOCOL_VERSION) return `${what}: protocol version ${v} is not supported (this extension reads ${PROTOCOL_VERSION})`;
  return undefined;
}

export function isCallSite(x: unknown): x is CallSite {
  return isObj(x) && isStr(x.file) && isNum(x.line) && isNum(x.column) && (x.fn === undefined || isStr(x.fn));
}

function isCounters(x: unknown): x is Counters {
  return (
    isObj(x) &&
    isNum(x.puts) &&
    isNum(x.gets) &&
    isNum(x.blockedPuts) &&
    isNum(x.waitedGets) &&
    isNum(x.timeouts) &&
    isNum(x.aborts) &&
    isNum(x.highWater) &&
    isNum(x.dropped)
  );
}

const KINDS = new Set(['fifo', 'lifo', 'priority']);
const ROLES = new Set(['put', 'get']);
const OUTCOMES = new Set(['served', 'timeout', 'aborted', 'shutdown']);
const optSite = (x: unknown): boolean => x === undefined || isCallSite(x);
const optNum = (x: unknown): boolean => x === undefined || isNum(x);

/** True when `e` is a well-formed event of a type this reader knows. */
export function isKnownEvent(e: unknown): e is WireEvent {
  if (!isObj(e) || !isNum(e.t)) return false;
  switch (e.type) {
    case 'queue':
      return isNum(e.q) && isStr(e.name) && KINDS.has(e.kind as string) && isNum(e.maxsize) && isNum(e.size) && optSite(e.site);
    case 'samples':
      return Array.isArray(e.rows) && e.rows.every((r) => Array.isArray(r) && r.length >= 6 && r.slice(0, 6).every(isNum));
    case 'wait':
      return isNum(e.q) && isNum(e.w) && ROLES.has(e.role as string) && optSite(e.site);
    case 'waitEnd':
      return isNum(e.q) && isNum(e.w) && OUTCOMES.has(e.outcome as string) && isNum(e.ms);
    case 'shortWaits':
      return isNum(e.q) && ROLES.has(e.role as string) && isNum(e.count) && isNum(e.totalMs) && Array.isArray(e.hist) && e.hist.every(isNum);
    case 'counters':
      return isNum(e.q) && isCounters(e.c) && isNum(e.unfinished) && optNum(e.blocked) && optNum(e.waiting) && optNum(e.sampled);
    case 'shutdown':
      return isNum(e.q) && isBool(e.immediate);
    case 'gc':
      return isNum(e.q);
    case 'dropped':
      return isNum(e.total);
    case 'jobCounts':
      return isNum(e.q) && isObj(e.counts) && Object.values(e.counts).every(isNum) && (e.oldestWaitMs === null || isNum(e.oldestWaitMs)) && isObj(e.flow);
    case 'jobEvent':
      return isNum(e.q) && isStr(e.event) && isStr(e.jobId) && (e.name === undefined || isStr(e.name)) && (e.reason === undefined || isStr(e.reason));
    case 'workers':
      return isNum(e.q) && Array.isArray(e.workers) && e.workers.every((w) => isObj(w) && isStr(w.id) && isStr(w.name) && isNum(w.age) && isNum(w.idle));
    case 'gap':
      return isNum(e.since) && isStr(e.reason);
    default:
      return false;
  }
}

/** The columns `names` of `e` when each is an array of finite numbers and all have one length. */
function readColumns(e: Obj, names: readonly string[]): number[][] | undefined {
  const cols: number[][] = [];
  for (const name of names) {
    const c = e[name];
    if (!Array.isArray(c) || (cols.length > 0 && c.length !== cols[0].length) || !c.every(isNum)) return undefined;
    cols.push(c as number[]);
  }
  return cols;
}

/**
 * A columnar event (columnar drains only) as the WireEvents it stands for: 'sampleCols' is
 * one 'samples' event, 'counterCols' one 'counters' event per queue. Undefined when `e` is
 * not a well-formed columnar event. The drain reader and the recording reader both expand
 * with it, so the model, replays and exporters only ever see the expanded form (recording
 * files keep the columns: docs/RECORDING.md, format version 2).
 */
export function expandColumns(e: unknown): WireEvent[] | undefined {
  if (!isObj(e) || !isNum(e.t)) return undefined;
  const t = e.t;
  if (e.type === 'sampleCols') {
    const c = readColumns(e, SAMPLE_COLUMNS);
    if (c === undefined) return undefined;
    const first = Array.isArray(e.first) && e.first.length === c[0].length ? (e.first as unknown[]) : undefined;
    const rows = c[0].map((q, i): SampleRow => {
      const row: SampleRow = [q, c[1][i], c[2][i], c[3][i], c[4][i], c[5][i]];
      const f = first?.[i];
      if (isNum(f) && f >= 0) row.push(f);
      return row;
    });
    return [{ type: 'samples', t, rows }];
  }
  if (e.type === 'counterCols') {
    const c = readColumns(e, COUNTER_COLUMNS);
    if (c === undefined) return undefined;
    // Optional: tasks running in another library's pool and its state (-1 in a row that lacks it).
    const n = c[0].length;
    const opt = (name: string): unknown[] | undefined => (Array.isArray(e[name]) && (e[name] as unknown[]).length === n ? (e[name] as unknown[]) : undefined);
    const running = opt('running');
    const paused = opt('paused');
    const rateLimited = opt('rateLimited');
    const since = opt('runningSince');
    const done = opt('done');
    const p99 = opt('taskP99Ms');
    const stats = opt('stats');
    const present = (col: unknown[] | undefined, i: number): col is number[] => col !== undefined && isNum(col[i]) && (col[i] as number) >= 0;
    return c[0].map((q, i): WireEvent => ({
      type: 'counters',
      t,
      q,
      c: {
        puts: c[1][i], gets: c[2][i], blockedPuts: c[3][i], waitedGets: c[4][i], timeouts: c[5][i], aborts: c[6][i], highWater: c[7][i], dropped: c[8][i],
        ...(present(running, i) ? { running: running[i] } : {}),
        ...(present(paused, i) ? { paused: paused[i] === 1 } : {}),
        ...(present(rateLimited, i) ? { rateLimited: rateLimited[i] === 1 } : {}),
        ...(present(since, i) ? { runningSince: since[i] } : {}),
        ...(present(done, i) && present(p99, i) ? { done: done[i], taskP99Ms: p99[i] } : {}),
        ...(stats !== undefined ? statsOf(stats[i]) : {}),
      },
      unfinished: c[9][i],
      blocked: c[10][i],
      waiting: c[11][i],
      sampled: c[12][i],
    }));
  }
  return undefined;
}

/**
 * Events of a batch split into the ones we can apply and a count of the rest (columnar ones
 * expanded). `compact`, only when the batch held columnar events: the same events in the
 * same order with the well-formed columnar ones left as they came (what a recorder writes).
 */
export function filterEvents(events: unknown[]): { events: WireEvent[]; skipped: number; unknownTypes: string[]; compact?: (WireEvent | ColumnarEvent)[] } {
  const good: WireEvent[] = [];
  let compact: (WireEvent | ColumnarEvent)[] | undefined;
  const unknownTypes = new Set<string>();
  let skipped = 0;
  for (const e of events) {
    if (isKnownEvent(e)) {
      good.push(e);
      compact?.push(e);
    } else if (isObj(e) && (e.type === 'sampleCols' || e.type === 'counterCols')) {
      const expanded = expandColumns(e);
      if (expanded !== undefined) {
        compact ??= good.slice();
        compact.push(e as unknown as ColumnarEvent);
        for (const x of expanded) good.push(x);
      } else {
        skipped++;
        unknownTypes.add(`malformed ${e.type}`);
      }
    } else {
      skipped++;
      unknownTypes.add(isObj(e) && isStr(e.type) ? e.type : typeof e);
    }
  }
  return { events: good, skipped, unknownTypes: [...unknownTypes], ...(compact !== undefined ? { compact } : {}) };
}

function isWaiterSnapshot(x: unknown): x is WaiterSnapshot {
  return isObj(x) && isNum(x.w) && isNum(x.q) && ROLES.has(x.role as string) && isNum(x.since) && isNum(x.waitMs) && optSite(x.site);
}

function isQueueSnapshot(x: unknown): x is QueueSnapshot {
  return (
    isObj(x) &&
    isNum(x.q) &&
    isStr(x.name) &&
    KINDS.has(x.kind as string) &&
    isNum(x.maxsize) &&
    isNum(x.size) &&
    isBool(x.shutdown) &&
    isNum(x.unfinished) &&
    optSite(x.site) &&
    isCounters(x.counters) &&
    Array.isArray(x.waiters) &&
    x.waiters.every(isWaiterSnapshot) &&
    Array.isArray(x.items) &&
    x.items.every(isStr)
  );
}

/** Validate an already-parsed snapshot object. Malformed queues are dropped and counted. */
export function readSnapshot(x: unknown, what = 'snapshot'): ParseResult<Snapshot & { skipped: number }> {
  if (!isObj(x)) return fail(`${what}: not an object`);
  const bad = checkVersion(x.v, what);
  if (bad) return fail(bad);
  if (!isNum(x.t) || !Array.isArray(x.queues)) return fail(`${what}: missing t or queues`);
  const queues = x.queues.filter(isQueueSnapshot);
  return { ok: true, value: { v: x.v as number, t: x.t, queues, skipped: x.queues.length - queues.length } };
}

/** snapshotExpression()'s result. */
export function parseSnapshot(text: string): ParseResult<Snapshot & { skipped: number }> {
  const json = parseJson(text, 'snapshot');
  return json.ok ? readSnapshot(json.value) : json;
}

/** attachExpression()'s result. */
export function parseAttachInfo(text: string): ParseResult<AttachInfo> {
  const json = parseJson(text, 'attach');
  if (!json.ok) return json;
  const x = json.value;
  if (!isObj(x)) return fail('attach: not an object');
  const bad = checkVersion(x.v, 'attach');
  if (bad) return fail(bad);
  if (!isNum(x.pid) || !isNum(x.threadId) || !isNum(x.origin) || !isNum(x.now) || !isNum(x.nextSeq)) {
    return fail('attach: missing pid, threadId, origin, now or nextSeq');
  }
  const snap = readSnapshot(x.snapshot, 'attach snapshot');
  if (!snap.ok) return snap;
  const info: AttachInfo = {
    v: x.v as number,
    pid: x.pid,
    threadId: x.threadId,
    isMainThread: isBool(x.isMainThread) ? x.isMainThread : x.threadId === 0,
    title: isStr(x.title) ? x.title : '',
    argv: Array.isArray(x.argv) ? x.argv.filter(isStr) : [],
    origin: x.origin,
    now: x.now,
    sampleInterval: isNum(x.sampleInterval) ? x.sampleInterval : 0,
    ...(isNum(x.armedAt) ? { armedAt: x.armedAt } : {}),
    snapshot: { v: snap.value.v, t: snap.value.t, queues: snap.value.queues, ...(snap.value.skipped > 0 ? { skipped: snap.value.skipped } : {}) },
    nextSeq: x.nextSeq,
  };
  return { ok: true, value: info };
}

/** A drain batch with its malformed or unknown events already taken out. */
export interface ParsedDrain extends DrainBatch {
  /** Events dropped because they were malformed or of an unknown type. */
  skipped: number;
  unknownTypes: string[];
}

/** Validate an already-parsed drain batch. */
export function readDrainBatch(x: unknown): ParseResult<ParsedDrain> {
  if (!isObj(x)) return fail('drain: not an object');
  const bad = checkVersion(x.v, 'drain');
  if (bad) return fail(bad);
  // A drain that failed in the hub says why (src/trace/hub.ts, drainNow); its seq is a gap.
  if (x.ok === false) return fail(`drain: the hub failed: ${typeof x.error === 'string' ? x.error.slice(0, 300) : 'no reason given'}`);
  if (!isNum(x.seq) || !isNum(x.t) || !Array.isArray(x.events)) return fail('drain: missing seq, t or events');
  const { events, skipped, unknownTypes, compact } = filterEvents(x.events);
  return {
    ok: true,
    value: {
      v: x.v as number,
      seq: x.seq,
      t: x.t,
      events,
      ...(compact !== undefined ? { compact } : {}),
      more: x.more === true,
      ...(x.busy === true ? { busy: true as const } : {}),
      dropped: isNum(x.dropped) ? x.dropped : 0,
      ...(isNum(x.ms) ? { ms: x.ms } : {}),
      ...(isNum(x.stride) ? { stride: x.stride } : {}),
      ...(isNum(x.folded) ? { folded: x.folded } : {}),
      ...(isNum(x.cpu) && x.cpu >= 0 ? { cpu: x.cpu } : {}),
      skipped,
      unknownTypes,
    },
  };
}

/** drainExpression()'s result. */
export function parseDrainBatch(text: string): ParseResult<ParsedDrain> {
  const json = parseJson(text, 'drain');
  return json.ok ? readDrainBatch(json.value) : json;
}
