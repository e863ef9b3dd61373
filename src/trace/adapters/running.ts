// When did the oldest running task of a pool start? A worker that never calls back (fastq),
// a p-queue task whose promise never settles: the pool's `running` count stays up and only
// the age of its oldest task tells a stuck task from a busy pool. A FIFO estimate would
// hide exactly that case (a stuck first task, later ones finishing around it), so each task
// started while the hub is armed gets its own entry, removed when it finishes in any order.
//
// Tasks that started while the hub was dormant were not seen; the library's own running
// count says how many there are, and they count from the arming time (a lower bound, like
// adopted waits in docs/PROTOCOL.md), flagged `runningAdopted` so the views say "at least".

import { RecentDurations } from '../../protocol/recentDurations';
import { now } from '../clock';
import type { AdaptedQueue } from './target';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** Durations of finished tasks kept for the p99 (the latest ones). */
const DURATIONS_KEPT = 256;

export class RunningAges {
  private nextId = 0;
  /** Start (hub ms) of each task seen starting, in start order (a Map keeps insertion order). */
  private readonly starts = new Map<number, number>();
  /** When the hub armed (or this pool was first seen armed): tasks not seen starting count from it. */
  private armedAt = now();
  /**
   * At most how many tasks that were running when the hub armed still run: unknown at arm()
   * (Infinity), then never more than the library counts beyond the tasks seen starting, since
   * such tasks only ever finish. A task the library counts a moment before it calls it
   * (p-limit 7 counts in limit() and calls a microtask later) is not one of them once a read
   * has seen the pool settle, so a pause there does not read "already running when QueueScope
   * attached" (the review of runningAdopted).
   */
  private preArm = 0;
  /** Tasks seen from start to end, and the latest durations (ms). */
  done = 0;
  private readonly durations = new RecentDurations(DURATIONS_KEPT);

  /**
   * When a task the library gives up on after a timeout stops counting, by token (p-queue's
   * `timeout` frees the task's slot whether or not the task ever settles).
   */
  private readonly untils = new Map<number, number>();

  /** A task started (the hub is armed); returns its token for end(). `timeoutMs`: the library stops counting it as running then. */
  start(timeoutMs?: number): number {
    const id = ++this.nextId;
    const t = now();
    this.starts.set(id, t);
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0) this.untils.set(id, t + timeoutMs);
    return id;
  }

  /** The task finished (callback, settled promise, throw). Idempotent. */
  end(id: number): void {
    const t = this.starts.get(id);
    if (t === undefined) return;
    this.starts.delete(id);
    this.untils.delete(id);
    this.done++;
    this.durations.add(now() - t);
  }

  /**
   * May this pool's own starts be wrong, so that a library that keeps its own (p-queue 10)
   * should be asked? Only while a task from before the arming may still run: otherwise every
   * task the library counts was seen starting, and one it stopped counting (its timeout) is
   * dropped from ours first, so ours are right. Not "while the counts differ": with a
   * program's clock frozen when a task started, the library's start for it was wrong, and
   * read because a timed-out task made the counts differ (the third review).
   */
  doubtful(running: number): boolean {
    const n = this.unseenAtMost(Math.max(0, running) || 0); // an idle pool narrows preArm too
    return running > 0 && n > 0 && this.preArm > 0;
  }

  /** p99 (ms) of the finished tasks' durations kept; 0 when none finished. */
  p99(): number {
    return this.durations.p99();
  }

  /** The hub armed: tasks seen before are unknown again; earlier ones count from now. */
  arm(): void {
    this.starts.clear();
    this.untils.clear();
    this.armedAt = now();
    this.preArm = Infinity;
  }

  /**
   * Hub time the oldest running task started, given the library's own running count;
   * undefined when nothing runs. A task past its timeout is no longer running for the
   * library: it is dropped here (not counted as done), or a p-queue task that timed out and
   * never settled stayed "the oldest running" while others ran in its slot.
   */
  oldestSince(running: number): number | undefined {
    const unseen = this.unseen(Math.max(0, running) || 0); // an idle pool narrows preArm too
    if (!(running > 0)) return undefined;
    if (unseen > 0 && this.preArm > 0) return this.armedAt; // some started before the hub armed
    for (const t of this.starts.values()) return t;
    return unseen > 0 ? now() : undefined; // counted, about to be called (p-limit 7)
  }

  /**
   * Was the oldest running task already running when the hub armed (an attach to a running
   * program)? Then oldestSince() is the arming time and its age a lower bound, as for
   * adopted waits: the views say "at least".
   */
  adopted(running: number): boolean {
    const unseen = this.unseen(Math.max(0, running) || 0);
    return running > 0 && unseen > 0 && this.preArm > 0;
  }

  /** Tasks the library counts that were not seen starting (at least); narrows preArm. */
  private unseen(running: number): number {
    this.unseenAtMost(running);
    return Math.max(0, running - this.starts.size);
  }

  /** The spec fields of an adapted pool whose library counts `running()` tasks (target.ts). */
  spec(running: () => number): { runningSince(): number | undefined; runningAdopted(): boolean; runningUnseen(): boolean; tasksDone(): number; taskP99Ms(): number } {
    return {
      runningSince: () => this.oldestSince(running()),
      runningAdopted: () => this.adopted(running()),
      runningUnseen: () => this.doubtful(running()),
      tasksDone: () => this.done,
      taskP99Ms: () => this.p99(),
    };
  }

  /**
   * At most how many of the tasks the library counts were not seen starting: those beyond
   * the kept ones, plus the kept ones past their deadline (the library may have stopped
   * counting them, and count a task from before the arming instead: a timed-out task beside
   * one from before the arming made the counts agree, the second review). Narrows preArm by
   * it, the only sound bound.
   */
  private unseenAtMost(running: number): number {
    this.dropTimedOut(running);
    let overdue = 0;
    if (this.untils.size > 0) {
      const t = now();
      for (const until of this.untils.values()) if (until <= t) overdue++;
    }
    const n = Math.max(0, running - (this.starts.size - overdue));
    if (n < this.preArm) this.preArm = n;
    return n;
  }

  /**
   * Only while the library counts fewer than are kept: a task past its deadline by the
   * adapter's clock that the library still counts (its timer late, a synchronous head
   * before the library's timer starts) keeps its own start (the review: dropping it fell
   * through to the arming time, the oldest age possible).
   */
  private dropTimedOut(running: number): void {
    if (this.untils.size === 0 || this.starts.size <= running) return;
    const t = now();
    for (const [id, until] of this.untils) {
      if (this.starts.size <= running) break;
      if (until > t) continue;
      this.untils.delete(id);
      this.starts.delete(id);
    }
  }
}

/**
 * Run a task and call `done` once it has finished: at once when it returns a value or
 * throws (rethrown), when its promise settles otherwise (one more reaction on the task's own
 * promise, which is returned as it is).
 */
export function settleWith(run: () => unknown, done: () => void): unknown {
  let r: unknown;
  try {
    r = run();
  } catch (err) {
    done();
    throw err;
  }
  if (r instanceof Promise) r.then(done, done);
  else done();
  return r;
}

/**
 * A task function as a pool will call it, reporting its start (a get at the pool's `depth`
 * then) and its end (settleWith) to `t` and `ages`: p-queue's add() and p-limit's limit wrap
 * each task so. While the hub is dormant it calls straight through.
 */
export function trackedTask(t: AdaptedQueue, ages: RunningAges, fn: Fn, depth: () => number, timeoutMs?: number | (() => number | undefined)): Fn {
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (!t.active) return fn.apply(this, args);
    const id = ages.start(typeof timeoutMs === 'function' ? timeoutMs() : timeoutMs);
    const done = (): void => {
      ages.end(id);
      t.changed();
    };
    t.get(t.read(depth, 0));
    t.changed();
    return settleWith(() => fn.apply(this, args), done);
  };
}
