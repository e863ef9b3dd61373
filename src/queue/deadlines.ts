// One host timer for every timed wait in the realm, over deadline-ordered lists.
//
// Why: a consumer that is faster than its producer blocks on every item. With a host timer
// per wait, every item armed and cleared a setTimeout (issue #13: 200,001 timers for 200,000
// items). Here a wait with a timeout is appended to the list of its timeout length; waits of
// one length expire in arrival order, so the append is O(1) and the list stays sorted. A wait
// served early is unlinked (O(1)) and the timer is left alone: when it fires it skips what is
// gone and re-arms for the earliest live deadline (lazy re-arm; no clearTimeout on the fast
// path). So the timers armed are O(run time / timeout), not O(items).
//
// Listed at the end of the macrotask: a timer cannot fire before the current macrotask and
// its promise jobs are over, so a wait only needs to be in a list by then. A timed wait is
// stamped when it arrives and queued; the end-of-macrotask hook (one setImmediate, the same
// that closes the generation) lists those still waiting and arms the timer. A wait served
// within its macrotask, as the blocked get of a consumer faster than its producer is, costs
// a stamp and a flag: no linking, unlinking or timer bookkeeping (issue #13, W6).
//
// Lifetime: the host timer is ref'd while a timed wait is live, so `await q.get({timeout})`
// keeps the process up until it times out, as a plain setTimeout would. Once no timed wait
// is left, an idle check (one setImmediate, after the current burst of promise jobs) unrefs
// it, so a settled call never keeps the process alive.
//
// Not a clock reading per wait: reading performance.now() costs ~40-100 ns here, a third of
// what a whole blocked call costs, and a wait served early never needs its deadline. Waits
// are stamped with a *generation*: the first wait of one reads the clock (its deadline is
// exact); the others share one reading that closes the generation, after 16 arrivals, at the
// end of the current macrotask (one setImmediate per generation), or when a deadline is
// needed sooner (arming, firing). Their deadline is that closing time plus their timeout:
// never before their true deadline, and after it by at most the time 16 arrivals take, or
// the rest of the macrotask they arrived in.
//
// Lateness: the timer is armed for the earliest deadline; when it fires, every wait whose
// deadline is at or before that instant (or the clock, if later) expires. So a timeout fires
// when the host timer says so, as a timer of its own would have.
//
// Fake timers: a test that replaces globalThis.setTimeout after this module loaded (sinon,
// jest, a hand-made fake) expects one host timer per timed wait, driven by its fake clock.
// `sharedTimersUsable()` is false then, and the queue gives each timed wait its own timer
// (src/queue/timers.ts), as before this module existed.

/** Arrivals stamped before one clock reading (see "No clock reading per wait"). */
export class Generation {
  /** Clock at closing, NaN while open; every member arrived at or before it. */
  closedAt = NaN;
  size = 0;
  constructor(
    /** Clock when its first member arrived. */
    readonly openedAt: number,
  ) {}
}

/** The part of a waiter the deadline lists use (see Waiter). */
export interface Timed {
  /** The call's timeout, ms. */
  timeoutMs: number;
  tGen: Generation | null;
  /** The first of its generation: its arrival time is the generation's opening reading. */
  tFirst: boolean;
  tPrev: Timed | null;
  tNext: Timed | null;
  tBucket: Bucket | null;
  /** Its slot in the scheduler's queue of waits to list at the end of the macrotask; -1: not queued. */
  tQueuedAt: number;
  /** Still waiting with a timeout on the shared timer, and not yet listed. */
  stillTimed(): boolean;
  /** Called when the deadline passed while the wait was still listed here. */
  expire(): void;
}

interface HostTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate?(fn: () => void): unknown;
}
interface Unrefable {
  ref(): unknown;
  unref(): unknown;
}

const host = globalThis as unknown as HostTimers;
// The functions seen at load: the shared timer always uses these (see "Fake timers").
const loadSetTimeout = host.setTimeout;
const loadClearTimeout = host.clearTimeout;
const loadSetImmediate = typeof host.setImmediate === 'function' ? host.setImmediate : undefined;

const perf = (globalThis as { performance?: { now(): number } }).performance;
const clock: () => number = perf !== undefined && typeof perf.now === 'function' ? () => perf.now() : () => Date.now();

// setTimeout treats a delay above 2^31-1 ms (~24.8 days) as 1 ms: longer deadlines are
// reached in steps of at most this size (the timer fires, nothing is due, it re-arms).
const MAX_DELAY = 0x7fffffff;
/**
 * Distinct timeout lengths sharing the timer. A program normally uses one or two; one
 * that computes a fresh length per call gets per-wait timers beyond this many, so no
 * list scan grows with the number of waits.
 */
const MAX_BUCKETS = 16;
/** Arrivals per generation: bounds how late a deadline can be inside a long burst. */
const GENERATION_SIZE = 16;

/** A closed generation's member: its deadline. */
function deadlineOf(w: Timed): number {
  const g = w.tGen as Generation;
  return (w.tFirst ? g.openedAt : g.closedAt) + w.timeoutMs;
}

/** The live timed waits of one timeout length, in arrival (= deadline) order. */
export class Bucket {
  head: Timed | null = null;
  tail: Timed | null = null;
  constructor(readonly ms: number) {}
}

class DeadlineScheduler {
  private readonly buckets: Bucket[] = [];
  private last: Bucket | null = null;
  /** Timed waits of this macrotask, listed at its end (see "Listed at the end of the macrotask"). */
  private readonly queued: (Timed | null)[] = [];
  /** Emptied slots in `queued`. */
  private holes = 0;
  private live = 0;
  private handle: unknown = undefined;
  /** The deadline the host timer is armed for (Infinity: not armed). */
  private armedFor = Infinity;
  /** The timeout length of the wait the timer was armed for. */
  private armedMs = Infinity;
  private refed = false;
  private idlePending = false;
  private gen: Generation | null = null;
  private closePending = false;
  /** Host timers armed so far (for `npm run bench`). */
  armed = 0;
  /** Waits listed ahead of a later deadline (for the tests: 0 while the queue keeps stamp order). */
  reordered = 0;

  /** Whether the shared timer can take a wait of `ms` (false: give it a timer of its own). */
  accepts(ms: number): boolean {
    if (host.setTimeout !== loadSetTimeout) return false;
    return (this.last !== null && this.last.ms === ms) || this.find(ms) !== null || this.buckets.length < MAX_BUCKETS;
  }

  /**
   * Take a timed wait of `ms`, stamped now (its generation). When the armed timer fires no
   * later than its deadline, it is only queued, and listed at the end of the macrotask if it
   * is still waiting then (see "Listed at the end of the macrotask").
   */
  add(w: Timed, ms: number): void {
    w.timeoutMs = ms;
    const g = this.gen;
    // The common case, kept small so it inlines: an open generation with room, a timer armed
    // early enough (for a wait of a length at most `ms`: that wait arrived before this one,
    // so its deadline is no later), and the list of this length at hand.
    if (g !== null && g.size < GENERATION_SIZE - 1 && ms >= this.armedMs && this.last !== null && this.last.ms === ms) {
      g.size++;
      w.tGen = g;
      w.tFirst = false;
      this.queue(w);
      return;
    }
    this.addSlow(w, ms, g);
  }

  private addSlow(w: Timed, ms: number, open: Generation | null): void {
    let g = open;
    w.tFirst = g === null;
    if (g === null) {
      g = this.gen = new Generation(clock());
      if (loadSetImmediate !== undefined && !this.closePending) {
        this.closePending = true;
        loadSetImmediate.call(globalThis, this.onMacrotaskEnd);
      }
    }
    w.tGen = g;
    if (loadSetImmediate === undefined) this.closeGeneration(g.openedAt); // a generation of one
    else if (++g.size >= GENERATION_SIZE) this.closeGeneration(clock());
    if (this.handle !== undefined && ms >= this.armedMs && loadSetImmediate !== undefined) {
      // Its length keeps a list from now on, so accepts() counts the lengths queued too.
      this.bucketFor(ms);
      this.queue(w);
      return;
    }
    // A first arrival's reading is also now (its generation holds only it so far).
    const now = w.tFirst && this.gen === g ? g.openedAt : clock();
    this.closeGeneration(now);
    this.link(w, now);
  }

  /**
   * Queue a wait for listing at the end of the macrotask. A reused waiter may still be queued
   * from its previous wait in this macrotask: it moves to the end (its old slot is emptied,
   * and the queue compacted once holes are most of it), so the queue stays in stamp order
   * and listing appends to each list in O(1).
   */
  private queue(w: Timed): void {
    const q = this.queued;
    const at = w.tQueuedAt;
    if (at >= 0) {
      if (at === q.length - 1) return; // already the last: the order holds (W6's one consumer)
      q[at] = null;
      if (++this.holes > 32 && this.holes * 2 > q.length) this.compactQueue();
    }
    w.tQueuedAt = q.length;
    q.push(w);
  }

  private compactQueue(): void {
    const q = this.queued;
    let k = 0;
    for (let i = 0; i < q.length; i++) {
      const w = q[i];
      if (w === null) continue;
      w.tQueuedAt = k;
      q[k++] = w;
    }
    q.length = k;
    this.holes = 0;
  }

  /** Put a wait whose generation is closed into its deadline list; arm or ref the timer unless told not to. */
  private link(w: Timed, now: number, arm = true): void {
    const ms = w.timeoutMs;
    const b = this.bucketFor(ms);
    // Arrival order is deadline order, and the queue is in arrival order: the walk back from
    // the tail only guards the order (a wait listed at once while others of its length are
    // queued), and stops at once otherwise.
    const deadline = deadlineOf(w);
    let after = b.tail;
    while (after !== null && deadlineOf(after) > deadline) {
      after = after.tPrev;
      this.reordered++;
    }
    w.tBucket = b;
    w.tPrev = after;
    w.tNext = after === null ? b.head : after.tNext;
    if (w.tNext !== null) w.tNext.tPrev = w;
    else b.tail = w;
    if (after !== null) after.tNext = w;
    else b.head = w;
    this.live++;
    if (!arm) return;
    if (this.handle === undefined) this.arm(deadline, ms, now);
    else if (deadline < this.armedFor) {
      // Earlier than the armed timer (a shorter timeout): the one slow path that clears.
      loadClearTimeout.call(globalThis, this.handle);
      this.handle = undefined;
      this.arm(deadline, ms, now);
    } else if (!this.refed) {
      (this.handle as Unrefable).ref();
      this.refed = true;
    }
  }

  private closeGeneration(now: number): void {
    if (this.gen !== null) {
      this.gen.closedAt = now;
      this.gen = null;
    }
  }

  private readonly onMacrotaskEnd = (): void => {
    this.closePending = false;
    const now = clock();
    this.closeGeneration(now);
    this.listQueued(now, true);
  };

  /** List the queued waits still waiting (their generations are closed). */
  private listQueued(now: number, arm: boolean): void {
    const q = this.queued;
    let i = 0;
    try {
      for (; i < q.length; i++) {
        const w = q[i];
        if (w === null) continue;
        w.tQueuedAt = -1;
        if (w.stillTimed()) this.link(w, now, arm);
      }
    } finally {
      // After a throw (a bug), the waits not reached must not stay queued to throw again at
      // every later listing; on the normal path the loop is over and this one does nothing.
      for (; i < q.length; i++) {
        const w = q[i];
        if (w !== null) w.tQueuedAt = -1;
      }
      q.length = 0;
      this.holes = 0;
    }
  }

  /** Unlink a wait that ended some other way. O(1); the timer is left as it is. */
  remove(w: Timed): void {
    const b = w.tBucket;
    if (b === null) return;
    if (w.tPrev !== null) w.tPrev.tNext = w.tNext;
    else b.head = w.tNext;
    if (w.tNext !== null) w.tNext.tPrev = w.tPrev;
    else b.tail = w.tPrev;
    w.tPrev = w.tNext = null;
    w.tBucket = null;
    if (--this.live === 0 && this.refed && !this.idlePending && loadSetImmediate !== undefined) {
      this.idlePending = true;
      loadSetImmediate.call(globalThis, this.onIdle);
    }
  }

  /** The list of waits of length `ms`, made if there is none; remembered as `last`. */
  private bucketFor(ms: number): Bucket {
    let b = this.last;
    if (b === null || b.ms !== ms) {
      b = this.find(ms);
      if (b === null) {
        b = new Bucket(ms);
        this.buckets.push(b);
      }
      this.last = b;
    }
    return b;
  }

  private find(ms: number): Bucket | null {
    const bs = this.buckets;
    for (let i = 0; i < bs.length; i++) if (bs[i].ms === ms) return bs[i];
    return null;
  }

  private arm(deadline: number, ms: number, now: number): void {
    this.armedMs = ms;
    const delay = deadline - now;
    let delayMs: number;
    if (delay > MAX_DELAY) {
      delayMs = MAX_DELAY;
      this.armedFor = now + MAX_DELAY;
    } else {
      delayMs = delay > 1 ? Math.ceil(delay) : 1;
      this.armedFor = deadline;
    }
    this.armed++;
    this.handle = loadSetTimeout.call(globalThis, this.onFire, delayMs);
    const h = this.handle as Partial<Unrefable> | null;
    this.refed = h !== null && typeof h === 'object' && typeof h.unref === 'function';
    if (this.refed && this.live === 0) this.unref();
  }

  private unref(): void {
    (this.handle as Unrefable).unref();
    this.refed = false;
  }

  private readonly onIdle = (): void => {
    this.idlePending = false;
    if (this.live === 0 && this.refed && this.handle !== undefined) this.unref();
  };

  private readonly onFire = (): void => {
    this.handle = undefined;
    this.refed = false;
    // Trust the host timer for the instant it was armed for, as a timer per wait would; and
    // host timers have millisecond resolution, so a deadline less than 1 ms away is due now
    // (Node's own timers fire up to ~1 ms early against performance.now() too) rather than
    // one more timer and a millisecond later.
    const now = clock();
    this.closeGeneration(now);
    const cutoff = Math.max(now + 1, this.armedFor);
    this.armedFor = Infinity;
    this.armedMs = Infinity;
    // Waits queued in this timers phase, before the end of their macrotask, may be due too;
    // rearm() below arms for what is left.
    this.listQueued(now, false);
    // Expire in deadline order across lengths: repeatedly the earliest due head.
    for (;;) {
      let due: Timed | null = null;
      const bs = this.buckets;
      for (let i = 0; i < bs.length; i++) {
        const h = bs[i].head;
        if (h !== null && deadlineOf(h) <= cutoff && (due === null || deadlineOf(h) < deadlineOf(due))) due = h;
      }
      if (due === null) break;
      this.remove(due);
      try {
        due.expire();
      } catch (err) {
        // A bug, not a timeout: it must not cost the other waits their timer.
        this.rearm();
        throw err;
      }
    }
    this.rearm();
  };

  /** Arm for the earliest live deadline, dropping empty lengths. */
  private rearm(): void {
    let next = Infinity;
    let nextMs = Infinity;
    // Compacted in place: reassigning the field would cost the optimised code that reads it.
    // (onFire lists the queued waits before it gets here, so no queued wait needs an empty list.)
    const bs = this.buckets;
    let kept = 0;
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i];
      if (b.head === null) continue; // empty lengths give their slot back
      bs[kept++] = b;
      const d = deadlineOf(b.head);
      if (d < next) {
        next = d;
        nextMs = b.ms;
      }
    }
    bs.length = kept;
    if (this.last !== null && this.last.head === null) this.last = null;
    if (next !== Infinity && this.handle === undefined) this.arm(next, nextMs, clock());
  }
}

/** The realm's scheduler (one per copy of the library). */
export const deadlines = new DeadlineScheduler();
