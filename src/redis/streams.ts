// The queues' event streams (`<prefix>:<q>:events`, written by BullMQ's scripts with XADD):
// read with one non-blocking XREAD for every queue per tick, from the last id seen, so the
// completions and failures between two counts reads are counted, not sampled. When that
// XREAD gets an error reply (one `events` key that is not a stream fails the whole command),
// the streams are read again one XREAD each in one pipeline, so only that queue fails. Only notable
// events (failed, stalled, retries exhausted, retried, moved back to waiting) are kept one by
// one, and at most `maxNotices` per tick; the rest are counted.

import type { Cluster, Redis } from 'ioredis';
import type { JobEventKind } from '../protocol/wire';
import { countStreamEntries, emptyFlow, StreamJobs, type JobFlow } from '../protocol/bullmqLayout';
import { queueKey } from './keys';
import type { QueueReadError } from './counts';
import { isReplyError } from './redact';

export type Flow = JobFlow;
export { emptyFlow };

export interface Notice {
  queue: string;
  event: JobEventKind;
  jobId: string;
  /** Epoch ms from the stream entry id. */
  at: number;
  reason?: string;
}

export interface StreamRead {
  /** Per queue name: counts of the events read. */
  flow: Map<string, Flow>;
  notices: Notice[];
  /** Notices beyond the per-tick cap (counted in `flow` all the same). */
  skippedNotices: number;
  /** Entries read in total. */
  entries: number;
  /** Queues whose stream returned a full COUNT: more is waiting, read again next tick. */
  behind: string[];
  /** Queues whose stream the server refused to read (their ids were not advanced). */
  failed: Map<string, QueueReadError>;
  /** Commands sent (1, or 1 + one per queue when the XREAD of all failed). */
  commands: number;
}

type XReadStreams = Array<[string, Array<[string, string[]]>]>;
type XReadReply = XReadStreams | null;

/**
 * One XREAD of every stream; on an error reply, one XREAD per stream in one pipeline, so a
 * queue whose `events` key holds something else (WRONGTYPE) fails alone (review of
 * 2026-12-04: it stopped every queue's reads).
 */
async function xreadAll(client: Redis | Cluster, keys: string[], ids: string[], count: number, failed: Map<number, Error>): Promise<{ reply: XReadReply; commands: number }> {
  try {
    return { reply: (await client.xread('COUNT', count, 'STREAMS', ...keys, ...ids)) as XReadReply, commands: 1 };
  } catch (err) {
    if (!isReplyError(err)) throw err; // a lost connection: the whole read fails
    if (keys.length === 1) {
      failed.set(0, err);
      return { reply: null, commands: 1 };
    }
  }
  const p = client.pipeline();
  keys.forEach((k, i) => p.xread('COUNT', count, 'STREAMS', k, ids[i]));
  const replies = (await p.exec()) ?? [];
  const reply: XReadStreams = [];
  keys.forEach((_, i) => {
    const [err, value] = replies[i] ?? [new Error('missing reply'), null];
    if (err && !isReplyError(err)) throw err;
    if (err) failed.set(i, err);
    else if (value) reply.push(...(value as XReadStreams));
  });
  return { reply, commands: 1 + keys.length };
}

const REASON_MAX = 200;

/**
 * Read new entries of every queue's stream. `lastIds` (queue -> last entry id read) is
 * advanced in place. A queue whose stream does not exist yet starts from '0-0'.
 */
export async function readStreams(
  client: Redis | Cluster,
  prefix: string,
  lastIds: Map<string, string>,
  opts: { count?: number; maxNotices?: number; jobs?: Map<string, StreamJobs> } = {},
): Promise<StreamRead> {
  const out: StreamRead = { flow: new Map(), notices: [], skippedNotices: 0, entries: 0, behind: [], failed: new Map(), commands: 0 };
  const queues = [...lastIds.keys()];
  if (!queues.length) return out;
  const count = opts.count ?? 1000;
  const maxNotices = opts.maxNotices ?? 200;
  const keys = queues.map((q) => queueKey(prefix, q, 'events'));
  const failed = new Map<number, Error>();
  const { reply, commands } = await xreadAll(client, keys, queues.map((q) => lastIds.get(q) ?? '0-0'), count, failed);
  out.commands = commands;
  for (const [i, error] of failed) out.failed.set(queues[i], { key: keys[i], error });
  const byKey = new Map(keys.map((k, i) => [k, queues[i]]));
  for (const [key, entries] of reply ?? []) {
    const queue = byKey.get(key);
    if (queue === undefined) continue;
    const flow = out.flow.get(queue) ?? emptyFlow();
    out.flow.set(queue, flow);
    // Kept across reads by the caller, so a retry is told apart from a stall's return.
    let jobs = opts.jobs?.get(queue);
    if (opts.jobs !== undefined && jobs === undefined) opts.jobs.set(queue, (jobs = new StreamJobs()));
    for (const { id, fields: f, kind: notice } of countStreamEntries(flow, entries, jobs)) {
      out.entries++;
      const at = Number(id.slice(0, id.indexOf('-')));
      if (notice && f.jobId !== undefined) {
        if (out.notices.length < maxNotices) {
          const reason = f.failedReason;
          out.notices.push({ queue, event: notice, jobId: f.jobId, at, ...(reason !== undefined ? { reason: reason.slice(0, REASON_MAX) } : {}) });
        } else out.skippedNotices++;
      }
    }
    if (entries.length) lastIds.set(queue, entries[entries.length - 1][0]);
    if (entries.length >= count) out.behind.push(queue);
  }
  return out;
}

/** One StreamRead from the reads of several slot groups (each queue is in one of them); at most `maxNotices` notices in all. */
export function mergeStreamReads(reads: readonly StreamRead[], maxNotices = 200): StreamRead {
  if (reads.length === 1) return reads[0];
  const out: StreamRead = { flow: new Map(), notices: [], skippedNotices: 0, entries: 0, behind: [], failed: new Map(), commands: 0 };
  for (const r of reads) {
    for (const [q, f] of r.failed) out.failed.set(q, f);
    out.commands += r.commands;
    for (const [q, f] of r.flow) out.flow.set(q, f);
    out.notices.push(...r.notices);
    out.skippedNotices += r.skippedNotices;
    out.entries += r.entries;
    out.behind.push(...r.behind);
  }
  if (out.notices.length > maxNotices) out.skippedNotices += out.notices.splice(maxNotices).length;
  return out;
}

/** The id to start a newly found queue's stream from: its newest entry (history before the watch is not replayed). */
export async function latestIds(client: Redis | Cluster, prefix: string, queues: readonly string[]): Promise<string[]> {
  if (!queues.length) return [];
  const p = client.pipeline();
  for (const q of queues) p.xrevrange(queueKey(prefix, q, 'events'), '+', '-', 'COUNT', 1);
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err || !Array.isArray(value) || !value.length) return '0-0';
    return String((value[0] as [string, string[]])[0]);
  });
}
