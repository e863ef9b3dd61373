// Timers through globalThis, so the library needs neither DOM nor node typings and
// runs wherever setTimeout exists.

interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const api = globalThis as unknown as TimerApi;

// setTimeout treats a delay above 2^31-1 ms (~24.8 days) as 1 ms, so a long timeout
// would fire at once. Such timeouts are chained through steps of at most this size.
const MAX_DELAY = 0x7fffffff;

class LongTimer {
  handle: unknown = undefined;
  constructor(
    private remaining: number,
    private readonly fn: () => void,
  ) {
    this.step();
  }
  private step(): void {
    if (this.remaining <= MAX_DELAY) {
      this.handle = api.setTimeout(this.fn, this.remaining);
      return;
    }
    this.remaining -= MAX_DELAY;
    this.handle = api.setTimeout(() => this.step(), MAX_DELAY);
  }
}

export function startTimer(fn: () => void, ms: number): unknown {
  return ms <= MAX_DELAY ? api.setTimeout(fn, ms) : new LongTimer(ms, fn);
}

export function stopTimer(handle: unknown): void {
  api.clearTimeout(handle instanceof LongTimer ? handle.handle : handle);
}
