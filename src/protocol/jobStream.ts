// What one entry of a BullMQ queue's event stream (`<prefix>:<queue>:events`) means here:
// which flow counter it adds to, and which notable job event it is. The Redis watch
// (src/redis) and the in-program BullMQ adapter (src/trace/adapters) both read that stream;
// both sides may import protocol, so the meaning is written once.

import type { JobCountsEvent, JobEventKind } from './wire';

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
