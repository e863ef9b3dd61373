// PriorityQueue: the smallest item comes out first (by `compare`, default `<`); equal
// items keep their insertion order. Only storage differs from Queue.

import { Queue, checkOptions, type QueueOptions } from './queue';
import { StableHeap, defaultCompare, type Compare } from './heap';
import type { QueueKind } from './probe';

export interface PriorityQueueOptions<T> extends QueueOptions {
  /** Negative when `a` should come out before `b`. Default: `a < b`. */
  compare?: (a: T, b: T) => number;
}

// The base constructor calls _init() before this subclass's constructor body can run,
// so the comparator travels through this slot.
let pendingCompare: Compare<unknown> | undefined;

export class PriorityQueue<T> extends Queue<T> {
  declare private heap: StableHeap<T>;

  constructor(options: PriorityQueueOptions<T> = {}) {
    checkOptions(options, new.target.name);
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
  protected override _init(): void {
    this.heap = new StableHeap<T>((pendingCompare as Compare<T> | undefined) ?? defaultCompare);
  }
  protected override _put(item: T): void {
    this.heap.push(item);
  }
  protected override _get(): T {
    return this.heap.pop();
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
    const owed: T[] = [];
    for (let k = 0; k < this.claimed; k++) owed.push(this.heap.pop());
    this.heap.clear();
    for (const item of owed) this.heap.push(item);
  }
  protected override get _claimsOnDelivery(): boolean {
    return true;
  }
}
