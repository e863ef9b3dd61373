// PriorityQueue: the smallest item comes out first (by `compare`, default `<`); equal
// items keep their insertion order. Only storage differs from Queue.

import { Queue, QUEUE_OPTIONS, checkOptions, type QueueOptions, type WaitOptions } from './queue';
import { StableHeap, defaultCompare, type Compare } from './heap';
import type { QueueKind } from './probe';

export interface PriorityQueueOptions<T> extends QueueOptions {
  /** Negative when `a` should come out before `b`. Default: `a < b`. */
  compare?: ((a: T, b: T) => number) | undefined;
}

const PRIORITY_OPTIONS: readonly string[] = [...QUEUE_OPTIONS, 'compare'];

// The base constructor calls _init() before this subclass's constructor body can run,
// so the comparator travels through this slot.
let pendingCompare: Compare<unknown> | undefined;

export class PriorityQueue<T> extends Queue<T> {
  declare private heap: StableHeap<T>;

  constructor(options: PriorityQueueOptions<T> = {}) {
    checkOptions(options, new.target.name, PRIORITY_OPTIONS);
    if (options.compare !== undefined && typeof options.compare !== 'function') {
      throw new TypeError('compare must be a function');
    }
    pendingCompare = options.compare as Compare<unknown> | undefined;
    try {
      super(options);
    } finally {
      pendingCompare = undefined;
    }
  }

  override get kind(): QueueKind {
    return 'priority';
  }

  // A comparator that throws fails the call as a rejected promise, as every other failure of
  // put() and get() does (not a throw that a `.catch()` never sees). Here, not in Queue: the
  // other queues' storage never throws, and their put()/get() stay as small as they are.
  override put(item: T, options?: WaitOptions): Promise<void> {
    try {
      return super.put(item, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  override get(options?: WaitOptions): Promise<T> {
    try {
      return super.get(options);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  protected override _init(): void {
    this.heap = new StableHeap<T>((pendingCompare as Compare<T> | undefined) ?? defaultCompare);
  }
  protected override _put(item: T): void {
    this.heap.push(item);
  }
  protected override _get(): T {
    return this.heap.pop();
  }
  // Given back: ahead of the items that compare equal to it, behind those given back before it in this job.
  protected override _putBack(item: T, behind: number): void {
    this.heap.pushFront(item, behind);
  }
  // `claimed` items are owed to served getters (Queue.handOffClaim): the smallest ones, since
  // those are what the getters will take. Not in the size or the preview; kept by a clear.
  protected override _size(): number {
    return this.heap.length - this.claimed;
  }
  protected override _peek(n: number): T[] {
    return this.heap.peek(n + this.claimed).slice(this.claimed);
  }
  protected override _clear(): void {
    this.heap.retainFirst(this.claimed);
  }
  protected override get _claimsOnDelivery(): boolean {
    return true;
  }
}
