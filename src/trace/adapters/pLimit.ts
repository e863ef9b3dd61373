// p-limit (3.x CommonJS, 4+ ESM-only): `pLimit(concurrency)` returns a `limit` function whose
// state lives in closures and whose properties (activeCount, pendingCount, clearQueue, and
// from 6.x concurrency, from 7.x map) are not configurable, so nothing on it can be patched.
// The adapter wraps the factory instead and hands the program a stand-in for each limit: the
// same call, and every property forwarded to the real one. The stand-in wraps the task
// function (its call = the task left the queue and started; its settling = done), as the
// p-queue adapter does; the task's arguments, `this`, result and throw are untouched.
//
// Depth = pendingCount, running = activeCount, capacity = concurrency (the getter where the
// version has one, else the argument). A limit registers with the hub when pLimit() returns
// it: its creation site is the program's pLimit() call. limitFunction() (6.x+) makes its
// limit with the module's own pLimit, out of the adapter's reach, so the adapter gives the
// program its own limitFunction, built the same way on the wrapped factory.
//
// While the hub is dormant the stand-in wraps each task in one closure and calls through.

import { majorOf } from './packages';
import { RunningAges, trackedTask } from './running';
import { AdaptedQueue, departed } from './target';
import { copyOwnProperties, sameSignature } from './standIn';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface LimitLike {
  (this: unknown, ...args: unknown[]): unknown;
  readonly activeCount: number;
  readonly pendingCount: number;
  readonly concurrency?: number;
  clearQueue?(): void;
  map?(iterable: unknown, fn: unknown): unknown;
}

/** Adapt the CommonJS export of p-limit 3.x (module.exports = pLimit, also as `.default`). */
export function adaptPLimitCjs(exp: unknown, lib: string): unknown {
  if (majorOf(lib) < 3) return exp; // 2.x and older: not adapted (untested shapes)
  if (typeof exp !== 'function') {
    disableWarning(lib, 'its export is not the pLimit function');
    return exp;
  }
  const wrapped = wrapFactory(exp as Fn, lib);
  // `require('p-limit').default === require('p-limit')` stays true.
  copyOwnProperties(wrapped, exp as Fn);
  return wrapped;
}

/** Adapt the ES module of p-limit 4+: the replacements for its `default` and `limitFunction` exports. */
export function adaptPLimitEsm(ns: Record<string, unknown>, lib: string): Record<string, unknown> | undefined {
  if (typeof ns.default !== 'function') {
    disableWarning(lib, 'its default export is not the pLimit function');
    return undefined;
  }
  // Already ours: a namespace the loader hook wrapped, then reached by require() (a Node whose
  // require() of an ES module goes through the hooks); wrapping again would show each limit twice.
  if (limitMakers.has(ns.default as Fn)) return undefined;
  const pLimit = wrapFactory(ns.default as Fn, lib);
  const out: Record<string, unknown> = { default: pLimit };
  const limitFunction = typeof ns.limitFunction === 'function' ? limitFunctionOn(pLimit, majorOf(lib)) : undefined;
  if (limitFunction !== undefined) out.limitFunction = limitFunction;
  return out;
}

function wrapFactory(factory: Fn, lib: string): Fn {
  const pLimit = function (this: unknown, ...args: unknown[]): unknown {
    return limitOf(factory, this, args, lib, 'pLimit');
  };
  sameSignature(pLimit, factory);
  limitMakers.set(pLimit, (options, name) => limitOf(factory, undefined, [options], lib, name) as LimitLike);
  return pLimit;
}

/** The real limit from the library's factory, and the stand-in the program gets for it. */
function limitOf(factory: Fn, self: unknown, args: unknown[], lib: string, name: string): unknown {
  const limit = Reflect.apply(factory, self, args) as unknown;
  try {
    return adaptLimit(limit, lib, name, requested(args[0]));
  } catch {
    return limit; // an adapter must never break the program
  }
}

/** Each wrapped factory's maker of named limits (limitFunction's are named after its function). */
const limitMakers = new WeakMap<Fn, (options: unknown, name: string) => LimitLike>();

/**
 * `limitFunction` as the major that has it makes it, on the wrapped pLimit so that its limit
 * is seen, named after `fn`. 6.x: `fn` through `pLimit(option.concurrency)`. 7.x: through
 * `pLimit(options)`, with that limit's clearQueue. Another major keeps its own (unseen).
 */
function limitFunctionOn(pLimit: Fn, major: number): Fn | undefined {
  const make = limitMakers.get(pLimit)!;
  const nameOf = (fn: unknown): string => (typeof fn === 'function' && fn.name !== '' ? `limitFunction ${fn.name}` : 'limitFunction');
  if (major === 6) {
    // `option`, as 6.x names it: destructuring undefined throws the same TypeError.
    return function limitFunction(function_: unknown, option: unknown): unknown {
      const { concurrency } = option as { concurrency: unknown };
      const limit = make(concurrency, nameOf(function_));
      return (...arguments_: unknown[]): unknown => limit(() => (function_ as Fn)(...arguments_));
    };
  }
  if (major === 7) {
    return function limitFunction(function_: unknown, options: unknown): unknown {
      const limit = make(options, nameOf(function_));
      const limitedFunction = (...arguments_: unknown[]): unknown => limit(() => (function_ as Fn)(...arguments_));
      Object.defineProperty(limitedFunction, 'clearQueue', { value: limit.clearQueue });
      return limitedFunction;
    };
  }
  return undefined;
}

/** The concurrency pLimit() was called with (a number, or 7.x's `{ concurrency }`). */
function requested(arg: unknown): number | undefined {
  const c = typeof arg === 'object' && arg !== null ? (arg as { concurrency?: unknown }).concurrency : arg;
  return typeof c === 'number' ? c : undefined;
}

function adaptLimit(value: unknown, lib: string, name: string, asked: number | undefined): unknown {
  const limit = value as LimitLike;
  if (typeof value !== 'function') return value; // not a limit (an old major's rejected promise): nothing to show
  if (typeof limit.activeCount !== 'number' || typeof limit.pendingCount !== 'number') {
    disableWarning(lib, 'its limit function has no activeCount or pendingCount');
    return value;
  }
  const hasConcurrency = typeof limit.concurrency === 'number';
  const ages = new RunningAges();
  const t = new AdaptedQueue({
    name,
    kind: 'fifo',
    maxsize: 0,
    lib,
    size: () => limit.pendingCount,
    running: () => limit.activeCount,
    concurrency: () => (hasConcurrency ? limit.concurrency : asked) as number,
    ...ages.spec(() => limit.activeCount),
    onProbe: (armed) => {
      if (armed) ages.arm();
    },
  });

  /** The task as the limit will call it: reports its start and its settling. */
  const task = (fn: Fn): Fn => trackedTask(t, ages, fn, () => limit.pendingCount);

  /** Report the tasks a call just queued or started: queued + running grew by that many. */
  const arrived = (before: number): void => {
    if (!t.active) return;
    const size = t.read(() => limit.pendingCount, 0);
    const n = size + t.read(() => limit.activeCount, 0) - before;
    for (let i = 0; i < n; i++) t.put(size);
  };
  const load = (): number => (t.active ? t.read(() => limit.pendingCount + limit.activeCount, 0) : 0);

  // An arrow function, as every major's limit is: no prototype, not a constructor.
  const standIn = (...args: unknown[]): unknown => {
    const fn = args[0];
    if (typeof fn !== 'function' || t.disabled) return Reflect.apply(limit, undefined, args);
    args[0] = task(fn as Fn);
    const r = Reflect.apply(limit, undefined, args);
    // Every version queues the task within the call (7.x may also start it there); 3.x
    // starts it a microtask later. Either way one task arrived.
    if (t.active) t.put(t.read(() => limit.pendingCount, 0));
    return r;
  };

  for (const key of Reflect.ownKeys(limit)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const d = Object.getOwnPropertyDescriptor(limit, key);
    if (d === undefined) continue;
    if (key === 'map' && typeof d.value === 'function') {
      const map = d.value as Fn;
      // 7.x's map() queues every item with the limit's own function, past the stand-in: its
      // tasks are wrapped here and its arrivals counted from what it queued and started.
      const mapped = function (this: unknown, iterable: unknown, fn: unknown): unknown {
        if (typeof fn !== 'function' || t.disabled) return Reflect.apply(map, limit, [iterable, fn]);
        const before = load();
        try {
          return Reflect.apply(map, limit, [iterable, task(fn as Fn)]);
        } finally {
          arrived(before);
        }
      };
      Object.defineProperty(mapped, 'name', { value: map.name });
      Object.defineProperty(standIn, key, { ...d, value: mapped });
    } else if (key === 'clearQueue' && typeof d.value === 'function') {
      const clear = d.value as Fn;
      // The tasks it drops leave the queue without starting: one get each.
      const cleared = function (this: unknown): unknown {
        const before = t.active ? t.read(() => limit.pendingCount, 0) : 0;
        try {
          // eslint-disable-next-line prefer-rest-params
          return Reflect.apply(clear, limit, arguments as unknown as unknown[]);
        } finally {
          if (t.active) departed(t, before, t.read(() => limit.pendingCount, 0));
        }
      };
      Object.defineProperty(cleared, 'name', { value: clear.name });
      Object.defineProperty(standIn, key, { ...d, value: cleared });
    } else if (d.get !== undefined || d.set !== undefined) {
      // activeCount, pendingCount, concurrency: read (and set) on the real limit.
      const { get, set } = d;
      Object.defineProperty(standIn, key, {
        configurable: d.configurable,
        enumerable: d.enumerable,
        get: get === undefined ? undefined : () => Reflect.apply(get, limit, []),
        set:
          set === undefined
            ? undefined
            : (v: unknown) => {
                Reflect.apply(set, limit, [v]);
                t.changed();
              },
      });
    } else {
      Object.defineProperty(standIn, key, d);
    }
  }
  sameSignature(standIn, limit);
  // Read the counts once now: a library that breaks them is found (and its adapter
  // disabled, with its one warning) while the program runs, not at its exit.
  t.poolState();
  return standIn;
}
