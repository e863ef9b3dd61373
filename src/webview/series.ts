// Timeline storage and downsampling for the chart. Pure (no DOM): unit-tested in Node.
//
// DepthSeries keeps samples columnar in growable typed arrays. Memory is bounded: past
// `cap` points the oldest half is merged pairwise (min of mins, max of maxes, the later
// depth), so an hour-long session stays small and no spike leaves the envelope.

const INITIAL = 256;

export class DepthSeries {
  t = new Float64Array(INITIAL);
  depth = new Float64Array(INITIAL);
  min = new Float64Array(INITIAL);
  max = new Float64Array(INITIAL);
  length = 0;

  constructor(readonly cap = 8192) {}

  /** Append points; times must not go backwards (older points are ignored). */
  append(t: readonly number[], depth: readonly number[], min: readonly number[], max: readonly number[]): void {
    for (let i = 0; i < t.length; i++) {
      const last = this.length ? this.t[this.length - 1] : -Infinity;
      if (!(t[i] >= last)) continue;
      if (this.length === this.t.length) this.grow();
      const n = this.length++;
      this.t[n] = t[i];
      this.depth[n] = depth[i];
      this.min[n] = Math.min(min[i], depth[i]);
      this.max[n] = Math.max(max[i], depth[i]);
    }
  }

  private grow(): void {
    if (this.length >= this.cap) {
      this.compactOldestHalf();
      return;
    }
    const size = Math.min(this.cap, this.t.length * 2);
    for (const k of ['t', 'depth', 'min', 'max'] as const) {
      const next = new Float64Array(size);
      next.set(this[k].subarray(0, this.length));
      this[k] = next;
    }
  }

  private compactOldestHalf(): void {
    const half = this.length >> 1;
    let w = 0;
    for (let r = 0; r + 1 < half; r += 2, w++) {
      this.t[w] = this.t[r + 1];
      this.depth[w] = this.depth[r + 1];
      this.min[w] = Math.min(this.min[r], this.min[r + 1]);
      this.max[w] = Math.max(this.max[r], this.max[r + 1]);
    }
    for (let r = w * 2; r < this.length; r++, w++) {
      this.t[w] = this.t[r];
      this.depth[w] = this.depth[r];
      this.min[w] = this.min[r];
      this.max[w] = this.max[r];
    }
    this.length = w;
  }

  /** Index of the first point with t > x. */
  upperBound(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first point with t >= x. */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Step series of (blocked producers, waiting consumers) counts over time. */
export class WaitCountSeries {
  t: number[] = [];
  put: number[] = [];
  get: number[] = [];

  constructor(readonly cap = 8192) {}

  append(t: readonly number[], put: readonly number[], get: readonly number[]): void {
    for (let i = 0; i < t.length; i++) {
      const n = this.t.length;
      if (n && t[i] < this.t[n - 1]) continue;
      this.t.push(t[i]);
      this.put.push(put[i]);
      this.get.push(get[i]);
    }
    if (this.t.length > this.cap) {
      // Keep the newest points; counts before them are a step function we can drop safely
      // because the first kept point carries the level from then on.
      const drop = this.t.length - this.cap;
      this.t.splice(0, drop);
      this.put.splice(0, drop);
      this.get.splice(0, drop);
    }
  }

  /** Level at time x (0 before the first step). */
  at(x: number): { put: number; get: number } {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? { put: 0, get: 0 } : { put: this.put[lo - 1], get: this.get[lo - 1] };
  }
}

/** Chart-ready columns (x in the caller's unit, the same for every column). */
export interface Downsampled {
  t: number[];
  depth: number[];
  min: number[];
  max: number[];
}

/**
 * Points of `s` for the visible range [x0, x1], at most ~2 per bucket. Each bucket keeps
 * the min of mins and max of maxes (so spikes survive) and its last depth. One point on each
 * side of the range is included so lines run to the edges. `tail`, when given, extends the
 * last depth to that time (the queue has not changed since its last sample).
 */
export function downsample(s: DepthSeries, x0: number, x1: number, buckets: number, tail?: number): Downsampled {
  const out: Downsampled = { t: [], depth: [], min: [], max: [] };
  if (s.length === 0 || !(x1 > x0)) return out;
  const from = Math.max(0, s.lowerBound(x0) - 1);
  const to = Math.min(s.length, s.upperBound(x1) + 1); // exclusive: one point past x1
  const push = (t: number, d: number, mn: number, mx: number) => {
    out.t.push(t);
    out.depth.push(d);
    out.min.push(mn);
    out.max.push(mx);
  };
  buckets = Math.max(1, Math.floor(buckets));
  if (to - from <= buckets * 2) {
    for (let i = from; i < to; i++) push(s.t[i], s.depth[i], s.min[i], s.max[i]);
  } else {
    const width = (x1 - x0) / buckets;
    let i = from;
    while (i < to) {
      const b = Math.floor((s.t[i] - x0) / width);
      let mn = s.min[i];
      let mx = s.max[i];
      let j = i + 1;
      for (; j < to && Math.floor((s.t[j] - x0) / width) === b; j++) {
        if (s.min[j] < mn) mn = s.min[j];
        if (s.max[j] > mx) mx = s.max[j];
      }
      push(s.t[j - 1], s.depth[j - 1], mn, mx);
      i = j;
    }
  }
  if (tail !== undefined && out.t.length && tail > out.t[out.t.length - 1] && to === s.length) {
    const d = out.depth[out.depth.length - 1];
    push(tail, d, d, d);
  }
  return out;
}

/**
 * Waiter counts on the chart's x points. Each x's value is drawn from x to the next x (the
 * chart's stepped path holds it there), so it is the highest level from x up to the next x:
 * the level at x, or a short block in between, which still shows. Until 2026-12-04 it was
 * the highest level of the interval that *ended* at x, one interval late: with depth
 * samples sparse (a queue that stopped changing), an ingest program's producer read blocked
 * and its three idle workers not waiting for the last 2 s of the run, until its end.
 */
export function countsOnGrid(c: WaitCountSeries, xs: readonly number[]): { put: number[]; get: number[] } {
  const put: number[] = new Array(xs.length);
  const get: number[] = new Array(xs.length);
  let k = 0; // the first step after xs[i]
  let curPut = 0;
  let curGet = 0;
  for (let i = 0; i < xs.length; i++) {
    for (; k < c.t.length && c.t[k] <= xs[i]; k++) {
      curPut = c.put[k];
      curGet = c.get[k];
    }
    let hiPut = curPut;
    let hiGet = curGet;
    if (i + 1 < xs.length) {
      for (let j = k; j < c.t.length && c.t[j] < xs[i + 1]; j++) {
        if (c.put[j] > hiPut) hiPut = c.put[j];
        if (c.get[j] > hiGet) hiGet = c.get[j];
      }
    }
    put[i] = hiPut;
    get[i] = hiGet;
  }
  return { put, get };
}

/**
 * The depth points with the waiter-count steps' times added where the depth has no point
 * within `minGap` before them (a queue whose depth stopped changing while its consumers
 * began to wait): a step then shows at its own time, not at the next depth sample. An added
 * point holds the depth of the point before it (the line moves only at a sample) and the
 * min/max of the point after it: that sample's envelope covers the whole interval since the
 * previous sample, so the band stays where it was without the added points (given the
 * earlier point's depth instead, the band of a queue that filled between two samples was
 * drawn only after the last added point). Steps closer than `minGap` to the point before share
 * it, and a point `minGap` after it ends their hold (a 0.4 ms block read 1.5 s long when the
 * next point was the line's end). Steps after the last depth point (the line's end) add
 * nothing; at most two points per `minGap`.
 */
export function withCountSteps(d: Downsampled, c: WaitCountSeries | undefined, minGap: number): Downsampled {
  const n = d.t.length;
  if (c === undefined || n < 2 || c.t.length === 0) return d;
  const out: Downsampled = { t: [], depth: [], min: [], max: [] };
  let k = 0;
  while (k < c.t.length && c.t[k] <= d.t[0]) k++;
  for (let i = 0; i < n; i++) {
    out.t.push(d.t[i]);
    out.depth.push(d.depth[i]);
    out.min.push(d.min[i]);
    out.max.push(d.max[i]);
    if (i + 1 === n) break;
    const next = d.t[i + 1];
    const add = (t: number): void => {
      out.t.push(t);
      out.depth.push(d.depth[i]);
      out.min.push(d.min[i + 1]);
      out.max.push(d.max[i + 1]);
    };
    let last = d.t[i];
    // A step too close to the point before shares it (the highest level shows there); a point
    // one minGap later ends that, so a short block is not held until the next depth sample.
    let skipped = false;
    for (; k < c.t.length && c.t[k] < next; k++) {
      const t = c.t[k];
      if (t - last < minGap) {
        skipped = true;
        continue;
      }
      if (skipped && last + minGap < t) add(last + minGap);
      add(t);
      last = t;
      skipped = false;
    }
    if (skipped && last + minGap < next) add(last + minGap);
  }
  return out;
}

/** A span with no data (session ms): a Redis watch that could not read its server. */
export interface GapSpan {
  from: number;
  to: number;
}

/**
 * Columns sampled at different times, put on one x grid for the chart: the union of their
 * times, each column holding its last value (null before its first point). Each gap that
 * touches [x0, x1] adds its start (the values before it hold until then), a null row inside
 * it, so no line is drawn across the time nothing was read, and its end (where the next read
 * was made: the lines resume there).
 */
export function alignOnGrid(cols: ReadonlyArray<{ t: readonly number[]; v: readonly number[] }>, gaps: readonly GapSpan[], x0: number, x1: number): { xs: number[]; values: (number | null)[][] } {
  const xsSet = new Set<number>();
  for (const c of cols) for (const t of c.t) xsSet.add(t);
  const holes = new Set<number>();
  for (const g of gaps) {
    if (!(g.to > g.from) || g.to < x0 || g.from > x1) continue;
    xsSet.add(g.from);
    // The first read after the outage is at its end: the lines resume there, even when that
    // read found nothing changed (then no column has a point of its own after the gap).
    xsSet.add(g.to);
    const mid = (g.from + g.to) / 2;
    xsSet.add(mid);
    holes.add(mid);
  }
  const xs = [...xsSet].sort((a, b) => a - b);
  const values = cols.map((c) => {
    const out: (number | null)[] = new Array(xs.length);
    let j = 0;
    let cur: number | null = null;
    for (let i = 0; i < xs.length; i++) {
      while (j < c.t.length && c.t[j] <= xs[i]) cur = c.v[j++];
      out[i] = holes.has(xs[i]) ? null : cur;
    }
    return out;
  });
  return { xs, values };
}
