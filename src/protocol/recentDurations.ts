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

  /** Scratch for p99(): the largest durations, ascending. */
  private readonly top: number[] = [];

  /**
   * p99 (ms) of the durations kept, the nearest-rank one (the value at index ceil(0.99 n) - 1
   * of the sorted durations); 0 when none. That is the k-th largest for k = n - index, at most
   * 1 + n/100: one pass keeping the k largest, not a sort of all n. `queuescope check` asks
   * for it each tick for every queue that completed a task since (at 2,000 busy queues the
   * sorts were 28% of its time).
   */
  p99(): number {
    if (!Number.isNaN(this.cached)) return this.cached;
    const ring = this.ring;
    const n = ring.length;
    if (n === 0) return (this.cached = 0);
    const k = n - Math.min(n - 1, Math.ceil(n * 0.99) - 1);
    const top = this.top;
    top.length = 0;
    for (let i = 0; i < n; i++) {
      const v = ring[i];
      if (top.length === k) {
        if (!(v > top[0])) continue;
        top.shift();
      }
      let j = top.length;
      while (j > 0 && top[j - 1] > v) j--;
      top.splice(j, 0, v);
    }
    return (this.cached = top[0]);
  }
}
