// A growable ring buffer: O(1) push at the tail and shift at the head, with no
// Array.prototype.shift (which is O(n) once V8 leaves its fast path).
//
// The backing arrays are created filled with `undefined`, so their elements kind is the
// generic one from the start: an array born `new Array(n)` holds small integers until the
// first object or `undefined` is stored, and that transition deoptimises every optimised
// caller (put, putNowait, get and the user's loop around them) once more while the code is
// still warming up (issue #13's cold burst, W7).

export class Ring<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.buf = genericArray<T>(cap);
    this.mask = cap - 1;
  }

  push(item: T): void {
    if (this.length > this.mask) this.grow();
    this.buf[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  /** Add at the head: the item `shift()` returns next. */
  unshift(item: T): void {
    if (this.length > this.mask) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = item;
    this.length++;
  }

  /** Add so that `shift()` returns it after the `k` items now first (0 <= k <= length). */
  insertAt(k: number, item: T): void {
    this.unshift(item);
    const buf = this.buf;
    for (let i = 0; i < k; i++) buf[(this.head + i) & this.mask] = buf[(this.head + i + 1) & this.mask];
    buf[(this.head + k) & this.mask] = item;
  }

  shift(): T {
    const i = this.head;
    const item = this.buf[i] as T;
    this.buf[i] = undefined; // do not keep a taken item alive
    this.head = (i + 1) & this.mask;
    this.length--;
    return item;
  }

  /** The item `shift()` would return `k` calls from now. */
  at(k: number): T {
    return this.buf[(this.head + k) & this.mask] as T;
  }

  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const old = this.buf;
    const cap = old.length;
    const h = this.head;
    // Full, so the items are old[h..] then old[..h]. Copied by builtins rather than a loop:
    // a burst into a new queue grows it ~10 times before the JIT has compiled anything, and
    // a copy loop in the interpreter was a visible part of a cold burst (issue #13, W7).
    // Same elements kind as genericArray's (checked by the ring's tests), so no deopt.
    this.buf = (h === 0 ? old : old.slice(h).concat(old.slice(0, h))).concat(genericArray<T>(cap));
    this.head = 0;
    this.mask = cap * 2 - 1;
  }
}

function genericArray<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}
