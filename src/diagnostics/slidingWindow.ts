// Per-tick samples of one queue over a sliding window of active time, with running sums so a
// tick costs O(1): the least-squares slope of depth over time and how many samples were full
// or starved. The samples themselves stay available for the rare full scan (a rule that
// already found a steep slope checks the depth's minima).
//
// Kept in columns (a ring of typed arrays), not as sample objects: a check ticks every
// 100 ms, so a 30 s window holds 300 samples per queue, and at 2,000 queues those were
// 600,000 objects (~190 MB retained, and much of the garbage collector's work). Columns
// take 49 bytes a sample; rules read the first and last sample, and rarely all of them,
// as objects made on demand.

import type { TickSample } from './queueTrack';

const FULL = 1;
const STARVED = 2;
const SATURATED = 4;
const FIRST_CAPACITY = 16;

export class SlidingWindow {
  private cap = 0;
  private t = new Float64Array(0);
  private size_ = new Float64Array(0);
  private puts = new Float64Array(0);
  private gets = new Float64Array(0);
  private countersT = new Float64Array(0);
  private oldestAge = new Float64Array(0);
  private flags = new Uint8Array(0);
  /** Ring index of the oldest sample in the window; `n` samples from there. */
  private head = 0;
  /** Active time of the first sample ever pushed (coverage: the window has seen its whole span). */
  private started: number | undefined;
  private base = 0;
  private n = 0;
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
    const i = (this.head + this.n) % this.cap;
    this.t[i] = s.t;
    this.size_[i] = s.size;
    this.puts[i] = s.puts;
    this.gets[i] = s.gets;
    this.countersT[i] = s.countersT;
    this.oldestAge[i] = s.oldestAge;
    this.flags[i] = (s.full ? FULL : 0) | (s.starved ? STARVED : 0) | (s.saturated ? SATURATED : 0);
    this.n++;
    this.add(i, 1);
    while (this.n > 0 && this.t[this.head] < s.t - this.spanMs) {
      this.add(this.head, -1);
      this.n--;
      this.head = (this.head + 1) % this.cap;
    }
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
    return this.n === 0 ? undefined : this.sample((this.head + this.n - 1) % this.cap);
  }

  /** Least-squares slope of depth, items per second. */
  slope(): number {
    const den = this.n * this.sxx - this.sx * this.sx;
    return den <= 0 ? 0 : (this.n * this.sxy - this.sx * this.sy) / den;
  }

  /** R² of the linear fit (0..1): how much of the depth's movement the trend explains. */
  fit(): number {
    const vx = this.n * this.sxx - this.sx * this.sx;
    const vy = this.n * this.syy - this.sy * this.sy;
    if (vx <= 0 || vy <= 0) return 0;
    const cov = this.n * this.sxy - this.sx * this.sy;
    return Math.min(1, (cov * cov) / (vx * vy));
  }

  /** The samples in the window, oldest first (made now). */
  samples(): TickSample[] {
    const out: TickSample[] = [];
    for (let k = 0; k < this.n; k++) out.push(this.sample((this.head + k) % this.cap));
    return out;
  }

  private sample(i: number): TickSample {
    const f = this.flags[i];
    return {
      t: this.t[i],
      size: this.size_[i],
      puts: this.puts[i],
      gets: this.gets[i],
      countersT: this.countersT[i],
      oldestAge: this.oldestAge[i],
      full: (f & FULL) !== 0,
      starved: (f & STARVED) !== 0,
      saturated: (f & SATURATED) !== 0,
    };
  }

  /** Double the ring, the samples in order from index 0. */
  private grow(): void {
    const cap = Math.max(FIRST_CAPACITY, this.cap * 2);
    const order = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(cap);
      for (let k = 0; k < this.n; k++) to[k] = from[(this.head + k) % this.cap];
      return to;
    };
    const flags = new Uint8Array(cap);
    for (let k = 0; k < this.n; k++) flags[k] = this.flags[(this.head + k) % this.cap];
    this.t = order(this.t);
    this.size_ = order(this.size_);
    this.puts = order(this.puts);
    this.gets = order(this.gets);
    this.countersT = order(this.countersT);
    this.oldestAge = order(this.oldestAge);
    this.flags = flags;
    this.cap = cap;
    this.head = 0;
  }

  private add(i: number, sign: 1 | -1): void {
    const x = (this.t[i] - this.base) / 1000;
    const y = this.size_[i];
    const f = this.flags[i];
    this.sx += sign * x;
    this.sy += sign * y;
    this.sxy += sign * x * y;
    this.sxx += sign * x * x;
    this.syy += sign * y * y;
    if (f & FULL) this.fullCount += sign;
    if (f & STARVED) this.starvedCount += sign;
    if (f & SATURATED) this.saturatedCount += sign;
  }
}
