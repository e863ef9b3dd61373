// Small helpers shared by the queue tests: observe a promise's state without awaiting
// it, and let pending promise reactions run (the equivalent of asyncio.sleep(0)).

/** The observable state of a promise. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  settled: boolean;
  fulfilled: boolean;
  value: T | undefined;
  error: unknown;
}

/** Record how `promise` settles; also marks its rejection as handled. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, settled: false, fulfilled: false, value: undefined, error: undefined };
  promise.then(
    (v) => {
      t.settled = true;
      t.fulfilled = true;
      t.value = v;
    },
    (e) => {
      t.settled = true;
      t.error = e;
    },
  );
  return t;
}

/** Let every queued promise reaction run: one macrotask turn. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Await a promise that must reject; returns the reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
