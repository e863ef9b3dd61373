// BullMQ's Redis layout as QueueScope reads it: which key and read command count each job
// state, and what one entry of a queue's event stream (`<prefix>:<queue>:events`) means
// (which flow counter it adds to, which notable job event it is). The Redis watch
// (src/redis) and the in-program BullMQ adapter (src/trace/adapters) both read Redis this
// way; both sides may import protocol, so it is written once.

import type { JobCountsEvent, JobEventKind, JobState } from './wire';

/**
 * Per state: the read-only O(1) command and the queue's key suffix that count it, the keys
 * BullMQ's getJobCounts() counts ('waiting' lives in the list called 'wait').
 */
export const JOB_STATE_READS: ReadonlyArray<readonly [JobState, 'llen' | 'zcard', 'wait' | 'paused' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed']> = [
  ['waiting', 'llen', 'wait'],
  ['paused', 'llen', 'paused'],
  ['active', 'llen', 'active'],
  ['delayed', 'zcard', 'delayed'],
  ['prioritized', 'zcard', 'prioritized'],
  ['waiting-children', 'zcard', 'waiting-children'],
  ['completed', 'zcard', 'completed'],
  ['failed', 'zcard', 'failed'],
];

export type JobFlow = JobCountsEvent['flow'];

export function emptyFlow(): JobFlow {
  return { added: 0, active: 0, completed: 0, failed: 0, stalled: 0, retried: 0 };
}

/**
 * The jobs a queue's stream last showed active or stalled, so that a later entry can tell a
 * retry from a stall's return and from a job added with a delay. BullMQ writes no 'failed'
 * for an attempt it retries: at once it writes 'waiting' from 'active', as a stall's return
 * does (BullMQ 5-6's stall check writes it just before 'stalled', in one script, so the two
 * are consecutive entries), and after a backoff 'delayed', as an add with a delay does (for
 * a job that never ran). Bounded: a job that started before the watch, or too long ago, is
 * not known, and its return reads 'requeued' as before.
 */
export class StreamJobs {
  private readonly active = new Set<string>();
  private readonly stalled = new Set<string>();

  constructor(private readonly max = 10_000) {}

  // An entry without a jobId tells nothing of any job: each method ignores it.
  started(id: string | undefined): void {
    if (id === undefined) return;
    this.stalled.delete(id);
    add(this.active, id, this.max);
  }

  stalledOut(id: string | undefined): void {
    if (id === undefined) return;
    this.active.delete(id);
    add(this.stalled, id, this.max);
  }

  /** A job left 'active' for good or for a while; whether it had been seen active. */
  left(id: string | undefined): boolean {
    return id !== undefined && this.active.delete(id);
  }

  /** A job went back to waiting from active; whether a stall sent it. */
  wasStalled(id: string | undefined): boolean {
    return id !== undefined && this.stalled.delete(id);
  }
}

function add(set: Set<string>, id: string, max: number): void {
  set.delete(id);
  set.add(id);
  if (set.size > max) set.delete(set.values().next().value as string);
}

type Fields = Readonly<Record<string, string | undefined>>;

/**
 * Count one entry (its fields by name) into `flow`; returns the notable event it is, if any.
 * With `jobs` (the queue's stream state) and `next` (the entry after it in the same read, if
 * any), a failed attempt sent back is told apart as 'retried'; without them, every return to
 * waiting from active reads 'requeued'. A read cut by its COUNT between a stall's two entries
 * would take that return for a retry: BullMQ writes them in one script, so only a COUNT cut
 * can part them.
 */
export function countStreamEntry(flow: JobFlow, f: Fields, jobs?: StreamJobs, next?: Fields): JobEventKind | undefined {
  const id = f.jobId;
  const retried = (): JobEventKind => {
    flow.retried = (flow.retried ?? 0) + 1;
    return 'retried';
  };
  switch (f.event) {
    case 'added':
      flow.added++;
      return undefined;
    case 'active':
      flow.active++;
      jobs?.started(id);
      return undefined;
    case 'completed':
      flow.completed++;
      jobs?.left(id);
      return undefined;
    case 'failed':
      flow.failed++;
      jobs?.left(id);
      return 'failed';
    case 'stalled':
      flow.stalled++;
      jobs?.stalledOut(id);
      return 'stalled';
    case 'retries-exhausted':
      return 'retries-exhausted';
    case 'waiting':
      // Back to waiting from active: a stalled job put back, or a failed attempt retried at once.
      if (f.prev !== 'active') return undefined;
      if (next !== undefined && next.event === 'stalled' && next.jobId === id) return 'requeued';
      return jobs !== undefined && !jobs.wasStalled(id) && jobs.left(id) ? retried() : 'requeued';
    case 'delayed':
      // A job that was running, delayed: a failed attempt waiting out its backoff (a job
      // added with a delay never ran).
      return jobs?.left(id) === true ? retried() : undefined;
    default:
      return undefined;
  }
}

/** An XREAD entry's field list (`[name, value, name, value, …]`) by name. */
export function entryFields(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]] = list[i + 1];
  return out;
}

/**
 * One XREAD reply's entries for a queue, in order, counted into `flow` (countStreamEntry,
 * each seen with the entry after it): their id, fields and the notable event each is, if any.
 * Both readers (the Redis watch and the in-program adapter) read a stream through this.
 */
export function countStreamEntries(flow: JobFlow, entries: ReadonlyArray<readonly [string, readonly string[]]>, jobs?: StreamJobs): Array<{ id: string; fields: Record<string, string>; kind: JobEventKind | undefined }> {
  const fields = entries.map(([, list]) => entryFields(list));
  return entries.map(([id], i) => ({ id, fields: fields[i], kind: countStreamEntry(flow, fields[i], jobs, fields[i + 1]) }));
}
