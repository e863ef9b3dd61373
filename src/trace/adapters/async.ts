// async (3.x): queue, priorityQueue, cargoQueue and cargo. Each factory is wrapped (on the
// dist bundle's exports, its `default` object, and the per-function files such as
// `async/queue`): the worker is wrapped (a call = tasks left the queue and started; its
// callback or promise = done) and the new queue object's push/unshift/pushAsync/
// unshiftAsync/remove/kill, before the program sees it.
//
// async tells async functions apart by Symbol.toStringTag === 'AsyncFunction', so the
// worker wrapper carries the same tag and returns the user's own promise (no extra tick).
// The drain/saturated/empty/unsaturated/error handlers are never touched: setting one
// would replace the program's. Depth = length(), running = running(), capacity =
// concurrency, paused = pause()/resume(), the oldest running worker call's start
// (RunningAges), and previews of the running tasks' data from workersList() in snapshots.
// async has no blocking calls, so no waiters.

import { RunningAges, settleWith } from './running';
import { AdaptedQueue, departed } from './target';
import { copyOwnProperties, sameSignature } from './standIn';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface AsyncQueueLike {
  length(): number;
  running(): number;
  workersList?(): unknown[];
  concurrency: number;
  paused?: boolean;
  _tasks?: { toArray?(): unknown[] };
  [key: string]: unknown;
}

const FACTORIES = { queue: 'fifo', priorityQueue: 'priority', cargoQueue: 'fifo', cargo: 'fifo' } as const;
type FactoryName = keyof typeof FACTORIES;
const GROWING = ['push', 'unshift', 'pushAsync', 'unshiftAsync'] as const;
const SHRINKING = ['remove', 'kill'] as const;

/** Factories call one another (priorityQueue -> queue): only the outermost adapts. */
let nesting = 0;

/** Adapt the dist bundle's exports (async/dist/async.js): its factories and `default`'s. */
export function adaptAsyncBundle(exp: unknown, lib: string): unknown {
  if (typeof exp !== 'object' || exp === null || typeof (exp as Record<string, unknown>).queue !== 'function') {
    disableWarning(lib, 'its exports have no queue()');
    return exp;
  }
  const wrapped = new Map<unknown, Fn>();
  for (const holder of [exp, (exp as { default?: unknown }).default]) {
    if (typeof holder !== 'object' || holder === null) continue;
    const h = holder as Record<string, unknown>;
    for (const name of Object.keys(FACTORIES) as FactoryName[]) {
      const f = h[name];
      if (typeof f !== 'function') continue;
      let w = wrapped.get(f);
      if (w === undefined) {
        w = wrapFactory(f as Fn, lib, name);
        wrapped.set(f, w);
      }
      try {
        h[name] = w;
      } catch {
        // a frozen export stays as it is
      }
    }
  }
  return exp;
}

/** Adapt one per-function file (async/queue.js …): module.exports is the factory. */
export function adaptAsyncFile(name: FactoryName): (exp: unknown, lib: string) => unknown {
  return (exp, lib) => {
    if (typeof exp !== 'function') {
      disableWarning(lib, `async/${name} is not a function`);
      return exp;
    }
    return wrapFactory(exp as Fn, lib, name);
  };
}

function wrapFactory(factory: Fn, lib: string, name: FactoryName): Fn {
  const wrapper = function (this: unknown, worker: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    if (nesting > 0 || typeof worker !== 'function') return factory.apply(this, args);
    const st = new AsyncState(lib, name === 'cargo' || name === 'cargoQueue');
    args[0] = st.wrapWorker(worker as Fn);
    nesting++;
    let q: unknown;
    try {
      q = factory.apply(this, args);
    } finally {
      nesting--;
    }
    st.attach(q, `async.${name} ${(worker as Fn).name || 'worker'}`, FACTORIES[name]);
    return q;
  };
  copyOwnProperties(wrapper, factory);
  sameSignature(wrapper, factory);
  return wrapper;
}

class AsyncState {
  target: AdaptedQueue | null = null;
  private q: AsyncQueueLike | null = null;
  private readonly done = (): void => this.target?.changed();
  /** When each running worker call started (seen while armed): the oldest running task's age. */
  private readonly ages = new RunningAges();

  /** `batched`: a cargo, whose worker takes an array of up to `payload` tasks per call. */
  constructor(
    private readonly lib: string,
    private readonly batched: boolean,
  ) {}

  wrapWorker(worker: Fn): Fn {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    const isAsync = (worker as unknown as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AsyncFunction';
    const wrapped = function (this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = Array.prototype.slice.call(arguments) as unknown[];
      const t = st.target;
      if (t === null || !t.active) return worker.apply(this, args);
      st.started(t, st.batched && Array.isArray(args[0]) ? Math.max(1, args[0].length) : 1);
      const id = st.ages.start();
      const done = (): void => {
        st.ages.end(id);
        st.done();
      };
      if (isAsync) return settleWith(() => worker.apply(this, args), done);
      const cb = args[args.length - 1];
      if (typeof cb === 'function') {
        args[args.length - 1] = function (this: unknown) {
          done();
          // eslint-disable-next-line prefer-rest-params
          return (cb as Fn).apply(this, arguments as unknown as unknown[]);
        };
      }
      return worker.apply(this, args);
    };
    if (isAsync) Object.defineProperty(wrapped, Symbol.toStringTag, { value: 'AsyncFunction' });
    return wrapped;
  }

  /**
   * A worker call took `taken` tasks (a cargo's batch: one get per task, so gets count tasks
   * as puts do and a steady depth reads puts/s = gets/s; one get per call read a cargo of
   * 20 at 490 puts/s and 24 gets/s with its depth flat).
   */
  private started(t: AdaptedQueue, taken: number): void {
    const q = this.q;
    if (q !== null) {
      const after = t.read(() => q.length(), 0);
      for (let n = after + taken - 1; n > after; n--) t.get(n);
      t.get(after);
    }
    t.changed();
  }

  attach(q: unknown, name: string, kind: 'fifo' | 'priority'): void {
    const a = q as AsyncQueueLike;
    if (typeof q !== 'object' || q === null || typeof a.length !== 'function' || typeof a.running !== 'function' || typeof a.push !== 'function') {
      disableWarning(this.lib, 'its queue object lacks push/length/running');
      return;
    }
    this.q = a;
    const target = new AdaptedQueue({
      name,
      kind,
      maxsize: 0,
      lib: this.lib,
      size: () => a.length(),
      running: () => a.running(),
      concurrency: () => a.concurrency,
      peek: (n) => (typeof a._tasks?.toArray === 'function' ? a._tasks.toArray().slice(0, n).map(taskData) : []),
      paused: () => a.paused === true,
      ...this.ages.spec(() => a.running()),
      runningItems: (n) => (typeof a.workersList === 'function' ? a.workersList().slice(0, n).map(taskData) : []),
      onProbe: (armed) => {
        if (armed) this.ages.arm();
      },
    });
    this.target = target;
    // push([a, b, c]) adds three tasks: one put per task, so puts count tasks; push([])
    // adds none and counts none (it counted one until 2026-12-04, async-drift.cjs).
    for (const key of GROWING) {
      this.wrapMethod(a, key, (t, before) => {
        const after = t.read(() => a.length(), 0);
        for (let n = before + 1; n <= after; n++) t.put(n);
      });
    }
    // remove(test)/kill() drop tasks that never start: one get per task dropped, none when
    // none was (one get per call until 2026-12-04: a remove() of 4 counted 1, a remove()
    // that matched nothing counted 1, async-drift.cjs).
    for (const key of SHRINKING) this.wrapMethod(a, key, (t, before) => departed(t, before, t.read(() => a.length(), 0)));
    for (const key of ['pause', 'resume']) this.wrapMethod(a, key, (t) => t.changed());
  }

  private wrapMethod(a: AsyncQueueLike, key: string, after: (t: AdaptedQueue, before: number) => void): void {
    const orig = a[key];
    if (typeof orig !== 'function') return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const st = this;
    a[key] = function (this: unknown) {
      const t0 = st.target;
      const before = t0 !== null && t0.active ? t0.read(() => a.length(), 0) : 0;
      try {
        // eslint-disable-next-line prefer-rest-params
        return (orig as Fn).apply(this, arguments as unknown as unknown[]);
      } finally {
        const t = st.target;
        if (t !== null && t.active) after(t, before);
      }
    };
  }
}

/** async keeps { data, callback } nodes (and { data, priority } in priorityQueue). */
function taskData(node: unknown): unknown {
  return typeof node === 'object' && node !== null && 'data' in node ? (node as { data: unknown }).data : node;
}
