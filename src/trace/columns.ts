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

/** Scratch column for sampleColumnsJson, kept between calls (no garbage per drain). */
let sampleScratch = new Float64Array(256);

/** JSON text of a 'sampleCols' event holding `rows` in order. */
export function sampleColumnsJson(t: number, rows: readonly SampleRow[]): string {
  if (sampleScratch.length < rows.length) sampleScratch = new Float64Array(Math.max(rows.length, sampleScratch.length * 2));
  const col = sampleScratch.subarray(0, rows.length);
  const cols: string[] = [];
  for (let c = 0; c < SAMPLE_COLUMNS.length; c++) {
    for (let i = 0; i < rows.length; i++) col[i] = rows[i][c] as number;
    cols.push(`"${SAMPLE_COLUMNS[c]}":[${col.join(',')}]`);
  }
  let quiet = false;
  for (let i = 0; i < rows.length && !quiet; i++) quiet = rows[i].length > 6;
  if (quiet) {
    for (let i = 0; i < rows.length; i++) col[i] = rows[i][6] ?? -1;
    cols.push(`"first":[${col.join(',')}]`);
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
      byQueue.set(r[0], r.slice() as SampleRow); // with its firstChange, if any: the union was quiet until then
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
const POOL_COLUMNS = ['running', 'paused', 'rateLimited', 'runningSince', 'runningAdopted', 'done', 'taskP99Ms'] as const;

/** A pool fact as a column number: booleans as 1/0, absent as -1. */
function poolCell(v: number | boolean | undefined): number {
  return v === undefined ? -1 : v === true ? 1 : v === false ? 0 : v;
}

/** The counter fields of a queue's record that a row is made of (see QueueRecord). */
export interface CounterSource {
  readonly id: number;
  readonly puts: number;
  readonly putsI: number;
  readonly gets: number;
  readonly getsI: number;
  readonly blockedPuts: number;
  readonly waitedGets: number;
  readonly timeouts: number;
  readonly aborts: number;
  readonly highWater: number;
  readonly max: number;
  readonly dropped: number;
}

/**
 * The columns of one 'counterCols' event, filled a queue at a time. A hub keeps one and
 * reset()s it per drain: with 10,000 busy queues a drain fills 13 columns of 10,000 numbers,
 * and growing fresh arrays for each drain was garbage the program's GC paid for.
 */
export class CounterColumns {
  private cols: Float64Array[] = COUNTER_COLUMNS.map(() => new Float64Array(64));
  private rows = 0;
  /**
   * Rows with pool facts (other libraries' pools) or `stats`, by row index: most rows have
   * neither, so the optional columns are built at json() time from these alone.
   */
  private extraRows: number[] = [];
  private extras: Counters[] = [];

  get length(): number {
    return this.rows;
  }

  /** Empty again, keeping the columns' room. */
  reset(): void {
    this.rows = 0;
    if (this.extras.length > 0) {
      this.extraRows = [];
      this.extras = [];
    }
  }

  /** Index of a new row, with room for it in every column. */
  private nextRow(): number {
    const row = this.rows++;
    if (row === this.cols[0].length) {
      this.cols = this.cols.map((col) => {
        const grown = new Float64Array(col.length * 2);
        grown.set(col);
        return grown;
      });
    }
    return row;
  }

  add(q: number, c: Counters, unfinished: number, blocked: number, waiting: number, sampled: number): void {
    const row = this.nextRow();
    const k = this.cols;
    k[0][row] = q;
    k[1][row] = c.puts;
    k[2][row] = c.gets;
    k[3][row] = c.blockedPuts;
    k[4][row] = c.waitedGets;
    k[5][row] = c.timeouts;
    k[6][row] = c.aborts;
    k[7][row] = c.highWater;
    k[8][row] = c.dropped;
    this.tail(row, unfinished, blocked, waiting, sampled);
    if (c.running !== undefined || c.paused !== undefined || c.rateLimited !== undefined || c.runningSince !== undefined || c.done !== undefined || c.taskP99Ms !== undefined || c.stats !== undefined) {
      this.extraRows.push(row);
      this.extras.push(c);
    }
  }

  /** add() for a queue with no pool facts, read straight from its record (no Counters object). */
  addRecord(r: CounterSource, unfinished: number, blocked: number, waiting: number, sampled: number): void {
    const row = this.nextRow();
    const k = this.cols;
    k[0][row] = r.id;
    k[1][row] = r.puts + r.putsI;
    k[2][row] = r.gets + r.getsI;
    k[3][row] = r.blockedPuts;
    k[4][row] = r.waitedGets;
    k[5][row] = r.timeouts;
    k[6][row] = r.aborts;
    k[7][row] = r.highWater > r.max ? r.highWater : r.max;
    k[8][row] = r.dropped;
    this.tail(row, unfinished, blocked, waiting, sampled);
  }

  private tail(row: number, unfinished: number, blocked: number, waiting: number, sampled: number): void {
    const k = this.cols;
    k[9][row] = unfinished;
    k[10][row] = blocked;
    k[11][row] = waiting;
    k[12][row] = sampled;
  }

  json(t: number): string {
    const rows = this.rows;
    const parts = COUNTER_COLUMNS.map((name, i) => `"${name}":[${this.cols[i].subarray(0, rows).join(',')}]`);
    for (const name of POOL_COLUMNS) {
      let col: number[] | undefined;
      for (let j = 0; j < this.extras.length; j++) {
        const v = this.extras[j][name];
        if (v === undefined) continue;
        col ??= new Array<number>(rows).fill(-1);
        col[this.extraRows[j]] = poolCell(v);
      }
      if (col !== undefined) parts.push(`"${name}":[${col.join(',')}]`);
    }
    let stats: (Record<string, number> | null)[] | undefined;
    for (let j = 0; j < this.extras.length; j++) {
      const v = this.extras[j].stats;
      if (v === undefined) continue;
      stats ??= new Array<Record<string, number> | null>(rows).fill(null);
      stats[this.extraRows[j]] = v;
    }
    if (stats !== undefined) parts.push(`"stats":${JSON.stringify(stats)}`);
    return `{"type":"counterCols","t":${t},${parts.join(',')}}`;
  }
}
