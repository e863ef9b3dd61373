// The BullMQ adapter's clock: once a second, while the hub is armed and a reader drains it,
// read every traced BullMQ queue's counts and event stream on the adapter's own connections
// (bullmqRedis.ts) and hand what was read to the hub as the wire events the Redis watch
// already speaks (`jobCounts`, `jobEvent`, `workers`; docs/PROTOCOL.md), so the model, tree
// and panel show them as they show a watched queue.
//
// Load bound: one pipeline per Redis server per tick, holding each queue's reads once, never
// two in flight: at most one counts request per queue per second, however many Queue and
// Worker objects of that queue the program has. Dormant hub, or no drain for
// IDLE_MS (a debugger that detached, a recorder that stopped): nothing is read and the
// connections are closed; each queue's stream position is kept, and reading resumes from it.
// The tick timer is unref'd: it never keeps the program alive.

import type { JobState, WireEvent } from '../../protocol/wire';
import { findHub } from '../../queue/probe';
import { now } from '../clock';
import { nodeEnv } from '../env';
import { CountsConnection, countsOptions, nextTick, StreamCursor, type BullKeys, type QueueReading, type RedisLike } from './bullmqRedis';

/** Ms between reads. */
const TICK_MS = 1000;
/** A reader that has not drained for this long is gone: stop reading Redis. */
const IDLE_MS = Math.max(1000, Number(nodeEnv().QUEUESCOPE_BULLMQ_IDLE_MS) || 10_000);

/** One traced Queue or Worker object, as the sampler sees it (bullmq.ts implements it). */
export interface SampledObject {
  /** The program's object is still alive and not closed, and its adapter healthy. */
  live(): boolean;
  /** Armed (the hub installed a probe). */
  armed(): boolean;
  /** The keys, when the object is constructed (null: not yet / unreadable). */
  keys(): BullKeys | null;
  /** The program's client, once it connected (resolves null when it cannot be used). */
  programClient(): Promise<RedisLike | null>;
  /** Epoch ms from which its queue's events count: when it was first seen armed. */
  armedSince(): number;
  /** One reading of its queue: update depth, emit the wire events. */
  apply(r: QueueReading, t: number, emit: (ev: WireEvent) => void, names: Map<string, string>): void;
}

interface QueueGroup {
  cursor: StreamCursor;
  keys: BullKeys;
  members: SampledObject[];
}

interface ServerGroup {
  conn: CountsConnection;
  busy: boolean;
}

interface HubExtras {
  adapterEvent?(ev: WireEvent): boolean;
  readerActive?(ms: number): boolean;
}

/** Names of jobs this realm's workers ran (jobId -> name), per queue key, bounded. */
const NAMES_PER_QUEUE = 1000;

export class BullmqSampler {
  private readonly objects = new Set<{ deref(): SampledObject | undefined }>();
  /** Per object: its server (assigned once its program client connected). */
  private readonly serverOf = new WeakMap<SampledObject, string>();
  private readonly pending = new WeakSet<SampledObject>();
  private readonly servers = new Map<string, ServerGroup>();
  /** Per server: how to open the adapter's own connection to it. */
  private readonly makers = new Map<string, () => RedisLike>();
  private readonly cursors = new Map<string, StreamCursor>();
  private readonly names = new Map<string, Map<string, string>>();
  private timer: unknown = undefined;

  /** An object was armed: make sure the clock runs. */
  add(ref: { deref(): SampledObject | undefined }): void {
    this.objects.add(ref);
    const o = ref.deref();
    if (o !== undefined && !this.serverOf.has(o)) this.resolveServer(o); // connected by the first tick
    if (this.timer === undefined) this.timer = nextTick(this.onTick, TICK_MS);
  }

  /** A worker ran a job: remember its name for that queue's failure notices. */
  jobName(keys: BullKeys, id: string, name: string): void {
    let m = this.names.get(keys.events);
    if (m === undefined) this.names.set(keys.events, (m = new Map()));
    m.set(id, name);
    if (m.size > NAMES_PER_QUEUE) m.delete(m.keys().next().value as string);
  }

  private readonly onTick = (): void => {
    this.timer = undefined;
    try {
      this.tick();
    } catch {
      // never into the program
    }
    if (this.objects.size > 0) this.timer = nextTick(this.onTick, TICK_MS);
  };

  private tick(): void {
    const hub = findHub() as HubExtras | null;
    const reading = hub !== null && typeof hub.adapterEvent === 'function' && (typeof hub.readerActive !== 'function' || hub.readerActive(IDLE_MS));
    // Group the live, armed objects by server and queue.
    const byServer = new Map<string, Map<string, QueueGroup>>();
    for (const ref of this.objects) {
      const o = ref.deref();
      if (o === undefined || !o.live()) {
        this.objects.delete(ref);
        continue;
      }
      if (!reading || !o.armed()) continue;
      const keys = o.keys();
      if (keys === null) continue;
      const server = this.serverOf.get(o);
      if (server === undefined) {
        this.resolveServer(o);
        continue;
      }
      let queues = byServer.get(server);
      if (queues === undefined) byServer.set(server, (queues = new Map()));
      let g = queues.get(keys.events);
      if (g === undefined) {
        let cursor = this.cursors.get(`${server} ${keys.events}`);
        if (cursor === undefined) this.cursors.set(`${server} ${keys.events}`, (cursor = new StreamCursor(o.armedSince())));
        queues.set(keys.events, (g = { cursor, keys, members: [] }));
      }
      g.members.push(o);
    }
    // Servers nobody reads from now: close their connections. Their stream positions stay, so
    // reading resumes where it stopped: forgotten, the next read started again from when the
    // object was first armed and counted every job twice (a breakpoint held for 11 s: the tick
    // overdue at resume ran before the debugger's next drain, so the reader looked gone).
    for (const [server, sg] of this.servers) {
      if (byServer.has(server)) continue;
      sg.conn.close();
      this.servers.delete(server);
    }
    for (const [server, queues] of byServer) {
      let sg = this.servers.get(server);
      const make = this.makers.get(server);
      if (sg === undefined && make !== undefined) this.servers.set(server, (sg = { conn: new CountsConnection(make), busy: false }));
      if (sg === undefined || sg.busy) continue;
      sg.busy = true;
      this.readServer(sg, [...queues.values()], hub as HubExtras).then(
        () => (sg.busy = false),
        () => (sg.busy = false),
      );
    }
  }

  private async readServer(sg: ServerGroup, groups: QueueGroup[], hub: HubExtras): Promise<void> {
    if (!(await sg.conn.ready())) return;
    let readings: QueueReading[];
    try {
      readings = await sg.conn.read(groups);
    } catch {
      sg.conn.close(); // read again from a fresh connection at the next tick; nothing is emitted (no zeros)
      return;
    }
    const t = now();
    const emit = (ev: WireEvent): void => {
      hub.adapterEvent?.(ev);
    };
    groups.forEach((g, i) => {
      const names = this.names.get(g.keys.events) ?? new Map<string, string>();
      for (const o of g.members) {
        try {
          o.apply(readings[i], t, emit, names);
        } catch {
          // that object's adapter disables itself on its own reads
        }
      }
    });
  }

  /** Find which server an object's queue lives on (its program client's options), once. */
  private resolveServer(o: SampledObject): void {
    if (this.pending.has(o)) return;
    this.pending.add(o);
    o.programClient().then(
      (client) => {
        if (client === null) return;
        const opts = client.options ?? {};
        const id = serverId(opts);
        this.serverOf.set(o, id);
        // ioredis's duplicate(): a new client with the program's options and ours on top.
        if (!this.makers.has(id)) this.makers.set(id, () => client.duplicate(countsOptions({})));
      },
      () => undefined,
    );
  }
}

/** Which server (and database, and user) a set of ioredis options reaches. */
function serverId(o: Record<string, unknown>): string {
  return JSON.stringify([o.path ?? null, o.host ?? null, o.port ?? null, o.db ?? 0, o.username ?? null, o.tls !== undefined && o.tls !== null]);
}

/** The ready backlog: what QueueScope draws as a BullMQ queue's depth (as the Redis watch). */
export function backlog(c: Record<JobState, number>): number {
  return c.waiting + c.paused + c.prioritized;
}

export const sampler = new BullmqSampler();
