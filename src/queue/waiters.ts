// Blocked calls wait in an intrusive doubly linked list: O(1) append, O(1) removal of
// any waiter (a timeout or an abort cancels from the middle), FIFO service order.
//
// A Waiter also carries the links of the realm's deadline lists (src/queue/deadlines.ts)
// when its call has a timeout, and the value it is handed (src/queue/delivery.ts), so a
// blocked call allocates this one node besides its promise; and a served waiter is reused
// by the realm's next block (takeWaiter/recycleWaiter), so a consumer that blocks on every
// item allocates only the promise.

import type { Bucket, Generation, Timed } from './deadlines';

/** The key of an owner's kept waiter: a symbol, so no subclass property can collide with it. */
export const SPARE: unique symbol = Symbol('queuescope.spareWaiter');

/** What a waiter calls back into (the queue it waits on). */
export interface WaiterOwner {
  /** Its deadline passed. */
  expireWaiter(w: Waiter<unknown>): void;
  /** One served waiter kept by this owner once the realm's pool is full (see takeWaiter). */
  [SPARE]: Waiter<unknown> | null;
  /** A served getter's item, picked as its promise settles (delivery.ts CLAIM). */
  takeClaim(): unknown;
}

let executorTarget: Waiter<never> | null = null;
// One executor for every blocked call, instead of a closure per call: `new Promise` runs it
// synchronously, so the target is always the waiter being created.
function captureResolvers(resolve: (value: never) => void, reject: (reason: unknown) => void): void {
  const w = executorTarget as Waiter<never>;
  w.resolve = resolve;
  w.reject = reject;
}

export class Waiter<T> implements Timed {
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  /** Still in its list. Cleared the moment it is served or cancelled. */
  linked = false;
  resolve: (value: T) => void = noop;
  reject: (reason: unknown) => void = noop;
  /** For a blocked put: the item it wants to add. For a served get: the item handed over. */
  item: unknown = undefined;
  /** A timer of its own (only when the shared deadline lists cannot take it). */
  timer: unknown = undefined;
  signal: AbortSignalLike | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** The tracer's token for this wait, when a probe was installed. */
  trace: unknown = undefined;
  // ---- deadline lists ----
  tGen: Generation | null = null;
  tFirst = false;
  tPrev: Timed | null = null;
  tNext: Timed | null = null;
  tBucket: Bucket | null = null;
  tQueuedAt = -1;
  owner: WaiterOwner | null = null;
  /** The call's timeout, for the QueueTimeout message. */
  timeoutMs = 0;
  role: 'put' | 'get';

  constructor(role: 'put' | 'get') {
    this.role = role;
  }

  /** The promise the blocked call returns; its resolvers are stored on this waiter. */
  promise(): Promise<T> {
    executorTarget = this as unknown as Waiter<never>;
    const p = new Promise<T>(captureResolvers as (resolve: (value: T) => void, reject: (reason: unknown) => void) => void);
    executorTarget = null;
    return p;
  }

  stillTimed(): boolean {
    // reset() zeroes timeoutMs and tGen; only deadlines.add() stamps a generation, so a wait
    // with a timer of its own (whose handle may be anything, undefined too) has none.
    return this.linked && this.timeoutMs > 0 && this.tBucket === null && this.tGen !== null;
  }

  expire(): void {
    if (this.owner !== null) this.owner.expireWaiter(this as unknown as Waiter<unknown>);
  }

  /**
   * Back to the state of a new waiter, for reuse (see recycleWaiter). Served waiters are
   * already out of every list with their timer, listener and tracer token released.
   * `tQueuedAt` stays: the deadline scheduler may still hold this waiter in its queue.
   */
  reset(): void {
    this.item = undefined;
    this.timer = undefined;
    this.signal = undefined;
    this.onAbort = undefined;
    this.trace = undefined;
    this.tGen = null;
    this.tFirst = false;
    this.tPrev = this.tNext = null;
    this.tBucket = null;
    this.owner = null;
    this.timeoutMs = 0;
  }
}

function noop(): void {}

// Served waiters kept for later blocks. A realm-wide pool first: a program that makes a
// queue per job (or a bench run per queue) then never constructs a waiter on a new queue's
// first block. That construction runs before V8 has type feedback for it, so reaching it
// again deoptimised the caller's optimised get()/put() (and the user's loop they were
// inlined into) once per new queue while the code warmed up (issue #13's cold burst, W7).
// Past MAX_SPARES, each queue keeps one of its own, so thousands of queues whose consumers
// are all served in one macrotask still block again without allocating.
const MAX_SPARES = 64;
let spares: Waiter<unknown> | null = null;
let spareCount = 0;

/** A waiter for a call about to block on `owner`: a kept one, or a new one. */
export function takeWaiter<T>(role: 'put' | 'get', owner: WaiterOwner): Waiter<T> {
  let w = spares;
  if (w !== null) {
    spares = w.next;
    w.next = null;
    spareCount--;
  } else {
    w = owner[SPARE];
    if (w === null) return new Waiter<T>(role);
    owner[SPARE] = null;
  }
  w.role = role;
  return w as Waiter<T>;
}

/**
 * A served waiter's promise is resolved and nothing refers to it any more: keep it for a
 * later block. Only served waiters come here (a cancelled one may still be on an abort or
 * timer path); the deadline scheduler's queue slot (`tQueuedAt`) survives reuse on purpose.
 */
export function recycleWaiter(w: Waiter<unknown>, owner: WaiterOwner): void {
  if (w.linked) return;
  if (spareCount < MAX_SPARES) {
    w.reset();
    w.next = spares;
    spares = w;
    spareCount++;
  } else if (owner[SPARE] === null) {
    w.reset();
    owner[SPARE] = w;
  }
}

/** The parts of a waiter that settling touches, whatever it resolves with. */
export type WaitHandle = Pick<Waiter<never>, 'timer' | 'signal' | 'onAbort' | 'trace'> & Timed;

export class WaiterList<T> {
  head: Waiter<T> | null = null;
  tail: Waiter<T> | null = null;
  length = 0;

  append(w: Waiter<T>): void {
    w.prev = this.tail;
    w.next = null;
    if (this.tail !== null) this.tail.next = w;
    else this.head = w;
    this.tail = w;
    w.linked = true;
    this.length++;
  }

  remove(w: Waiter<T>): void {
    if (!w.linked) return;
    if (w.prev !== null) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next !== null) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = null;
    w.linked = false;
    this.length--;
  }

  shift(): Waiter<T> | null {
    const w = this.head;
    if (w !== null) this.remove(w);
    return w;
  }
}

/** The part of AbortSignal the queue uses; keeps src/queue free of DOM and node types. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
