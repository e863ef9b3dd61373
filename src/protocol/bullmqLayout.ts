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
  return { added: 0, active: 0, completed: 0, failed: 0, stalled: 0 };
}

/** Count one entry (its fields by name) into `flow`; returns the notable event it is, if any. */
export function countStreamEntry(flow: JobFlow, f: Readonly<Record<string, string | undefined>>): JobEventKind | undefined {
  switch (f.event) {
    case 'added':
      flow.added++;
      return undefined;
    case 'active':
      flow.active++;
      return undefined;
    case 'completed':
      flow.completed++;
      return undefined;
    case 'failed':
      flow.failed++;
      return 'failed';
    case 'stalled':
      flow.stalled++;
      return 'stalled';
    case 'retries-exhausted':
      return 'retries-exhausted';
    case 'waiting':
      // Back to waiting from active: a stalled or retried job was put back.
      return f.prev === 'active' ? 'requeued' : undefined;
    default:
      return undefined;
  }
}
