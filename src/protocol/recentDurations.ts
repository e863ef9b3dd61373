// The latest task durations and their p99: one definition for the two ends that report a
// pool's history, the adapters in the debuggee (counters.taskP99Ms) and the diagnostics
// engine for our own queues (get() to taskDone()), so the stuck rule judges both alike.

export class RecentDurations {
  private readonly ring: number[] = [];
  private next = 0;
  /** The p99 of the ring as it is, or NaN once a duration was added since (a rule asks every tick, for every queue). */
  private cached = NaN;

  constructor(private readonly kept: number) {}

  /** One duration (ms); past `kept`, the oldest is replaced. */
  add(ms: number): void {
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.kept;
    this.cached = NaN;
  }

  /** p99 (ms) of the durations kept; 0 when none. */
  p99(): number {
    if (!Number.isNaN(this.cached)) return this.cached;
    const n = this.ring.length;
    if (n === 0) return (this.cached = 0);
    const sorted = this.ring.slice().sort((a, b) => a - b);
    return (this.cached = sorted[Math.min(n - 1, Math.ceil(n * 0.99) - 1)]);
  }
}
