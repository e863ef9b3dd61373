// The part of the model that only distributed queues (BullMQ on Redis, src/redis) have:
// per-state job counts and their history, the oldest waiting job's age, recent notable job
// events, the workers, and the source's gaps (time it could not be read). Kept apart from
// store.ts so the in-process rules stay where they are; the store calls these for the
// event types 'jobCounts', 'jobEvent', 'workers' and 'gap'.

import type { GapEvent, JobCountsEvent, JobEventKind, JobNoticeEvent, JobState, WorkerInfoWire, WorkersEvent } from '../protocol/wire';
import type { ModelQueue, ModelSource } from './entities';
import { DepthTimeline, type RetentionOptions } from './timeline';

/** What the model knows of a BullMQ queue beyond its backlog timeline. */
export interface ModelJobs {
  /** Latest per-state counts and the epoch ms they were read. */
  counts: Record<JobState, number>;
  at: number;
  /** Age (ms) of the oldest waiting job at `at`; null when none waits. */
  oldestWaitMs: number | null;
  /** Per-state counts over time (depth column = the count; puts/gets unused). */
  readonly history: Partial<Record<JobState, DepthTimeline>>;
  /** Stream events counted since the watch began. */
  readonly totals: Required<JobCountsEvent['flow']>;
  /** The latest notable job events, oldest first (bounded). Names and reasons are data: show as text. */
  readonly recent: Array<{ at: number; event: JobEventKind; jobId: string; name?: string; reason?: string }>;
  workers: WorkerInfoWire[];
  /**
   * A `workers` event came: `workers` is the list, empty or not. A traced program's Queue
   * object never gets one (its workers may run in any process), so "no worker" would be a
   * guess: a mailer's Queue row said so beside its own running Worker.
   */
  workersKnown: boolean;
}

/** A span of time a source could not be read (epoch ms). */
export interface ModelGap {
  from: number;
  to: number;
  reason: string;
}

const RECENT_JOB_EVENTS = 50;
const GAPS_PER_SOURCE = 100;

function jobsOf(q: ModelQueue): ModelJobs {
  if (!q.jobs) {
    q.jobs = {
      counts: {} as Record<JobState, number>,
      at: 0,
      oldestWaitMs: null,
      history: {},
      totals: { added: 0, active: 0, completed: 0, failed: 0, stalled: 0, retried: 0 },
      recent: [],
      workers: [],
      workersKnown: false,
    };
  }
  return q.jobs;
}

export function applyJobCounts(q: ModelQueue, e: JobCountsEvent, at: number, retention: RetentionOptions): boolean {
  const j = jobsOf(q);
  let sampled = false;
  for (const state of Object.keys(e.counts) as JobState[]) {
    const n = e.counts[state];
    if (typeof n !== 'number') continue;
    const tl = (j.history[state] ??= new DepthTimeline(retention));
    if (j.counts[state] !== n || tl.stats().points === 0) sampled = tl.push(at, n, n, n, 0, 0) || sampled;
  }
  j.counts = { ...e.counts };
  j.at = at;
  j.oldestWaitMs = e.oldestWaitMs;
  for (const k of Object.keys(j.totals) as Array<keyof ModelJobs['totals']>) j.totals[k] += e.flow[k] ?? 0;
  return sampled;
}

export function applyJobNotice(q: ModelQueue, e: JobNoticeEvent, at: number): void {
  const j = jobsOf(q);
  j.recent.push({ at, event: e.event, jobId: e.jobId, ...(e.name !== undefined ? { name: e.name } : {}), ...(e.reason !== undefined ? { reason: e.reason } : {}) });
  if (j.recent.length > RECENT_JOB_EVENTS) j.recent.splice(0, j.recent.length - RECENT_JOB_EVENTS);
}

export function applyWorkers(q: ModelQueue, e: WorkersEvent): void {
  const j = jobsOf(q);
  j.workers = e.workers.map((w) => ({ ...w }));
  j.workersKnown = true;
}

export function applyGap(src: ModelSource, e: GapEvent): void {
  const gaps = (src.gaps ??= []);
  gaps.push({ from: src.info.origin + e.since, to: src.info.origin + e.t, reason: e.reason });
  if (gaps.length > GAPS_PER_SOURCE) gaps.splice(0, gaps.length - GAPS_PER_SOURCE);
}
