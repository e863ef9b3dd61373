// Throughput of one queue for the panel: puts and gets per second over the last
// RATE_WINDOW_MS of depth samples. Rates decay to zero when samples stop coming, so the
// feed keeps re-evaluating them while any is non-zero (see `moving`).

/** Throughput is averaged over this window. */
export const RATE_WINDOW_MS = 2000;

/**
 * A rate at the precision the overview shows it (webview/format.ts `formatRate`: 7.5, 36,
 * 12.3k): a change nobody could see is not a change, so it is not sent. At 1,000 busy queues
 * a refresh between drains otherwise resent nearly every row for a tenth of a put.
 */
export function asShown(perSecond: number): number {
  if (perSecond < 10) return Math.round(perSecond * 10) / 10;
  if (perSecond < 10_000) return Math.round(perSecond);
  return Math.round(perSecond / 100) * 100;
}

/**
 * How old the last drain may be for a rate to be read at it. The hub stretches its pace so
 * a drain costs at most 2% of the program: at 1,000 busy queues on a loaded machine, drains
 * came 2-3 s apart, and a window ending at the clock then held no sample (every rate 0).
 */
export const RATE_MAX_LAG_MS = 3 * RATE_WINDOW_MS;

/**
 * Where a rate's window ends (issue #17): at the edge of the data the extension has from the
 * program (`dataEdge`, the time of its last drain) when that is recent enough, so that the
 * transport's lag (a poll interval, more at 1,000 queues) does not cut the window short and
 * under-read every rate. Recent enough is RATE_MAX_LAG_MS, or twice the source's refresh
 * interval (`refreshMs`) when drains are paced further apart: at 10,000 busy queues under
 * F5 they came 9.5 s apart, and every rate read 0 between them. Otherwise (no drain for that
 * long: a blocked program, a replay, data from the future) at `nowEpoch`, so rates decay to
 * zero as before.
 */
export function rateEdge(nowEpoch: number, dataEdge: number, refreshMs = 0): number {
  const maxLag = Math.max(RATE_MAX_LAG_MS, 2 * refreshMs);
  return dataEdge <= nowEpoch && nowEpoch - dataEdge <= maxLag ? dataEdge : nowEpoch;
}

export class RateWindow {
  putRate = 0;
  getRate = 0;
  /**
   * (t, span, puts, gets) of the samples inside the window, oldest first. A sample counts the
   * puts and gets of (t - span, t]: one sampling tick, or a whole drain interval when the hub
   * folded its rows (docs/PROTOCOL.md, "Columnar drains"), so the sample that straddles the
   * window's start counts only for the part of its interval inside the window. Without it a
   * folded 500 ms sample read whole made every rate ~25% high at 1,000 queues.
   */
  private readonly recent: { t: number; span: number; puts: number; gets: number }[] = [];
  /** Time of the newest sample added (where the next one's interval starts). */
  private lastT: number | undefined;

  /**
   * Adds samples (epoch ms, oldest first, newer than those added before). `maxSpanMs`: the
   * source's drain interval (ModelSource.refreshMs), when known. A sample counts what changed
   * since the queue's previous one, but the hub samples a queue only once it changed, so what
   * a sample counts happened within one of the realm's sampling intervals (a drain's, when
   * its rows are folded) before it: its span is at most that. At 10,000 busy queues drains
   * come 2-5 s apart, longer than the window, and each sample spans a whole drain interval:
   * read as a point, it made every rate 20-150% high. Unknown (a replay): a sample further
   * from the queue's previous one than the window is a point, counted whole (a quiet queue's
   * first change in a while).
   */
  add(cols: { t: readonly number[]; puts: readonly number[]; gets: readonly number[] }, maxSpanMs?: number): void {
    for (let i = 0; i < cols.t.length; i++) {
      const t = cols.t[i];
      const gap = this.lastT === undefined ? 0 : Math.max(0, t - this.lastT);
      const span = maxSpanMs !== undefined && maxSpanMs > 0 ? Math.min(gap, maxSpanMs) : gap > RATE_WINDOW_MS ? 0 : gap;
      this.recent.push({ t, span, puts: cols.puts[i], gets: cols.gets[i] });
      this.lastT = t;
    }
  }

  /**
   * Recomputes both rates for the window ending at `nowEpoch`, or at the data's edge when
   * `dataEdge` (the source's last drain) is given (see rateEdge, with the source's
   * `refreshMs`; never before this window's own newest sample); true when either changed.
   */
  update(nowEpoch: number, dataEdge?: number, refreshMs?: number): boolean {
    if (dataEdge !== undefined) nowEpoch = rateEdge(nowEpoch, Math.max(dataEdge, this.lastT ?? dataEdge), refreshMs);
    const from = nowEpoch - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop].t <= from) drop++;
    if (drop) this.recent.splice(0, drop);
    let puts = 0;
    let gets = 0;
    for (let i = 0; i < this.recent.length; i++) {
      const r = this.recent[i];
      if (r.t > nowEpoch) break; // past the window's end (data newer than the edge asked for)
      // Only the oldest kept sample can reach back past the window's start.
      const part = i === 0 && r.span > 0 ? Math.min(1, (r.t - from) / r.span) : 1;
      puts += r.puts * part;
      gets += r.gets * part;
    }
    const putRate = asShown((puts * 1000) / RATE_WINDOW_MS);
    const getRate = asShown((gets * 1000) / RATE_WINDOW_MS);
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
