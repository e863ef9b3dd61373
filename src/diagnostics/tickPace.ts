// How often the live diagnostics engine ticks: every poll interval, stretched so that its
// ticks take at most a tenth of the extension host. A tick judges every queue of every
// session, so its cost grows with the queues: replaying a 10,000-tenant gateway, one tick
// took 30-230 ms, and ticking every 100 ms kept the extension host busy with nothing else.
// The median of the last three ticks sets the pace, so one dear tick (a garbage collection,
// a burst of findings) does not hold the next ones back.

/** Share of the extension host's time the engine's ticks may take. */
export const TICK_DUTY = 0.1;

export class TickPace {
  private readonly recent: number[] = [];

  constructor(private readonly baseMs: () => number) {}

  /** The delay before the next tick, given what the one just done took (ms). */
  next(tickMs: number): number {
    this.recent.push(Number.isFinite(tickMs) && tickMs > 0 ? tickMs : 0);
    if (this.recent.length > 3) this.recent.shift();
    const sorted = [...this.recent].sort((a, b) => a - b);
    const cost = sorted[Math.floor((sorted.length - 1) / 2)];
    return Math.max(this.baseMs(), cost / TICK_DUTY);
  }
}
