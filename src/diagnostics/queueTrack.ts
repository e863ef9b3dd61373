// What the engine remembers of one queue between ticks: the counters it saw last, when it
// last moved and its longest quiet gap so far (the history quiet is judged against), who is
// waiting on it (a mirror that outlives the model clearing waiters when a realm ends), and a
// short window of per-tick samples (depth, oldest item's age, full/starved) for the rules
// that look at trends. All per-tick work is O(1) per queue plus what changed.

import type { EndedWait, ModelQueue, ModelWaiter } from '../model';
import { RecentDurations } from '../protocol/recentDurations';
import type { ActiveClock } from './activeClock';
import { CountedFifo } from './fifo';
import { SlidingWindow } from './slidingWindow';

/** One tick of one queue. `t` is active ms. */
export interface TickSample {
  t: number;
  size: number;
  /** Cumulative puts / gets (counters since arming). */
  puts: number;
  gets: number;
  /**
   * Active time the counters were read by the hub. Counters come once a drain (100 ms under
   * the recorder): a rate over tick times was up to a drain interval off at each end. NaN
   * before the queue's first counters (their time is unknown).
   */
  countersT: number;
  /** Active ms the oldest queued item has waited (FIFO estimate; 0 when empty). */
  oldestAge: number;
  /** At maxsize, or a producer blocked. */
  full: boolean;
  /** Empty with a consumer waiting. */
  starved: boolean;
  /** Another library's pool with every worker busy and tasks waiting, neither paused nor rate-limited. */
  saturated: boolean;
  /** The pool's cumulative task time in ms, as the library reports it (piscina's `run_total`); NaN when it does not. */
  work: number;
}

/** Spans (active ms) of the sliding windows the trend rules read. */
export interface TrackWindows {
  growthMs: number;
  bottleneckMs: number;
}

/**
 * A window whose first sample, when it was taken before the queue's first counters, reads the
 * counters of the first sample that had them: rates start there. With the tick's time in
 * their place, a p-queue pool that took 2 tasks and deadlocked had its 2 gets divided by the
 * 0.8 ms between that tick and its counters' time, "taking 2,501 items a second"
 * (p14_plimit_nested.js); it took none after.
 */
class CountersWindow extends SlidingWindow {
  /** The counters of the queue's first sample that had any. */
  firstCounted: Pick<TickSample, 'puts' | 'gets' | 'countersT' | 'work'> | undefined;

  override get first(): TickSample | undefined {
    const s = super.first;
    return s !== undefined && Number.isNaN(s.countersT) && this.firstCounted !== undefined ? { ...s, ...this.firstCounted } : s;
  }
}

/** Completed task durations kept for the p99. */
const COMPLETED_KEPT = 512;

export class QueueTrack {
  /** Mirror of the model's current waiters, refreshed on every model change of this queue. */
  waiters: ModelWaiter[] = [];
  /**
   * Mirror of the hub's exact count of blocked and waiting calls (ModelQueue.liveWaits), which
   * the model zeroes when the realm ends. With waits sampled (a busy program), `waiters` lists
   * only those reported one by one.
   */
  liveWaits: { blocked: number; waiting: number } | undefined;
  /** The newest ended wait already learned from (recentWaits is scanned back to it). */
  lastEnded: EndedWait | undefined;

  /** Epoch ms of the last tick that saw the queue move (put, get or depth change). */
  lastActivity: number;
  /** Epoch ms of the last tick that saw an item taken (a get; for a pool, a task started). */
  lastTake: number;
  /** Activity gaps seen (ticks with activity after an earlier one). */
  gaps = 0;
  /** Longest quiet gap (active ms) between two active ticks. */
  maxGap = 0;
  private moved = false;

  private lastPuts = -1;
  private lastGets = -1;
  private lastSize = -1;
  private lastUnfinished = 0;

  private readonly arrivals = new CountedFifo();
  private readonly running = new CountedFifo();
  /** Whether taskDone() was ever seen (only then is "running work" meaningful). */
  taskDoneUsed = false;
  /** Durations (active ms) of the latest COMPLETED_KEPT completed tasks. */
  private readonly completed = new RecentDurations(COMPLETED_KEPT);
  completedCount = 0;

  /** Per-tick samples over the growth rule's window and over the bottleneck rule's. */
  readonly growth: CountersWindow;
  readonly bottleneck: CountersWindow;

  constructor(
    readonly key: string,
    public q: ModelQueue,
    first: number,
    windows: TrackWindows,
  ) {
    this.lastActivity = first;
    this.lastTake = first;
    this.growth = new CountersWindow(windows.growthMs);
    this.bottleneck = new CountersWindow(windows.bottleneckMs);
  }

  /** Read the queue at a tick. Returns whether it moved since the previous tick. */
  observe(now: number, clock: ActiveClock, windows: TrackWindows): boolean {
    const q = this.q;
    const { puts, gets } = q.counters;
    const size = q.size;
    const immediate = q.shutdown === 'immediate';
    if (this.lastPuts < 0 || puts < this.lastPuts || gets < this.lastGets) {
      // First sight (or counters restarted: a re-armed hub). What is queued now arrived "now" at the latest.
      this.arrivals.take(this.arrivals.total);
      this.arrivals.push(now, size);
      // The counters so far are deltas from zero, read as the delta path below reads them:
      // what was put and is no longer unfinished was marked done (an immediate shutdown's drops
      // aside, which cannot be told from that here), and what is unfinished but not queued was
      // taken and is running. Taken as a bare baseline, a program shorter than one drain (its
      // queue first seen in its exit tail) lost "1 task was taken but never marked done"
      // (p21_crash.js; p21b_crash_later.js, seen earlier, had it).
      if (!immediate && puts - q.unfinished > 0) this.taskDoneUsed = true;
      this.running.take(this.running.total);
      this.running.push(now, Math.max(0, q.unfinished - size));
      this.lastPuts = puts;
      this.lastGets = gets;
      this.lastSize = size;
      this.lastUnfinished = q.unfinished;
      this.pushSample(now, clock, windows);
      return false;
    }
    const dPuts = puts - this.lastPuts;
    const dGets = gets - this.lastGets;
    const moved = dPuts > 0 || dGets > 0 || size !== this.lastSize;
    if (dGets > 0) this.lastTake = now;

    // Items: arrivals matched first-in first-out against departures; then agree with the depth.
    this.arrivals.push(now, dPuts);
    this.arrivals.take(dGets);
    if (this.arrivals.total > size) this.arrivals.take(this.arrivals.total - size);
    else if (this.arrivals.total < size) this.arrivals.push(now, size - this.arrivals.total);

    // Tasks: taken by gets, finished by taskDone() (unfinished falls by the number done).
    // An immediate shutdown drops the queued items from `unfinished` too: that is no taskDone()
    // (and the drop may reach us a tick after the shutdown event itself).
    const dropped = immediate ? Math.max(0, this.lastSize - size - dGets) : 0;
    const done = dPuts - (q.unfinished - this.lastUnfinished) - dropped;
    this.running.push(now, dGets);
    if (done > 0 && (this.taskDoneUsed || !immediate)) {
      this.taskDoneUsed = true;
      this.running.take(done, (t, k) => this.complete(clock.between(t, now), k));
    }
    const runningNow = Math.max(0, q.unfinished - size);
    if (this.running.total > runningNow) this.running.take(this.running.total - runningNow);
    else if (this.running.total < runningNow) this.running.push(now, runningNow - this.running.total);

    this.lastPuts = puts;
    this.lastGets = gets;
    this.lastSize = size;
    this.lastUnfinished = q.unfinished;
    if (moved) {
      if (this.moved) {
        this.gaps++;
        this.maxGap = Math.max(this.maxGap, clock.between(this.lastActivity, now));
      }
      this.moved = true;
      this.lastActivity = now;
    }
    this.pushSample(now, clock, windows);
    return moved;
  }

  /** Tasks taken and not marked done, whether or not taskDone() was ever seen (see queuePools). */
  get takenNotDone(): number {
    return this.running.total;
  }

  /** Epoch ms the oldest of takenNotDone was taken. */
  get oldestTaken(): number | undefined {
    return this.running.oldest();
  }

  /** Epoch ms the newest of takenNotDone was taken. */
  get lastTaken(): number | undefined {
    return this.running.newest();
  }

  /** Epoch ms the oldest item still queued arrived (FIFO estimate); undefined when empty. */
  get waitingSince(): number | undefined {
    return this.q.size > 0 ? this.arrivals.oldest() : undefined;
  }

  /** p99 of the completed task durations kept (0 when none). */
  completedP99(): number {
    return this.completed.p99();
  }

  private complete(ms: number, k: number): void {
    for (let i = 0; i < Math.min(k, 64); i++) this.completed.add(ms);
    this.completedCount += k;
  }

  private pushSample(now: number, clock: ActiveClock, windows: TrackWindows): void {
    const q = this.q;
    const t = clock.active(now);
    const oldest = this.arrivals.oldest();
    let putWaiting = false;
    let getWaiting = false;
    for (const w of this.waiters) {
      if (w.role === 'put') putWaiting = true;
      else getWaiting = true;
      if (putWaiting && getWaiting) break;
    }
    const sample: TickSample = {
      t,
      size: q.size,
      puts: q.counters.puts,
      gets: q.counters.gets,
      countersT: q.countersAt === undefined ? NaN : clock.active(Math.min(q.countersAt, now)),
      oldestAge: oldest === undefined || q.size === 0 ? 0 : clock.between(oldest, now),
      full: (q.maxsize > 0 && q.size >= q.maxsize) || putWaiting,
      starved: q.size === 0 && getWaiting,
      saturated: saturatedPool(q),
      work: q.stats?.run_total ?? NaN,
    };
    if (this.growth.firstCounted === undefined && !Number.isNaN(sample.countersT)) {
      const counted = { puts: sample.puts, gets: sample.gets, countersT: sample.countersT, work: sample.work };
      this.growth.firstCounted = counted;
      this.bottleneck.firstCounted = counted;
    }
    this.growth.spanMs = windows.growthMs;
    this.bottleneck.spanMs = windows.bottleneckMs;
    this.growth.push(sample);
    this.bottleneck.push(sample);
  }
}

/**
 * Puts and gets a second between two samples, over the hub times of their counters (not the
 * tick times: counters come once a drain, so a tick's are up to a drain interval old).
 * Undefined when both samples hold the same counters' time, or either has none (NaN).
 */
export function countersRates(a: TickSample, b: TickSample): { puts: number; gets: number } | undefined {
  const spanS = (b.countersT - a.countersT) / 1000;
  return spanS > 0 ? { puts: (b.puts - a.puts) / spanS, gets: (b.gets - a.gets) / spanS } : undefined;
}

/** Every worker of another library's pool busy with tasks waiting (held back on purpose: not). */
function saturatedPool(q: ModelQueue): boolean {
  const { running, paused, rateLimited } = q.counters;
  const c = q.concurrency;
  return running !== undefined && c !== undefined && c > 0 && running >= c && q.size > 0 && paused !== true && rateLimited !== true;
}
