// The hub clock: milliseconds from `performance.now()`, so a traced program can time its own
// events on the same axis. `origin` is the epoch time of that clock's zero.

const perf: { now(): number; timeOrigin?: number } | undefined = (() => {
  const p = (globalThis as { performance?: { now(): number; timeOrigin?: number } }).performance;
  return p !== undefined && typeof p.now === 'function' ? p : undefined;
})();

const dateBase = Date.now();

/** Hub time, ms. */
export const now: () => number = perf !== undefined ? () => perf.now() : () => Date.now() - dateBase;

/** Epoch ms of hub time 0. */
export function clockOrigin(): number {
  if (perf !== undefined && typeof perf.timeOrigin === 'number') return perf.timeOrigin;
  return perf !== undefined ? Date.now() - perf.now() : dateBase;
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
