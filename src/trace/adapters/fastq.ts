// fastq (1.x): `fastq([context,] worker, concurrency)` and `fastq.promise(...)` return a
// plain object whose state lives in closures, so the adapter wraps the factory: it wraps
// the worker (a call = a task leaves the queue and starts; its callback or promise = done)
// and the new object's push/unshift/kill/killAndDrain/abort, before the program sees it.
//
// Depth: fastq's length() walks its list (O(n)), so the adapter counts itself while armed
// and resynchronises from length() when the hub arms. Whether a push queues or runs at once
// is what fastq decides from public state: running() >= concurrency or paused.
// Running = running(), capacity = concurrency, and the oldest running task's start
// (RunningAges: a worker that never calls back shows there). No blocking calls: no waiters.
//
// While the hub is dormant each wrapper costs one check and calls straight through.

import { RunningAges, settleWith } from './running';
import { AdaptedQueue, departed } from './target';
import { copyOwnProperties, sameSignature } from './standIn';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Mode = 'callback' | 'promise';

interface FastqLike {
  push: Fn;
  unshift: Fn;
  length(): number;
  running(): number;
  getQueue?(): unknown[];
  concurrency: number;
  paused: boolean;
  kill?: Fn;
  killAndDrain?: Fn;
  pause?: Fn;
  resume?: Fn;
  abort?: Fn;
}

/** Adapt fastq's module exports; returns what `require('fastq')` should give the program. */
export function adaptFastq(exp: unknown, lib: string): unknown {
  if (typeof exp !== 'function' || typeof (exp as { promise?: unknown }).promise !== 'function') {
    disableWarning(lib, 'its exports are not the fastq function with .promise');
    return exp;
  }
  const wrapped = wrapFactory(exp as Fn, lib, 'callback');
  copyOwnProperties(wrapped, exp as Fn);
  (wrapped as unknown as { promise: Fn }).promise = wrapFactory((exp as unknown as { promise: Fn }).promise, lib, 'promise');
  return wrapped;
}

function wrapFactory(factory: Fn, lib: string, mode: Mode): Fn {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const wi = typeof args[0] === 'function' ? 0 : 1;
    const worker = args[wi];
    let st: FastqState | null = null;
    if (typeof worker === 'function') {
      st = new FastqState(lib);
      args[wi] = mode === 'callback' ? st.callbackWorker(worker as Fn) : st.promiseWorker(worker as Fn);
    }
    const q = Reflect.apply(factory, this, args) as unknown;
    if (st !== null) st.attach(q, (worker as Fn).name);
    return q;
  };
  sameSignature(wrapper, factory);
  return wrapper;
}

class FastqState {
  target: AdaptedQueue | null = null;
  private q: FastqLike | null = null;
  private depth = 0;
  /** Set by push/unshift when fastq will run the pushed task at once (not a dequeue). */
  private direct = false;
  private readonly done = (): void => this.target?.changed();
  /** When each running task started (tasks seen while armed): the oldest running task's age. */
  private readonly ages = new RunningAges();

  constructor(private readonly lib: string) {}

  callbackWorker(worker: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    return function (this: unknown, arg: unknown, cb: unknown): unknown {
      const t = st.target;
      if (t === null || !t.active || typeof cb !== 'function') return worker.call(this, arg, cb);
      st.started(t);
      const id = st.ages.start();
      return worker.call(this, arg, function (this: unknown) {
        st.ages.end(id);
        st.done();
        // eslint-disable-next-line prefer-rest-params
        return (cb as Fn).apply(this, arguments as unknown as unknown[]);
      });
    };
  }

  promiseWorker(worker: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    return function (this: unknown, arg: unknown): unknown {
      const t = st.target;
      if (t === null || !t.active) return worker.call(this, arg);
      st.started(t);
      const id = st.ages.start();
      const done = (): void => {
        st.ages.end(id);
        st.done();
      };
      return settleWith(() => worker.call(this, arg), done);
    };
  }

  private started(t: AdaptedQueue): void {
    // A task pushed while a worker was free goes straight to it: a get at the same depth,
    // reported before push()'s put (which is counted once push returns). Before 2026-12-07 it
    // counted the put only: a pool whose workers kept up read "19 puts/s, 0 gets/s".
    if (this.direct) this.direct = false;
    else if (this.depth > 0) this.depth--;
    t.get(this.depth);
    t.changed();
  }

  attach(q: unknown, workerName: string): void {
    const f = q as FastqLike;
    if (typeof q !== 'object' || q === null || typeof f.push !== 'function' || typeof f.unshift !== 'function' || typeof f.length !== 'function' || typeof f.running !== 'function') {
      disableWarning(this.lib, 'its queue object lacks push/unshift/length/running');
      return;
    }
    this.q = f;
    const target = new AdaptedQueue({
      name: `fastq ${workerName || 'worker'}`,
      kind: 'fifo',
      maxsize: 0,
      lib: this.lib,
      size: () => f.length(),
      running: () => f.running(),
      concurrency: () => f.concurrency,
      peek: (n) => (typeof f.getQueue === 'function' ? f.getQueue().slice(0, n) : []),
      ...this.ages.spec(() => f.running()),
      paused: () => f.paused === true,
      onProbe: (armed) => {
        this.direct = false;
        if (armed) {
          this.depth = f.length();
          this.ages.arm();
        }
      },
    });
    this.target = target;
    if (target.active) this.depth = target.qsize();
    f.push = this.wrapAdd(f.push);
    f.unshift = this.wrapAdd(f.unshift);
    for (const key of ['pause', 'resume'] as const) {
      const orig = f[key];
      if (typeof orig === 'function') f[key] = this.wrapStateChange(orig);
    }
    for (const key of ['kill', 'killAndDrain', 'abort'] as const) {
      const orig = f[key];
      if (typeof orig === 'function') f[key] = this.wrapEmptying(orig);
    }
  }

  private wrapAdd(orig: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    return function (this: unknown) {
      const t = st.target;
      const q = st.q;
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (t === null || q === null || !t.active) return orig.apply(this, args);
      const queued = t.read(() => q.running() >= q.concurrency || q.paused === true, false);
      const outer = st.direct;
      st.direct = !queued;
      try {
        return orig.apply(this, args);
      } finally {
        st.direct = outer;
        if (queued) st.depth++;
        t.put(st.depth);
      }
    };
  }

  /** pause()/resume(): report the paused state even when no task starts or stops. */
  private wrapStateChange(orig: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    return function (this: unknown) {
      try {
        // eslint-disable-next-line prefer-rest-params
        return orig.apply(this, arguments as unknown as unknown[]);
      } finally {
        st.target?.changed();
      }
    };
  }

  /**
   * kill()/killAndDrain()/abort() empty the list first, then call the program's drain (or,
   * for abort(), each dropped task's callback), which may push again ("next batch", "retry
   * later"). The dropped tasks leave first, one get each, so those pushes count from depth 0;
   * after the call the depth is fastq's own. Until 2026-12-04 `before` was read after the
   * call and the depth forced to 0: a drain that re-pushed 3 read more gets than puts and
   * depth 0 while 3 waited (fq-kad.cjs, fq-abort.cjs).
   */
  private wrapEmptying(orig: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    return function (this: unknown) {
      const t0 = st.target;
      if (t0 !== null && t0.active) {
        const before = st.depth;
        st.depth = 0;
        departed(t0, before, 0);
      }
      try {
        // eslint-disable-next-line prefer-rest-params
        return orig.apply(this, arguments as unknown as unknown[]);
      } finally {
        const t = st.target;
        const q = st.q;
        if (t !== null && q !== null && t.active) {
          st.depth = t.read(() => q.length(), st.depth);
          t.changed();
        }
      }
    };
  }
}
