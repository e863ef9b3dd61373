// Throughput of one queue for the panel: puts and gets per second over the last
// RATE_WINDOW_MS of depth samples. Rates decay to zero when samples stop coming, so the
// feed keeps re-evaluating them while any is non-zero (see `moving`).

/** Throughput is averaged over this window. */
export const RATE_WINDOW_MS = 2000;

const round1 = (x: number) => Math.round(x * 10) / 10;

export class RateWindow {
  putRate = 0;
  getRate = 0;
  /** (t, puts, gets) of the samples inside the window, oldest first. */
  private readonly recent: { t: number; puts: number; gets: number }[] = [];

  /** Adds samples (epoch ms, oldest first, newer than those added before). */
  add(cols: { t: readonly number[]; puts: readonly number[]; gets: readonly number[] }): void {
    for (let i = 0; i < cols.t.length; i++) this.recent.push({ t: cols.t[i], puts: cols.puts[i], gets: cols.gets[i] });
  }

  /** Recomputes both rates at `nowEpoch`; true when either changed. */
  update(nowEpoch: number): boolean {
    const from = nowEpoch - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop].t <= from) drop++;
    if (drop) this.recent.splice(0, drop);
    let puts = 0;
    let gets = 0;
    for (const r of this.recent) {
      puts += r.puts;
      gets += r.gets;
    }
    const putRate = round1((puts * 1000) / RATE_WINDOW_MS);
    const getRate = round1((gets * 1000) / RATE_WINDOW_MS);
    const changed = putRate !== this.putRate || getRate !== this.getRate;
    this.putRate = putRate;
    this.getRate = getRate;
    return changed;
  }

  /** A non-zero rate will decay: look again soon. */
  get moving(): boolean {
    return this.putRate > 0 || this.getRate > 0;
  }
}
