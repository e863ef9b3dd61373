// Timers through globalThis, so the library needs neither DOM nor node typings and
// runs wherever setTimeout exists.

interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const api = globalThis as unknown as TimerApi;

export function startTimer(fn: () => void, ms: number): unknown {
  return api.setTimeout(fn, ms);
}

export function stopTimer(handle: unknown): void {
  api.clearTimeout(handle);
}
