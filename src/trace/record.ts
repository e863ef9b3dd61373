// Per-queue state of an armed hub. A QueueRecord *is* the probe the queue calls, so the hot
// path is a monomorphic method call that updates a few number fields: depth, the interval's
// min/max and counts, and marks the record dirty once per sampling interval. Nothing is
// allocated unless a call blocks.
//
// Consistency at every statement boundary (a debugger may run drain() while the program is
// paused anywhere): "dirty" and "changed" are epochs, not flags, so a drain between the
// check and the push can only cause a duplicate entry, which the hub skips.

import type { ProbeTarget, QueueProbe, WaiterRole, WaitOutcome } from '../queue/probe';
import { WAIT_BUCKETS_MS, type CallSite, type Counters, type QueueKindWire } from '../protocol/wire';
import { userSite } from './callsite';
import { now } from './clock';

/** What a record needs from its hub (implemented by Hub). */
export interface RecordHost {
  sampleEpoch: number;
  nextWaiterId: number;
  readonly shortWaitMs: number;
  readonly siteGapMs: number;
  takeSiteToken(t: number): boolean;
  markDirty(rec: QueueRecord): void;
  markChanged(rec: QueueRecord): void;
  waitEndedAnnounced(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void;
  waitEndedLong(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void;
  queueShutdown(rec: QueueRecord, immediate: boolean): void;
}

/** Wait-time aggregate of short waits of one role since the last drain. */
export class ShortWaits {
  count = 0;
  totalMs = 0;
  readonly hist: number[] = WAIT_BUCKETS_MS.map(() => 0);

  add(ms: number): void {
    this.count++;
    this.totalMs += ms;
    let i = 0;
    while (ms > WAIT_BUCKETS_MS[i]) i++; // the last bound is Infinity
    this.hist[i]++;
  }

  reset(): void {
    this.count = 0;
    this.totalMs = 0;
    this.hist.fill(0);
  }
}

/** One blocked call, from waitStart() to waitEnd(). It is the token the queue keeps. */
export class WaiterRecord {
  /** Announced to readers by a drain (so its end must be reported as 'waitEnd'). */
  announced = false;
  ended = false;
  /** Already waiting when the hub was armed: `t` is the arming time, a lower bound. */
  adopted = false;
  // The queue's live waiters, oldest first (for snapshots and drains).
  qPrev: WaiterRecord | null = null;
  qNext: WaiterRecord | null = null;

  constructor(
    readonly w: number,
    readonly rec: QueueRecord,
    readonly role: WaiterRole,
    readonly t: number,
    readonly site: CallSite | undefined,
  ) {}
}

export class QueueRecord implements QueueProbe {
  // ---- depth and the current sampling interval ----
  size = 0;
  min = 0;
  max = 0;
  putsI = 0;
  getsI = 0;
  sampleEpoch = -1;
  /** The hub tick that last sampled this record (duplicates in a dirty list are skipped). */
  lastTick = -1;
  changeEpoch = -1;

  // ---- absolute counters (puts/gets exclude the current interval) ----
  puts = 0;
  gets = 0;
  blockedPuts = 0;
  waitedGets = 0;
  timeouts = 0;
  aborts = 0;
  highWater = 0;
  dropped = 0;

  shortPut: ShortWaits | null = null;
  shortGet: ShortWaits | null = null;

  // Rate-bounded call-site capture, per role.
  private putSite: CallSite | undefined = undefined;
  private putSiteT = -Infinity;
  private getSite: CallSite | undefined = undefined;
  private getSiteT = -Infinity;

  wHead: WaiterRecord | null = null;
  wTail: WaiterRecord | null = null;
  /**
   * The oldest live waiter not yet announced by a drain. A drain announces every live
   * waiter, and new ones are appended, so the unannounced ones are always a suffix of the
   * live list starting here.
   */
  fresh: WaiterRecord | null = null;
  gone = false;

  constructor(
    readonly host: RecordHost,
    readonly id: number,
    readonly name: string,
    readonly kind: QueueKindWire,
    readonly maxsize: number,
    /** Weak: the hub must never keep a user's queue alive. */
    readonly ref: { deref(): ProbeTarget | undefined },
    public site: CallSite | undefined,
  ) {}

  /** Start a fresh interval at `size` (arming, after a sample). */
  restart(size: number): void {
    this.size = this.min = this.max = size;
    if (size > this.highWater) this.highWater = size;
  }

  // ---- QueueProbe: the hot path ----

  put(size: number): void {
    if (size > this.max) this.max = size;
    this.size = size;
    this.putsI++;
    if (this.sampleEpoch !== this.host.sampleEpoch) this.host.markDirty(this);
  }

  get(size: number): void {
    if (size < this.min) this.min = size;
    this.size = size;
    this.getsI++;
    if (this.sampleEpoch !== this.host.sampleEpoch) this.host.markDirty(this);
  }

  // ---- QueueProbe: slow paths ----

  // Slow paths run inside the program's put()/get()/shutdown(): they must never throw into
  // it, so each is guarded (the hot put()/get() above cannot throw).

  waitStart(role: WaiterRole): unknown {
    try {
      return this.startWait(role);
    } catch {
      return undefined;
    }
  }

  waitEnd(token: unknown, outcome: WaitOutcome): void {
    try {
      if (token instanceof WaiterRecord && !token.ended) this.endWait(token, outcome);
    } catch {
      // never into the program
    }
  }

  shutdown(immediate: boolean, size: number): void {
    try {
      if (size < this.min) this.min = size;
      this.size = size;
      if (this.sampleEpoch !== this.host.sampleEpoch) this.host.markDirty(this);
      this.host.queueShutdown(this, immediate);
    } catch {
      // never into the program
    }
  }

  /** The unfinished-task count changed: the next drain reports this queue's counters. */
  taskDone(): void {
    this.host.markChanged(this);
  }

  /**
   * A call that was already blocked when the hub was armed. Its call site is not on the
   * stack any more and its start is unknown, so it has no site and starts now.
   */
  adoptWait(role: WaiterRole): unknown {
    try {
      const w = this.startWait(role, false);
      w.adopted = true;
      return w;
    } catch {
      return undefined;
    }
  }

  private startWait(role: WaiterRole, withSite = true): WaiterRecord {
    const host = this.host;
    const t = now();
    const w = new WaiterRecord(host.nextWaiterId++, this, role, t, withSite ? this.siteFor(role, t) : undefined);
    if (role === 'put') this.blockedPuts++;
    else this.waitedGets++;
    w.qPrev = this.wTail;
    if (this.wTail !== null) this.wTail.qNext = w;
    else this.wHead = w;
    this.wTail = w;
    if (this.fresh === null) this.fresh = w;
    host.markChanged(this);
    return w;
  }

  private endWait(w: WaiterRecord, outcome: WaitOutcome): void {
    const t = now();
    const ms = t - w.t;
    w.ended = true;
    this.unlinkWaiter(w);
    if (outcome === 'timeout') this.timeouts++;
    else if (outcome === 'aborted') this.aborts++;
    const host = this.host;
    if (w.announced) host.waitEndedAnnounced(w, t, outcome, ms);
    else {
      if (ms < host.shortWaitMs) {
        if (w.role === 'put') (this.shortPut ??= new ShortWaits()).add(ms);
        else (this.shortGet ??= new ShortWaits()).add(ms);
      } else host.waitEndedLong(w, t, outcome, ms);
    }
    host.markChanged(this);
  }

  // ---- helpers ----

  /**
   * The call site of a blocking call. Each queue and role captures its first one; later
   * ones at most once per siteGapMs and within the hub's capture budget, else the previous
   * site of this queue and role is reused.
   */
  private siteFor(role: WaiterRole, t: number): CallSite | undefined {
    const host = this.host;
    if (role === 'put') {
      if (this.putSiteT !== -Infinity && (t - this.putSiteT < host.siteGapMs || !host.takeSiteToken(t))) return this.putSite;
      this.putSiteT = t;
      return (this.putSite = userSite(QueueRecord.prototype.waitStart));
    }
    if (this.getSiteT !== -Infinity && (t - this.getSiteT < host.siteGapMs || !host.takeSiteToken(t))) return this.getSite;
    this.getSiteT = t;
    return (this.getSite = userSite(QueueRecord.prototype.waitStart));
  }

  unlinkWaiter(w: WaiterRecord): void {
    if (this.fresh === w) this.fresh = w.qNext;
    if (w.qPrev !== null) w.qPrev.qNext = w.qNext;
    else if (this.wHead === w) this.wHead = w.qNext;
    if (w.qNext !== null) w.qNext.qPrev = w.qPrev;
    else if (this.wTail === w) this.wTail = w.qPrev;
    w.qPrev = w.qNext = null;
  }

  counters(): Counters {
    return {
      puts: this.puts + this.putsI,
      gets: this.gets + this.getsI,
      blockedPuts: this.blockedPuts,
      waitedGets: this.waitedGets,
      timeouts: this.timeouts,
      aborts: this.aborts,
      highWater: Math.max(this.highWater, this.max),
      dropped: this.dropped,
    };
  }
}
