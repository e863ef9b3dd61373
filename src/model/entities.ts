// The model's data: sessions > sources > queues > waiters. Plain objects owned and mutated
// by QueueModel (store.ts); readers (views, panel, exporters) treat them as read-only.
// All times in the model are epoch milliseconds: the store converts hub times (ms since the
// source's origin) on the way in, so sources of one session share one time axis.

import type { CallSite, Counters, EndInfo, QueueKindWire, SourceInfo, WaiterRoleWire, WaitOutcomeWire } from '../protocol/wire';
import { WAIT_BUCKETS_MS } from '../protocol/wire';
import type { ModelGap, ModelJobs } from './jobs';
import type { DepthTimeline } from './timeline';

/** live: polled; paused: stopped in the debugger (views show the pause snapshot); ended: gone. */
export type RunState = 'live' | 'paused' | 'ended';

/** A blocked producer (role 'put') or waiting consumer (role 'get') still waiting. */
export interface ModelWaiter {
  /** Waiter id, unique within the source. */
  readonly id: number;
  readonly queue: number;
  readonly role: WaiterRoleWire;
  /** Epoch ms when the wait started. */
  readonly since: number;
  readonly site?: CallSite;
  /**
   * Known only from a snapshot, never announced by a 'wait' event. The hub reports a wait that
   * ends within its short-wait threshold before a drain announced it only in 'shortWaits', with
   * no 'waitEnd', so the store retires such waiters when a matching shortWaits count arrives.
   */
  readonly fromSnapshot?: boolean;
  /** Already waiting when the hub was armed (a late attach): `since` is a lower bound, no site. */
  readonly adopted?: boolean;
}

/** A wait that ended (kept in a short per-queue history). */
export interface EndedWait extends ModelWaiter {
  /** Epoch ms when it ended. */
  readonly ended: number;
  readonly outcome: WaitOutcomeWire;
  readonly ms: number;
}

/** Aggregated wait statistics of one role: every ended wait, announced or short. */
export interface WaitStats {
  count: number;
  totalMs: number;
  /** Histogram over WAIT_BUCKETS_MS. */
  hist: number[];
}

export function emptyWaitStats(): WaitStats {
  return { count: 0, totalMs: 0, hist: WAIT_BUCKETS_MS.map(() => 0) };
}

export function emptyCounters(): Counters {
  return { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 0, dropped: 0 };
}

/**
 * Blocked producers and waiting consumers of a queue right now: the hub's exact counts when
 * it sends them, otherwise the waiters the model was told of. Every reader counts through here.
 */
export function waitCounts(q: Pick<ModelQueue, 'waiters' | 'liveWaits'>): { blocked: number; waiting: number } {
  if (q.liveWaits !== undefined) return { blocked: q.liveWaits.blocked, waiting: q.liveWaits.waiting };
  let blocked = 0;
  let waiting = 0;
  for (const w of q.waiters.values()) {
    if (w.role === 'put') blocked++;
    else waiting++;
  }
  return { blocked, waiting };
}

export interface ModelQueue {
  /** Queue id within its source (the hub's id). */
  readonly id: number;
  /** Globally unique: `${session}/${source}/${id}`. */
  readonly key: string;
  readonly session: string;
  readonly source: string;
  name: string;
  kind: QueueKindWire;
  maxsize: number;
  /** Live depth (latest sample, counters or snapshot). */
  size: number;
  /** Tasks put and not yet taskDone()'d. */
  unfinished: number;
  /** false, or how it was shut down. */
  shutdown: false | 'graceful' | 'immediate';
  /** The user's line that created it (absent when created before the hub was armed). */
  site?: CallSite;
  counters: Counters;
  /**
   * Current waiters by waiter id, in start order: every one, unless `waitsSampled` > 1
   * (then the sampled ones; waitCounts() still has the exact numbers).
   */
  readonly waiters: Map<number, ModelWaiter>;
  /**
   * Exact blocked producers / waiting consumers, when the hub counts them (columnar drains,
   * snapshots). Undefined: `waiters` is complete and is what counts.
   */
  liveWaits?: { blocked: number; waiting: number };
  /** The hub reports this queue's individual waits 1 in N (1 or undefined: all of them). */
  waitsSampled?: number;
  /** The last few ended waits, oldest first (bounded). */
  readonly recentWaits: EndedWait[];
  readonly waitStats: { put: WaitStats; get: WaitStats };
  readonly timeline: DepthTimeline;
  /** Epoch ms it was first seen. */
  created: number;
  /** Epoch ms it was garbage-collected in the program (it stays in the model as history). */
  collected?: number;
  /**
   * Who was still waiting on it when it was collected (its waits then end as 'collected'),
   * and the hub's counts then: what the work-lost rule judges.
   */
  waitersAtCollect?: ModelWaiter[];
  liveWaitsAtCollect?: { blocked: number; waiting: number };
  /** Item previews from the latest snapshot (taken while paused). */
  items?: string[];
  /** Another library's queue (src/trace/adapters): "p-queue@9.0.0", "node:stream". */
  lib?: string;
  /** Task pools: how many tasks may run at once (running is counters.running). */
  concurrency?: number;
  /** Byte-mode streams count bytes. */
  units?: 'bytes';
  /** Library-specific figures from the latest counters or snapshot (piscina: threads, utilization, wait_p50…). */
  stats?: Record<string, number>;
  /** Task pools: epoch ms the oldest running task started (counters.runningSince); absent when none runs or unknown. */
  runningSince?: number;
  /** Epoch ms of the counters event the counters come from (the hub's drain time). */
  countersAt?: number;
  /** Previews of the running tasks' data from the latest snapshot (async's workersList()). */
  runningItems?: string[];
  /** Epoch ms of the snapshot that produced `items`. */
  itemsAt?: number;
  /** BullMQ queues only (origin 'redis'): per-state counts, workers, job events (jobs.ts). */
  jobs?: ModelJobs;
  /** @internal Change bookkeeping of the store (which message last touched this queue). */
  readonly marks: { updated: number; sampled: number };
}

/** One realm (main thread or worker) of one process: one hub. */
export interface ModelSource {
  /** sourceKey(): `${pid}:${threadId}`. */
  readonly key: string;
  readonly session: string;
  info: SourceInfo;
  state: RunState;
  /** How the realm ended, when it said so (exit tail, recording end line). */
  end?: EndInfo;
  /** The debug session this source is read through (a child session of js-debug), if live. */
  channel?: string;
  readonly queues: Map<number, ModelQueue>;
  /** Sequence number the next drain batch should carry. */
  nextSeq: number;
  /** Batches known lost (sequence gaps). */
  lostBatches: number;
  /** Detail events the hub dropped because nobody drained (realm total). */
  dropped: number;
  /** Events the reader skipped as malformed or unknown. */
  skippedEvents: number;
  /** Epoch ms of the latest data from this source. */
  lastSeen: number;
  /**
   * Epoch ms (the model's clock) the latest drain batch was applied, empty or not: how far
   * the live picture is known to reach. Absent for a source fed events only (a replay).
   */
  drainedAt?: number;
  /**
   * Ms between the last two refreshes of a busy source: how often its picture is renewed
   * while reading it is paced (issue #17). See QueueModel's refresh bookkeeping.
   */
  refreshMs?: number;
  /** @internal Refresh bookkeeping: epoch ms (the hub's clock) of the latest busy batch, and the latest gaps between them. */
  refreshAt?: number;
  refreshGaps?: number[];
  /** Epoch ms of the latest pause snapshot. */
  pausedAt?: number;
  /** Spans the source could not be read (a Redis watch that lost its server): no data, not zeros. */
  gaps?: ModelGap[];
}

/** Epoch ms a source's clocks stand at: now while it runs; its pause or its last moment otherwise. */
export function sourceNow(src: ModelSource | undefined, now: number): number {
  return !src || src.state === 'live' ? now : src.state === 'paused' ? (src.pausedAt ?? src.lastSeen) : src.lastSeen;
}

/** A top-level debug session (a launch or an attach) and the realms seen in it. */
export interface ModelSession {
  /** The top-level debug session's id (or a recording's id). */
  readonly id: string;
  name: string;
  /** Where it came from: 'debug' for a live debug session, 'recording' for a loaded file, 'redis' for a BullMQ watch. */
  readonly origin: 'debug' | 'recording' | 'redis';
  /** Derived: ended when ended; paused when any source is paused; otherwise live. */
  state: RunState;
  started: number;
  ended?: number;
  /** A recording saved while its program ran (RecordingSavedLine): when. Its end is no exit. */
  savedWhileRunning?: number;
  readonly sources: Map<string, ModelSource>;
  /**
   * Every file the program reported as a call site in this session (a queue's creation, a
   * blocked or waiting call), added as events and snapshots are applied, with the original
   * file its source map maps it to (ModelOptions.mapSite). The panel opens a
   * file only when it is in here: the allow-list does not depend on what was drawn.
   */
  readonly siteFiles: Set<string>;
}
