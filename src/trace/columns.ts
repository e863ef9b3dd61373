// Columnar serialisation for columnar drains (docs/PROTOCOL.md, "Columnar drains"): the
// summary of every changed queue goes out as a few number arrays instead of one JSON object
// per queue or per event, so 10,000 busy queues cost ~20-50 bytes each per poll. Pure
// functions and one builder; the hub decides what goes in.
//
// Folding is the exact way to make sample rows fit: rows of one queue merge into one row
// whose interval is the union of theirs (last depth, lowest min, highest max, summed puts
// and gets), so the depth band and the counts stay exact and only resolution is lost.

import { COUNTER_COLUMNS, SAMPLE_COLUMNS, type Counters, type SampleRow } from '../protocol/wire';

/** Rough JSON size of one sample row in columns (6 small numbers and their commas). */
export const SAMPLE_ROW_BYTES = 24;

/** JSON text of a 'sampleCols' event holding `rows` in order. */
export function sampleColumnsJson(t: number, rows: readonly SampleRow[]): string {
  const cols: string[] = [];
  for (let c = 0; c < SAMPLE_COLUMNS.length; c++) {
    const parts = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) parts[i] = rows[i][c];
    cols.push(`"${SAMPLE_COLUMNS[c]}":[${parts.join(',')}]`);
  }
  return `{"type":"sampleCols","t":${t},${cols.join(',')}}`;
}

/**
 * One row per queue from `rows` (oldest first): the row of the union of their intervals.
 * Queues keep the order of their first row.
 */
export function foldRows(rows: readonly SampleRow[]): SampleRow[] {
  const byQueue = new Map<number, SampleRow>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const f = byQueue.get(r[0]);
    if (f === undefined) {
      byQueue.set(r[0], [r[0], r[1], r[2], r[3], r[4], r[5]]);
      continue;
    }
    f[1] = r[1];
    if (r[2] < f[2]) f[2] = r[2];
    if (r[3] > f[3]) f[3] = r[3];
    f[4] += r[4];
    f[5] += r[5];
  }
  return [...byQueue.values()];
}

/** Optional numeric pool columns (docs/PROTOCOL.md): -1 in a row that lacks the fact. */
const POOL_COLUMNS = ['running', 'paused', 'rateLimited', 'runningSince', 'done', 'taskP99Ms'] as const;

/** A pool fact as a column number: booleans as 1/0, absent as -1. */
function poolCell(v: number | boolean | undefined): number {
  return v === undefined ? -1 : v === true ? 1 : v === false ? 0 : v;
}

/** The columns of one 'counterCols' event, filled a queue at a time. */
export class CounterColumns {
  private readonly cols: number[][] = COUNTER_COLUMNS.map(() => []);
  /** Optional columns of other libraries' pools; each is sent when any row has it. */
  private readonly pool: number[][] = POOL_COLUMNS.map(() => []);
  private readonly anyPool: boolean[] = POOL_COLUMNS.map(() => false);
  /** Optional `stats` column: an object or null per row; sent when any row has one. */
  private readonly stats: (Record<string, number> | null)[] = [];
  private anyStats = false;

  get length(): number {
    return this.cols[0].length;
  }

  add(q: number, c: Counters, unfinished: number, blocked: number, waiting: number, sampled: number): void {
    const k = this.cols;
    k[0].push(q);
    k[1].push(c.puts);
    k[2].push(c.gets);
    k[3].push(c.blockedPuts);
    k[4].push(c.waitedGets);
    k[5].push(c.timeouts);
    k[6].push(c.aborts);
    k[7].push(c.highWater);
    k[8].push(c.dropped);
    k[9].push(unfinished);
    k[10].push(blocked);
    k[11].push(waiting);
    k[12].push(sampled);
    for (let i = 0; i < POOL_COLUMNS.length; i++) {
      const v = c[POOL_COLUMNS[i]];
      if (v !== undefined) this.anyPool[i] = true;
      this.pool[i].push(poolCell(v));
    }
    if (c.stats !== undefined) this.anyStats = true;
    this.stats.push(c.stats ?? null);
  }

  json(t: number): string {
    const parts = COUNTER_COLUMNS.map((name, i) => `"${name}":[${this.cols[i].join(',')}]`);
    for (let i = 0; i < POOL_COLUMNS.length; i++) if (this.anyPool[i]) parts.push(`"${POOL_COLUMNS[i]}":[${this.pool[i].join(',')}]`);
    if (this.anyStats) parts.push(`"stats":${JSON.stringify(this.stats)}`);
    return `{"type":"counterCols","t":${t},${parts.join(',')}}`;
  }
}
