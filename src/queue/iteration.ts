// `for await (const item of queue)`. What makes this more than a loop around get():
// `return()` (a `break` while a get waits, a destroyed `Readable.from(queue)`, the loser of
// a race between two iterators) must end the get it has pending. Left waiting, that get
// would be served the next item put, for a consumer that is gone: the item lost, join()
// never resolving. So each iterator passes the queue a signal of its own and aborts it,
// which cancels the wait the way any abort does (nothing taken).

import { QueueShutDown } from './errors';
import type { AbortSignalLike } from './waiters';

/** The queue's give-back method: keyed by a symbol, not a name, so it is no public API. */
export const PUT_BACK: unique symbol = Symbol('queuescope.putBack');

/** The part of a queue its iterator uses. */
export interface IterationSource<T> {
  get(options: { signal: AbortSignalLike }): Promise<T>;
  /** An item an ended iterator was served anyway: back first in line, still unfinished. */
  [PUT_BACK](item: T): void;
}

/** Rejection reason of a get cancelled by return(); never leaves this module. */
const STOPPED = Symbol('queue iterator returned');
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });

/** An AbortSignalLike that only return() fires; one per iterator, any number of gets. */
class StopSignal implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  // A set: each served get removes its listener, and with 40k gets pending on one iterator
  // an array's indexOf/splice made that quadratic.
  private listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = STOPPED;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l();
  }
}

export class QueueIterator<T> implements AsyncIterableIterator<T> {
  private done = false;
  private readonly stop = new StopSignal();
  private readonly options = { signal: this.stop as AbortSignalLike };

  constructor(private readonly source: IterationSource<T>) {}

  async next(): Promise<IteratorResult<T>> {
    if (this.done) return DONE;
    let value: T;
    try {
      value = await this.source.get(this.options);
    } catch (err) {
      if (err === STOPPED) return DONE;
      if (err instanceof QueueShutDown) {
        this.done = true;
        return DONE;
      }
      throw err;
    }
    // return() came after this get was served but before its promise settled (one job):
    // the caller is gone, so the item goes back rather than to nobody.
    if (this.done) {
      this.source[PUT_BACK](value);
      return DONE;
    }
    return { value, done: false };
  }

  /** End the iteration: a pending get is cancelled and takes nothing. */
  async return(): Promise<IteratorResult<T>> {
    this.done = true;
    this.stop.abort();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
