// A clock and timer queue that only move when a test says so, for code that takes
// `now`/`setTimer`/`clearTimer` options (the panel feed, the model).

interface Pending {
  fn: () => void;
  at: number;
}

export class ManualClock {
  private readonly timers: Pending[] = [];

  constructor(public now: number) {}

  /** The options to hand to the code under test. */
  readonly scheduler = {
    now: (): number => this.now,
    setTimer: (fn: () => void, ms: number): unknown => {
      const t = { fn, at: this.now + ms };
      this.timers.push(t);
      return t;
    },
    clearTimer: (handle: unknown): void => {
      const i = this.timers.indexOf(handle as Pending);
      if (i >= 0) this.timers.splice(i, 1);
    },
  };

  /** Timers not yet run or cleared. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move the clock to `end`, running the timers due by then in time order. */
  runUntil(end: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.now = Math.max(this.now, next.at);
      next.fn();
    }
    this.now = end;
  }
}
