// Per-tick samples of one queue over a sliding window of active time, with running sums so a
// tick costs O(1): the least-squares slope of depth over time and how many samples were full
// or starved. The samples themselves stay available for the rare full scan (a rule that
// already found a steep slope checks the depth's minima).

import type { TickSample } from './queueTrack';

export class SlidingWindow {
  private items: TickSample[] = [];
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
    this.items.push(s);
    this.add(s, 1);
    while (this.head < this.items.length && this.items[this.head].t < s.t - this.spanMs) {
      this.add(this.items[this.head], -1);
      this.head++;
    }
    if (this.head > 256 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
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
    return this.items[this.head];
  }

  get last(): TickSample | undefined {
    return this.items[this.items.length - 1];
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

  /** The samples in the window, oldest first (a copy). */
  samples(): TickSample[] {
    return this.items.slice(this.head);
  }

  private add(s: TickSample, sign: 1 | -1): void {
    const x = (s.t - this.base) / 1000;
    this.n += sign;
    this.sx += sign * x;
    this.sy += sign * s.size;
    this.sxy += sign * x * s.size;
    this.sxx += sign * x * x;
    this.syy += sign * s.size * s.size;
    if (s.full) this.fullCount += sign;
    if (s.starved) this.starvedCount += sign;
    if (s.saturated) this.saturatedCount += sign;
  }
}
