// piscina (4.x, 5.x): a worker-thread pool with a task queue. Its state is #private, so the
// adapter reads only public getters and patches Piscina.prototype.run once per copy: a
// pool is registered at its first run(); depth (queueSize) is read after each run() and
// whenever a task settles (a settled task frees a thread, which takes the next queued one).
//
// Capacity = options.maxQueue (Infinity = unbounded), concurrency = maxThreads x
// concurrentTasksPerWorker, running = tasks submitted through run() and not yet settled,
// minus those still queued. Threads, utilization and the wait-time percentiles piscina
// keeps go into snapshots as `stats`. piscina has no blocking call: no waiters.
// A task's start in its thread is not visible from the pool, so its age and duration count
// from run() to settling (its latency, queue wait included: an upper bound of its run time,
// and the p99 it is judged against is of the same latencies). The oldest unsettled run() is
// a running one: piscina's queue is first in, first out.

import { RunningAges } from './running';
import { AdaptedQueue } from './target';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface PiscinaLike {
  readonly queueSize: number;
  readonly options?: { maxQueue?: number; maxThreads?: number; concurrentTasksPerWorker?: number };
  readonly threads?: unknown[];
  readonly utilization?: number;
  readonly completed?: number;
  /** ms since the pool started. */
  readonly duration?: number;
  readonly waitTime?: Record<string, number>;
  readonly runTime?: Record<string, number>;
  readonly histogram?: { waitTime?: Record<string, number>; runTime?: Record<string, number> };
}

const patched = new WeakSet<object>();

interface PoolState {
  t: AdaptedQueue;
  /** run() calls not settled yet (queued or running), counted even while the hub is dormant. */
  inFlight: number;
  /** Each run() seen while armed, from submission to settling. */
  ages: RunningAges;
}

function finite(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Threads, utilization, wait-time percentiles and run time (ms), as piscina reports them. */
function stats(p: PiscinaLike): Record<string, number> {
  const out: Record<string, number> = {};
  const threads = p.threads;
  if (Array.isArray(threads)) out.threads = threads.length;
  const u = utilization(p) ?? finite(p.utilization);
  if (u !== undefined) out.utilization = u;
  // 4.x: pool.waitTime; 5.x: pool.histogram.waitTime. Percentiles are keys like p50, p99.
  const wait = p.histogram?.waitTime ?? p.waitTime;
  if (typeof wait === 'object' && wait !== null) {
    for (const key of ['p50', 'p90', 'p99', 'max']) {
      const v = finite(wait[key]);
      if (v !== undefined) out[`wait_${key}`] = v;
    }
  }
  // The tasks' time in their threads (the adapter's own durations run from run() to settling,
  // queue wait included): the bottleneck rule tells a slow task from a held thread with it.
  const runTime = p.histogram?.runTime ?? p.runTime;
  if (typeof runTime === 'object' && runTime !== null) {
    for (const key of ['mean', 'p99']) {
      const v = finite(runTime[key]);
      if (v !== undefined) out[`run_${key}`] = v;
    }
    // The threads' work so far (ms): its change over a window is their busy time then.
    const done = finite(p.completed);
    if (out.run_mean !== undefined && done !== undefined) out.run_total = out.run_mean * done;
  }
  return out;
}

/**
 * Busy share of the threads' time since the pool started: mean run time x tasks completed /
 * (duration x maxThreads), from public figures, all in ms. piscina's own getter does this
 * too, but 5.x (5.3.2) divides a mean that is already in ms by 1000, so a pool busy all the
 * time read 0.1% ("utilization 0%" beside "running 2/2"). Undefined when a figure is missing.
 */
function utilization(p: PiscinaLike): number | undefined {
  const mean = finite((p.histogram?.runTime ?? p.runTime)?.mean);
  const done = finite(p.completed);
  const duration = finite(p.duration);
  const threads = finite(p.options?.maxThreads);
  if (mean === undefined || done === undefined || duration === undefined || threads === undefined || !(duration > 0) || !(threads > 0)) return undefined;
  return Math.min(1, (mean * done) / (duration * threads));
}

/** Patch one copy of the Piscina class (module.exports of piscina/dist/main.js). */
export function adaptPiscinaClass(cls: unknown, lib: string): void {
  const proto = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
  if (typeof proto !== 'object' || proto === null || typeof (proto as Record<string, unknown>).run !== 'function') {
    disableWarning(lib, 'its export is not a class with run()');
    return;
  }
  if (patched.has(proto)) return;
  patched.add(proto);
  const pools = new WeakMap<object, PoolState>();

  const stateOf = (inst: object): PoolState => {
    let st = pools.get(inst);
    if (st === undefined) {
      const p = inst as PiscinaLike;
      const s: PoolState = { t: null as unknown as AdaptedQueue, inFlight: 0, ages: new RunningAges() };
      s.t = new AdaptedQueue({
        name: String((inst.constructor as { name?: unknown } | undefined)?.name || 'Piscina'),
        kind: 'fifo',
        maxsize: finite(p.options?.maxQueue) ?? 0,
        lib,
        size: () => p.queueSize,
        running: () => Math.max(0, s.inFlight - p.queueSize),
        concurrency: () => (p.options?.maxThreads ?? 0) * (p.options?.concurrentTasksPerWorker ?? 1),
        stats: () => stats(p),
        // Its ages are every run() in flight, queued ones too (their latency), oldest first:
        // counted against all of them, not the running ones, or a task queued after an attach
        // hid the one already running then (the review of runningAdopted).
        ...s.ages.spec(() => (s.inFlight > p.queueSize ? s.inFlight : 0)),
        onProbe: (armed) => {
          if (armed) s.ages.arm();
        },
      });
      pools.set(inst, s);
      st = s;
    }
    return st;
  };

  const p = proto as Record<string, unknown>;
  const run = p.run as Fn;
  p.run = function run_(this: object): unknown {
    const st = stateOf(this);
    // eslint-disable-next-line prefer-rest-params
    const r = run.apply(this, arguments as unknown as unknown[]);
    const t = st.t;
    // Counted even while the hub is dormant, so `running` is right when it arms later.
    if (!t.disabled && r instanceof Promise) {
      const inst = this as PiscinaLike;
      st.inFlight++;
      const id = t.active ? st.ages.start() : 0;
      if (t.active) {
        t.put(t.read(() => inst.queueSize, 0));
        t.changed();
      }
      const settled = (): void => {
        st.inFlight--;
        st.ages.end(id);
        if (!t.active) return;
        t.get(t.read(() => inst.queueSize, 0));
        t.changed();
      };
      r.then(settled, settled);
    }
    return r;
  };
  Object.defineProperty(p.run, 'name', { value: 'run' });
}
