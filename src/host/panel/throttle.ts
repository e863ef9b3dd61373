// The panel feed's one timer: messages go out at most every `intervalMs`, and a caller can
// ask to be woken earlier or later (the rate refresh) — the earliest due time wins. Time and
// timers are injected so tests drive them by hand (test/unit/helpers/manualClock.ts).

export interface TimerHost {
  /** Wall clock, epoch ms. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const REAL_TIMERS: TimerHost = {
  now: Date.now,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Throttle {
  private timer: unknown = null;
  private due = 0;
  private lastSent = -Infinity;
  /** Gap after the last message: intervalMs, or more after a large one (see sent()). */
  private gap: number;

  constructor(private readonly intervalMs: number, private readonly host: TimerHost, private readonly fire: () => void) {
    this.gap = intervalMs;
  }

  /** Something changed: fire as soon as the gap since the last message allows. */
  request(): void {
    this.wakeIn(Math.max(0, this.lastSent + this.gap - this.host.now()));
  }

  /** Fire in `ms` at the latest; an earlier pending wake-up stays. */
  wakeIn(ms: number): void {
    const due = this.host.now() + ms;
    if (this.timer !== null) {
      if (this.due <= due) return;
      this.host.clearTimer(this.timer);
    }
    this.due = due;
    this.timer = this.host.setTimer(() => {
      this.timer = null;
      this.fire();
    }, ms);
  }

  /** A message went out now: the next one waits `intervalMs`, or `gapMs` when longer. */
  sent(gapMs = 0): void {
    this.lastSent = this.host.now();
    this.gap = Math.max(this.intervalMs, gapMs);
  }

  cancel(): void {
    if (this.timer !== null) this.host.clearTimer(this.timer);
    this.timer = null;
  }
}
