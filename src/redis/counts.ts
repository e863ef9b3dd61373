// Per-state job counts of many queues in one round trip: a pipeline of O(1) reads
// (LLEN/ZCARD) per queue, the same keys BullMQ's getJobCounts() counts, read-only (BullMQ's
// own getCounts script may RPOP a legacy marker: a write, so it is not used here). The oldest
// waiting job's id comes in the same pipeline; its timestamp in a second, small one, only for
// queues whose oldest job changed since the previous read.

import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { JOB_STATES, type JobState } from '../protocol/wire';
import { JOB_STATE_READS } from '../protocol/bullmqLayout';
import { queueKey } from './keys';
import { isReplyError } from './redact';

/** Redis key part and command of each state (protocol/bullmqLayout.ts, shared with the in-program adapter). */
const STATE_READS = JOB_STATE_READS;

/** Commands per queue in one counts read (the states plus LINDEX for the oldest waiting job). */
export const COMMANDS_PER_QUEUE = STATE_READS.length + 1;

export interface QueueReading {
  counts: Record<JobState, number>;
  /** Id of the oldest job in 'waiting', if any. */
  oldestWaiting: string | null;
  /** The server refused a read of this queue (e.g. WRONGTYPE: another application's key under the prefix): `counts` mean nothing then. */
  failed?: QueueReadError;
}

/** One queue's error reply, with the key it was about. */
export interface QueueReadError {
  key: string;
  error: Error;
}

export function emptyCounts(): Record<JobState, number> {
  const out = {} as Record<JobState, number>;
  for (const s of JOB_STATES) out[s] = 0;
  return out;
}

/** Jobs ready to run and not taken: the depth QueueScope draws for a BullMQ queue. */
export function backlog(c: Record<JobState, number>): number {
  return c.waiting + c.paused + c.prioritized;
}

/** Jobs not finished (ready, running, scheduled or waiting for children). */
export function unfinished(c: Record<JobState, number>): number {
  return c.waiting + c.paused + c.prioritized + c.active + c.delayed + c['waiting-children'];
}

function queueCounts(p: ChainableCommander, prefix: string, queue: string): void {
  for (const [, cmd, part] of STATE_READS) p[cmd](queueKey(prefix, queue, part));
  p.lindex(queueKey(prefix, queue, 'wait'), -1);
}

/**
 * Read every queue's counts in one pipeline. An error reply fails only its own queue
 * (`failed`): one foreign key under the prefix (`SET bull:cache:wait x`) stopped every
 * queue's reads (review of 2026-12-04). Anything else (a lost connection) throws, and the
 * read is retried next tick.
 */
export async function readCounts(client: Redis | Cluster, prefix: string, queues: readonly string[]): Promise<QueueReading[]> {
  if (!queues.length) return [];
  const p = client.pipeline();
  for (const q of queues) queueCounts(p, prefix, q);
  const replies = (await p.exec()) ?? [];
  const out: QueueReading[] = [];
  for (let i = 0; i < queues.length; i++) {
    const base = i * COMMANDS_PER_QUEUE;
    const counts = emptyCounts();
    let failed: QueueReadError | undefined;
    const check = (err: Error | null, part: string): boolean => {
      if (!err) return true;
      if (!isReplyError(err)) throw err;
      failed ??= { key: queueKey(prefix, queues[i], part), error: err };
      return false;
    };
    for (let j = 0; j < STATE_READS.length; j++) {
      const [err, value] = replies[base + j] ?? [new Error('missing reply'), null];
      if (check(err, STATE_READS[j][2])) counts[STATE_READS[j][0]] = Number(value) || 0;
    }
    const [err, oldest] = replies[base + STATE_READS.length] ?? [new Error('missing reply'), null];
    check(err, 'wait');
    out.push({ counts, oldestWaiting: !failed && typeof oldest === 'string' ? oldest : null, ...(failed ? { failed } : {}) });
  }
  return out;
}

/**
 * Epoch ms each job became ready: its `timestamp` plus its `delay` (a delayed job waits
 * from when it was promoted). Unknown ids (removed since) come back as null.
 */
export async function readReadySince(client: Redis | Cluster, prefix: string, jobs: ReadonlyArray<[queue: string, id: string]>): Promise<Array<number | null>> {
  if (!jobs.length) return [];
  const p = client.pipeline();
  for (const [q, id] of jobs) p.hmget(queueKey(prefix, q, id), 'timestamp', 'delay');
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err || !Array.isArray(value)) return null;
    const ts = Number(value[0]);
    if (!Number.isFinite(ts) || value[0] === null) return null;
    const delay = Number(value[1]) || 0;
    return ts + delay;
  });
}
