// LifoQueue: the most recently added item comes out first. Only storage differs.

import { Queue } from './queue';
import type { QueueKind } from './probe';

export class LifoQueue<T> extends Queue<T> {
  // `declare`: the base constructor calls _init() before subclass fields would be set.
  declare private stack: T[];

  override get kind(): QueueKind {
    return 'lifo';
  }
  protected override _init(): void {
    this.stack = [];
  }
  protected override _put(item: T): void {
    this.stack.push(item);
  }
  protected override _get(): T {
    return this.stack.pop() as T;
  }
  // Given back: on top, below the claimed items and those given back before it in this job.
  protected override _putBack(item: T, behind: number): void {
    this.stack.splice(Math.max(0, this.stack.length - this.claimed - behind), 0, item);
  }
  // `claimed` items are owed to served getters (Queue.handOffClaim): the newest ones, since
  // those are what the getters will take. Not in the size or the preview; kept by a clear.
  protected override _size(): number {
    return this.stack.length - this.claimed;
  }
  protected override _peek(n: number): T[] {
    const end = this.stack.length - this.claimed;
    return this.stack.slice(Math.max(0, end - n), end).reverse();
  }
  protected override _clear(): void {
    this.stack = this.claimed > 0 ? this.stack.slice(this.stack.length - this.claimed) : [];
  }
  protected override get _claimsOnDelivery(): boolean {
    return true;
  }
}
