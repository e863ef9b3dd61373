// A growable ring buffer: O(1) push at the tail and shift at the head, with no
// Array.prototype.shift (which is O(n) once V8 leaves its fast path).
//
// The backing arrays are created filled with `undefined`, so their elements kind is the
// generic one from the start: an array born `new Array(n)` holds small integers until the
// first object or `undefined` is stored, and that transition deoptimises every optimised
// caller (put, putNowait, get and the user's loop around them) once more while the code is
// still warming up (issue #13's cold burst, W7).
//
// Capacity grows by half, not doubles, and is not a power of two (indices wrap by a compare,
// not a mask). Doubling from 16 gives a queue of 10,000 items 16,384 slots: 128 KiB of
// elements plus the header, just past V8's largest ordinary heap object, so that array goes
// to the large-object space, and on Node 20 allocating it cost ~0.5 ms where 16,000 slots
// cost 0.02 ms (bench/README.md, "The ring's last doubling"). Growing by half keeps a queue
// of up to 15,585 items in ordinary arrays; past that, any contiguous storage pays it once.

export class Ring<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private cap: number;
  length = 0;

  constructor(capacity = 16) {
    this.cap = Math.max(16, capacity);
    this.buf = genericArray<T>(this.cap);
  }

  push(item: T): void {
    if (this.length === this.cap) this.grow();
    let i = this.head + this.length;
    if (i >= this.cap) i -= this.cap;
    this.buf[i] = item;
    this.length++;
  }

  /** Add at the head: the item `shift()` returns next. */
  unshift(item: T): void {
    if (this.length === this.cap) this.grow();
    this.head = (this.head === 0 ? this.cap : this.head) - 1;
    this.buf[this.head] = item;
    this.length++;
  }

  /** Add so that `shift()` returns it after the `k` items now first (0 <= k <= length). */
  insertAt(k: number, item: T): void {
    this.unshift(item);
    const buf = this.buf;
    for (let i = 0; i < k; i++) buf[this.slot(i)] = buf[this.slot(i + 1)];
    buf[this.slot(k)] = item;
  }

  shift(): T {
    const i = this.head;
    const item = this.buf[i] as T;
    this.buf[i] = undefined; // do not keep a taken item alive
    this.head = i + 1 === this.cap ? 0 : i + 1;
    this.length--;
    return item;
  }

  /** The item `shift()` would return `k` calls from now. */
  at(k: number): T {
    return this.buf[this.slot(k)] as T;
  }

  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.length = 0;
  }

  /** Index in `buf` of the item `k` places from the head (0 <= k < cap). */
  private slot(k: number): number {
    const i = this.head + k;
    return i >= this.cap ? i - this.cap : i;
  }

  private grow(): void {
    const old = this.buf;
    const cap = this.cap;
    const h = this.head;
    const more = cap >> 1;
    // Full, so the items are old[h..] then old[..h]. Copied by builtins rather than a loop:
    // a burst into a new queue grows it ~17 times before the JIT has compiled anything, and
    // a copy loop in the interpreter was a visible part of a cold burst (issue #13, W7).
    // Same elements kind as genericArray's (checked by the ring's tests), so no deopt.
    this.buf = h === 0 ? old.concat(genericArray<T>(more)) : old.slice(h).concat(old.slice(0, h), genericArray<T>(more));
    this.head = 0;
    this.cap = cap + more;
  }
}

function genericArray<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}
