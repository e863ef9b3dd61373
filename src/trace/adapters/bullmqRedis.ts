// The BullMQ adapter's own Redis connection and what it reads on it. A traced program's
// Queue/Worker objects live in Redis, so their per-state counts and their failures, stalls
// and exhausted retries can only be read there. That read must never touch the program's
// connection (a command queued behind a worker's BZPOPMIN would wait for it, and ours would
// sit between the program's own): the adapter opens a connection of its own, built with the
// program's own ioredis client's duplicate() (its options, ours on top), and:
//
//   - never keeps the program alive: the socket is unref'd, connectTimeout is short, ioredis
//     does not reconnect by itself (retryStrategy: null) and queues nothing while offline;
//     the sampler decides when to try again;
//   - is named `queuescope:counts` (CLIENT SETNAME), so it shows as ours in CLIENT LIST;
//   - only reads: per queue one pipeline of LLEN/ZCARD (the keys BullMQ's getJobCounts()
//     counts; its script may write, so it is not used), LINDEX + HMGET for the oldest
//     waiting job, and XREAD (never BLOCK) of the queue's event stream from the last id seen.
//
// No import of ioredis: the connection comes from the program's client (tracer stays
// dependency-free). Every call is guarded; a failure marks the connection for a retry.

import { JOB_STATES, type JobEventKind, type JobState } from '../../protocol/wire';
import { countStreamEntries, emptyFlow, JOB_STATE_READS, StreamJobs, type JobFlow } from '../../protocol/bullmqLayout';
import { unrefTimer } from '../env';

/** The subset of an ioredis client this file uses. */
export interface RedisLike {
  status?: string;
  options?: Record<string, unknown>;
  stream?: { unref?: () => void };
  isCluster?: boolean;
  connect(): Promise<unknown>;
  disconnect(): void;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  pipeline(): PipelineLike;
  duplicate(override: Record<string, unknown>): RedisLike;
}
interface PipelineLike {
  llen(key: string): PipelineLike;
  zcard(key: string): PipelineLike;
  lindex(key: string, i: number): PipelineLike;
  hmget(key: string, ...fields: string[]): PipelineLike;
  xread(...args: Array<string | number>): PipelineLike;
  xrevrange(key: string, end: string, start: string, count: 'COUNT', n: number): PipelineLike;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** The keys of one BullMQ queue (BullMQ's own `queue.keys`, or built from the prefix). */
export interface BullKeys {
  wait: string;
  paused: string;
  active: string;
  delayed: string;
  prioritized: string;
  'waiting-children': string;
  completed: string;
  failed: string;
  events: string;
  /** `<prefix>:<queue>:`, the job hash key without the id. */
  job: string;
}

/** BullMQ's state reads; each key suffix is also a field of BullKeys. */
const STATE_KEYS = JOB_STATE_READS;

export const CONNECTION_NAME = 'queuescope:counts';
/** Stream entries read per queue and second; a queue writing more falls behind (flow and notices lag, counts do not). */
const STREAM_COUNT = 2000;
const REASON_MAX = 200;

export type Flow = JobFlow;
export interface Notice {
  event: JobEventKind;
  jobId: string;
  /** Epoch ms of the stream entry. */
  at: number;
  reason?: string;
}

/** Per queue, what the reads remember between ticks. */
export class StreamCursor {
  /** Last event-stream id read; null until the first read found the stream's end. */
  lastId: string | null = null;
  /** The jobs this stream showed running, to tell a retried attempt (countStreamEntry). */
  readonly jobs = new StreamJobs();

  /**
   * `since`: epoch ms from which the stream's events count (the program's object was seen
   * armed then). Without it the first read only finds where the stream ends now, and every
   * job added or taken before the first read (the sampler reads only once a reader drains,
   * a second or two into an F5 run) was missing from the puts and gets.
   */
  constructor(readonly since: number | null = null) {}
  /** The oldest waiting job last seen, and when it became ready (epoch ms), once read. */
  oldestId: string | null = null;
  oldestReadyAt: number | null = null;
}

export interface QueueReading {
  counts: Record<JobState, number>;
  oldestWaitMs: number | null;
  flow: Flow;
  notices: Notice[];
}

/** Our options on top of the program's (given to ioredis's duplicate()): an own, quiet connection. */
export function countsOptions(programOptions: Record<string, unknown>): Record<string, unknown> {
  return {
    ...programOptions,
    connectionName: CONNECTION_NAME,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    enableAutoPipelining: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout: 2000,
    keyPrefix: '',
  };
}

/** One own connection to one Redis server (shared by every queue the program has there). */
export class CountsConnection {
  private client: RedisLike | null = null;
  private connecting: Promise<boolean> | null = null;

  constructor(private readonly make: () => RedisLike) {}

  /** Connected and usable now? Connects (once at a time) when not; resolves false on failure. */
  ready(): Promise<boolean> {
    if (this.client !== null && this.client.status === 'ready') return Promise.resolve(true);
    if (this.connecting !== null) return this.connecting;
    this.close();
    let c: RedisLike;
    try {
      c = this.make();
      c.on('error', () => undefined); // ioredis would print an unhandled 'error' to the program's stderr
      c.on('connect', () => c.stream?.unref?.());
    } catch {
      return Promise.resolve(false);
    }
    this.client = c;
    this.connecting = c.connect().then(
      () => {
        this.connecting = null;
        c.stream?.unref?.();
        return c.status === 'ready';
      },
      () => {
        this.connecting = null;
        this.close();
        return false;
      },
    );
    return this.connecting;
  }

  /** Read every queue in one pipeline (one request per queue and tick). Throws on a failed read. */
  async read(queues: ReadonlyArray<{ keys: BullKeys; cursor: StreamCursor }>): Promise<QueueReading[]> {
    const c = this.client;
    if (c === null) throw new Error('not connected');
    const p = c.pipeline();
    for (const { keys, cursor } of queues) {
      for (const [, cmd, key] of STATE_KEYS) p[cmd](keys[key]);
      p.lindex(keys.wait, -1);
      p.hmget(keys.job + (cursor.oldestId ?? ''), 'timestamp', 'delay');
      const from = cursor.lastId ?? (cursor.since !== null ? `${Math.max(0, Math.floor(cursor.since))}-0` : null);
      if (from === null) p.xrevrange(keys.events, '+', '-', 'COUNT', 1);
      else p.xread('COUNT', STREAM_COUNT, 'STREAMS', keys.events, from);
    }
    const replies = (await p.exec()) ?? [];
    const per = STATE_KEYS.length + 3;
    const wall = Date.now();
    return queues.map(({ cursor }, i) => {
      const r = replies.slice(i * per, (i + 1) * per);
      if (r.length < per) throw new Error('missing reply');
      for (const [err] of r) if (err) throw err;
      const counts = {} as Record<JobState, number>;
      for (const s of JOB_STATES) counts[s] = 0;
      STATE_KEYS.forEach(([state], j) => (counts[state] = Number(r[j][1]) || 0));
      const oldest = oldestWait(cursor, r[STATE_KEYS.length][1], r[STATE_KEYS.length + 1][1], counts, wall);
      const stream = r[STATE_KEYS.length + 2][1];
      const { flow, notices } = cursor.lastId === null && cursor.since === null ? firstStreamRead(cursor, stream) : streamRead(cursor, stream);
      return { counts, oldestWaitMs: oldest, flow, notices };
    });
  }

  /** Disconnect (idempotent); the next ready() connects anew. */
  close(): void {
    const c = this.client;
    this.client = null;
    this.connecting = null;
    if (c === null) return;
    try {
      c.disconnect();
    } catch {
      // already gone
    }
  }
}

/**
 * The oldest waiting job's age. Its hash is read in the same pipeline as the LINDEX that names
 * it, so it is the hash of the previous tick's oldest: exact while the oldest stays, and for
 * one tick after it changed the previous job's readiness is kept (an upper bound).
 */
function oldestWait(cursor: StreamCursor, idReply: unknown, hashReply: unknown, counts: Record<JobState, number>, wall: number): number | null {
  if (Array.isArray(hashReply) && cursor.oldestId !== null) {
    const ts = Number(hashReply[0]);
    if (hashReply[0] !== null && Number.isFinite(ts)) cursor.oldestReadyAt = ts + (Number(hashReply[1]) || 0);
  }
  const id = typeof idReply === 'string' ? idReply : null;
  if (id !== cursor.oldestId) {
    if (id === null) cursor.oldestReadyAt = null;
    cursor.oldestId = id;
  }
  if (counts.waiting === 0 || cursor.oldestReadyAt === null) return null;
  return Math.max(0, wall - cursor.oldestReadyAt);
}

type Entries = Array<[string, string[]]>;


/** XREVRANGE + - COUNT 1: only where the stream ends now (history before tracing is not replayed). */
function firstStreamRead(cursor: StreamCursor, reply: unknown): { flow: Flow; notices: Notice[] } {
  const last = Array.isArray(reply) && Array.isArray(reply[0]) ? String((reply[0] as [string])[0]) : '0-0';
  cursor.lastId = last;
  return { flow: emptyFlow(), notices: [] };
}

function streamRead(cursor: StreamCursor, reply: unknown): { flow: Flow; notices: Notice[] } {
  const flow = emptyFlow();
  const notices: Notice[] = [];
  const streams = Array.isArray(reply) ? (reply as Array<[string, Entries]>) : [];
  for (const [, entries] of streams) {
    if (!Array.isArray(entries)) continue;
    for (const { id, fields: f, kind } of countStreamEntries(flow, entries, cursor.jobs)) {
      if (kind !== undefined && typeof f.jobId === 'string') {
        const reason = f.failedReason;
        notices.push({ event: kind, jobId: f.jobId, at: Number(id.slice(0, id.indexOf('-'))), ...(typeof reason === 'string' ? { reason: reason.slice(0, REASON_MAX) } : {}) });
      }
    }
    if (entries.length > 0) cursor.lastId = entries[entries.length - 1][0];
  }
  return { flow, notices };
}

/** A timer for the next tick that never keeps the program alive. */
export function nextTick(fn: () => void, ms: number): unknown {
  return unrefTimer(fn, ms);
}
