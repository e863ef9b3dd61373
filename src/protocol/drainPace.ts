// How far a drain's cost stretches the time to the next one, by the program's own CPU time
// (issue #17): shared by the poller's adaptive interval (extension host) and the hub's
// pusher (debuggee), so both channels pace a busy program alike. Pure, dependency-free.

/** Drains may cost the debuggee at most this share of the program's own CPU time. */
export const DRAIN_CPU_SHARE = 0.04;
/** ...but are always allowed this many ms a second (a near-idle program's drains are cheap anyway). */
export const DRAIN_CPU_FLOOR_MS_PER_S = 2;
/** The longest interval this rule alone asks for. */
export const DRAIN_CPU_STRETCH_MAX_MS = 5000;

/**
 * The least interval (ms) after a drain that took `drainMs` in a program spending
 * `programCpu` ms of CPU a second; 0 when either figure is missing.
 */
export function cpuPacedInterval(drainMs: number | undefined, programCpu: number | undefined): number {
  if (programCpu === undefined || drainMs === undefined || !(drainMs > 0) || !(programCpu >= 0)) return 0;
  return Math.min(DRAIN_CPU_STRETCH_MAX_MS, (drainMs * 1000) / Math.max(DRAIN_CPU_FLOOR_MS_PER_S, DRAIN_CPU_SHARE * programCpu));
}
