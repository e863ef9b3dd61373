// p-queue (6.x CommonJS, 7+ ESM-only with #private state): only the public API is used, so
// one adapter serves every major. The class's prototype is patched once per copy: add()
// wraps the task function (its call = the task left the queue and started; its settling =
// done), clear() empties, onEmpty()/onSizeLessThan() are blocked producers while the queue
// is too full, pause()/start() report the paused state. A queue is registered with the hub
// one microtask after its constructor set `concurrency` (every major from 6.x to 10.x does),
// with the creation site taken then, or at its first add(), onEmpty() or onSizeLessThan()
// if that comes first (the same tick). Until 2026-12-04 only at the first add(): an unused
// queue did not show, and the site was the add's line ("created at" the wrong line).
//
// Pool state: paused = isPaused; rate-limited = isRateLimited (p-queue 8+, whose
// 'rateLimit'/'rateLimitCleared' events report changes; one listener each per queue) or, for
// 6.x, its interval fields (read at each task start/end, add, clear, pause and start); the
// oldest running task's start from RunningAges.
//
// A put is counted when add() made size + pending grow (p-queue 10 queues nothing for an
// aborted signal or an invalid option); a waiting task that leaves without starting (its
// signal aborted, or clear()) is one get, found at the queue's own 'next' event (see
// "Tasks that leave without starting" below).
//
// Depth = size, running = pending against concurrency. The promise add() returns is the
// library's own (p-queue relies on its identity); a task's result, `this` and throw are
// untouched.

import type { CallSite } from '../../protocol/wire';
import { constructorCallerSite } from '../callsite';
import { clockOrigin, epochNow, now } from '../clock';
import { majorOf } from './packages';
import { RunningAges, trackedTask } from './running';
import { AdaptedQueue, departed } from './target';
import { disableWarning } from './warn';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface PQueueLike {
  readonly size: number;
  readonly pending: number;
  readonly concurrency: number;
  /** The queue's task timeout (ms), public in 6.x and 10.x. */
  readonly timeout?: number;
  readonly isPaused?: boolean;
  /** p-queue 8+. */
  readonly isRateLimited?: boolean;
  /** p-queue 6.x's (public but undocumented) interval state. */
  readonly _isIntervalIgnored?: boolean;
  readonly _intervalCount?: number;
  readonly _intervalCap?: number;
  addEventListener?(type: string, listener: () => void): void;
  /** p-queue 10: the running tasks, each with its `startTime` (epoch ms, by the program's Date.now). */
  readonly runningTasks?: readonly { startTime?: unknown }[];
}

/**
 * Hub time the oldest running task started, as p-queue 10 itself says (`runningTasks`):
 * exact for tasks started before the hub armed too (no "≥" after an attach), and a task
 * p-queue stopped counting (its timeout, its signal) is gone from it. Undefined when the
 * library has no such list, nothing runs, or a start is not on the hub's clock (a program's
 * fake timers replace Date.now): the adapter's own ages answer then.
 */
export function libraryOldestStart(q: PQueueLike): number | undefined {
  // p-queue reads the program's Date.now: frozen, set back or replaced by fake timers, its
  // starts are not on the hub's clock (the review: a frozen clock read a 2.5 s task as 10 s).
  if (Math.abs(Date.now() - epochNow()) > 50) return undefined;
  const tasks = q.runningTasks;
  if (!Array.isArray(tasks) || tasks.length === 0) return undefined;
  let oldest = Infinity;
  for (const task of tasks) {
    const s = typeof task === 'object' && task !== null ? task.startTime : undefined;
    if (typeof s !== 'number' || !Number.isFinite(s)) return undefined;
    if (s < oldest) oldest = s;
  }
  const t = oldest - clockOrigin();
  return t >= -1 && t <= now() + 1 ? Math.max(0, t) : undefined;
}

/**
 * Rate-limited: tasks wait because the interval's cap is reached. p-queue 8+ says so
 * (`isRateLimited`); 6.x has the same fact in its interval fields. Unknown: false.
 */
function rateLimited(q: PQueueLike): boolean {
  if ('isRateLimited' in q) return q.isRateLimited === true;
  if (q._isIntervalIgnored !== false || typeof q._intervalCount !== 'number' || typeof q._intervalCap !== 'number') return false;
  return q.size > 0 && q._intervalCount >= q._intervalCap;
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
  const ages = new WeakMap<AdaptedQueue, RunningAges>();
  const name = String((cls as { name?: unknown }).name || 'PQueue');

  const sites = new WeakMap<object, CallSite>();
  const concurrency = findAccessor(proto, 'concurrency');
  if (concurrency?.set !== undefined && concurrency.configurable === true) {
    const set = concurrency.set;
    Object.defineProperty(proto, 'concurrency', {
      ...concurrency,
      set: function concurrencySetter(this: object, value: unknown): void {
        set.call(this, value);
        try {
          if (queues.has(this) || sites.has(this)) return;
          // From the constructor only (else there is no `new PQueue` frame right below).
          const site = constructorCallerSite(concurrencySetter, classNames(this, cls));
          if (site === undefined) return;
          sites.set(this, site);
          // Shown from its creation, not from its first add(); registered once the
          // constructor has returned (the hub reads the queue's getters when it registers),
          // and only if it returned: one that threw later leaves no queue behind.
          queueMicrotask(() => {
            try {
              if (constructed(this as PQueueLike)) targetOf(this);
            } catch {
              // never into the program
            }
          });
        } catch {
          // never into the program
        }
      },
    });
  }

  /**
   * The running-task fields. The adapter's own (sub-ms) starts, while it saw every task
   * p-queue counts start and end. When it did not (a task started before the hub armed, or
   * one p-queue stopped counting at its timeout or signal that the adapter still keeps),
   * p-queue 10's own list answers: each running task's start, to the ms, exact, never "≥"
   * (the review of runningAdopted). Read only then: the list is a new object per task.
   */
  const pQueueAges = (q: PQueueLike, ages: RunningAges): ReturnType<RunningAges['spec']> => {
    const own = ages.spec(() => q.pending);
    if (!('runningTasks' in q)) return own;
    const theirs = (): number | undefined => (ages.doubtful(q.pending) ? libraryOldestStart(q) : undefined);
    return {
      ...own,
      runningSince: () => theirs() ?? own.runningSince(),
      // The list is read again only when the adapter's own answer would be "≥".
      runningAdopted: () => own.runningAdopted() && theirs() === undefined,
    };
  };

  const targetOf = (inst: object): AdaptedQueue => {
    let t = queues.get(inst);
    if (t === undefined) {
      const q = inst as PQueueLike;
      const running = new RunningAges();
      // Made first: the hub may arm the queue while it is constructed (onProbe below).
      const books: Ledger = { net: 0, waiting: 0 };
      t = new AdaptedQueue({
        name: className(inst, name),
        kind: 'priority',
        maxsize: 0,
        lib,
        size: () => q.size,
        running: () => q.pending,
        concurrency: () => q.concurrency,
        site: sites.get(inst),
        paused: () => q.isPaused === true,
        rateLimited: () => rateLimited(q),
        ...pQueueAges(q, running),
        onProbe: (armed) => {
          if (!armed) return;
          running.arm();
          books.waiting = q.size; // what waits now, counted from here
        },
      });
      queues.set(inst, t);
      ages.set(t, running);
      ledgers.set(t, books);
      // Read the state getters once now: a library that breaks them is found (and its adapter
      // disabled, with its one warning) while the program runs, not at its exit.
      t.poolState();
      // p-queue 8+ announces rate-limit changes (an interval can end with no task starting).
      const target = t;
      if (typeof q.addEventListener === 'function' && 'isRateLimited' in q) {
        const changed = (): void => target.changed();
        q.addEventListener('rateLimit', changed);
        q.addEventListener('rateLimitCleared', changed);
      }
      // p-queue 10 emits 'next' when a waiting task's signal aborted it (and after clear()).
      if (typeof q.addEventListener === 'function') q.addEventListener('next', () => leftWaiting(target, q));
    }
    return t;
  };

  // 6.x and 10.x read a task's timeout differently (timeoutOf).
  const v6 = majorOf(lib) < 7;
  const add = p.add as Fn;
  p.add = function add_(this: object, fn: unknown, options?: unknown): unknown {
    const t = targetOf(this);
    // eslint-disable-next-line prefer-rest-params
    if (t.disabled || typeof fn !== 'function') return add.apply(this, arguments as unknown as unknown[]);
    const inst = this as PQueueLike;
    const running = ages.get(t)!;
    // Wrapped even while the hub is dormant: a task added before arming still reports its start.
    // 10.x fixes a task's timeout at add(); 6.x reads it when the task starts.
    const tracked = trackedTask(t, running, fn as Fn, () => inst.size, v6 ? () => timeoutOf(options, inst, true) : timeoutOf(options, inst, false));
    const books = ledger(t);
    let inAdd = true;
    let startedInAdd = false;
    const task = function (this: unknown): unknown {
      if (t.active) books.waiting--; // it starts: it no longer waits
      if (inAdd) startedInAdd = true;
      // eslint-disable-next-line prefer-rest-params
      return tracked.apply(this, arguments as unknown as unknown[]);
    };
    const before = t.active ? t.read(() => inst.size + inst.pending, 0) : 0;
    const net = books.net;
    let result: unknown;
    try {
      result = arguments.length >= 2 ? add.call(this, task, options) : add.call(this, task);
    } finally {
      inAdd = false;
    }
    if (t.active) {
      // A put only when the call queued the task (or started it): p-queue 10 queues nothing
      // for an already aborted signal or an invalid option (`priority: NaN`), and each such
      // add() counted a put with no get ever to follow (pq1.mjs). Nested calls (an 'add'
      // listener that adds or clears) counted their own share of the change.
      // A task that started within the call counts too: 6.x runs a task that throws at once
      // and frees its slot before add() returns, so nothing grew, and its get had no put.
      const grew = t.read(() => inst.size + inst.pending, before) - before - (books.net - net);
      if (grew > 0 || startedInAdd) {
        books.net++;
        books.waiting++;
        t.put(t.read(() => inst.size, 0));
      }
    }
    return result;
  };

  const clear = p.clear;
  if (typeof clear === 'function') {
    p.clear = function clear_(this: object): unknown {
      const t = queues.get(this);
      const q = this as PQueueLike;
      // 6.x: what clear() drops is its size before and after. Not what waits beyond its size:
      // inside an 'active' listener the task just dequeued has not started yet, and counted as
      // dropped it had a second get at its start (a review).
      const before = v6 && t !== undefined && t.active ? t.read(() => q.size, 0) : 0;
      // eslint-disable-next-line prefer-rest-params
      const r = (clear as Fn).apply(this, arguments as unknown as unknown[]);
      if (t === undefined) return r;
      // The tasks it dropped left without starting: one get each (p-queue 10's own 'next'
      // inside clear() may have counted them already: leftWaiting() counts once).
      if (!v6) leftWaiting(t, q);
      else if (t.active) dropped(t, before, t.read(() => q.size, before));
      return r;
    };
  }

  // Paused or started: report the state even when no task starts or stops.
  for (const key of ['pause', 'start']) {
    const orig = p[key];
    if (typeof orig !== 'function') continue;
    p[key] = {
      [key](this: object): unknown {
        // eslint-disable-next-line prefer-rest-params
        const r = (orig as Fn).apply(this, arguments as unknown as unknown[]);
        queues.get(this)?.changed();
        return r;
      },
    }[key];
  }

  // Blocked producers: awaiting room (onSizeLessThan) or an empty queue (onEmpty).
  patchWait(p, 'onSizeLessThan', targetOf, (q, limit) => q.size >= Number(limit));
  patchWait(p, 'onEmpty', targetOf, (q) => q.size > 0);
}

// ---- Tasks that leave without starting ----
//
// p-queue 10 takes a waiting task whose signal aborts out of its queue at once and never
// starts it: no start means no get, and the depth stayed up forever (pq-abort.mjs: 50 tasks
// of a cancelled request gone, p-queue's size 0, the hub's depth 50). It then emits 'next',
// as after clear(); the adapter listens to that on the queue itself (not on the program's
// signal: a second 'abort' listener per queue and signal made Node warn "Possible
// EventTarget memory leak detected. 11 abort listeners" for a signal shared by 6 queues).
// The adapter counts what waits (puts counted, minus starts, minus departures): what waits
// beyond p-queue's size left without starting. Not the last depth reported: a program's
// 'empty' or 'next' listener that adds a task runs before ours and reports a new depth, and
// the cleared or aborted tasks went uncounted (a review). Majors 7 to 9 keep an aborted
// task in the queue and skip it at its turn: untested. 6.x has no `signal`.

/** Per queue: what add()/clear()/departures changed size + pending by (nested add() calls). */
interface Ledger {
  /** Puts minus departures the adapter counted (starts change size + pending by nothing). */
  net: number;
  /** Tasks waiting as the adapter counted them: set at arming, puts minus starts minus departures. */
  waiting: number;
}

const ledgers = new WeakMap<AdaptedQueue, Ledger>();

function ledger(t: AdaptedQueue): Ledger {
  let l = ledgers.get(t);
  if (l === undefined) {
    l = { net: 0, waiting: 0 };
    ledgers.set(t, l);
  }
  return l;
}

/** Tasks that left the queue without starting: one get each. */
function leftWaiting(t: AdaptedQueue, q: PQueueLike): void {
  if (!t.active) return;
  const books = ledger(t);
  const after = t.read(() => q.size, books.waiting);
  dropped(t, books.waiting, after);
}

/** The queue went from `before` to `after` tasks waiting, none of them started: one get each. */
function dropped(t: AdaptedQueue, before: number, after: number): void {
  const n = before - after;
  if (n <= 0) return;
  const books = ledger(t);
  books.waiting -= n;
  books.net -= n;
  departed(t, before, after);
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

/**
 * The task's timeout: add()'s `timeout` option, else the queue's (`timeout`, public in 6.x and
 * 10.x). p-queue frees the task's slot then, settled or not. Undefined when none or unreadable.
 * `v6`: p-queue 6's rules (read at the task's start; an undefined option is the queue's).
 */
function timeoutOf(options: unknown, q: PQueueLike, v6: boolean): number | undefined {
  try {
    const opts = typeof options === 'object' && options !== null ? (options as { timeout?: unknown }) : undefined;
    // 10.x spreads add()'s options over the queue's: an explicit `timeout: undefined` is none.
    // 6.x falls back to the queue's for undefined.
    const own = opts !== undefined && (v6 ? opts.timeout !== undefined : 'timeout' in opts);
    const ms = own ? opts!.timeout : q.timeout;
    return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The constructor ran to its end: every major sets the paused state last of what the
 * adapter can read (6.x `_isPaused`, 10.x `#isPaused`, both behind `isPaused`), after the
 * setters that validate options (10.x's `timeout`). A shape without it counts as constructed.
 */
function constructed(q: PQueueLike): boolean {
  return !('isPaused' in q) || typeof q.isPaused === 'boolean';
}

/** Names of `inst`'s class and its superclasses, up to and including `base`. */
function classNames(inst: object, base: unknown): Set<string> {
  const names = new Set<string>();
  let c: unknown = (inst as { constructor?: unknown }).constructor;
  for (let depth = 0; typeof c === 'function' && c !== Function.prototype && depth < 16; depth++) {
    const name = (c as { name: unknown }).name;
    if (typeof name === 'string' && name !== '') names.add(name); // '' would match top-level frames
    if (c === base) break;
    c = Object.getPrototypeOf(c);
  }
  return names;
}

/** The instance's class name for its label; `fallback` when it has none or its getter throws. */
function className(inst: object, fallback: string): string {
  try {
    return String((inst.constructor as { name?: unknown } | undefined)?.name || fallback);
  } catch {
    return fallback;
  }
}

function findAccessor(proto: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = proto; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d !== undefined) return d;
  }
  return undefined;
}

function hasGetter(proto: object, key: string): boolean {
  return typeof findAccessor(proto, key)?.get === 'function';
}
