// Pause-aware time. A program stopped at a breakpoint is not waiting on anything, so the
// time it spends paused must not count toward any wait, quiet period or window. An
// ActiveClock records the paused intervals of one session and converts epoch ms into
// "active ms" (epoch ms minus all paused time before it); every age the engine compares
// with a threshold is a difference of active times.

export class ActiveClock {
  /** Closed pause intervals [start, end), epoch ms, in order. */
  private readonly intervals: [number, number][] = [];
  /** Start of the pause in progress, if any. */
  private openSince: number | undefined;
  /** Total length of the closed intervals. */
  private closedTotal = 0;

  get paused(): boolean {
    return this.openSince !== undefined;
  }

  pause(at: number): void {
    if (this.openSince === undefined) this.openSince = at;
  }

  resume(at: number): void {
    if (this.openSince === undefined) return;
    if (at > this.openSince) {
      this.intervals.push([this.openSince, at]);
      this.closedTotal += at - this.openSince;
    }
    this.openSince = undefined;
  }

  /** Active ms at epoch `t`: `t` minus the paused time before it. */
  active(t: number): number {
    let paused = 0;
    if (this.intervals.length === 0 || t >= this.intervals[this.intervals.length - 1][1]) {
      paused = this.closedTotal; // the usual case: t is after every closed pause
    } else {
      for (const [a, b] of this.intervals) {
        if (t <= a) break;
        paused += Math.min(t, b) - a;
      }
    }
    if (this.openSince !== undefined && t > this.openSince) paused += t - this.openSince;
    return t - paused;
  }

  /** Active ms between two epoch times. */
  between(from: number, to: number): number {
    return Math.max(0, this.active(to) - this.active(from));
  }
}
