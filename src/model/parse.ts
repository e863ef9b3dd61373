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
  type DrainBatch,
  type QueueSnapshot,
  type SampleRow,
  type Snapshot,
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

const KINDS = new Set(['fifo', 'lifo', 'priority']);
const ROLES = new Set(['put', 'get']);
const OUTCOMES = new Set(['served', 'timeout', 'aborted', 'shutdown']);
const optSite = (x: unknown): boolean => x === undefined || isCallSite(x);
const optNum = (x: unknown): boolean => x === undefined || isNum(x);
const optStr = (x: unknown): boolean => x === undefined || isStr(x);

/** `field "role" should be "put" or "get"`: a reason naming a field and what it should hold. */
const should = (type: string, field: string, what: string): string => `${type}: field "${field}" should be ${what}`;
const A_NUMBER = 'a finite number';
const A_SITE = 'a call site ({file, line, column})';
const oneOf = (set: ReadonlySet<string>): string => [...set].map((v) => JSON.stringify(v)).join(' or ');

/** The first field of counters `c` that is not as the model reads it, or undefined. */
function countersProblem(c: unknown, type: string, field: string): string | undefined {
  if (!isObj(c)) return should(type, field, 'an object');
  for (const k of ['puts', 'gets', 'blockedPuts', 'waitedGets', 'timeouts', 'aborts', 'highWater', 'dropped'] as const) {
    if (!isNum(c[k])) return should(type, `${field}.${k}`, A_NUMBER);
  }
  if (!optNum(c.running)) return should(type, `${field}.running`, A_NUMBER);
  return undefined;
}

/**
 * Why `e` is not a well-formed event of a type this reader knows, or undefined when it is:
 * every field the model and the diagnostics engine rely on, enum values included (a wait's
 * `role` of "eet" crashed `queuescope check` at its end, a queue's `site` of "x" in the
 * engine's site map). The drain reader (isKnownEvent) and the recording reader
 * (src/recording/format.ts) both ask it, so a live session and a file are held to the same.
 */
export function wireEventProblem(e: unknown): string | undefined {
  if (!isObj(e)) return 'not an object';
  const type = isStr(e.type) ? e.type : '';
  if (!isNum(e.t)) return should(type || 'event', 't', A_NUMBER);
  switch (type) {
    case 'queue':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!isStr(e.name)) return should(type, 'name', 'a string');
      if (!KINDS.has(e.kind as string)) return should(type, 'kind', oneOf(KINDS));
      if (!isNum(e.maxsize)) return should(type, 'maxsize', A_NUMBER);
      if (!isNum(e.size)) return should(type, 'size', A_NUMBER);
      if (!optSite(e.site)) return should(type, 'site', A_SITE);
      // lib, concurrency, units: read through libFacts(), which keeps only sound values
      // (p-queue's default concurrency, Infinity, arrives as null).
      return undefined;
    case 'samples':
      if (!Array.isArray(e.rows)) return should(type, 'rows', 'an array');
      for (let i = 0; i < e.rows.length; i++) {
        const r: unknown = e.rows[i];
        if (!Array.isArray(r) || r.length < 6) return `samples: row ${i} should be [q, depth, min, max, puts, gets]`;
        for (let k = 0; k < 6; k++) if (!isNum(r[k])) return `samples: row ${i} holds a non-number`;
      }
      return undefined;
    case 'wait':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!isNum(e.w)) return should(type, 'w', A_NUMBER);
      if (!ROLES.has(e.role as string)) return should(type, 'role', oneOf(ROLES));
      if (!optSite(e.site)) return should(type, 'site', A_SITE);
      return undefined;
    case 'waitEnd':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!isNum(e.w)) return should(type, 'w', A_NUMBER);
      if (!OUTCOMES.has(e.outcome as string)) return should(type, 'outcome', oneOf(OUTCOMES));
      if (!isNum(e.ms)) return should(type, 'ms', A_NUMBER);
      return undefined;
    case 'shortWaits':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!ROLES.has(e.role as string)) return should(type, 'role', oneOf(ROLES));
      if (!isNum(e.count)) return should(type, 'count', A_NUMBER);
      if (!isNum(e.totalMs)) return should(type, 'totalMs', A_NUMBER);
      if (!Array.isArray(e.hist) || !e.hist.every(isNum)) return should(type, 'hist', 'an array of numbers');
      return undefined;
    case 'counters':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!isNum(e.unfinished)) return should(type, 'unfinished', A_NUMBER);
      for (const k of ['blocked', 'waiting', 'sampled'] as const) if (!optNum(e[k])) return should(type, k, A_NUMBER);
      return countersProblem(e.c, type, 'c');
    case 'shutdown':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      return isBool(e.immediate) ? undefined : should(type, 'immediate', 'true or false');
    case 'gc':
      return isNum(e.q) ? undefined : should(type, 'q', A_NUMBER);
    case 'dropped':
      return isNum(e.total) ? undefined : should(type, 'total', A_NUMBER);
    case 'jobCounts':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!isObj(e.counts) || !Object.values(e.counts).every(isNum)) return should(type, 'counts', 'an object of numbers');
      if (!(e.oldestWaitMs === null || isNum(e.oldestWaitMs))) return should(type, 'oldestWaitMs', 'a number or null');
      if (!isObj(e.flow) || !Object.values(e.flow).every(isNum)) return should(type, 'flow', 'an object of numbers');
      return undefined;
    case 'jobEvent':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      // Any text: shown as text only, relied on by no rule, and an adapter may add kinds.
      if (!isStr(e.event)) return should(type, 'event', 'a string');
      if (!isStr(e.jobId)) return should(type, 'jobId', 'a string');
      if (!optStr(e.name)) return should(type, 'name', 'a string');
      if (!optStr(e.reason)) return should(type, 'reason', 'a string');
      return undefined;
    case 'workers':
      if (!isNum(e.q)) return should(type, 'q', A_NUMBER);
      if (!Array.isArray(e.workers) || !e.workers.every((w) => isObj(w) && isStr(w.id) && isStr(w.name) && isNum(w.age) && isNum(w.idle))) {
        return should(type, 'workers', 'a list of {id, name, age, idle}');
      }
      return undefined;
    case 'gap':
      if (!isNum(e.since)) return should(type, 'since', A_NUMBER);
      return isStr(e.reason) ? undefined : should(type, 'reason', 'a string');
    default:
      return `unknown event type ${JSON.stringify(type)}`;
  }
}

/** True when `e` is a well-formed event of a type this reader knows (wireEventProblem). */
export function isKnownEvent(e: unknown): e is WireEvent {
  return wireEventProblem(e) === undefined;
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
    const adopted = opt('runningAdopted');
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
        ...(present(since, i) ? { runningSince: since[i], ...(present(adopted, i) && adopted[i] === 1 ? { runningAdopted: true } : {}) } : {}),
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

/** Why `x` is not a waiter of a snapshot as the model reads it, or undefined. */
function waiterSnapshotProblem(x: unknown): string | undefined {
  const type = 'snapshot waiter';
  if (!isObj(x)) return `${type}: not an object`;
  if (!isNum(x.w)) return should(type, 'w', A_NUMBER);
  if (!isNum(x.q)) return should(type, 'q', A_NUMBER);
  if (!ROLES.has(x.role as string)) return should(type, 'role', oneOf(ROLES));
  if (!isNum(x.since)) return should(type, 'since', A_NUMBER);
  if (!isNum(x.waitMs)) return should(type, 'waitMs', A_NUMBER);
  if (!optSite(x.site)) return should(type, 'site', A_SITE);
  return undefined;
}

/**
 * Why `x` is not a queue of a snapshot as the model reads it, or undefined. The drain
 * reader drops such entries (readSnapshot); the recording reader refuses the line.
 */
export function queueSnapshotProblem(x: unknown): string | undefined {
  const type = 'snapshot queue';
  if (!isObj(x)) return `${type}: not an object`;
  if (!isNum(x.q)) return should(type, 'q', A_NUMBER);
  if (!isStr(x.name)) return should(type, 'name', 'a string');
  if (!KINDS.has(x.kind as string)) return should(type, 'kind', oneOf(KINDS));
  if (!isNum(x.maxsize)) return should(type, 'maxsize', A_NUMBER);
  if (!isNum(x.size)) return should(type, 'size', A_NUMBER);
  if (!isBool(x.shutdown)) return should(type, 'shutdown', 'true or false');
  if (!isNum(x.unfinished)) return should(type, 'unfinished', A_NUMBER);
  if (!optSite(x.site)) return should(type, 'site', A_SITE);
  const counters = countersProblem(x.counters, type, 'counters');
  if (counters) return counters;
  if (!Array.isArray(x.waiters)) return should(type, 'waiters', 'an array');
  for (const w of x.waiters) {
    const bad = waiterSnapshotProblem(w);
    if (bad) return bad;
  }
  if (!Array.isArray(x.items) || !x.items.every(isStr)) return should(type, 'items', 'an array of strings');
  return undefined;
}

const isQueueSnapshot = (x: unknown): x is QueueSnapshot => queueSnapshotProblem(x) === undefined;

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
