// The realm's tracing hub: HubLink towards queues (src/queue/probe.ts), HubReaderApi towards
// readers (src/protocol/hub.ts). It is dormant until armed; while dormant it only keeps a
// WeakRef per queue so that arming later can find the live ones.
//
// Data flow: probes update QueueRecords; a sampling timer (unref'd, only scheduled while
// something changed) turns dirty records into 'samples' rows in the outbox; drain() adds
// what is due (announces live waiters, absolute counters of changed queues, short-wait
// aggregates) and serialises the outbox up to maxBytes. Everything is O(changes).
//
// Columnar drains (drain(maxBytes, { columns: true }), what the extension asks for) answer
// under a fixed budget instead: lifecycle events, then the summary of every changed queue as
// columns (always complete: samples folded when there are too many, counters with live
// blocked/waiting counts), then detail up to maxBytes; new waits are sampled 1 in `stride`
// when they would not fit (docs/PROTOCOL.md, "Columnar drains"). This file is over 400
// lines because both drain forms share the outbox and its accounting.
//
// Bounds when nobody drains: sample rows beyond maxPendingRows are coalesced (the record's
// interval simply grows, so depth, min and max stay exact), finished long waits beyond
// maxPendingWaits are dropped; both are counted. Lifecycle events and the 'waitEnd' of an
// announced wait are never dropped.
//
// Longer than ~400 lines on purpose: the probe side and the reader side share the outbox and
// the epochs that keep the state consistent at every statement; splitting them would spread
// that state over modules. The per-queue record is record.ts, the tunables config.ts.

import type { HubLink, ProbeTarget, QueueProbe, WaitOutcome } from '../queue/probe';
import { DEFAULT_PREVIEW_ITEMS, MAX_PREVIEW_ITEMS, pauseLead, type AttachOptions, type HubReaderApi, type HubTee, type PushOptions, type SnapshotOptions } from '../protocol/hub';
import {
  PROTOCOL_VERSION,
  type AttachInfo,
  type Counters,
  type DrainOptions,
  type QueueSnapshot,
  type SampleRow,
  type SamplesEvent,
  type Snapshot,
  type SourceInfo,
  type WaiterSnapshot,
  type WireEvent,
} from '../protocol/wire';
import { userSite } from './callsite';
import { CounterColumns, foldRows, SAMPLE_ROW_BYTES, sampleColumnsJson } from './columns';
import { clockOrigin, cpuUsage, now } from './clock';
import type { HubConfig } from './config';
import { builtin, clearUnrefInterval, nodeProcess, unrefInterval } from './env';
import { setExitTail } from './exitTail';
import { eventJson, shortWaitsJson } from './eventJson';
import { previewValue } from './preview';
import { Pusher, type PushDrain } from './pusher';
import { pullHolder, type PullHolder } from './formatterPull';
import { hasUnseenTasks, libFields, snapshotFields, withRunning } from './queueInfo';
import { QueueRecord, TIMED_BURST, TIMED_PER_SECOND, type RecordHost, type ShortWaits, type WaiterRecord } from './record';

/** Rows per 'samples' event, so that one event stays small enough for any maxBytes cut. */
const ROWS_PER_EVENT = 200;
/** Characters of lifecycle events (`queue`, `shutdown`, `gc`, `dropped`) one columnar drain carries at most. */
const LIFECYCLE_CHARS = 16 * 1024 * 1024;
/** Sampling ticks with nothing to sample before the sampling timer stops (re-armed by the next change). */
const IDLE_TICKS = 10;
/** Most capture time (ms) the budget can save up: a burst of new call sites after a quiet spell. */
const SITE_BURST_MS = 20;
/** Rough JSON size of one reported wait (a 'wait' with its site plus its 'waitEnd'). */
const WAIT_DETAIL_BYTES = 260;
/** Largest 1-in-N stride of wait detail. */
const MAX_STRIDE = 1 << 20;
/**
 * A wait left out of sampled detail that is still waiting this long is announced after all
 * (with its real start): when a busy program stalls, every party it waits on is listed, not
 * 1 in N of them, and a queue whose waits are all listed again stops saying "sampled".
 */
export const LATE_ANNOUNCE_MS = 1000;
/** Late announcements per drain (10,000 stalled queues are all listed within 100 drains). */
export const LATE_PER_DRAIN = 100;

/** The 'wait' event that tells readers of `w` (its real start, its site). */
function waitEvent(w: WaiterRecord): OutEvent {
  return { type: 'wait', t: w.t, q: w.rec.id, w: w.w, role: w.role, site: w.site, ...(w.adopted ? { adopted: true } : {}) };
}

/** The 'waitEnd' event of `w`, which ended at `t` after `ms`. */
function waitEndEvent(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): OutEvent {
  return { type: 'waitEnd', t, q: w.rec.id, w: w.w, outcome, ms };
}

/** Marks finished-long-wait events in the outbox (symbol keys are not serialised). */
const DETAIL_WAIT: unique symbol = Symbol('detailWait');
/** Both events of a finished wait no reader knew of: history, which a columnar drain sends after the live detail. */
const HISTORY: unique symbol = Symbol('history');
/** The 'wait' of a start-and-end pair pushed together: a drain sends both or neither. */
const PAIRED: unique symbol = Symbol('paired');
/**
 * The end of a wait a reader holds open (announced by a drain, or listed by a snapshot; a
 * listed one comes as a pair): a columnar drain sends it whatever its budget (see drainColumns).
 */
const HELD: unique symbol = Symbol('held');
type OutEvent = WireEvent & { [DETAIL_WAIT]?: true; [HISTORY]?: true; [PAIRED]?: true; [HELD]?: true };

/**
 * The JSON of the end paired with the start at list[k] (pushPair), or undefined. Both drain
 * forms send a pair whole: a 'wait' sent without its end reads as still waiting until the
 * next drain, 5-15 s later at 10,000 busy queues.
 */
function pairedEnd(list: readonly OutEvent[], k: number): string | undefined {
  return list[k][PAIRED] === true && k + 1 < list.length ? eventJson(list[k + 1]) : undefined;
}

interface WeakRefCtor {
  new (target: object): { deref(): ProbeTarget | undefined };
}
interface RegistryCtor {
  new (cb: (held: number) => void): { register(target: object, held: number): void };
}

export class Hub implements HubLink, HubReaderApi, RecordHost {
  // ---- RecordHost ----
  sampleEpoch = 0;
  sampleT = 0;
  nextWaiterId = 1;
  timedLeft = TIMED_BURST;
  readonly shortWaitMs: number;
  readonly siteGapMs: number;

  /** The exit tail is being written: readers' drains answer busy. */
  private exiting = false;
  /** Hub time of arm(): the start of this hub's data. */
  private armedAt = 0;
  /** The last drain() answer, which an exit tail repeats in case it never reached the reader. */
  private lastBatch = '';

  /** Capture time (ms) the call-site budget has left (config.siteBudgetMs a second, at most SITE_BURST_MS). */
  private siteTokens = SITE_BURST_MS;
  private siteRefillT = 0;

  private armed = false;
  private busy = false;
  private queueIds = 0;
  private readonly records = new Map<number, QueueRecord>();
  private readonly registry: { register(target: object, held: number): void } | null;

  private dirty: QueueRecord[] = recordList();
  private tickNo = 0;
  /**
   * The sampling timer: one repeating timer while queues change, stopped after IDLE_TICKS
   * ticks with nothing to sample. Not a timeout per tick: every timer is an async resource
   * whose creation and end run every async hook, js-debug's async stacks among them, and a
   * user's pause under F5 is stepped through that code (a timeout per tick doubled the
   * timers of a busy program, and its pauses took 2-4x as many steps).
   *
   * Only while no columnar reader reads (a program read by an old reader): the extension's
   * drains and the file recorder's each tick themselves, so under F5 there is no sampling
   * timer at all. As the most frequent timer, it was usually the first one due when a
   * user's pause stepped through node's timer code, and that stepping skipped it and missed
   * the user's timers: F6 took a median 13.3 s to be reported with it, 4.2 s without
   * (docs/PROTOCOL.md, "Sampling under a reader").
   */
  private timer: unknown = undefined;
  /** The period the running timer was started with; idle ticks since the last sampled one. */
  private timerMs = 0;
  private idleTicks = 0;
  /** Delay of the next sampling tick: sampleMs, stretched by the rows the last tick made (config.sampleRowRate). */
  private tickMs: number;
  private changed: QueueRecord[] = recordList();
  private changeEpoch = 0;

  private out: OutEvent[] = [];
  private outHead = 0;
  private pendingRows = 0;
  private pendingWaits = 0;

  // Wait-detail sampling (columnar drains set `stride`; 1 = every wait is reported).
  private stride = 1;
  /** Waits that were candidates for detail since the previous columnar drain. */
  private detailSeen = 0;
  /** Queues with waits sampled out of detail, or a stride above 1, to look at each drain (announceLate). */
  private readonly sampledLive = new Set<QueueRecord>();
  /**
   * Pools of other libraries running tasks that started before the hub armed: those end
   * unseen (their wrapper called straight through), so each drain asks the library's running
   * count and reports the pool when it moved, until it reads 0 (the running count last
   * reported, per record). Not every drain: an idle program's drains would never back off.
   */
  private readonly unseenPools = new Map<QueueRecord, number>();
  /** The counters of a columnar drain, reused from one drain to the next (see CounterColumns). */
  private readonly counterCols = new CounterColumns();
  /** Sample rows coalesced since the previous columnar drain because nobody drained. */
  private coalesced = 0;
  /** Sampling ticks that put rows in the outbox since the previous columnar drain (one: nothing to fold). */
  private rowTicks = 0;
  private columnsReader = false;
  /** Hub time of the previous columnar drain (the stride's rate window). */
  private lastColumnsT = -Infinity;
  /** Records whose short-wait aggregates wait for room in a columnar drain, oldest first (each flagged `shortQueued`). */
  private shortPending: QueueRecord[] = [];
  /** What the last columnar drain carried (for the pusher's pace). */
  private lastColumns: Omit<PushDrain, 'text'> = { empty: true, more: false, ms: 0 };
  /** The process's CPU ms at the previous columnar drain (negative: none yet; a fraction from the start, see the constructor). */
  private lastCpuMs = -0.5;
  private pusher: Pusher | undefined;
  /** The file recorder's tee: every drained batch, whoever drained it (see tee()). */
  private teeSink: HubTee | null = null;

  private seq = 0;
  /** A long answer being read in parts (bounded()/chunk()). */
  private staged: string | undefined;
  private stagedId = 0;
  /** Hub time of the latest drain (a reader is there); -Infinity before the first. */
  private lastDrainT = -Infinity;
  private droppedTotal = 0;
  private droppedReported = 0;
  private threadInfo: { threadId: number; isMainThread: boolean } | undefined;

  constructor(private readonly config: HubConfig) {
    // Fields that will hold fractions get one now: V8 stores a field as a small integer until
    // a fraction arrives, and that change of the Hub's shape deoptimises every optimised
    // queue operation that reads the hub through a probe (seen as a slow cold run, W7).
    this.siteTokens = 0.5;
    this.siteTokens = SITE_BURST_MS;
    this.siteRefillT = 0.5;
    this.siteRefillT = 0;
    this.sampleT = 0.5;
    this.sampleT = 0;
    this.timedLeft = 0.5;
    this.timedLeft = TIMED_BURST;
    // Fields the hot path reads and only a tick or a drain writes get a second store now.
    // V8 treats a field stored once as a constant and builds it into optimised code; the
    // first drain's store then deoptimised every queue operation that had read it (put,
    // get, the blocking path, waitStart, markChanged: "code dependencies"), and a program's
    // hot code compiled again. Measured: the fourth 20k-item W6n run armed took 8.9 ms
    // against 3.6 unarmed, 4.0 with these stores (bench/README.md, "Constant fields").
    this.sampleEpoch = -1;
    this.sampleEpoch = 0;
    this.changeEpoch = -1;
    this.changeEpoch = 0;
    this.dirty = recordList();
    this.changed = recordList();
    this.tickMs = config.sampleMs;
    this.shortWaitMs = config.shortWaitMs;
    this.siteGapMs = config.siteGapMs;
    const FR = (globalThis as { FinalizationRegistry?: RegistryCtor }).FinalizationRegistry;
    this.registry = FR !== undefined ? new FR((id) => this.collected(id)) : null;
  }

  // =====================================================================
  // HubLink (towards queues)
  // =====================================================================

  nextQueueId(): number {
    return ++this.queueIds;
  }

  register(queue: ProbeTarget): QueueProbe | null {
    try {
      const WR = (globalThis as { WeakRef?: WeakRefCtor }).WeakRef;
      if (WR === undefined) return null; // no way to hold it weakly: do not trace it
      const rec = new QueueRecord(this, queue.id, String(queue.name), queue.kind, queue.maxsize, new WR(queue), undefined);
      this.records.set(rec.id, rec);
      this.registry?.register(queue, rec.id);
      if (!this.armed) return null;
      rec.site = queue.creationSite ?? userSite(Hub.prototype.register, 'named');
      rec.restart(queue.qsize());
      rec.rowT = now();
      this.push({ type: 'queue', t: rec.rowT, q: rec.id, name: rec.name, kind: rec.kind, maxsize: rec.maxsize, site: rec.site, size: rec.size, ...libFields(queue) });
      return rec;
    } catch {
      return null;
    }
  }

  // =====================================================================
  // HubReaderApi (towards readers). Never throws.
  // =====================================================================

  attach(options?: AttachOptions): string {
    try {
      this.arm();
      if (options !== null && typeof options === 'object') setExitTail(this, (options as { tail?: unknown }).tail);
      const info: AttachInfo = { ...this.sourceInfo(), snapshot: this.takeSnapshot(DEFAULT_PREVIEW_ITEMS), nextSeq: this.seq + 1 };
      this.tell((sink) => sink.readerSeen());
      return JSON.stringify(info);
    } catch {
      return JSON.stringify({ v: PROTOCOL_VERSION, error: 'attach failed' });
    }
  }

  drain(maxBytes?: number, options?: DrainOptions): string {
    // A debugger's evaluate can run inside any of our statements (V8 dispatches inspector
    // messages at interrupts), e.g. in the middle of another drain or of the exit tail. Such a
    // drain takes nothing and consumes no seq: it says `busy` and the reader asks again.
    if (this.busy || this.exiting) return this.busyBatch();
    const columns = options !== null && typeof options === 'object' && options.columns === true;
    return this.drainNow(maxBytes, columns);
  }

  /**
   * The exit tail begins (src/trace/exitTail.ts): from now on readers' drains answer busy, so
   * none takes a seq or an event between the tail's. Returns the last answer a reader got.
   */
  beginExit(): string {
    this.exiting = true;
    return this.lastBatch;
  }

  /** The exit tail's drain, in the form the reader last asked for (readers' drain() answers busy once beginExit() ran). */
  exitDrain(maxBytes?: number): string {
    return this.busy ? this.busyBatch() : this.drainNow(maxBytes, this.columnsReader);
  }

  private drainNow(maxBytes: number | undefined, columns: boolean): string {
    const seq = ++this.seq;
    this.lastDrainT = now();
    this.busy = true;
    const queued = this.out.length - this.outHead;
    try {
      this.lastBatch = columns ? this.drainColumns(seq, this.clampBytes(maxBytes)) : this.drainBatch(seq, this.clampBytes(maxBytes));
      const batch = this.lastBatch;
      this.tell((sink) => sink.take(batch));
      return this.lastBatch;
    } catch (err) {
      // Whatever this drain took from the outbox is lost: said so, not answered as an empty
      // batch of this seq (which read as "nothing happened"). Readers see an error and then a
      // seq gap (a resync by snapshot), and the next batch's `dropped` counts the events.
      this.out = [];
      this.outHead = 0;
      this.droppedTotal += queued;
      const why = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown';
      return JSON.stringify({ v: PROTOCOL_VERSION, ok: false, error: `drain ${seq} failed (${why}); ${queued} queued events lost` });
    } finally {
      this.busy = false;
    }
  }

  /**
   * Push columnar drains into `globalThis[binding]` (a CDP binding) on the hub's own timer
   * until the lease runs out or the binding fails; calling again renews and retunes.
   * Returns JSON `{ v, ok, nextSeq? , error? }`. See src/trace/pusher.ts.
   */
  startPush(binding: unknown, options?: PushOptions): string {
    try {
      const fn = typeof binding === 'string' ? (globalThis as Record<string, unknown>)[binding] : undefined;
      if (typeof fn !== 'function') return JSON.stringify({ v: PROTOCOL_VERSION, ok: false, error: 'no such binding' });
      this.arm();
      const o = options !== null && typeof options === 'object' ? options : {};
      const pusher = (this.pusher ??= new Pusher((maxBytes) => this.drainForPush(maxBytes)));
      pusher.start((text) => (fn as (text: string) => void)(text), {
        intervalMs: clampNumber(o.intervalMs, 10, 10_000, 100),
        maxBytes: this.clampBytes(o.maxBytes),
        leaseMs: clampNumber(o.leaseMs, 1000, 600_000, 30_000),
      });
      this.tell((sink) => sink.readerSeen());
      return JSON.stringify({ v: PROTOCOL_VERSION, ok: true, nextSeq: this.seq + 1 });
    } catch {
      return JSON.stringify({ v: PROTOCOL_VERSION, ok: false, error: 'push failed' });
    }
  }

  /** Stop pushing (idempotent). */
  stopPush(): void {
    this.pusher?.stop();
  }

  /**
   * A holder whose marker drains (columnar, up to `maxBytes`) each time a debugger with
   * custom formatters on describes it, or an error text (src/trace/formatterPull.ts).
   */
  formatterPull(maxBytes?: unknown): PullHolder | string {
    try {
      this.arm();
      const bytes = this.clampBytes(maxBytes);
      this.tell((sink) => sink.readerSeen());
      return pullHolder(() => this.drain(bytes, { columns: true }));
    } catch {
      return 'formatter pull failed';
    }
  }

  /**
   * The file recorder's tee: `sink` gets every batch drained from now on, whoever asked for
   * it (a debugger's reader, the exit tail, the recorder itself). With a debugger reading,
   * the recorder stops draining on its own, so the two never split the events between them.
   */
  tee(sink: HubTee | null): boolean {
    this.teeSink = sink !== null && typeof sink === 'object' && typeof sink.take === 'function' ? sink : null;
    return true;
  }

  /** Tell the tee's sink, if any; its failure is the recording's loss, never the reader's or the program's. */
  private tell(call: (sink: HubTee) => void): void {
    const sink = this.teeSink;
    if (sink === null) return;
    try {
      call(sink);
    } catch {
      // see above
    }
  }

  private drainForPush(maxBytes: number): PushDrain {
    const text = this.drain(maxBytes, { columns: true });
    return { text, ...this.lastColumns };
  }

  /**
   * `text` whole when at most `maxChars` long; else staged, and its first part after a
   * `#chunk <id> <length>` line (src/protocol/hub.ts, boundedExpression): readers fetch the
   * rest with chunk(). One staged answer at a time (a reader asks for one answer at a time).
   */
  bounded(text: unknown, maxChars?: unknown): string {
    if (typeof text !== 'string') return String(text);
    const max = partMax(maxChars);
    if (text.length <= max) return text;
    const id = ++this.stagedId;
    this.staged = text;
    const head = `#chunk ${id} ${text.length}\n`;
    return head + text.slice(0, partEnd(text, 0, max - head.length));
  }

  /** `maxChars` characters of staged answer `id` from `offset`; "" when it is not staged (any more). */
  chunk(id: unknown, offset: unknown, maxChars?: unknown): string {
    const text = this.staged;
    if (text === undefined || id !== this.stagedId || typeof offset !== 'number' || !(offset >= 0) || offset >= text.length) return '';
    const end = partEnd(text, offset, partMax(maxChars));
    if (end >= text.length) this.staged = undefined; // the last part: nothing more to keep
    return text.slice(offset, end);
  }

  snapshot(options?: SnapshotOptions): Snapshot {
    try {
      const n = options !== null && typeof options === 'object' ? Number(options.items) : NaN;
      const items = Number.isFinite(n) ? Math.max(0, Math.min(MAX_PREVIEW_ITEMS, Math.floor(n))) : DEFAULT_PREVIEW_ITEMS;
      const snap = this.takeSnapshot(items);
      if (options !== null && typeof options === 'object' && options.paused === true) {
        const at = snap.t - pauseLead(options.pausedMs, snap.t);
        this.tell((sink) => sink.paused?.(at));
      }
      return snap;
    } catch {
      return { v: PROTOCOL_VERSION, t: now(), queues: [] };
    }
  }

  /** Who this hub is (also the recording's source line). */
  sourceInfo(): SourceInfo {
    const p = nodeProcess();
    if (this.threadInfo === undefined) {
      const wt = builtin<{ threadId?: number; isMainThread?: boolean }>('node:worker_threads');
      this.threadInfo = { threadId: Number(wt?.threadId ?? 0), isMainThread: wt?.isMainThread !== false };
    }
    let argv: string[] = [];
    try {
      if (Array.isArray(p?.argv)) argv = p.argv.map(String);
    } catch {
      argv = [];
    }
    return {
      v: PROTOCOL_VERSION,
      pid: typeof p?.pid === 'number' ? p.pid : 0,
      threadId: this.threadInfo.threadId,
      isMainThread: this.threadInfo.isMainThread,
      title: typeof p?.title === 'string' ? p.title : '',
      argv,
      origin: clockOrigin(),
      now: now(),
      sampleInterval: this.config.sampleMs,
      ...(this.armed ? { armedAt: this.armedAt } : {}),
    };
  }

  /** Start recording: install probes on every live queue and announce them. Idempotent. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    const t = now();
    this.armedAt = t;
    this.sampleT = t;
    for (const rec of this.records.values()) {
      const q = rec.ref.deref();
      if (q === undefined) continue;
      rec.restart(q.qsize());
      rec.rowT = t;
      q.setProbe(rec);
      rec.site ??= q.creationSite; // registered while dormant: only an adapter's early capture is known
      this.push({ type: 'queue', t, q: rec.id, name: rec.name, kind: rec.kind, maxsize: rec.maxsize, ...(rec.site !== undefined ? { site: rec.site } : {}), size: rec.size, ...libFields(q) });
      // Who is blocked right now is what someone attaching to a stalled program came to see.
      if (typeof q.adoptWaiters === 'function') q.adoptWaiters((role) => rec.adoptWait(role));
      // A pool's tasks already running: its counters in the first drain (a stalled pool has no
      // other change to report them), which also puts it under watch (unseenPools).
      if (typeof q.running === 'function') this.markChanged(rec);
    }
  }

  // =====================================================================
  // For adapters whose library keeps its state outside the program (BullMQ in Redis)
  // =====================================================================

  /**
   * Queue a distributed-queue event (`jobCounts`, `jobEvent`, `workers`) of queue `ev.q` for
   * the next drain. Only while armed; returns whether it was queued. Optional on hubs: older
   * copies lack it and adapters check for it.
   */
  adapterEvent(ev: WireEvent): boolean {
    if (!this.armed || this.exiting) return false;
    this.push(ev);
    return true;
  }

  /** Is someone reading: armed, and drained within the last `ms`? (adapters pause their own reads otherwise) */
  readerActive(ms: number): boolean {
    return this.armed && now() - this.lastDrainT <= ms;
  }

  // =====================================================================
  // RecordHost (called by probes)
  // =====================================================================

  siteBudgetLeft(t: number): boolean {
    // Callers pass precise times and sampling-interval starts alike: refill only forwards.
    if (t > this.siteRefillT) {
      this.siteTokens = Math.min(SITE_BURST_MS, this.siteTokens + ((t - this.siteRefillT) * this.config.siteBudgetMs) / 1000);
      this.siteRefillT = t;
    }
    return this.siteTokens > 0;
  }

  siteSpent(ms: number): void {
    this.siteTokens -= ms;
  }

  markDirty(rec: QueueRecord): void {
    rec.sampleEpoch = this.sampleEpoch;
    rec.firstChange = now(); // once per queue per tick, not per item
    this.dirty.push(rec);
    if (this.timer === undefined && !this.columnsReader) this.startTicking();
  }

  markChanged(rec: QueueRecord): void {
    if (rec.changeEpoch === this.changeEpoch) return;
    rec.changeEpoch = this.changeEpoch;
    this.changed.push(rec);
  }

  waitEndedAnnounced(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void {
    const end: OutEvent = waitEndEvent(w, t, outcome, ms);
    end[HELD] = true;
    this.push(end);
  }

  waitEndedListed(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void {
    // Its start and end as a pair (never cut: a reader holding it must hear of its end).
    const start: OutEvent = waitEvent(w);
    start[HELD] = true;
    this.pushPair(start, waitEndEvent(w, t, outcome, ms));
  }

  waitEndedLong(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void {
    if (w.sampledOut || !this.takeDetail(w.rec)) return; // counted in its counters all the same
    if (this.pendingWaits >= this.config.maxPendingWaits) {
      w.rec.dropped++;
      this.droppedTotal++;
      return;
    }
    this.pendingWaits++;
    const start = waitEvent(w);
    start[DETAIL_WAIT] = true;
    start[HISTORY] = true;
    const end = waitEndEvent(w, t, outcome, ms);
    end[HISTORY] = true;
    this.pushPair(start, end);
  }

  queueShutdown(rec: QueueRecord, immediate: boolean): void {
    this.push({ type: 'shutdown', t: now(), q: rec.id, immediate });
    this.markChanged(rec);
  }

  // =====================================================================
  // Internals
  // =====================================================================

  private push(ev: OutEvent): void {
    this.out.push(ev);
  }

  /** A wait's start and its end, which a drain sends both or neither (pairedEnd). */
  private pushPair(start: OutEvent, end: OutEvent): void {
    start[PAIRED] = true;
    this.out.push(start, end);
  }

  /** Readers hear of `w` now; its end will be reported too. */
  private announce(w: WaiterRecord): void {
    w.announced = true;
    this.push(waitEvent(w));
  }

  /** Is this wait of `rec` one to report in detail (1 in `stride`, per queue)? */
  private takeDetail(rec: QueueRecord): boolean {
    if (!this.columnsReader) return true;
    this.detailSeen++;
    const stride = this.stride;
    rec.detailStride = stride;
    if (stride === 1) return true;
    this.sampledLive.add(rec); // its "sampled" mark is cleared once detail is whole again
    return rec.detailCount++ % stride === 0;
  }

  private startTicking(): void {
    this.timerMs = this.tickMs;
    this.idleTicks = 0;
    this.timer = unrefInterval(this.onTimer, this.tickMs);
  }

  private stopTicking(): void {
    clearUnrefInterval(this.timer);
    this.timer = undefined;
  }

  private readonly onTimer = (): void => {
    if (this.busy) return; // inside a drain: the next tick samples
    if (this.dirty.length === 0) {
      if (++this.idleTicks >= IDLE_TICKS) this.stopTicking();
      return;
    }
    this.idleTicks = 0;
    this.busy = true;
    try {
      this.tick(now(), false);
    } catch {
      // never into the program
    } finally {
      this.busy = false;
    }
    // Many busy queues stretch the tick (sampleRowRate): go on at the new pace.
    if (this.timer !== undefined && this.tickMs !== this.timerMs) {
      this.stopTicking();
      if (this.dirty.length > 0) this.startTicking();
    }
  };

  /**
   * Turn dirty records into sample rows. Unforced ticks coalesce instead when the outbox
   * already holds maxPendingRows rows: the record stays dirty and its interval grows.
   */
  private tick(t: number, force: boolean): void {
    const list = this.dirty;
    this.dirty = recordList();
    this.sampleEpoch++;
    this.timedLeft = Math.min(TIMED_BURST, this.timedLeft + ((t - this.sampleT) * TIMED_PER_SECOND) / 1000);
    this.sampleT = t;
    const tick = ++this.tickNo;
    const full = !force && this.pendingRows >= this.config.maxPendingRows;
    let rows: SampleRow[] = [];
    const pendingBefore = this.pendingRows;
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.gone || rec.lastTick === tick) continue;
      rec.lastTick = tick;
      this.markChanged(rec);
      if (full) {
        // A columnar reader folds rows anyway: coalescing loses it nothing it would keep.
        if (this.columnsReader) this.coalesced++;
        else {
          rec.dropped++;
          this.droppedTotal++;
        }
        rec.sampleEpoch = this.sampleEpoch;
        this.dirty.push(rec);
        continue;
      }
      const row: SampleRow = [rec.id, rec.size, rec.min, rec.max, rec.putsI, rec.getsI];
      // Quiet for a good share of the interval (a burst after an idle spell, between drains
      // the poller has spaced out to seconds): say when it started, or the band of the row
      // would cover the quiet part too.
      const quiet = rec.firstChange - rec.rowT;
      if (quiet >= this.config.sampleMs && quiet >= (t - rec.rowT) / 4) row.push(rec.firstChange);
      rec.rowT = t;
      rows.push(row);
      // The interval's peak is the high-water candidate; restart() only sees the final depth.
      if (rec.max > rec.highWater) rec.highWater = rec.max;
      rec.puts += rec.putsI;
      rec.gets += rec.getsI;
      rec.putsI = rec.getsI = 0;
      rec.restart(rec.size);
      if (rows.length === ROWS_PER_EVENT) {
        this.pushRows(t, rows);
        rows = [];
      }
    }
    if (rows.length > 0) this.pushRows(t, rows);
    if (this.pendingRows !== pendingBefore) this.rowTicks++;
    // Rows per second stay under sampleRowRate: many busy queues stretch the tick instead.
    this.tickMs = Math.max(this.config.sampleMs, (list.length * 1000) / this.config.sampleRowRate);
    if (this.dirty.length > 0 && this.timer === undefined && !this.columnsReader) this.startTicking();
  }

  private pushRows(t: number, rows: SampleRow[]): void {
    this.pendingRows += rows.length;
    this.push({ type: 'samples', t, rows });
  }

  private drainBatch(seq: number, maxBytes: number): string {
    const t = now();
    if (this.armed) {
      this.tick(t, true);
      this.pollUnseen();
      this.reportChanged(t);
    }
    if (this.droppedTotal !== this.droppedReported) {
      this.droppedReported = this.droppedTotal;
      this.push({ type: 'dropped', t, total: this.droppedTotal });
    }
    // Serialise from the outbox until the next event would pass maxBytes (at least one).
    const head = `{"v":${PROTOCOL_VERSION},"seq":${seq},"t":${t},"events":[`;
    let size = head.length + 64;
    const parts: string[] = [];
    const out = this.out;
    let k = this.outHead;
    for (; k < out.length; k++) {
      const ev = out[k];
      const s = eventJson(ev);
      const end = pairedEnd(out, k);
      if (end !== undefined && size + s.length + end.length + 2 > maxBytes && parts.length > 0) break;
      if (size + s.length + 1 > maxBytes) {
        // Too big for what is left: send the sample rows that fit and keep the rest.
        if (ev.type === 'samples') {
          const part = this.splitRows(ev, maxBytes - size - 1);
          if (part !== '') {
            parts.push(part);
            size += part.length + 1;
          }
        }
        if (parts.length > 0) break;
      }
      size += s.length + 1;
      parts.push(s);
      if (ev.type === 'samples') this.pendingRows -= ev.rows.length;
      else if (ev[DETAIL_WAIT] === true) this.pendingWaits--;
      if (end !== undefined) {
        size += end.length + 1;
        parts.push(end);
        k++;
      }
    }
    const more = k < out.length;
    if (more) {
      this.outHead = k;
      if (k > 1024 && k * 2 > out.length) {
        this.out = out.slice(k);
        this.outHead = 0;
      }
    } else {
      this.out = [];
      this.outHead = 0;
    }
    return `${head}${parts.join(',')}],"more":${more},"dropped":${this.droppedTotal}}`;
  }

  /**
   * A columnar drain: lifecycle events (all), the changed queues' samples and counters as
   * columns (all; rows folded per queue when they would take more than half of maxBytes),
   * then detail events up to what is left of maxBytes (at least a quarter of it, so detail
   * always progresses). Detail that does not fit stays queued (`more`), and the next
   * interval samples new waits more sparsely.
   */
  private drainColumns(seq: number, maxBytes: number): string {
    const t = now();
    if (!this.columnsReader) {
      this.columnsReader = true;
      // From now on each drain is the sampling tick (see `timer`).
      if (this.timer !== undefined) this.stopTicking();
    }
    let counters: CounterColumns | undefined;
    if (this.armed) {
      this.tick(t, true);
      this.announceLate(t);
      this.pollUnseen();
      counters = this.reportChangedColumns(maxBytes);
    }
    if (this.droppedTotal !== this.droppedReported) {
      this.droppedReported = this.droppedTotal;
      this.push({ type: 'dropped', t, total: this.droppedTotal });
    }
    // Split the outbox: lifecycle and sample rows all go now; detail waits its turn. Lifecycle
    // up to LIFECYCLE_CHARS: past it, the rest stays queued in order (`more`). A hub nobody read
    // while ~1.8M queues came and went built an answer past V8's longest string, and the drain
    // that threw lost every event.
    const parts: string[] = [];
    const rowEvents: SamplesEvent[] = [];
    const detail: OutEvent[] = [];
    const heldLifecycle: OutEvent[] = [];
    let lifecycleChars = 0;
    let rowCount = 0;
    const out = this.out;
    for (let k = this.outHead; k < out.length; k++) {
      const ev = out[k];
      if (ev.type === 'samples') {
        rowEvents.push(ev);
        rowCount += ev.rows.length;
      } else if (ev.type === 'queue' || ev.type === 'shutdown' || ev.type === 'gc' || ev.type === 'dropped') {
        if (heldLifecycle.length === 0) {
          const text = eventJson(ev);
          if (lifecycleChars === 0 || lifecycleChars + text.length <= LIFECYCLE_CHARS) {
            lifecycleChars += text.length + 1;
            parts.push(text);
            continue;
          }
        }
        heldLifecycle.push(ev);
      } else detail.push(ev);
    }
    this.pendingRows -= rowCount;
    const rowTicks = this.rowTicks;
    this.rowTicks = 0; // every row event goes in this drain
    let folded = this.coalesced;
    this.coalesced = 0;
    if (rowCount * SAMPLE_ROW_BYTES <= maxBytes / 2) {
      for (const ev of rowEvents) parts.push(sampleColumnsJson(ev.t, ev.rows));
    } else if (rowCount > 0) {
      const all: SampleRow[] = [];
      for (const ev of rowEvents) for (let i = 0; i < ev.rows.length; i++) all.push(ev.rows[i]);
      // One tick samples a queue once: rows all from one tick have nothing to fold (the
      // common case with thousands of busy queues, whose ticks stretch past the poll). Two
      // ticks may read the same clock, so ticks are counted, not told apart by time.
      if (rowTicks === 1) parts.push(sampleColumnsJson(rowEvents[0].t, all));
      else {
        const one = foldRows(all);
        folded += all.length - one.length;
        parts.push(sampleColumnsJson(t, one));
      }
    }
    if (counters !== undefined && counters.length > 0) parts.push(counters.json(t));
    // Detail, within the budget: what readers hold open first (announced waits and their
    // ends, in order), then history (finished waits nobody knew of, whole pairs). At 10,000
    // queues up to 2,000 history pairs queued ahead of the ends of announced waits, which
    // then reached the reader a minute late: consumers served long ago read "waiting".
    let size = 0;
    for (const p of parts) size += p.length + 1;
    const room = Math.max(maxBytes - size, maxBytes / 4);
    let used = 0;
    const live: OutEvent[] = [];
    const history: OutEvent[] = [];
    for (const ev of detail) (ev[HISTORY] === true ? history : live).push(ev);
    const left: OutEvent[] = [];
    // What readers hold first, then history, each in its own order (sendInOrder).
    for (const list of [live, history]) used = this.sendInOrder(list, room, used, parts, left);
    const more = left.length > 0 || heldLifecycle.length > 0;
    this.out = heldLifecycle.length > 0 ? heldLifecycle.concat(left) : left;
    this.outHead = 0;
    // Short-wait aggregates in what room is left (they never set `more`: they only get coarser).
    let s = 0;
    const pending = this.shortPending;
    for (; s < pending.length && used < room; s++) {
      const rec = pending[s];
      rec.shortQueued = false;
      if (rec.gone) continue;
      for (let r = 0; r < 2; r++) {
        const agg = r === 0 ? rec.shortPut : rec.shortGet;
        if (agg === null || agg.count === 0) continue;
        const text = shortWaitsJson(t, rec.id, r === 0 ? 'put' : 'get', agg.count, agg.totalMs, agg.hist);
        used += text.length + 1;
        parts.push(text);
        agg.reset();
      }
    }
    this.shortPending = s < pending.length ? pending.slice(s) : [];
    const elapsed = t - this.lastColumnsT;
    this.adaptStride(room, more, elapsed);
    this.lastColumnsT = t;
    // Joined before the clock is read: at 10,000 queues the join of ~1 MB is part of what a
    // drain costs the program, and the pacing rules read `ms`.
    const events = parts.join(',');
    const ms = Math.round((now() - t) * 1000) / 1000;
    const cpu = this.cpuSince(elapsed);
    this.lastColumns = { empty: parts.length === 0, more, ms, cpu };
    return `{"v":${PROTOCOL_VERSION},"seq":${seq},"t":${t},"events":[${events}],"more":${more},"dropped":${this.droppedTotal},"ms":${ms},"stride":${this.stride},"folded":${folded}${cpu === undefined ? '' : `,"cpu":${cpu}`}}`;
  }

  /**
   * Detail events of one class, in order, into `parts` while `used` stays within `room`; the
   * rest into `left`. Returns the new `used`. Once one does not fit, the rest waits too, and a
   * pair goes whole (pairedEnd). The ends of waits the reader holds go whatever the room:
   * they are bounded by the waits it was told of (new announcements are budgeted in
   * reportChangedColumns, a snapshot lists the program's own waiters once), and each one cut
   * read as a party still waiting until a later drain. A snapshot taken while 10,000
   * consumers waited queued 10,000 such pairs, which a quarter of the budget per drain took
   * ~38 drains to send: 3 min at 10,000 busy queues under F5, with ~1,900 consumers served
   * long ago listed as waiting. An end whose own announcement this drain cuts waits for it.
   */
  private sendInOrder(list: readonly OutEvent[], room: number, used: number, parts: string[], left: OutEvent[]): number {
    const cutWaits = new Set<number>();
    let cut = false;
    for (let k = 0; k < list.length; k++) {
      const ev = list[k];
      const w = (ev as { w?: number }).w;
      const held = ev[HELD] === true && !(ev.type === 'waitEnd' && w !== undefined && cutWaits.has(w));
      // Not serialised once it can only be left.
      const s = held || !cut ? eventJson(ev) : '';
      const end = held || !cut ? pairedEnd(list, k) : undefined;
      const size = s.length + 1 + (end === undefined ? 0 : end.length + 1);
      if (!held && !cut && used + size > room && used > 0) cut = true;
      if (!held && cut) {
        if (ev.type === 'wait' && w !== undefined) cutWaits.add(w);
        left.push(ev);
        if (ev[PAIRED] === true && k + 1 < list.length) left.push(list[++k]);
        continue;
      }
      used += size;
      parts.push(s);
      if (ev[DETAIL_WAIT] === true) this.pendingWaits--;
      if (end !== undefined) {
        parts.push(end);
        k++;
      }
    }
    return used;
  }

  /**
   * The process's CPU ms per wall second over the `elapsedMs` since the previous columnar
   * drain (undefined on the first, or where process.cpuUsage is missing): the poller keeps
   * its drains a small share of what the program itself spends.
   */
  private cpuSince(elapsedMs: number): number | undefined {
    const usage = cpuUsage();
    if (usage === undefined) return undefined;
    const previous = this.lastCpuMs;
    this.lastCpuMs = usage;
    if (previous < 0 || !(elapsedMs > 0) || !Number.isFinite(elapsedMs)) return undefined;
    return Math.round(((usage - previous) * 1000 * 10) / elapsedMs) / 10;
  }

  /**
   * Next interval's 1-in-N stride of wait detail: enough that the waits seen since the
   * previous drain (`elapsedMs` ago) would take at most half of the room detail had in this
   * drain, and come at most config.detailRate a second. Up at once (power of two), down by
   * halves only when a quarter of the stride would do (or no wait came at all), so it does
   * not flap. Doubles while detail is left behind and new waits keep coming.
   */
  private adaptStride(room: number, behind: boolean, elapsedMs: number): void {
    const seen = this.detailSeen;
    // The first drain has no window: count it as one default poll interval.
    const perWindow = (this.config.detailRate * (Number.isFinite(elapsedMs) ? Math.max(1, elapsedMs) : 100)) / 1000;
    const need = Math.max(Math.ceil((seen * WAIT_DETAIL_BYTES) / (room / 2)), Math.ceil(seen / Math.max(1, perWindow)));
    this.detailSeen = 0;
    let target = 1;
    while (target < need && target < MAX_STRIDE) target *= 2;
    // Still behind with new waits coming: sparser, but never sparser than 1 in what came
    // (a backlog alone, e.g. the waits adopted at arming, only needs time).
    if (behind && seen > 0 && target <= this.stride && this.stride < seen) target = Math.min(MAX_STRIDE, this.stride * 2);
    if (target > this.stride) this.stride = target;
    // No wait at all since the last drain also halves it: otherwise 2 never came back to 1.
    else if (target * 4 <= this.stride || (seen === 0 && this.stride > 1)) this.stride = Math.max(1, this.stride / 2);
  }

  /** A drain's counters of a queue, with a pool's state (withRunning); keeps unseenPools. */
  private poolCounters(rec: QueueRecord, q: ProbeTarget | undefined): Counters {
    const c = withRunning(rec.counters(), q);
    const running = c.running ?? 0;
    if (hasUnseenTasks(q) || (this.unseenPools.has(rec) && running > 0)) this.unseenPools.set(rec, running);
    else this.unseenPools.delete(rec);
    return c;
  }

  /** Mark changed each unseenPools pool whose running count moved since it was reported. */
  private pollUnseen(): void {
    for (const [rec, last] of this.unseenPools) {
      const q = rec.ref.deref();
      if (rec.gone || q === undefined || typeof q.running !== 'function') {
        this.unseenPools.delete(rec);
        continue;
      }
      let n: unknown;
      try {
        n = q.running();
      } catch {
        this.unseenPools.delete(rec);
        continue;
      }
      if (n !== last) this.markChanged(rec);
      else if (!(typeof n === 'number' && n > 0)) this.unseenPools.delete(rec); // nothing runs (or a disabled adapter's 0)
    }
  }

  /**
   * Announce the waits sampled out of detail that are still waiting after LATE_ANNOUNCE_MS
   * (at most LATE_PER_DRAIN per drain, the rest at the next ones). A queue leaves the watch
   * once none of its live waits is unannounced and detail is whole again (stride 1): its
   * "sampled" mark is then cleared, since its list of waits is complete.
   */
  private announceLate(t: number): void {
    if (this.sampledLive.size === 0) return;
    let budget = LATE_PER_DRAIN;
    for (const rec of this.sampledLive) {
      if (rec.gone) {
        this.sampledLive.delete(rec);
        continue;
      }
      let left = false;
      for (let w = rec.wHead; w !== null; w = w.qNext) {
        if (!w.sampledOut) continue;
        if (budget === 0 || t - w.t < LATE_ANNOUNCE_MS) {
          left = true;
          continue;
        }
        budget--;
        w.sampledOut = false;
        this.announce(w);
        this.markChanged(rec);
      }
      if (!left && this.stride === 1) {
        this.sampledLive.delete(rec);
        if (rec.detailStride > 1) {
          rec.detailStride = 1;
          this.markChanged(rec);
        }
      }
    }
  }

  /**
   * reportChanged() for columnar drains: announces new waiters 1 in `stride` per queue, and
   * gathers the counters of every changed queue, with its live blocked/waiting counts, as
   * columns (returned) instead of 'counters' events.
   */
  private reportChangedColumns(maxBytes: number): CounterColumns {
    // New waits announced by one drain fit in half the least room detail has (a quarter of
    // maxBytes): the stride adapts only after a drain, and a burst past it (10,000 consumers
    // starting at once) queued ~1.3 MB of 'wait' events ahead of their own ends, which then
    // took minutes to go out at 10,000 queues' pace: every consumer read "waiting" meanwhile.
    let announceLeft = Math.max(1, Math.floor(maxBytes / 8 / WAIT_DETAIL_BYTES));
    const list = this.changed;
    this.changed = recordList();
    this.changeEpoch++;
    const cols = this.counterCols;
    cols.reset();
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.gone) continue;
      // One deref per record: WeakRef.deref() is not cheap (it keeps the target for the job).
      const q = rec.ref.deref();
      // Untimed waits still waiting are counted (those from before the previous drain adopted).
      rec.settleUntimed(false, q);
      for (let w = rec.fresh; w !== null; w = w.qNext) {
        if (!this.takeDetail(rec) || announceLeft <= 0) {
          w.sampledOut = true;
          this.sampledLive.add(rec);
          if (rec.detailStride < 2) rec.detailStride = 2; // left out: this queue's waits are sampled
          continue;
        }
        announceLeft--;
        this.announce(w);
      }
      rec.fresh = null;
      rec.countWaiting();
      const unfinished = rec.noteUnfinished(q);
      // Only pools of other libraries have more to say than the record (withRunning).
      if (q === undefined || typeof q.running !== 'function') cols.addRecord(rec, unfinished, rec.blockedNow, rec.waitingNow, rec.detailStride);
      else cols.add(rec.id, this.poolCounters(rec, q), unfinished, rec.blockedNow, rec.waitingNow, rec.detailStride);
      // Short-wait aggregates go out as room allows (drainColumns); until then they keep
      // accumulating in the record, so a late report is a coarser one, never a lossy one.
      if (!rec.shortQueued && ((rec.shortPut?.count ?? 0) > 0 || (rec.shortGet?.count ?? 0) > 0)) {
        rec.shortQueued = true;
        this.shortPending.push(rec);
      }
    }
    return cols;
  }

  /**
   * The JSON of a 'samples' event holding the first rows of `ev` that fit in `room`
   * characters ('' when none fits); those rows are removed from `ev`.
   */
  private splitRows(ev: SamplesEvent, room: number): string {
    const head = `{"type":"samples","t":${ev.t},"rows":[`;
    let used = head.length + 2;
    const texts: string[] = [];
    for (const row of ev.rows) {
      const r = JSON.stringify(row);
      if (used + r.length + 1 > room) break;
      used += r.length + 1;
      texts.push(r);
    }
    if (texts.length === 0 || texts.length === ev.rows.length) return '';
    ev.rows = ev.rows.slice(texts.length);
    this.pendingRows -= texts.length;
    return `${head}${texts.join(',')}]}`;
  }

  /**
   * For every queue that changed: announce its waiters readers have not heard of (only a
   * queue where a wait started can have any), then its absolute counters and short-wait
   * aggregates.
   */
  private reportChanged(t: number): void {
    const list = this.changed;
    this.changed = recordList();
    this.changeEpoch++;
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.gone) continue;
      // Readers of 'wait' events infer who waits from them: every untimed wait still waiting is adopted.
      rec.settleUntimed(true);
      for (let w = rec.fresh; w !== null; w = w.qNext) {
        this.announce(w);
      }
      rec.fresh = null;
      const q = rec.ref.deref();
      this.push({ type: 'counters', t, q: rec.id, c: this.poolCounters(rec, q), unfinished: rec.noteUnfinished(q) });
      this.pushShort(t, rec, 'put', rec.shortPut);
      this.pushShort(t, rec, 'get', rec.shortGet);
    }
  }

  private pushShort(t: number, rec: QueueRecord, role: 'put' | 'get', agg: ShortWaits | null): void {
    if (agg === null || agg.count === 0) return;
    this.push({ type: 'shortWaits', t, q: rec.id, role, count: agg.count, totalMs: agg.totalMs, hist: agg.hist.slice() });
    agg.reset();
  }

  /** FinalizationRegistry callback: the queue was garbage-collected. */
  private collected(id: number): void {
    const rec = this.records.get(id);
    if (rec === undefined) return;
    this.records.delete(id);
    this.sampledLive.delete(rec);
    rec.gone = true;
    if (!this.armed) return;
    // Its last figures go with it: a change since the last drain would otherwise be lost with
    // the record (a queue drained and dropped read as dropped with work in it).
    rec.countWaiting();
    const final = { size: rec.size, puts: rec.puts + rec.putsI, gets: rec.gets + rec.getsI, unfinished: rec.finalUnfinished(), blocked: rec.blockedNow, waiting: rec.waitingNow };
    this.push({ type: 'gc', t: now(), q: id, final });
  }

  private takeSnapshot(items: number): Snapshot {
    const t = now();
    const queues: QueueSnapshot[] = [];
    for (const rec of this.records.values()) {
      const q = rec.ref.deref();
      if (q === undefined || rec.gone) continue;
      rec.settleUntimed(true);
      const waiters: WaiterSnapshot[] = [];
      for (let w = rec.wHead; w !== null; w = w.qNext) {
        // A reader may now hold this wait (a snapshot replaces its list of who waits), so its
        // end must reach it even if no drain announces it: a wait left out of sampled detail
        // and listed here stayed in the reader's list for good (RecordHost.waitEndedListed).
        w.listed = true;
        waiters.push({ w: w.w, q: rec.id, role: w.role, since: w.t, waitMs: t - w.t, site: w.site, ...(w.adopted ? { adopted: true } : {}) });
      }
      let previews: string[] = [];
      if (items > 0) {
        try {
          previews = q.peek(items).map((item) => previewValue(item));
        } catch {
          previews = ['<unreadable>'];
        }
      }
      queues.push({
        q: rec.id,
        name: rec.name,
        kind: rec.kind,
        maxsize: rec.maxsize,
        size: safeNumber(() => q.qsize()),
        shutdown: safeBool(() => q.isShutdown),
        unfinished: safeNumber(() => q.unfinishedTasks),
        site: rec.site,
        counters: this.poolCounters(rec, q),
        waiters,
        items: previews,
        ...snapshotFields(q),
      });
    }
    return { v: PROTOCOL_VERSION, t, queues };
  }

  private clampBytes(maxBytes: unknown): number {
    const n = typeof maxBytes === 'number' && Number.isFinite(maxBytes) ? Math.floor(maxBytes) : this.config.drainBytes;
    return Math.max(1024, Math.min(this.config.maxDrainBytes, n));
  }

  /** An answer that takes nothing: the last seq handed out again, marked busy. */
  private busyBatch(): string {
    return `{"v":${PROTOCOL_VERSION},"seq":${this.seq},"t":${now()},"events":[],"more":true,"busy":true,"dropped":${this.droppedTotal}}`;
  }
}

/**
 * Where a part of `text` from `start`, at most `max` long, ends: never between the two halves
 * of a surrogate pair (an emoji in a queue name), which the debugger's UTF-8 transport would
 * turn into two replacement characters.
 */
function partEnd(text: string, start: number, max: number): number {
  const end = Math.min(text.length, start + Math.max(2, max));
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** The most characters one part of a long answer may have: the reader's ask, within 1 KiB..1 GiB (1 MiB if it makes no sense). */
function partMax(maxChars: unknown): number {
  return clampNumber(maxChars, 1024, 2 ** 30, 2 ** 20);
}

function clampNumber(x: unknown, min: number, max: number, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? Math.max(min, Math.min(max, x)) : fallback;
}

/**
 * An empty list of records whose elements are already of the "any object" kind. A `[]`
 * starts as a list of small integers and changes kind at its first push; the sampling tick
 * leaves its new dirty list empty when it runs from a drain and fills it from its timer, so
 * its optimised code met both kinds and was thrown away ("wrong map") at every drain.
 */
function recordList(): QueueRecord[] {
  const list: QueueRecord[] = [undefined as unknown as QueueRecord];
  list.pop();
  return list;
}

function safeNumber(read: () => number): number {
  try {
    const n = read();
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

function safeBool(read: () => boolean): boolean {
  try {
    return read() === true;
  } catch {
    return false;
  }
}
