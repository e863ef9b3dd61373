// What every rule is given for one session at one tick, and the helpers that turn model
// objects into a finding's evidence. Rules are pure functions of this context.

import type { ModelSession, ModelWaiter } from '../model';
import type { CallSite } from '../protocol/wire';
import type { ActiveClock } from './activeClock';
import type { FindingQueue, FindingWaiter } from './findings';
import type { PartyBook } from './parties';
import type { QueueTrack } from './queueTrack';
import type { Thresholds } from './thresholds';

/** Running work of a pool: our queues' consumer loops, or an adapter's pool (fastq, p-queue…). */
export interface PoolObservation {
  /** Stable key (a queue key for our own queues). */
  key: string;
  session: string;
  name: string;
  /** Tasks started and not finished. */
  running: number;
  /** Epoch ms the oldest running task started. */
  oldestRunningSince?: number;
  /** That task was already running when QueueScope attached: its age is a lower bound ("at least"). */
  oldestAdopted?: boolean;
  /** Completed tasks so far, and the p99 of their durations (ms). */
  completed: number;
  p99Ms: number;
  /**
   * Items wait while none is taken: epoch ms the oldest waiting item arrived, and of the last
   * take (a task started). Absent when nothing waits, or the pool holds work back on purpose
   * (paused, rate-limited).
   */
  stall?: { waitingSince: number; lastTake: number; waiting: number };
  /** Queue keys the pool works from (for the evidence). */
  queues: string[];
  /** A pool of another library (fastq@1.20.3…); `completed` and `p99Ms` are what its adapter reports, 0 when none. */
  lib?: string;
  /** `completed` and `p99Ms` are those of the other queues created on the same line (stuck.ts queuePools). */
  siblings?: { queues: number; site: CallSite; /** This queue's consumer never called taskDone() (its siblings' did). */ ownNeverDone?: boolean };
}

/** Adapters plug their pools in through this (one per library). */
export interface PoolProvider {
  pools(session: string, now: number): readonly PoolObservation[];
}

export interface SessionContext {
  readonly session: ModelSession;
  /** Epoch ms of this tick. */
  readonly now: number;
  readonly clock: ActiveClock;
  readonly th: Thresholds;
  /** Queues of live sources, not garbage-collected. */
  readonly tracks: readonly QueueTrack[];
  readonly track: (key: string) => QueueTrack | undefined;
  readonly book: PartyBook;
  /** Epoch ms any queue of the session last moved. */
  readonly lastActivity: number;
  /**
   * Epoch ms up to which the live picture is known: the oldest of the live sources' latest
   * drains (ModelSource.drainedAt); `now` for sources fed events only (a replay is whole).
   * Quiet after this is not known: drains paced seconds apart are not a quiet program.
   */
  readonly seenUntil: number;
  /** Longest quiet gap (active ms) between two moves of any queue of the session. */
  readonly maxGap: number;
  readonly pools: readonly PoolObservation[];
}

export function findingQueue(t: QueueTrack): FindingQueue {
  return { key: t.key, name: t.q.name, size: t.q.size, maxsize: t.q.maxsize };
}

export function findingWaiter(t: QueueTrack, w: ModelWaiter, clock: ActiveClock, now: number): FindingWaiter {
  const out: FindingWaiter = { queue: t.key, queueName: t.q.name, id: w.id, role: w.role, since: w.since, waitedMs: clock.between(w.since, now) };
  if (w.site) out.site = w.site;
  if (w.adopted === true) out.adopted = true;
  return out;
}

/** The waiter that has waited longest (the first of equals), or undefined for none. */
export function longestWaiter(waiters: readonly FindingWaiter[]): FindingWaiter | undefined {
  let out: FindingWaiter | undefined;
  for (const w of waiters) if (out === undefined || w.waitedMs > out.waitedMs) out = w;
  return out;
}

/** "at least " before an age that started at QueueScope's attach (adopted waits and tasks). */
export function atLeast(adopted: boolean | undefined): string {
  return adopted === true ? 'at least ' : '';
}

/** "146,918": counts in sentences, grouped by thousands. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "12 s", "850 ms", "3.5 min". */
export function formatMs(ms: number): string {
  // Floor, as the panel's and the tree's clocks do (durationText.ts): a finding said "for 72 ms"
  // of the task the panel showed "running 71 ms".
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** How many of `t`'s current waiters are producers ('put') or consumers ('get'). */
export function waitersIn(t: QueueTrack, role: 'put' | 'get'): number {
  let n = 0;
  for (const w of t.waiters) if (w.role === role) n++;
  return n;
}

/** "`jobs` (3/3, full)", "`jobs` (12 items)" or "`jobs` (empty)"; `notes` go inside the parentheses: "`jobs` (empty, 1 consumer waiting)". */
export function queueLabel(t: QueueTrack, ...notes: string[]): string {
  const { size, maxsize } = t.q;
  const state = size === 0 ? 'empty' : maxsize > 0 ? `${size}/${maxsize}${size >= maxsize ? ', full' : ''}` : `${size} item${size === 1 ? '' : 's'}`;
  return `\`${t.q.name}\` (${[state, ...notes].join(', ')})`;
}
