// Small helpers the sample programs share: timestamped output, an abortable sleep, and
// a "stop" signal that fires when the run's time is up or the user presses Ctrl+C.
// They are kept out of the samples so that each sample reads as the queue pattern only.

let origin = Date.now();

/** The epoch ms that log times count from. */
export function logOrigin(): number {
  return origin;
}

/** Count log times from `epochMs` (a worker thread takes its main thread's origin). */
export function setLogOrigin(epochMs: number): void {
  origin = epochMs;
}

/** Print one line: seconds since start, who is speaking, what happened. */
export function log(who: string, message: string): void {
  const t = ((Date.now() - origin) / 1000).toFixed(2).padStart(6);
  console.log(`[${t}s] ${who.padEnd(10)} ${message}`);
}

/** Wait `ms` milliseconds; resolves early (never rejects) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A random duration around `mean`: uniformly between (1 - spread) and (1 + spread) times it. */
export function around(mean: number, spread = 0.5): number {
  return mean * (1 - spread + 2 * spread * Math.random());
}

export interface StopHandle {
  /** Aborts when the time is up or on the first Ctrl+C. */
  readonly signal: AbortSignal;
  /** Clear the timer and the Ctrl+C handler so the process can exit by itself. */
  done(): void;
}

/**
 * A stop signal for a run of `seconds` (0 = until Ctrl+C). The first Ctrl+C asks the
 * sample to wind down as if its time were up; a second one exits at once.
 */
export function stopAfter(seconds: number): StopHandle {
  const controller = new AbortController();
  const timer = seconds > 0 ? setTimeout(() => controller.abort(new Error('time is up')), seconds * 1000) : undefined;
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    log('main', 'Ctrl+C: winding down (press again to quit at once)');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onInterrupt);
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      process.off('SIGINT', onInterrupt);
    },
  };
}

/** Run a sample's async main: a failure is printed and sets a non-zero exit code. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
