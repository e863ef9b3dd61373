// Blocked calls wait in an intrusive doubly linked list: O(1) append, O(1) removal of
// any waiter (a timeout or an abort cancels from the middle), FIFO service order.

export class Waiter<T> {
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  /** Still in its list. Cleared the moment it is served or cancelled. */
  linked = false;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  /** For a blocked put: the item it wants to add. */
  item: unknown = undefined;
  timer: unknown = undefined;
  signal: AbortSignalLike | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** The tracer's token for this wait, when a probe was installed. */
  trace: unknown = undefined;
}

/** The parts of a waiter that settling touches, whatever it resolves with. */
export type WaitHandle = Pick<Waiter<never>, 'timer' | 'signal' | 'onAbort' | 'trace'>;

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
