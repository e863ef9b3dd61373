// Per-queue state of an armed hub. A QueueRecord *is* the probe the queue calls, so the hot
// path is a monomorphic method call that updates a few number fields: depth, the interval's
// min/max and counts, and marks the record dirty once per sampling interval. Nothing is
// allocated unless a call blocks.
//
// A blocked call costs the tracer two clock readings, a waiter record and a call-site check
// (~100-200 ns here), which doubled the cost of a consumer that blocks on every item (issue
// #13). So only the first TIMED_PER_EPOCH waits of a queue per sampling interval are timed
// that way; later ones in the same interval are *untimed*: counted, their outcome counted, and
// nothing else (no clock, no allocation, no waitEnd call when served). An untimed wait still
// waiting when the hub next looks (the first probe call after a sample tick, a drain, a
// snapshot) is adopted: it gets a record whose `t` is that moment, flagged `adopted` (it
// started at or before `t`), so a stall is never hidden. Untimed waits that ended unseen join
// the interval's short-wait aggregate with the durations of the timed ones (see foldUntimed).
// Sparse blocking (up to 16 waits per queue per 10 ms) is therefore timed exactly; dense
// blocking is timed by sample.
//
// Consistency at every statement boundary (a debugger may run drain() while the program is
// paused anywhere): "dirty" and "changed" are epochs, not flags, so a drain between the
// check and the push can only cause a duplicate entry, which the hub skips.

import type { ProbeTarget, QueueProbe, WaiterRole, WaitOutcome } from '../queue/probe';
import { WAIT_BUCKETS_MS, type CallSite, type Counters, type QueueKindWire } from '../protocol/wire';
import { userSite } from './callsite';
import { now } from './clock';

/** Waits of one queue timed exactly per sampling interval; later ones are untimed. */
export const TIMED_PER_EPOCH = 16;
/**
 * Waits timed per second in the whole realm, whatever the number of queues (a budget
 * refilled by the time each sampling tick finds elapsed, up to TIMED_BURST): with 1,000
 * queues each blocking a few times per interval, the per-queue budget alone would time every
 * wait. A queue's first wait of each role is timed all the same, and call sites do not
 * depend on it: an untimed wait captures its site too when one is due (siteDue). 32 per
 * interval (~1,600 a second at 100 busy queues) cost such a program ~5% more CPU than this,
 * at the same pace (docs/SCALE.md, "The program's slowdown without a debugger").
 */
export const TIMED_PER_SECOND = 800;
/** The realm-wide timing budget's ceiling: how many waits in a row are timed after a quiet spell. */
export const TIMED_BURST = 32;

/** Longest gap between two call-site captures of one queue and role that keep finding the same site. */
export const SITE_GAP_MAX_MS = 4000;

function sameSite(a: CallSite | undefined, b: CallSite | undefined): boolean {
  return a !== undefined && b !== undefined && a.line === b.line && a.column === b.column && a.file === b.file && a.fn === b.fn;
}

/**
 * How fast the gap grows while captures keep finding the same site. Eightfold (1 ms to the
 * 4 s ceiling in 4 captures): within the realm budget, 100 queues blocked from one line
 * each were still ramping fourfold (6 captures each, 600 at 100 a second) 6 s after start.
 */
const SITE_GAP_GROWTH = 8;

/** The gap before the next capture of a queue and role: SITE_GAP_GROWTH times longer while `site` repeats `previous`, else `baseMs` (0: capture every time). */
function nextSiteGap(baseMs: number, gap: number, site: CallSite | undefined, previous: CallSite | undefined): number {
  return baseMs > 0 && sameSite(site, previous) ? Math.min(SITE_GAP_MAX_MS, gap * SITE_GAP_GROWTH) : baseMs;
}

/** What a record needs from its hub (implemented by Hub). */
export interface RecordHost {
  sampleEpoch: number;
  /** Hub time of the current sampling interval's start: a clock for checks that need no more precision. */
  sampleT: number;
  nextWaiterId: number;
  /** Realm-wide timing budget left (TIMED_PER_SECOND, refilled at each sampling tick). */
  timedLeft: number;
  readonly shortWaitMs: number;
  readonly siteGapMs: number;
  /** Is there capture time left in the realm-wide call-site budget at `t` (config.siteBudgetMs a second)? */
  siteBudgetLeft(t: number): boolean;
  /** A capture took `ms`: charge it to the budget (first captures too, which never wait for it). */
  siteSpent(ms: number): void;
  markDirty(rec: QueueRecord): void;
  markChanged(rec: QueueRecord): void;
  waitEndedAnnounced(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void;
  waitEndedLong(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void;
  /** A wait a snapshot listed and no drain announced ended: report it whole, sampled out or short. */
  waitEndedListed(w: WaiterRecord, t: number, outcome: WaitOutcome, ms: number): void;
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

  /**
   * Add `n` waits whose durations were not measured, distributed like the timed ones already
   * here (largest remainders, so the histogram still sums to `count`); with no timed wait to
   * go by they count as 0 ms.
   */
  addUntimed(n: number): void {
    if (n <= 0) return;
    const timed = this.count;
    if (timed === 0) {
      this.count += n;
      this.hist[0] += n;
      return;
    }
    this.totalMs += (this.totalMs / timed) * n;
    const shares = this.hist.map((h) => (h * n) / timed);
    let given = 0;
    for (let i = 0; i < shares.length; i++) {
      const whole = Math.floor(shares[i]);
      this.hist[i] += whole;
      shares[i] -= whole;
      given += whole;
    }
    while (given < n) {
      let best = 0;
      for (let i = 1; i < shares.length; i++) if (shares[i] > shares[best]) best = i;
      this.hist[best]++;
      shares[best] = -1;
      given++;
    }
    this.count += n;
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
  /** A columnar drain left it unannounced (wait detail sampled 1 in N): its end is not reported either. */
  sampledOut = false;
  /** Listed by a snapshot: a reader may hold it, so its end is reported even if no drain announced it. */
  listed = false;
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
  /** Hub time of its previous row, or of its announcement ('queue' event) before any. */
  rowT = -Infinity;
  /** Hub time of its first change since that row (set when it turns dirty). */
  firstChange = -1;
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
  /** In the hub's list of records whose short-wait aggregates wait for room in a drain. */
  shortQueued = false;

  // Wait detail sampling (the hub's takeDetail): the 1-in-N stride its waits were last
  // reported under, and how many of its waits that stride has seen.
  detailStride = 1;
  detailCount = 0;

  // Timing budget and untimed waits (see the top of this file).
  private budgetEpoch = -1;
  private budget = 0;
  /** Untimed waits counted and not yet folded into the aggregates nor adopted, per role. */
  private untimedPut = 0;
  private untimedGet = 0;
  /** Untimed waits started since the last look, per role (see lookUntimed). */
  private newPut = 0;
  private newGet = 0;
  /** An untimed wait may still be waiting (false once a look found none). */
  private untimedLive = false;
  /**
   * Timed waits (not adopted) that ended short / long since the last fold, per role: the
   * share of ended untimed waits that joins the short-wait aggregate (see foldUntimed).
   */
  private shortTimedPut = 0;
  private longTimedPut = 0;
  private shortTimedGet = 0;
  private longTimedGet = 0;
  /** Ended untimed waits not folded yet: no timed wait of their role to go by so far. */
  private carryPut = 0;
  private carryGet = 0;
  /** Untimed waits still waiting at the last look, per role: a columnar drain adds them to the live counts. */
  waitingUntimedPuts = 0;
  waitingUntimedGets = 0;

  // Rate-bounded call-site capture, per role.
  private putSite: CallSite | undefined = undefined;
  private putSiteT = -Infinity;
  private getSite: CallSite | undefined = undefined;
  private getSiteT = -Infinity;
  private putGap = 0;
  private getGap = 0;

  wHead: WaiterRecord | null = null;
  wTail: WaiterRecord | null = null;
  /**
   * The oldest live waiter not yet announced by a drain. A drain announces every live
   * waiter, and new ones are appended, so the unannounced ones are always a suffix of the
   * live list starting here.
   */
  fresh: WaiterRecord | null = null;
  gone = false;
  /**
   * The queue's unfinished-task count when last read (by a drain, a taskDone(), a shutdown),
   * and its total puts then: a collected queue cannot be asked, so its last count is that
   * plus the puts since (finalUnfinished).
   */
  private unfinishedRead = 0;
  private putsAtRead = 0;

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
    if (this.sampleEpoch !== this.host.sampleEpoch) this.newInterval();
  }

  get(size: number): void {
    if (size < this.min) this.min = size;
    this.size = size;
    this.getsI++;
    if (this.sampleEpoch !== this.host.sampleEpoch) this.newInterval();
  }

  /** First depth change since a sample: mark dirty; untimed waits that outlived the last look are adopted. */
  private newInterval(): void {
    if (this.untimedLive) {
      try {
        this.lookUntimed(false);
      } catch {
        // never into the program
      }
    }
    this.host.markDirty(this);
  }

  // ---- QueueProbe: slow paths ----

  // Slow paths run inside the program's put()/get()/shutdown(): they must never throw into
  // it, so each is guarded (the hot put()/get() above cannot throw).

  waitStart(role: WaiterRole): unknown {
    try {
      const epoch = this.host.sampleEpoch;
      if (this.budgetEpoch !== epoch) {
        this.budgetEpoch = epoch;
        this.budget = TIMED_PER_EPOCH;
      }
      const host = this.host;
      // The first-wait test comes first so that it runs (and V8 sees it) from a queue's first
      // wait on: behind the realm budget it ran first when that budget ran out, and the
      // optimised waitStart deoptimised there ("insufficient type feedback", W6n cold run 5).
      if (this.budget > 0 && ((role === 'put' ? this.putSiteT : this.getSiteT) === -Infinity || host.timedLeft >= 1)) {
        this.budget--;
        if (host.timedLeft >= 1) host.timedLeft--; // a first wait beyond the budget is not charged: it would starve the next ones
        return this.startWait(role);
      }
      // Untimed: the queue keeps no token, so a served wait costs nothing more. Its call
      // site is still read when one is due (an adopted stall shows where it waits).
      if (this.siteDue(role, host.sampleT)) this.captureSite(role, now());
      if (role === 'put') {
        this.blockedPuts++;
        this.untimedPut++;
        this.newPut++;
      } else {
        this.waitedGets++;
        this.untimedGet++;
        this.newGet++;
      }
      this.untimedLive = true;
      this.host.markChanged(this);
      return undefined;
    } catch {
      return undefined;
    }
  }

  waitEnd(token: unknown, outcome: WaitOutcome): void {
    try {
      if (token instanceof WaiterRecord) {
        if (!token.ended) this.endWait(token, outcome);
      } else if (token === undefined) {
        // An untimed wait that did not end served (the queue reports only those).
        if (outcome === 'timeout') this.timeouts++;
        else if (outcome === 'aborted') this.aborts++;
        this.host.markChanged(this);
      }
    } catch {
      // never into the program
    }
  }

  /** 0 open, 1 shut down gracefully, 2 immediately (as this record has reported it). */
  private shutState = 0;

  shutdown(immediate: boolean, size: number): void {
    try {
      // close() is idempotent, and so is its event: a program calling it on every request sent
      // one lifecycle event per call (3M calls: a 176 MB drain), which drains never cut.
      const state = immediate ? 2 : 1;
      if (state <= this.shutState) return;
      this.shutState = state;
      if (immediate) this.noteUnfinished(this.ref.deref()); // the dropped items count as done
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
    this.noteUnfinished(this.ref.deref());
    this.host.markChanged(this);
  }

  /** Producers blocked and consumers waiting, timed or not, as countWaiting() last found them. */
  blockedNow = 0;
  waitingNow = 0;

  /** Count who waits now into blockedNow / waitingNow (fields: a drain does this per changed queue, and allocates nothing). */
  countWaiting(): void {
    let blocked = this.waitingUntimedPuts;
    let waiting = this.waitingUntimedGets;
    for (let w = this.wHead; w !== null; w = w.qNext) {
      if (w.role === 'put') blocked++;
      else waiting++;
    }
    this.blockedNow = blocked;
    this.waitingNow = waiting;
  }

  /** Remember the queue's unfinished-task count now (see unfinishedRead); never throws. */
  noteUnfinished(q: ProbeTarget | undefined): number {
    if (q === undefined) return this.finalUnfinished();
    let n = 0;
    try {
      const read = q.unfinishedTasks;
      n = typeof read === 'number' ? read : 0;
    } catch {
      // unreadable: 0, as before
    }
    this.unfinishedRead = n;
    this.putsAtRead = this.puts + this.putsI;
    return n;
  }

  /** The unfinished-task count of a queue that can no longer be read: the last count plus the puts since. */
  finalUnfinished(): number {
    return this.unfinishedRead + Math.max(0, this.puts + this.putsI - this.putsAtRead);
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

  /**
   * For the hub, before it reads this record at a drain or snapshot: look at the untimed waits
   * still waiting (see lookUntimed; `all`: adopt every one of them, as a snapshot, which lists
   * waiters one by one, needs), and fold the ones that ended into the short-wait aggregates.
   */
  settleUntimed(all: boolean, q: ProbeTarget | undefined = this.ref.deref()): void {
    try {
      if (this.untimedLive) this.lookUntimed(all, q);
      else this.waitingUntimedPuts = this.waitingUntimedGets = 0;
      const endedPut = Math.max(0, this.untimedPut - this.waitingUntimedPuts);
      const endedGet = Math.max(0, this.untimedGet - this.waitingUntimedGets);
      this.untimedPut -= endedPut;
      this.untimedGet -= endedGet;
      this.foldUntimed('put', endedPut);
      this.foldUntimed('get', endedGet);
      // Waits still untimed are looked at again by the next drain, which adopts them.
      if (this.untimedLive) this.host.markChanged(this);
    } catch {
      // never into the program
    }
  }

  /**
   * Ended untimed waits have no duration. The timed waits of the same queue and role since
   * the last fold tell what share of them was short: that share joins the short-wait
   * aggregate, distributed like its timed waits; the long rest stays in the counters only
   * (long waits are detail, which may be sampled). With no timed wait to go by, they wait
   * for one (the next fold with one), rather than being guessed at 0 ms.
   */
  private foldUntimed(role: WaiterRole, ended: number): void {
    const put = role === 'put';
    const n = ended + (put ? this.carryPut : this.carryGet);
    const short = put ? this.shortTimedPut : this.shortTimedGet;
    const all = short + (put ? this.longTimedPut : this.longTimedGet);
    if (all === 0) {
      if (put) this.carryPut = n;
      else this.carryGet = n;
      return;
    }
    const k = Math.round((n * short) / all);
    if (k > 0) {
      if (put) (this.shortPut ??= new ShortWaits()).addUntimed(k);
      else (this.shortGet ??= new ShortWaits()).addUntimed(k);
    }
    if (put) this.carryPut = this.shortTimedPut = this.longTimedPut = 0;
    else this.carryGet = this.shortTimedGet = this.longTimedGet = 0;
  }

  /**
   * Count the untimed waits still waiting, and adopt those that were already waiting at the
   * previous look (or all of them): each gets a record whose `t` is now, flagged adopted (it
   * started earlier), so a stall is never hidden, while a wait that began since the previous
   * look costs no record. Waiters are appended, so the ones that were there at the previous
   * look are the first in line: at least (live - started since) of them.
   */
  private lookUntimed(all: boolean, q: ProbeTarget | undefined = this.ref.deref()): void {
    if (q === undefined || typeof q.adoptWaiters !== 'function') {
      this.untimedLive = false;
      this.waitingUntimedPuts = this.waitingUntimedGets = 0;
      return;
    }
    let puts = 0;
    let gets = 0;
    q.adoptWaiters((role) => {
      if (role === 'put') puts++;
      else gets++;
      return undefined; // stays untimed
    });
    let oldPuts = all ? puts : puts - this.newPut;
    let oldGets = all ? gets : gets - this.newGet;
    this.newPut = this.newGet = 0;
    if (oldPuts > 0 || oldGets > 0) {
      let t = -1;
      q.adoptWaiters((role) => {
        if (role === 'put' ? oldPuts <= 0 : oldGets <= 0) return undefined;
        if (t < 0) t = now();
        // Counted at its start already (unless it blocked before this probe was installed):
        // it leaves the untimed count for a record of its own.
        let counted: boolean;
        if (role === 'put') {
          oldPuts--;
          puts--;
          counted = this.untimedPut > 0;
          if (counted) this.untimedPut--;
        } else {
          oldGets--;
          gets--;
          counted = this.untimedGet > 0;
          if (counted) this.untimedGet--;
        }
        const w = this.startWait(role, false, t, role === 'put' ? this.putSite : this.getSite);
        if (counted && role === 'put') this.blockedPuts--;
        else if (counted) this.waitedGets--;
        w.adopted = true;
        return w;
      });
    }
    this.waitingUntimedPuts = puts;
    this.waitingUntimedGets = gets;
    this.untimedLive = puts > 0 || gets > 0;
  }

  private startWait(role: WaiterRole, withSite = true, at = -1, site?: CallSite): WaiterRecord {
    const host = this.host;
    const t = at >= 0 ? at : now();
    const w = new WaiterRecord(host.nextWaiterId++, this, role, t, withSite ? this.siteFor(role, t) : site);
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
    if (!w.adopted) {
      const short = ms < host.shortWaitMs;
      if (w.role === 'put') {
        if (short) this.shortTimedPut++;
        else this.longTimedPut++;
      } else if (short) this.shortTimedGet++;
      else this.longTimedGet++;
    }
    if (w.announced) host.waitEndedAnnounced(w, t, outcome, ms);
    else if (w.listed) host.waitEndedListed(w, t, outcome, ms);
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
   * ones at most once per gap and while the hub's capture-time budget lasts, else the
   * previous site of this queue and role is reused. The gap starts at siteGapMs and grows
   * eightfold (up to SITE_GAP_MAX_MS) each time a capture finds the same site again, back to
   * siteGapMs when it finds another: a queue blocked from one line all along stops paying for
   * stacks (the costliest part of tracing a blocking call), one with several callers keeps
   * seeing them. Every capture is timed and charged to the budget.
   */
  private siteFor(role: WaiterRole, t: number): CallSite | undefined {
    if (this.siteDue(role, t)) return this.captureSite(role, t);
    return role === 'put' ? this.putSite : this.getSite;
  }

  /**
   * Is a call-site capture of `role` due at `t`, gap and budget? An untimed wait asks with
   * the sampling interval's start, so it reads the clock only when a capture follows.
   */
  private siteDue(role: WaiterRole, t: number): boolean {
    const put = role === 'put';
    const last = put ? this.putSiteT : this.getSiteT;
    if (last === -Infinity) return true; // a first capture never waits for the budget
    return t - last >= (put ? this.putGap : this.getGap) && this.host.siteBudgetLeft(t);
  }

  private captureSite(role: WaiterRole, t: number): CallSite | undefined {
    const host = this.host;
    const site = userSite(QueueRecord.prototype.waitStart);
    host.siteSpent(now() - t);
    if (role === 'put') {
      this.putSiteT = t;
      this.putGap = nextSiteGap(host.siteGapMs, this.putGap, site, this.putSite);
      return (this.putSite = site);
    }
    this.getSiteT = t;
    this.getGap = nextSiteGap(host.siteGapMs, this.getGap, site, this.getSite);
    return (this.getSite = site);
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
