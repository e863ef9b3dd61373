// A hand-driven clock for the hub and for everything else that reads performance.now():
// the hub keeps the host's clock from load (src/trace/clock.ts), so patching
// performance.now() alone no longer moves it.

import { useClockForTests } from '../../src/trace/clock';

/** Make hub time and performance.now() read `read()`; returns the restore. */
export function driveClock(read: () => number): () => void {
  const perf = globalThis.performance as { now(): number };
  const realNow = perf.now;
  perf.now = read;
  const restoreHub = useClockForTests(read);
  return () => {
    perf.now = realNow;
    restoreHub();
  };
}
