// The hub clock: milliseconds from `performance.now()`, so a traced program can time its own
// events on the same axis. `origin` is the epoch time of that clock's zero. Both clocks are
// the ones present when this module loaded: fake timers installed later (sinon and jest
// replace Date and performance.now too) must not move the hub's clock (src/trace/env.ts).

const perfNow: (() => number) | undefined = (() => {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p !== undefined && typeof p.now === 'function' ? p.now.bind(p) : undefined;
})();
const perfOrigin: unknown = (globalThis as { performance?: { timeOrigin?: number } }).performance?.timeOrigin;

/** Epoch ms now, by the Date.now present at load. */
export const epochNow: () => number = Date.now.bind(Date);

const dateBase = epochNow();

let source: () => number = perfNow !== undefined ? perfNow : () => epochNow() - dateBase;

/** Hub time, ms. */
export function now(): number {
  return source();
}

/**
 * Tests drive hub time by hand through this (the host's performance.now() is no longer
 * looked up per call, so patching it does not reach the hub). Returns the restore.
 */
export function useClockForTests(fn: () => number): () => void {
  const before = source;
  source = fn;
  return () => {
    source = before;
  };
}

/** Epoch ms of hub time 0. */
export function clockOrigin(): number {
  if (perfNow !== undefined && typeof perfOrigin === 'number') return perfOrigin;
  return perfNow !== undefined ? epochNow() - perfNow() : dateBase;
}

type CpuUsage = () => { user: number; system: number };
const usage: CpuUsage | undefined = (() => {
  const p = (globalThis as { process?: { cpuUsage?: CpuUsage } }).process;
  return p !== undefined && typeof p.cpuUsage === 'function' ? p.cpuUsage.bind(p) : undefined;
})();

/** CPU time the process has used, ms (user + system, every thread); undefined outside Node. */
export function cpuUsage(): number | undefined {
  if (usage === undefined) return undefined;
  try {
    const u = usage();
    return (u.user + u.system) / 1000;
  } catch {
    return undefined;
  }
}
