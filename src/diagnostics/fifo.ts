// A bounded FIFO of counted time stamps: "n things happened at t". Queue tracks use two:
// when items arrived (matched against departures, the head is the oldest item still queued)
// and when tasks were taken (matched against taskDone()s, the head is the oldest running
// task). Matching is first-in first-out, exact for FIFO queues and a lower bound of the age
// otherwise. Past MAX_ENTRIES the two oldest entries merge (counts kept, the age becomes an
// underestimate: the engine errs on the quiet side).

const MAX_ENTRIES = 2048;

export class CountedFifo {
  private times: number[] = [];
  private counts: number[] = [];
  private head = 0;
  /** Sum of the counts held. */
  total = 0;

  push(t: number, n: number): void {
    if (n <= 0) return;
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === t) {
      this.counts[last] += n;
    } else {
      this.times.push(t);
      this.counts.push(n);
      if (this.times.length - this.head > MAX_ENTRIES) {
        this.counts[this.head + 1] += this.counts[this.head];
        this.head++;
      }
    }
    this.total += n;
    this.compact();
  }

  /** Take `n` from the head; `each(t, k)` is told each time stamp and how many were taken from it. */
  take(n: number, each?: (t: number, k: number) => void): void {
    while (n > 0 && this.head < this.times.length) {
      const k = Math.min(n, this.counts[this.head]);
      each?.(this.times[this.head], k);
      this.counts[this.head] -= k;
      this.total -= k;
      n -= k;
      if (this.counts[this.head] === 0) this.head++;
    }
    this.compact();
  }

  /** Time of the newest entry still held. */
  newest(): number | undefined {
    return this.head < this.times.length ? this.times[this.times.length - 1] : undefined;
  }

  /** Time of the oldest entry still held. */
  oldest(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.head = 0;
    }
  }
}
