// The realm's tracing hub: HubLink towards queues (src/queue/probe.ts), HubReaderApi towards
// readers (src/protocol/hub.ts). It is dormant until armed; while dormant it only keeps a
// WeakRef per queue so that arming later can find the live ones.
//
// Data flow: probes update QueueRecords; a sampling timer (unref'd, only scheduled while
// something changed) turns dirty records into 'samples' rows in the outbox; drain() adds
// what is due (announces live waiters, absolute counters of changed queues, short-wait
// aggregates) and serialises the outbox up to maxBytes. Everything is O(changes).
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
import { DEFAULT_PREVIEW_ITEMS, MAX_PREVIEW_ITEMS, type AttachOptions, type HubReaderApi, type SnapshotOptions } from '../protocol/hub';
import {
  PROTOCOL_VERSION,
  type AttachInfo,
  type QueueSnapshot,
  type SampleRow,
  type SamplesEvent,
  type Snapshot,
  type SourceInfo,
  type WaiterSnapshot,
  type WireEvent,
} from '../protocol/wire';
import { userSite } from './callsite';
import { clockOrigin, now } from './clock';
import type { HubConfig } from './config';
import { builtin, nodeProcess, unrefTimer } from './env';
import { setExitTail } from './exitTail';
import { previewValue } from './preview';
import { libFields, snapshotFields, withRunning } from './queueInfo';
import { QueueRecord, type RecordHost, type ShortWaits, type WaiterRecord } from './record';

/** Rows per 'samples' event, so that one event stays small enough for any maxBytes cut. */
const ROWS_PER_EVENT = 200;
const SITE_BURST = 50;

/** Marks finished-long-wait events in the outbox (symbol keys are not serialised). */
const DETAIL_WAIT: unique symbol = Symbol('detailWait');
type OutEvent = WireEvent & { [DETAIL_WAIT]?: true };

interface WeakRefCtor {
  new (target: object): { deref(): ProbeTarget | undefined };
}
interface RegistryCtor {
  new (cb: (held: number) => void): { register(target: object, held: number): void };
}

export class Hub implements HubLink, HubReaderApi, RecordHost {
  // ---- RecordHost ----
  sampleEpoch = 0;
  nextWaiterId = 1;
  readonly shortWaitMs: number;
  readonly siteGapMs: number;

  /** The exit tail is being written: readers' drains answer busy. */
  private exiting = false;
  /** Hub time of arm(): the start of this hub's data. */
  private armedAt = 0;
  /** The last drain() answer, which an exit tail repeats in case it never reached the reader. */
  private lastBatch = '';

  /** Token bucket of call-site captures (config.siteRate per second, burst SITE_BURST). */
  private siteTokens = SITE_BURST;
  private siteRefillT = 0;

  private armed = false;
  private busy = false;
  private queueIds = 0;
  private readonly records = new Map<number, QueueRecord>();
  private readonly registry: { register(target: object, held: number): void } | null;

  private dirty: QueueRecord[] = [];
  private tickNo = 0;
  private timer: unknown = undefined;
  private changed: QueueRecord[] = [];
  private changeEpoch = 0;

  private out: OutEvent[] = [];
  private outHead = 0;
  private pendingRows = 0;
  private pendingWaits = 0;

  private seq = 0;
  private droppedTotal = 0;
  private droppedReported = 0;
  private threadInfo: { threadId: number; isMainThread: boolean } | undefined;

  constructor(private readonly config: HubConfig) {
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
      rec.site = userSite(Hub.prototype.register, 'named');
      rec.restart(queue.qsize());
      this.push({ type: 'queue', t: now(), q: rec.id, name: rec.name, kind: rec.kind, maxsize: rec.maxsize, site: rec.site, size: rec.size, ...libFields(queue) });
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
      return JSON.stringify(info);
    } catch {
      return JSON.stringify({ v: PROTOCOL_VERSION, error: 'attach failed' });
    }
  }

  drain(maxBytes?: number): string {
    // A debugger's evaluate can run inside any of our statements (V8 dispatches inspector
    // messages at interrupts), e.g. in the middle of another drain or of the exit tail. Such a
    // drain takes nothing and consumes no seq: it says `busy` and the reader asks again.
    if (this.busy || this.exiting) return this.busyBatch();
    return this.drainNow(maxBytes);
  }

  /**
   * The exit tail begins (src/trace/exitTail.ts): from now on readers' drains answer busy, so
   * none takes a seq or an event between the tail's. Returns the last answer a reader got.
   */
  beginExit(): string {
    this.exiting = true;
    return this.lastBatch;
  }

  /** The exit tail's drain (readers' drain() answers busy once beginExit() ran). */
  exitDrain(maxBytes?: number): string {
    return this.busy ? this.busyBatch() : this.drainNow(maxBytes);
  }

  private drainNow(maxBytes?: number): string {
    const seq = ++this.seq;
    this.busy = true;
    try {
      this.lastBatch = this.drainBatch(seq, this.clampBytes(maxBytes));
      return this.lastBatch;
    } catch {
      return this.emptyBatch(seq, false);
    } finally {
      this.busy = false;
    }
  }

  snapshot(options?: SnapshotOptions): Snapshot {
    try {
      const n = options !== null && typeof options === 'object' ? Number(options.items) : NaN;
      const items = Number.isFinite(n) ? Math.max(0, Math.min(MAX_PREVIEW_ITEMS, Math.floor(n))) : DEFAULT_PREVIEW_ITEMS;
      return this.takeSnapshot(items);
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
    for (const rec of this.records.values()) {
      const q = rec.ref.deref();
      if (q === undefined) continue;
      rec.restart(q.qsize());
      q.setProbe(rec);
      this.push({ type: 'queue', t, q: rec.id, name: rec.name, kind: rec.kind, maxsize: rec.maxsize, size: rec.size, ...libFields(q) });
      // Who is blocked right now is what someone attaching to a stalled program came to see.
      if (typeof q.adoptWaiters === 'function') q.adoptWaiters((role) => rec.adoptWait(role));
    }
  }

  // =====================================================================
  // RecordHost (called by probes)
  // =====================================================================

  takeSiteToken(t: number): boolean {
    const tokens = Math.min(SITE_BURST, this.siteTokens + ((t - this.siteRefillT) * this.config.siteRate) / 1000);
    this.siteRefillT = t;
    this.siteTokens = tokens >= 1 ? tokens - 1 : tokens;
    return tokens >= 1;
  }

  markDirty(rec: QueueRecord): void {
    rec.sampleEpoch = this.sampleEpoch;
    this.dirty.push(rec);
    if (this.timer === undefined) this.timer = unrefTimer(this.onTimer, this.config.sampleMs);
  }

  markChanged(rec: QueueRecord): void {
    if (rec.changeEpoch === this.changeEpoch) return;
    rec.changeEpoch = this.changeEpoch;
    this.changed.push(rec);
  }

  waitEndedAnnounced(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void {
    this.push({ type: 'waitEnd', t, q: w.rec.id, w: w.w, outcome, ms });
  }

  waitEndedLong(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void {
    if (this.pendingWaits >= this.config.maxPendingWaits) {
      w.rec.dropped++;
      this.droppedTotal++;
      return;
    }
    this.pendingWaits++;
    const start: OutEvent = { type: 'wait', t: w.t, q: w.rec.id, w: w.w, role: w.role, site: w.site, ...(w.adopted ? { adopted: true } : {}) };
    start[DETAIL_WAIT] = true;
    this.push(start);
    this.push({ type: 'waitEnd', t, q: w.rec.id, w: w.w, outcome, ms });
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

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.busy) {
      this.timer = unrefTimer(this.onTimer, this.config.sampleMs);
      return;
    }
    this.busy = true;
    try {
      this.tick(now(), false);
    } catch {
      // never into the program
    } finally {
      this.busy = false;
    }
  };

  /**
   * Turn dirty records into sample rows. Unforced ticks coalesce instead when the outbox
   * already holds maxPendingRows rows: the record stays dirty and its interval grows.
   */
  private tick(t: number, force: boolean): void {
    const list = this.dirty;
    this.dirty = [];
    this.sampleEpoch++;
    const tick = ++this.tickNo;
    const full = !force && this.pendingRows >= this.config.maxPendingRows;
    let rows: SampleRow[] = [];
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.gone || rec.lastTick === tick) continue;
      rec.lastTick = tick;
      this.markChanged(rec);
      if (full) {
        rec.dropped++;
        this.droppedTotal++;
        rec.sampleEpoch = this.sampleEpoch;
        this.dirty.push(rec);
        continue;
      }
      rows.push([rec.id, rec.size, rec.min, rec.max, rec.putsI, rec.getsI]);
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
    if (this.dirty.length > 0 && this.timer === undefined) this.timer = unrefTimer(this.onTimer, this.config.sampleMs);
  }

  private pushRows(t: number, rows: SampleRow[]): void {
    this.pendingRows += rows.length;
    this.push({ type: 'samples', t, rows });
  }

  private drainBatch(seq: number, maxBytes: number): string {
    const t = now();
    if (this.armed) {
      this.tick(t, true);
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
      const s = JSON.stringify(ev);
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
    this.changed = [];
    this.changeEpoch++;
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.gone) continue;
      rec.settleUntimed();
      for (let w = rec.fresh; w !== null; w = w.qNext) {
        w.announced = true;
        this.push({ type: 'wait', t: w.t, q: rec.id, w: w.w, role: w.role, site: w.site, ...(w.adopted ? { adopted: true } : {}) });
      }
      rec.fresh = null;
      const q = rec.ref.deref();
      this.push({ type: 'counters', t, q: rec.id, c: withRunning(rec.counters(), q), unfinished: q !== undefined ? safeNumber(() => q.unfinishedTasks) : 0 });
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
    rec.gone = true;
    if (this.armed) this.push({ type: 'gc', t: now(), q: id });
  }

  private takeSnapshot(items: number): Snapshot {
    const t = now();
    const queues: QueueSnapshot[] = [];
    for (const rec of this.records.values()) {
      const q = rec.ref.deref();
      if (q === undefined || rec.gone) continue;
      rec.settleUntimed();
      const waiters: WaiterSnapshot[] = [];
      for (let w = rec.wHead; w !== null; w = w.qNext) {
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
        counters: withRunning(rec.counters(), q),
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

  private emptyBatch(seq: number, more: boolean): string {
    return `{"v":${PROTOCOL_VERSION},"seq":${seq},"t":${now()},"events":[],"more":${more},"dropped":${this.droppedTotal}}`;
  }
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
