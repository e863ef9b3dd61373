// BullMQ (tested 6.7.0 with ioredis): a traced program's `Queue` and `Worker` objects appear
// as queues (lib `bullmq@x.y.z`). Their jobs live in Redis, so unlike the other adapters the
// depth is not read from the object: bullmqSampler.ts reads the per-state counts and the
// event stream once a second on a connection of the adapter's own, and this file turns a
// reading into the hub's depth and the `jobCounts` / `jobEvent` / `workers` events.
//
// Hooks (prototype patches, once per copy of each class):
//   - `Queue.prototype.createBackend()`, which BullMQ's QueueBase constructor calls: a Queue
//     is registered with the hub right after its backend exists;
//   - `Worker.prototype.run()` (autorun calls it from the constructor): a Worker registers
//     when it starts running;
//   - `Worker.prototype.callProcessJob(job, token, signal)`, which runs the processor: the
//     worker's running jobs (id, name, start, attempts), seen with one extra reaction on the
//     processor's own promise. Nothing is awaited, no argument or result is touched.
//
// A Worker shows depth = the queue's ready backlog (waiting + paused + prioritized), running
// = the jobs it runs now, concurrency = its `concurrency`; its `workers` event lists itself
// with its running jobs. A class of another shape, a connection that is not ioredis, or a
// Redis Cluster: one warning and that object (or that copy of BullMQ) is not shown.

import type { RunningJobWire, WireEvent } from '../../protocol/wire';
import { now } from '../clock';
import type { BullKeys, QueueReading, RedisLike } from './bullmqRedis';
import { backlog, sampler, type SampledObject } from './bullmqSampler';
import { RunningAges } from './running';
import { AdaptedQueue } from './target';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface BullObject {
  name?: unknown;
  opts?: { name?: unknown; prefix?: unknown };
  keys?: Record<string, unknown>;
  closing?: unknown;
  closed?: unknown;
  concurrency?: unknown;
  id?: unknown;
  getBackend?: () => { client?: unknown } | undefined;
  client?: unknown;
}

interface JobLike {
  id?: unknown;
  name?: unknown;
  attemptsMade?: unknown;
  attemptsStarted?: unknown;
}

/** Shown in snapshots' item previews of a Worker: one job it runs now. */
class RunningJob {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly age: string,
    readonly attempts: number,
  ) {}
}

const JOBS_IN_WORKERS_EVENT = 20;
const patched = new WeakSet<object>();
const tracked = new WeakMap<object, Traced>();
const pending = new WeakSet<object>();

/** One Queue or Worker object of the program. */
class Traced implements SampledObject {
  readonly t: AdaptedQueue;
  private readonly ref: { deref(): BullObject | undefined };
  private depth = 0;
  private first = true;
  private lastCounts = '';
  private readonly since = now();
  private lastJobT = now();
  /** Worker only: jobs running now, by start order. */
  readonly running: Map<object, { id: string; name: string; t: number; attempts: number }> | null;
  private lastWorkers = '';
  /** Worker only: each running job's start and the finished ones' durations (the stuck rule's history). */
  private readonly ages = new RunningAges();

  constructor(obj: BullObject, readonly role: 'queue' | 'worker', readonly lib: string) {
    const WR = (globalThis as { WeakRef?: new (o: object) => { deref(): BullObject | undefined } }).WeakRef;
    this.ref = WR !== undefined ? new WR(obj) : { deref: () => obj };
    this.running = role === 'worker' ? new Map() : null;
    const queueName = String(obj.name);
    const workerName = role === 'worker' && typeof obj.opts?.name === 'string' && obj.opts.name !== '' ? ` ${obj.opts.name}` : '';
    this.t = new AdaptedQueue({
      name: role === 'queue' ? queueName : `${queueName} worker${workerName}`,
      kind: 'fifo',
      maxsize: 0,
      lib,
      size: () => this.depth,
      ...(this.running !== null
        ? {
            running: () => this.running?.size ?? 0,
            concurrency: () => Number(this.ref.deref()?.concurrency) || 0,
            ...this.ages.spec(() => this.running?.size ?? 0),
            peek: (n: number) => this.jobs(now()).slice(0, n).map((j) => new RunningJob(j.id, j.name, `${(j.ageMs / 1000).toFixed(1)} s`, j.attempts)),
          }
        : {}),
      onProbe: (armed) => {
        if (armed) {
          this.armedAt ??= Date.now();
          sampler.add(this.selfRef());
        }
      },
    });
    if (this.t.probe !== null) {
      this.armedAt = Date.now();
      sampler.add(this.selfRef());
    }
  }

  /** Epoch ms this object was first seen armed (its queue's events count from then). */
  private armedAt: number | undefined;

  armedSince(): number {
    return this.armedAt ?? Date.now();
  }

  private selfRef(): { deref(): SampledObject | undefined } {
    // Held weakly by the sampler: alive exactly as long as the program's object (via `tracked`).
    const ref = this.ref;
    return { deref: () => (ref.deref() !== undefined ? tracked.get(ref.deref() as object) : undefined) };
  }

  live(): boolean {
    const o = this.ref.deref();
    return o !== undefined && !this.t.disabled && !o.closing && o.closed !== true;
  }

  armed(): boolean {
    return this.t.active;
  }

  keys(): BullKeys | null {
    const k = this.t.read(() => this.ref.deref()?.keys, undefined);
    if (k === undefined || k === null || typeof k.wait !== 'string' || typeof k.events !== 'string' || typeof k[''] !== 'string') return null;
    const s = (name: string): string => String(k[name]);
    return {
      wait: s('wait'),
      paused: s('paused'),
      active: s('active'),
      delayed: s('delayed'),
      prioritized: s('prioritized'),
      'waiting-children': s('waiting-children'),
      completed: s('completed'),
      failed: s('failed'),
      events: s('events'),
      job: s(''),
    };
  }

  programClient(): Promise<RedisLike | null> {
    const o = this.ref.deref();
    if (o === undefined) return Promise.resolve(null);
    // BullMQ 6: getBackend().client (Redis-specific); 5.x: the `client` getter. Both are
    // BullMQ's own promise of its connection, which BullMQ itself already handles on failure.
    const p = this.t.read(() => (typeof o.getBackend === 'function' ? o.getBackend()?.client : o.client), undefined);
    if (p === undefined || typeof (p as Promise<unknown>).then !== 'function') {
      this.t.disable('its connection could not be found');
      return Promise.resolve(null);
    }
    return (p as Promise<unknown>).then(
      (c) => this.usable(c),
      () => null,
    );
  }

  private usable(c: unknown): RedisLike | null {
    const r = c as (RedisLike & { defineCommand?: unknown }) | null;
    if (r === null || typeof r !== 'object' || typeof r.defineCommand !== 'function' || typeof r.options !== 'object' || typeof r.duplicate !== 'function') {
      this.t.disable('its connection is not an ioredis client');
      return null;
    }
    if (r.isCluster === true) {
      this.t.disable('Redis Cluster connections are not read yet');
      return null;
    }
    return r;
  }

  apply(r: QueueReading, t: number, emit: (ev: WireEvent) => void, names: Map<string, string>): void {
    if (!this.t.active) return;
    const q = this.t.id;
    const d = backlog(r.counts);
    const prev = this.depth;
    this.depth = d;
    // Depth goes through the probe like any queue's: puts = jobs added, gets = jobs taken
    // (the stream's counts); a change the stream does not explain (a delayed job promoted, a
    // job removed) is one put or get.
    const puts = Math.min(r.flow.added, 10_000);
    const gets = Math.min(r.flow.active, 10_000);
    for (let i = 0; i < puts; i++) this.t.put(d);
    for (let i = 0; i < gets; i++) this.t.get(d);
    if (puts + gets === 0 && d !== prev) {
      if (d > prev) this.t.put(d);
      else this.t.get(d);
    }
    const f = r.flow;
    const key = JSON.stringify([r.counts, r.oldestWaitMs]);
    if (this.first || key !== this.lastCounts || f.added + f.active + f.completed + f.failed + f.stalled > 0) {
      emit({ type: 'jobCounts', t, q, counts: r.counts, oldestWaitMs: r.oldestWaitMs, flow: f });
    }
    this.first = false;
    this.lastCounts = key;
    for (const n of r.notices) {
      const name = names.get(n.jobId);
      emit({ type: 'jobEvent', t, q, event: n.event, jobId: n.jobId, ...(name !== undefined ? { name } : {}), ...(n.reason !== undefined ? { reason: n.reason } : {}) });
    }
    if (this.running !== null) this.workersEvent(t, emit);
  }

  /** The Worker itself with its running jobs; sent when they changed, and each tick while it runs any (ages move). */
  private workersEvent(t: number, emit: (ev: WireEvent) => void): void {
    const o = this.ref.deref();
    if (o === undefined) return;
    const jobs = this.jobs(t).slice(0, JOBS_IN_WORKERS_EVENT);
    const concurrency = this.t.concurrency ?? 0;
    const sig = JSON.stringify([concurrency, jobs.map((j) => j.id)]);
    if (sig === this.lastWorkers && jobs.length === 0) return;
    this.lastWorkers = sig;
    const name = typeof o.opts?.name === 'string' ? o.opts.name : '';
    emit({
      type: 'workers',
      t,
      q: this.t.id,
      workers: [{ id: String(o.id ?? ''), name, age: Math.round((t - this.since) / 1000), idle: Math.round((t - this.lastJobT) / 1000), concurrency, jobs }],
    });
  }

  jobs(t: number): RunningJobWire[] {
    return [...(this.running?.values() ?? [])].map((j) => ({ id: j.id, name: j.name, ageMs: Math.round(t - j.t), attempts: j.attempts }));
  }

  /** callProcessJob began (Worker): returns the end callback. */
  started(job: JobLike): () => void {
    const running = this.running;
    if (running === null || this.t.disabled) return () => undefined;
    const t = now();
    const made = Number(job.attemptsMade);
    const rec = { id: String(job.id), name: String(job.name), t, attempts: (Number.isFinite(made) ? made : 0) + 1 };
    running.set(job, rec);
    const id = this.ages.start();
    this.lastJobT = t;
    const keys = this.keys();
    if (keys !== null) sampler.jobName(keys, rec.id, rec.name);
    this.t.changed();
    return () => {
      if (!running.delete(job)) return;
      this.ages.end(id);
      this.lastJobT = now();
      this.t.changed();
    };
  }
}

/**
 * Register `obj` with the hub, in a microtask: the hub records the first frame outside
 * QueueScope as the queue's creation site, and from inside BullMQ's constructor that frame
 * would be BullMQ's own (queue-base.js, worker.js), a wrong link. From a microtask there is
 * no such frame, so the queue simply has no site. One microtask per Queue/Worker object;
 * nothing of the program's is awaited or reordered.
 */
function track(obj: object, role: 'queue' | 'worker', lib: string): void {
  if (tracked.has(obj) || pending.has(obj)) return;
  pending.add(obj);
  queueMicrotask(() => {
    try {
      if (!tracked.has(obj)) tracked.set(obj, new Traced(obj as BullObject, role, lib));
    } catch {
      // never into the program
    }
  });
}

/** Patch one copy of `Queue` (bullmq/dist/cjs/classes/queue.js exports). */
export function adaptBullmqQueue(exp: unknown, lib: string): void {
  const proto = protoOf((exp as { Queue?: unknown } | null)?.Queue, ['createBackend', 'add']);
  if (proto === null) return disableWarning(lib, 'its Queue class is not the shape QueueScope knows');
  if (patched.has(proto)) return;
  patched.add(proto);
  const create = proto.createBackend as Fn;
  // An own property of Queue.prototype (it was inherited from QueueBase). QueueBase's
  // constructor calls it; the Queue registers right after its backend exists.
  proto.createBackend = function createBackend(this: object): unknown {
    // eslint-disable-next-line prefer-rest-params
    const r = create.apply(this, arguments as unknown as unknown[]);
    try {
      track(this, 'queue', lib);
    } catch {
      // never into the program
    }
    return r;
  };
}

/** Patch one copy of `Worker` (bullmq/dist/cjs/classes/worker.js exports). */
export function adaptBullmqWorker(exp: unknown, lib: string): void {
  const proto = protoOf((exp as { Worker?: unknown } | null)?.Worker, ['run', 'callProcessJob']);
  if (proto === null) return disableWarning(lib, 'its Worker class is not the shape QueueScope knows');
  if (patched.has(proto)) return;
  patched.add(proto);
  // A Worker registers when it starts running (the constructor's autorun, or the program's
  // own run()): by then its concurrency is set.
  const run = proto.run as Fn;
  proto.run = function run_(this: object): unknown {
    try {
      track(this, 'worker', lib);
    } catch {
      // never into the program
    }
    // eslint-disable-next-line prefer-rest-params
    return run.apply(this, arguments as unknown as unknown[]);
  };
  Object.defineProperty(proto.run, 'name', { value: 'run' });
  const call = proto.callProcessJob as Fn;
  proto.callProcessJob = function callProcessJob(this: object, job: unknown): unknown {
    let end: (() => void) | undefined;
    try {
      const st = tracked.get(this);
      if (st !== undefined && typeof job === 'object' && job !== null) end = st.started(job as JobLike);
    } catch {
      end = undefined;
    }
    let r: unknown;
    try {
      // eslint-disable-next-line prefer-rest-params
      r = call.apply(this, arguments as unknown as unknown[]);
    } catch (err) {
      // A processor that is not async and throws (a payload check): the job failed, it runs no
      // more. Left running, each such job stayed in the Worker's list for good (a stuck warning).
      end?.();
      throw err;
    }
    return end === undefined ? r : settled(r, end);
  };
}

/**
 * `r`, with `end` called once it settles. A native promise gets one more reaction. Another
 * realm's promise or a library's thenable (Bluebird, a query builder) is adopted by a native
 * promise, which BullMQ then awaits instead: its `then` runs once, as BullMQ's own `await`
 * would run it (a second `then` runs a lazy query builder's work twice, a knex insert or a
 * mongoose Query "already executed"). Anything else: `end` at once. `instanceof Promise`
 * alone missed the thenables: their jobs showed as done in 0.1 ms while they ran seconds.
 */
function settled(r: unknown, end: () => void): unknown {
  if (r instanceof Promise) {
    r.then(end, end);
    return r;
  }
  let then: unknown;
  try {
    then = (typeof r === 'object' || typeof r === 'function') && r !== null ? (r as { then?: unknown }).then : undefined;
  } catch {
    then = undefined; // a `then` that throws on read: BullMQ's await rejects, the job is over
  }
  if (typeof then !== 'function') {
    end();
    return r;
  }
  const adopted = Promise.resolve(r as PromiseLike<unknown>);
  adopted.then(end, end);
  return adopted;
}

function protoOf(cls: unknown, methods: string[]): Record<string, unknown> | null {
  const proto = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
  if (typeof proto !== 'object' || proto === null) return null;
  const p = proto as Record<string, unknown>;
  return methods.every((m) => typeof p[m] === 'function') ? p : null;
}
