// p-queue (6.x CommonJS, 7+ ESM-only with #private state): only the public API is used, so
// one adapter serves every major. The class's prototype is patched once per copy: add()
// wraps the task function (its call = the task left the queue and started; its settling =
// done), clear() empties, onEmpty()/onSizeLessThan() are blocked producers while the queue
// is too full. A queue is registered with the hub the first time one of these is called.
//
// Depth = size, running = pending against concurrency. The promise add() returns is the
// library's own (p-queue relies on its identity); a task's result, `this` and throw are
// untouched.

import { AdaptedQueue } from './target';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface PQueueLike {
  readonly size: number;
  readonly pending: number;
  readonly concurrency: number;
}

const patched = new WeakSet<object>();

/** Patch one copy of the PQueue class (from `require('p-queue').default` or the ESM default). */
export function adaptPQueueClass(cls: unknown, lib: string): void {
  const proto = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
  if (typeof proto !== 'object' || proto === null) {
    disableWarning(lib, 'its default export is not a class');
    return;
  }
  if (patched.has(proto)) return;
  const p = proto as Record<string, unknown>;
  if (typeof p.add !== 'function' || !hasGetter(proto, 'size') || !hasGetter(proto, 'pending')) {
    disableWarning(lib, 'PQueue has no add(), size or pending');
    return;
  }
  patched.add(proto);
  const queues = new WeakMap<object, AdaptedQueue>();
  const name = String((cls as { name?: unknown }).name || 'PQueue');

  const targetOf = (inst: object): AdaptedQueue => {
    let t = queues.get(inst);
    if (t === undefined) {
      const q = inst as PQueueLike;
      t = new AdaptedQueue({
        name: String((inst.constructor as { name?: unknown } | undefined)?.name || name),
        kind: 'priority',
        maxsize: 0,
        lib,
        size: () => q.size,
        running: () => q.pending,
        concurrency: () => q.concurrency,
      });
      queues.set(inst, t);
    }
    return t;
  };

  const add = p.add as Fn;
  p.add = function add_(this: object, fn: unknown, options?: unknown): unknown {
    const t = targetOf(this);
    // eslint-disable-next-line prefer-rest-params
    if (t.disabled || typeof fn !== 'function') return add.apply(this, arguments as unknown as unknown[]);
    const inst = this as PQueueLike;
    // Wrapped even while the hub is dormant: a task added before arming still reports its start.
    const task = function (this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      if (!t.active) return (fn as Fn).apply(this, arguments as unknown as unknown[]);
      t.get(t.read(() => inst.size, 0));
      t.changed();
      let r: unknown;
      try {
        // eslint-disable-next-line prefer-rest-params
        r = (fn as Fn).apply(this, arguments as unknown as unknown[]);
      } catch (err) {
        t.changed();
        throw err;
      }
      if (r instanceof Promise) r.then(done, done);
      else t.changed();
      return r;
    };
    const done = (): void => t.changed();
    const result = arguments.length >= 2 ? add.call(this, task, options) : add.call(this, task);
    if (t.active) t.put(t.read(() => inst.size, 0));
    return result;
  };

  const clear = p.clear;
  if (typeof clear === 'function') {
    p.clear = function clear_(this: object): unknown {
      // eslint-disable-next-line prefer-rest-params
      const r = (clear as Fn).apply(this, arguments as unknown as unknown[]);
      const t = queues.get(this);
      if (t !== undefined && t.active) t.get(t.read(() => (this as PQueueLike).size, 0));
      return r;
    };
  }

  // Blocked producers: awaiting room (onSizeLessThan) or an empty queue (onEmpty).
  patchWait(p, 'onSizeLessThan', targetOf, (q, limit) => q.size >= Number(limit));
  patchWait(p, 'onEmpty', targetOf, (q) => q.size > 0);
}

function patchWait(p: Record<string, unknown>, key: string, targetOf: (inst: object) => AdaptedQueue, blocks: (q: PQueueLike, arg: unknown) => boolean): void {
  const orig = p[key];
  if (typeof orig !== 'function') return;
  p[key] = function (this: object, arg?: unknown): unknown {
    const t = targetOf(this);
    const blocked = t.active && t.read(() => blocks(this as PQueueLike, arg), false);
    // eslint-disable-next-line prefer-rest-params
    const r = (orig as Fn).apply(this, arguments as unknown as unknown[]);
    if (blocked && r instanceof Promise) {
      const token = t.waitStart('put');
      r.then(
        () => t.waitEnd(token, 'served'),
        () => t.waitEnd(token, 'aborted'),
      );
    }
    return r;
  };
  Object.defineProperty(p[key], 'name', { value: key });
}

function hasGetter(proto: object, key: string): boolean {
  for (let o: object | null = proto; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d !== undefined) return typeof d.get === 'function';
  }
  return false;
}
