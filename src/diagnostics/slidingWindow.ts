// Per-tick samples of one queue over a sliding window of active time, with running sums so a
// tick costs O(1): the least-squares slope of depth over time and how many samples were full
// or starved. The samples themselves stay available for the rare full scan (a rule that
// already found a steep slope checks the depth's minima).
//
// Kept as numbers in one ring (a Float64Array, 8 slots a sample), not as sample objects: a
// check ticks every 100 ms, so a 30 s window holds 300 samples per queue, and at 2,000
// queues those were 600,000 objects (~190 MB retained, and much of the garbage collector's
// work). A sample takes 64 bytes; rules read the first and last sample, and rarely all of
// them, as objects made on demand. One array, not one per field: growing seven typed
// arrays per window was 6% of a 10,000-queue check.

import type { TickSample } from './queueTrack';

const FULL = 1;
const STARVED = 2;
const SATURATED = 4;
const FIRST_CAPACITY = 16;
/** A sample's slots in the ring: t, size, puts, gets, countersT, oldestAge, flags, work. */
const T = 0;
const SIZE = 1;
const PUTS = 2;
const GETS = 3;
const COUNTERS_T = 4;
const OLDEST_AGE = 5;
const FLAGS = 6;
const WORK = 7;
const STRIDE = 8;
/** Samples a first estimate may ask room for (a longer window still grows, by doubling). */
const MAX_EXPECTED = 4096;

export class SlidingWindow {
  /** `cap` samples of STRIDE slots; one array, so that growing is one allocation. */
  private data = new Float64Array(0);
  private cap = 0;
  /** Ring index of the oldest sample in the window; `n` samples from there. */
  private head = 0;
  /** Active time of the first sample ever pushed (coverage: the window has seen its whole span). */
  private started: number | undefined;
  private base = 0;
  private n = 0;
  /** Pushes since the sums were last computed afresh (rebase). */
  private sinceRebase = 0;
  private sx = 0;
  private sy = 0;
  private sxy = 0;
  private sxx = 0;
  private syy = 0;
  fullCount = 0;
  starvedCount = 0;
  saturatedCount = 0;

  constructor(public spanMs: number) {}

  push(s: TickSample): void {
    if (this.started === undefined) {
      this.started = s.t;
      this.base = s.t;
    }
    if (this.n === this.cap) this.grow();
    const d = this.data;
    const o = ((this.head + this.n) & (this.cap - 1)) * STRIDE;
    d[o + T] = s.t;
    d[o + SIZE] = s.size;
    d[o + PUTS] = s.puts;
    d[o + GETS] = s.gets;
    d[o + COUNTERS_T] = s.countersT;
    d[o + OLDEST_AGE] = s.oldestAge;
    d[o + FLAGS] = (s.full ? FULL : 0) | (s.starved ? STARVED : 0) | (s.saturated ? SATURATED : 0);
    d[o + WORK] = s.work;
    this.n++;
    this.add(o, 1);
    while (this.n > 0 && d[this.head * STRIDE + T] < s.t - this.spanMs) {
      this.add(this.head * STRIDE, -1);
      this.n--;
      this.head = (this.head + 1) & (this.cap - 1);
    }
    if (++this.sinceRebase >= Math.max(this.n, FIRST_CAPACITY) || this.n <= 1) this.rebase();
  }

  /**
   * The running sums again, from the samples in the window, with x measured from the oldest
   * of them: once the window has turned over (amortised O(1) a push), and whenever one sample
   * or none is left. Subtracting the samples that left leaves rounding behind, and with x
   * measured from the first sample ever it grows with the session: a window emptied by a slow
   * tick read a slope of 3.8 items/s from its one sample (the randomised test, other data).
   */
  private rebase(): void {
    this.sinceRebase = 0;
    this.sx = this.sy = this.sxy = this.sxx = this.syy = 0;
    if (this.n === 0) return;
    this.base = this.data[this.head * STRIDE + T];
    for (let k = 0; k < this.n; k++) this.addSums(((this.head + k) & (this.cap - 1)) * STRIDE, 1);
  }

  /** Whether samples cover (almost) the whole span up to active time `nowT`. */
  covered(nowT: number): boolean {
    return this.started !== undefined && this.started <= nowT - this.spanMs * 0.95 && this.n >= 4;
  }

  get size(): number {
    return this.n;
  }

  get first(): TickSample | undefined {
    return this.n === 0 ? undefined : this.sample(this.head);
  }

  get last(): TickSample | undefined {
    return this.n === 0 ? undefined : this.sample((this.head + this.n - 1) & (this.cap - 1));
  }

  /** n·Σx² − (Σx)²; 0 for fewer than two samples. */
  private xSpread(): number {
    return this.n < 2 ? 0 : this.n * this.sxx - this.sx * this.sx;
  }

  /** Least-squares slope of depth, items per second. */
  slope(): number {
    const den = this.xSpread();
    return den <= 0 ? 0 : (this.n * this.sxy - this.sx * this.sy) / den;
  }

  /** R² of the linear fit (0..1): how much of the depth's movement the trend explains. */
  fit(): number {
    const vx = this.xSpread();
    const vy = this.n * this.syy - this.sy * this.sy;
    if (vx <= 0 || vy <= 0) return 0;
    const cov = this.n * this.sxy - this.sx * this.sy;
    return Math.min(1, (cov * cov) / (vx * vy));
  }

  /** The samples in the window, oldest first (made now). */
  samples(): TickSample[] {
    const out: TickSample[] = [];
    for (let k = 0; k < this.n; k++) out.push(this.sample((this.head + k) & (this.cap - 1)));
    return out;
  }

  private sample(i: number): TickSample {
    const d = this.data;
    const o = i * STRIDE;
    const f = d[o + FLAGS];
    return {
      t: d[o + T],
      size: d[o + SIZE],
      puts: d[o + PUTS],
      gets: d[o + GETS],
      countersT: d[o + COUNTERS_T],
      oldestAge: d[o + OLDEST_AGE],
      work: d[o + WORK],
      full: (f & FULL) !== 0,
      starved: (f & STARVED) !== 0,
      saturated: (f & SATURATED) !== 0,
    };
  }

  /**
   * Grow the ring (a power of two, so indices wrap with a mask), the samples in order from
   * index 0. To what the span will hold at the pace samples came so far, not just twice the
   * size: a 30 s window of 100 ms ticks reaches 512 in one step from 16, not five (at 10,000
   * queues those allocations were 4% of a check).
   */
  private grow(): void {
    let cap = Math.max(FIRST_CAPACITY, this.cap * 2);
    const d = this.data;
    const covered = this.n > 1 ? d[((this.head + this.n - 1) & (this.cap - 1)) * STRIDE + T] - d[this.head * STRIDE + T] : 0;
    const expected = covered > 0 ? Math.min(MAX_EXPECTED, Math.ceil((this.n * this.spanMs) / covered)) : 0;
    while (cap < expected) cap *= 2;
    const to = new Float64Array(cap * STRIDE);
    // Called only when full: the samples are [head, cap) then [0, head).
    to.set(d.subarray(this.head * STRIDE));
    to.set(d.subarray(0, this.head * STRIDE), (this.cap - this.head) * STRIDE);
    this.data = to;
    this.cap = cap;
    this.head = 0;
  }

  /** Add (1) or take out (-1) the sample at offset `o` in the running sums. */
  /** The least-squares sums of the sample at ring offset `o`, added (1) or taken out (-1). */
  private addSums(o: number, sign: 1 | -1): void {
    const d = this.data;
    const x = (d[o + T] - this.base) / 1000;
    const y = d[o + SIZE];
    this.sx += sign * x;
    this.sy += sign * y;
    this.sxy += sign * x * y;
    this.sxx += sign * x * x;
    this.syy += sign * y * y;
  }

  private add(o: number, sign: 1 | -1): void {
    this.addSums(o, sign);
    const f = this.data[o + FLAGS];
    if (f & FULL) this.fullCount += sign;
    if (f & STARVED) this.starvedCount += sign;
    if (f & SATURATED) this.saturatedCount += sign;
  }
}
