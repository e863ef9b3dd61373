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
  protected override _size(): number {
    return this.stack.length;
  }
  protected override _peek(n: number): T[] {
    return this.stack.slice(Math.max(0, this.stack.length - n)).reverse();
  }
  protected override _clear(): void {
    this.stack = [];
  }
}
