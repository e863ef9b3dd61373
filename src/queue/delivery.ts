// Resolving served waiters one promise job later, in the order they were served.
//
// Why (issue #13): a producer that hands an item to a waiting consumer returns at once, but
// the consumer's continuation was queued first (by the resolve) and runs before the
// producer's. It finds the queue empty and blocks again: one block, one promise and (with a
// timeout) one timer per item, for as long as the two run in lockstep. Resolving the served
// waiter from a job queued behind the producer's continuation lets the producer put its next
// item first; the consumer then finds it and takes it without blocking, and the pair settles
// into a steady state where nobody blocks (as with asyncio, where a woken getter runs on a
// later loop turn).
//
// When it does not help (a consumer slower on the way back than the producer, so it blocks
// again whatever we do), the job is pure cost; the queue notices (several hand-offs in a row
// with no item stored between them) and resolves directly for a while (Queue.handOff).
//
// Semantics are unchanged: the waiter is unlinked, its timer and abort listener released and
// the item assigned to it synchronously, inside the put()/get() that served it (so a timeout
// or abort arriving later cannot take it back, and FIFO order is decided there). Only the
// promise settles one job later. All served waiters of the realm share one job per batch.
// Once resolved, a waiter is kept for a later block (recycleWaiter).

import { recycleWaiter, type Waiter, type WaiterOwner } from './waiters';

const RESOLVED: Promise<void> = Promise.resolve();
/**
 * A served getter's value when its queue's storage is not FIFO: its owner's takeClaim()
 * picks the item as the promise settles (Queue.handOffClaim).
 */
export const CLAIM: unique symbol = Symbol('claim');
let head: Waiter<unknown> | null = null;
let tail: Waiter<unknown> | null = null;
let scheduled = false;

/**
 * Resolve `w` with `value` now, unless earlier served waiters are still queued for the
 * delivery job (then after them, so promises settle in the order their waiters were served).
 */
export function resolveNow<T>(w: Waiter<T>, value: T): void {
  if (head !== null) {
    deliver(w, value);
    return;
  }
  const resolve = w.resolve;
  w.resolve = w.reject = noop;
  const owner = w.owner;
  w.owner = null;
  resolve(value);
  if (owner !== null) recycleWaiter(w as Waiter<unknown>, owner);
}

/** Resolve `w` with `value` from the next delivery job. `w` must be out of its list. */
export function deliver<T>(w: Waiter<T>, value: T): void {
  w.item = value;
  w.next = null;
  const u = w as Waiter<unknown>;
  if (tail !== null) tail.next = u;
  else head = u;
  tail = u;
  if (!scheduled) {
    scheduled = true;
    void RESOLVED.then(flush);
  }
}

function flush(): void {
  scheduled = false;
  // Waiters delivered while this runs (a thenable's `then` getter can call back into a
  // queue) are appended and served by this same loop.
  while (head !== null) {
    const w = head;
    head = w.next;
    if (head === null) tail = null;
    w.next = null;
    let value = w.item;
    w.item = undefined;
    const resolve = w.resolve;
    const reject = w.reject;
    w.resolve = w.reject = noop;
    const owner = w.owner;
    w.owner = null;
    if (value === CLAIM) {
      try {
        value = (owner as WaiterOwner).takeClaim();
      } catch (err) {
        reject(err); // a comparator that threw: the item stays queued
        if (owner !== null) recycleWaiter(w, owner);
        continue;
      }
    }
    resolve(value);
    if (owner !== null) recycleWaiter(w, owner);
  }
}

function noop(): void {}
