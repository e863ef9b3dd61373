// Depth timeline of one queue with bounded memory.
//
// Samples arrive as the hub sends them: [t, depth at t, min and max depth in the interval
// since the previous sample, puts and gets in that interval]. Recent samples are kept at
// full resolution (the "raw" tier). Samples that age out of it are folded into coarser
// tiers of fixed-width buckets; a folded point is itself a sample covering a wider
// interval: its min/max are the min/max of everything folded into it, so no spike ever
// disappears from the envelope, only its exact time gets coarser. The last tier never
// drops data either: when full it merges neighbouring pairs and doubles its width, so the
// memory bound holds however long a session runs.
//
// Storage is columnar typed arrays (8 bytes of time + 5 x 4 bytes of integers = 28 bytes a
// point) that grow by doubling up to each tier's capacity, so a short session stays small.

/** Columns of depth samples; index i across the arrays is one sample, oldest first. */
export interface SampleColumns {
  /** Epoch ms at the end of each sample's interval. */
  t: number[];
  /** Depth at t. */
  depth: number[];
  /** Lowest depth in the interval. */
  min: number[];
  /** Highest depth in the interval. */
  max: number[];
  /** Puts in the interval. */
  puts: number[];
  /** Gets in the interval. */
  gets: number[];
}

/** How much history to keep per queue. */
export interface RetentionOptions {
  /** Full-resolution window, ms before the newest sample. */
  recentMs: number;
  /** Hard cap on full-resolution samples per queue (older ones are folded early). */
  recentMaxSamples: number;
  /**
   * Coarser tiers, finest first. Each keeps at most `capacity` points of `widthMs` buckets;
   * its overflow folds into the next. The last one compacts instead (width doubles).
   */
  tiers: ReadonlyArray<{ widthMs: number; capacity: number }>;
}

export const DEFAULT_RETENTION: RetentionOptions = {
  recentMs: 60_000,
  recentMaxSamples: 6_000,
  tiers: [
    { widthMs: 1_000, capacity: 600 }, // 1 s points for 10 min
    { widthMs: 10_000, capacity: 360 }, // 10 s points for 1 h
    { widthMs: 60_000, capacity: 720 }, // 1 min points for 12 h, then coarser
  ],
};

/** Bytes one retained point costs in the typed arrays. */
export const BYTES_PER_POINT = 8 + 5 * 4;

/** Upper bound of points one timeline can hold with these options (open buckets included). */
export function maxPointsPerTimeline(r: RetentionOptions): number {
  return r.recentMaxSamples + r.tiers.reduce((n, tier) => n + tier.capacity + 1, 0);
}

/** Timeline memory of a whole model (all queues) that retentionFor() keeps to. */
export const TIMELINE_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * The retention each of `queues` timelines gets so that all of them together stay within
 * `budgetBytes` (issue #17: 10,000 queues). Up to the budget the base retention is kept;
 * beyond it every capacity shrinks by the same factor (with floors: 60 recent samples,
 * 12 points a tier) and each tier's width grows by the inverse, so it still covers the
 * same span, coarser.
 */
export function retentionFor(queues: number, base: RetentionOptions = DEFAULT_RETENTION, budgetBytes = TIMELINE_BUDGET_BYTES): RetentionOptions {
  const perQueue = budgetBytes / BYTES_PER_POINT / Math.max(1, queues);
  const full = maxPointsPerTimeline(base);
  if (full <= perQueue) return base;
  const f = perQueue / full;
  return {
    recentMs: base.recentMs,
    recentMaxSamples: Math.max(60, Math.floor(base.recentMaxSamples * f)),
    tiers: base.tiers.map((t) => {
      const capacity = Math.max(12, Math.floor(t.capacity * f));
      return { widthMs: Math.ceil((t.widthMs * t.capacity) / capacity), capacity };
    }),
  };
}

const INT_MAX = 0x7fffffff;
const clampInt = (n: number): number => (n > INT_MAX ? INT_MAX : n < -INT_MAX ? -INT_MAX : n | 0);

/** Points a ring makes room for at its first point; it doubles from there. */
const FIRST_CAPACITY = 16;
const NO_TIMES = new Float64Array(0);
const NO_VALUES = new Int32Array(0);

/** A growable ring of points in columnar typed arrays. Hot path: keep it monomorphic and allocation-free. */
class PointRing {
  t: Float64Array;
  v: Int32Array; // stride 5: depth, min, max, puts, gets
  /** Slot of the oldest point. */
  head = 0;
  length = 0;

  constructor(readonly maxCapacity: number) {
    // Allocated at the first point: a queue holds four rings, most of them empty for minutes,
    // and 10,000 queues arriving in one drain spent ~0.2 s of the extension host allocating
    // 80,000 off-heap buffers up front.
    this.t = NO_TIMES;
    this.v = NO_VALUES;
  }

  get full(): boolean {
    return this.length >= this.maxCapacity;
  }

  get bytes(): number {
    return this.t.byteLength + this.v.byteLength;
  }

  slot(i: number): number {
    const s = this.head + i;
    const cap = this.t.length;
    return s >= cap ? s - cap : s;
  }

  push(t: number, depth: number, min: number, max: number, puts: number, gets: number): void {
    if (this.length === this.t.length) this.grow();
    const s = this.slot(this.length);
    this.t[s] = t;
    const o = s * 5;
    const v = this.v;
    v[o] = clampInt(depth);
    v[o + 1] = clampInt(min);
    v[o + 2] = clampInt(max);
    v[o + 3] = clampInt(puts);
    v[o + 4] = clampInt(gets);
    this.length++;
  }

  dropHead(): void {
    this.head = this.head + 1 === this.t.length ? 0 : this.head + 1;
    this.length--;
  }

  /** Merge neighbouring pairs (oldest first), halving the length. Rare: allocation is fine. */
  compactPairs(): void {
    const n = this.length;
    const rows: number[][] = [];
    for (let i = 0; i < n; i += 2) {
      const a = this.row(i);
      if (i + 1 < n) {
        const b = this.row(i + 1);
        rows.push([b[0], b[1], Math.min(a[2], b[2]), Math.max(a[3], b[3]), a[4] + b[4], a[5] + b[5]]);
      } else rows.push(a);
    }
    this.head = 0;
    this.length = 0;
    for (const r of rows) this.push(r[0], r[1], r[2], r[3], r[4], r[5]);
  }

  row(i: number): number[] {
    const s = this.slot(i);
    const o = s * 5;
    return [this.t[s], this.v[o], this.v[o + 1], this.v[o + 2], this.v[o + 3], this.v[o + 4]];
  }

  appendTo(cols: SampleColumns, from: number, to: number): void {
    for (let i = 0; i < this.length; i++) {
      const s = this.slot(i);
      const t = this.t[s];
      if (t < from || t > to) continue;
      const o = s * 5;
      cols.t.push(t);
      cols.depth.push(this.v[o]);
      cols.min.push(this.v[o + 1]);
      cols.max.push(this.v[o + 2]);
      cols.puts.push(this.v[o + 3]);
      cols.gets.push(this.v[o + 4]);
    }
  }

  private grow(): void {
    const cap = Math.max(1, Math.min(this.maxCapacity, Math.max(FIRST_CAPACITY, this.t.length * 2)));
    const t = new Float64Array(cap);
    const v = new Int32Array(cap * 5);
    for (let i = 0; i < this.length; i++) {
      const s = this.slot(i);
      t[i] = this.t[s];
      v.set(this.v.subarray(s * 5, s * 5 + 5), i * 5);
    }
    this.t = t;
    this.v = v;
    this.head = 0;
  }
}

/** A coarse tier: a ring of closed buckets plus the bucket still being filled. */
class Tier {
  readonly ring: PointRing;
  /** Bucket number of the open bucket; -1 when there is none. */
  openBucket = -1;
  openT = 0;
  openDepth = 0;
  openMin = 0;
  openMax = 0;
  openPuts = 0;
  openGets = 0;

  constructor(
    public widthMs: number,
    capacity: number,
  ) {
    this.ring = new PointRing(capacity);
  }
}

/** Memory and count figures of one timeline. */
export interface TimelineStats {
  /** Points held (all tiers, open buckets included). */
  points: number;
  /** Full-resolution samples held. */
  recent: number;
  /** Bytes allocated by the typed arrays. */
  bytes: number;
}

/** The retained depth history of one queue. */
export class DepthTimeline {
  private raw: PointRing;
  private tiers: Tier[];
  private pushed = 0;
  private lastT = -Infinity;
  /** Samples refused because they were older than the newest one. */
  outOfOrder = 0;

  constructor(private retention: RetentionOptions = DEFAULT_RETENTION) {
    if (retention.tiers.length === 0) throw new RangeError('retention needs at least one coarse tier');
    this.raw = new PointRing(Math.max(1, retention.recentMaxSamples));
    this.tiers = retention.tiers.map((t) => new Tier(t.widthMs, Math.max(2, t.capacity)));
  }

  /** Samples ever accepted; the cursor for readSince(). */
  get cursor(): number {
    return this.pushed;
  }

  /** Time of the newest sample (-Infinity when empty). */
  get newestTime(): number {
    return this.lastT;
  }

  /** A point where the depth is known to have stood at `depth` since the previous one (no puts, no gets). */
  hold(t: number, depth: number): boolean {
    return this.push(t, depth, depth, depth, 0, 0);
  }

  /**
   * Append a sample (times in epoch ms). Returns false, and counts it, when it is older than
   * the newest sample: a timeline only moves forward.
   */
  push(t: number, depth: number, min: number, max: number, puts: number, gets: number): boolean {
    if (!(t >= this.lastT)) {
      this.outOfOrder++;
      return false;
    }
    this.lastT = t;
    const raw = this.raw;
    const horizon = t - this.retention.recentMs;
    while (raw.length > 0) {
      const s = raw.head;
      if (raw.length < raw.maxCapacity && raw.t[s] >= horizon) break;
      const o = s * 5;
      const v = raw.v;
      this.fold(0, raw.t[s], v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4]);
      raw.dropHead();
    }
    raw.push(t, depth, min < depth ? min : depth, max > depth ? max : depth, puts, gets);
    this.pushed++;
    return true;
  }

  /**
   * Full-resolution samples accepted since `cursor` (a previous `cursor` value). `missed` is
   * true when some of them were already folded into coarser tiers: re-read series() then.
   */
  readSince(cursor: number): { samples: SampleColumns; cursor: number; missed: boolean } {
    const firstIndex = this.pushed - this.raw.length;
    const start = Math.max(0, cursor - firstIndex);
    const samples = emptyColumns();
    for (let i = start; i < this.raw.length; i++) pushRow(samples, this.raw.row(i));
    return { samples, cursor: this.pushed, missed: cursor < firstIndex };
  }

  /** Everything retained between `from` and `to` (epoch ms, inclusive), oldest first. */
  series(from = -Infinity, to = Infinity): SampleColumns {
    const cols = emptyColumns();
    for (let k = this.tiers.length - 1; k >= 0; k--) {
      const tier = this.tiers[k];
      tier.ring.appendTo(cols, from, to);
      if (tier.openBucket >= 0 && tier.openT >= from && tier.openT <= to) {
        pushRow(cols, [tier.openT, tier.openDepth, tier.openMin, tier.openMax, tier.openPuts, tier.openGets]);
      }
    }
    this.raw.appendTo(cols, from, to);
    return cols;
  }

  stats(): TimelineStats {
    let points = this.raw.length;
    let bytes = this.raw.bytes;
    for (const tier of this.tiers) {
      points += tier.ring.length + (tier.openBucket >= 0 ? 1 : 0);
      bytes += tier.ring.bytes;
    }
    return { points, recent: this.raw.length, bytes };
  }

  /**
   * Change the retention of what is already kept (the model shrinks every timeline when the
   * queue count grows): the retained points are fed again, oldest first, so they fold under
   * the new capacities with the usual rules (no spike or put lost). Cursors from before
   * read as `missed` when recent samples were folded.
   */
  retain(retention: RetentionOptions): void {
    if (retention.tiers.length === 0) throw new RangeError('retention needs at least one coarse tier');
    const s = this.series();
    const pushed = this.pushed;
    this.retention = retention;
    this.raw = new PointRing(Math.max(1, retention.recentMaxSamples));
    this.tiers = retention.tiers.map((t) => new Tier(t.widthMs, Math.max(2, t.capacity)));
    this.lastT = -Infinity;
    for (let i = 0; i < s.t.length; i++) this.push(s.t[i], s.depth[i], s.min[i], s.max[i], s.puts[i], s.gets[i]);
    this.pushed = pushed;
  }

  /** Fold a point (older than everything in finer tiers) into tier k. */
  private fold(k: number, t: number, depth: number, min: number, max: number, puts: number, gets: number): void {
    const tier = this.tiers[k];
    const bucket = Math.floor(t / tier.widthMs);
    if (tier.openBucket >= 0) {
      if (bucket <= tier.openBucket) {
        // Same bucket: this point follows the open one in time.
        tier.openT = t;
        tier.openDepth = depth;
        if (min < tier.openMin) tier.openMin = min;
        if (max > tier.openMax) tier.openMax = max;
        tier.openPuts += puts;
        tier.openGets += gets;
        return;
      }
      this.closeOpen(k);
    }
    tier.openBucket = bucket;
    tier.openT = t;
    tier.openDepth = depth;
    tier.openMin = min;
    tier.openMax = max;
    tier.openPuts = puts;
    tier.openGets = gets;
  }

  private closeOpen(k: number): void {
    const tier = this.tiers[k];
    const ring = tier.ring;
    if (ring.full) {
      if (k + 1 < this.tiers.length) {
        const s = ring.head;
        const o = s * 5;
        const v = ring.v;
        this.fold(k + 1, ring.t[s], v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4]);
        ring.dropHead();
      } else {
        // Last tier: halve the resolution of everything it holds instead of dropping.
        ring.compactPairs();
        tier.widthMs *= 2;
      }
    }
    ring.push(tier.openT, tier.openDepth, tier.openMin, tier.openMax, tier.openPuts, tier.openGets);
    tier.openBucket = -1;
  }
}

export function emptyColumns(): SampleColumns {
  return { t: [], depth: [], min: [], max: [], puts: [], gets: [] };
}

function pushRow(cols: SampleColumns, r: number[]): void {
  cols.t.push(r[0]);
  cols.depth.push(r[1]);
  cols.min.push(r[2]);
  cols.max.push(r[3]);
  cols.puts.push(r[4]);
  cols.gets.push(r[5]);
}
