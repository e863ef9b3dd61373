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

const INT_MAX = 0x7fffffff;
const clampInt = (n: number): number => (n > INT_MAX ? INT_MAX : n < -INT_MAX ? -INT_MAX : n | 0);

/** A growable ring of points in columnar typed arrays. */
class PointRing {
  private t: Float64Array;
  private v: Int32Array; // stride 5: depth, min, max, puts, gets
  private head = 0;
  length = 0;

  constructor(readonly maxCapacity: number) {
    const initial = Math.min(64, Math.max(1, maxCapacity));
    this.t = new Float64Array(initial);
    this.v = new Int32Array(initial * 5);
  }

  get full(): boolean {
    return this.length >= this.maxCapacity;
  }

  get bytes(): number {
    return this.t.byteLength + this.v.byteLength;
  }

  private slot(i: number): number {
    const cap = this.t.length;
    const s = this.head + i;
    return s >= cap ? s - cap : s;
  }

  timeAt(i: number): number {
    return this.t[this.slot(i)];
  }

  push(p: Float64Array): void {
    if (this.length === this.t.length) this.grow();
    const s = this.slot(this.length);
    this.t[s] = p[0];
    const o = s * 5;
    for (let k = 0; k < 5; k++) this.v[o + k] = clampInt(p[k + 1]);
    this.length++;
  }

  /** Copy point i into out = [t, depth, min, max, puts, gets]. */
  read(i: number, out: Float64Array): void {
    const s = this.slot(i);
    out[0] = this.t[s];
    const o = s * 5;
    for (let k = 0; k < 5; k++) out[k + 1] = this.v[o + k];
  }

  /** Remove the oldest point into out. */
  shift(out: Float64Array): void {
    this.read(0, out);
    this.head = this.slot(1);
    this.length--;
  }

  /** Merge neighbouring pairs (oldest first), halving the length. */
  compactPairs(): void {
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    const n = this.length;
    const merged: Float64Array[] = [];
    for (let i = 0; i < n; i += 2) {
      this.read(i, a);
      if (i + 1 < n) {
        this.read(i + 1, b);
        mergeInto(a, b);
      }
      merged.push(Float64Array.from(a));
    }
    this.head = 0;
    this.length = 0;
    for (const p of merged) this.push(p);
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

  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const cap = Math.min(this.maxCapacity, this.t.length * 2);
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

/** b follows a in time: a becomes the point covering both intervals. */
function mergeInto(a: Float64Array, b: Float64Array): void {
  a[0] = b[0];
  a[1] = b[1];
  a[2] = Math.min(a[2], b[2]);
  a[3] = Math.max(a[3], b[3]);
  a[4] += b[4];
  a[5] += b[5];
}

interface Tier {
  widthMs: number;
  ring: PointRing;
  /** The bucket still being filled: [t, depth, min, max, puts, gets]. */
  open: Float64Array;
  openBucket: number; // -1: no open bucket
  scratch: Float64Array;
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
  private readonly raw: PointRing;
  private readonly tiers: Tier[];
  private readonly sample = new Float64Array(6);
  private readonly evicted = new Float64Array(6);
  private pushed = 0;
  private lastT = -Infinity;
  /** Samples refused because they were older than the newest one. */
  outOfOrder = 0;

  constructor(private readonly retention: RetentionOptions = DEFAULT_RETENTION) {
    if (retention.tiers.length === 0) throw new RangeError('retention needs at least one coarse tier');
    this.raw = new PointRing(Math.max(1, retention.recentMaxSamples));
    this.tiers = retention.tiers.map((t) => ({
      widthMs: t.widthMs,
      ring: new PointRing(Math.max(2, t.capacity)),
      open: new Float64Array(6),
      openBucket: -1,
      scratch: new Float64Array(6),
    }));
  }

  /** Samples ever accepted; the cursor for readSince(). */
  get cursor(): number {
    return this.pushed;
  }

  /** Time of the newest sample (-Infinity when empty). */
  get newestTime(): number {
    return this.lastT;
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
    const s = this.sample;
    s[0] = t;
    s[1] = depth;
    s[2] = Math.min(min, depth);
    s[3] = Math.max(max, depth);
    s[4] = puts;
    s[5] = gets;
    const horizon = t - this.retention.recentMs;
    while (this.raw.length > 0 && (this.raw.full || this.raw.timeAt(0) < horizon)) {
      this.raw.shift(this.evicted);
      this.fold(0, this.evicted);
    }
    this.raw.push(s);
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
    const tmp = new Float64Array(6);
    for (let i = start; i < this.raw.length; i++) {
      this.raw.read(i, tmp);
      pushPoint(samples, tmp);
    }
    return { samples, cursor: this.pushed, missed: cursor < firstIndex };
  }

  /** Everything retained between `from` and `to` (epoch ms, inclusive), oldest first. */
  series(from = -Infinity, to = Infinity): SampleColumns {
    const cols = emptyColumns();
    for (let k = this.tiers.length - 1; k >= 0; k--) {
      const tier = this.tiers[k];
      tier.ring.appendTo(cols, from, to);
      if (tier.openBucket >= 0 && tier.open[0] >= from && tier.open[0] <= to) pushPoint(cols, tier.open);
    }
    this.raw.appendTo(cols, from, to);
    return cols;
  }

  stats(): TimelineStats {
    let points = this.raw.length;
    let bytes = this.raw.bytes;
    for (const tier of this.tiers) {
      points += tier.ring.length + (tier.openBucket >= 0 ? 1 : 0);
      bytes += tier.ring.bytes + tier.open.byteLength + tier.scratch.byteLength;
    }
    return { points, recent: this.raw.length, bytes };
  }

  clear(): void {
    this.raw.clear();
    for (const tier of this.tiers) {
      tier.ring.clear();
      tier.openBucket = -1;
    }
    this.lastT = -Infinity;
  }

  /** Fold point p (older than everything in finer tiers) into tier k. */
  private fold(k: number, p: Float64Array): void {
    const tier = this.tiers[k];
    const bucket = Math.floor(p[0] / tier.widthMs);
    if (tier.openBucket >= 0 && bucket <= tier.openBucket) {
      mergeInto(tier.open, p);
      return;
    }
    if (tier.openBucket >= 0) this.closeOpen(k);
    tier.open.set(p);
    tier.openBucket = bucket;
  }

  private closeOpen(k: number): void {
    const tier = this.tiers[k];
    if (tier.ring.full) {
      if (k + 1 < this.tiers.length) {
        tier.ring.shift(tier.scratch);
        this.fold(k + 1, tier.scratch);
      } else {
        // Last tier: halve the resolution of everything it holds instead of dropping.
        tier.ring.compactPairs();
        tier.widthMs *= 2;
      }
    }
    tier.ring.push(tier.open);
    tier.openBucket = -1;
  }
}

export function emptyColumns(): SampleColumns {
  return { t: [], depth: [], min: [], max: [], puts: [], gets: [] };
}

function pushPoint(cols: SampleColumns, p: Float64Array): void {
  cols.t.push(p[0]);
  cols.depth.push(p[1]);
  cols.min.push(p[2]);
  cols.max.push(p[3]);
  cols.puts.push(p[4]);
  cols.gets.push(p[5]);
}
