// The pool state a queue of another library reports with its counters (issue #14: paused,
// rate-limited, the oldest running task's start, library figures such as piscina's threads),
// as the model keeps it. The hub's `runningSince` is hub time; the model keeps epoch ms in
// `ModelQueue.runningSince` so that views compute the age against their own clock. Values
// of the wrong type are dropped (a reader never trusts the debuggee).

import type { Counters } from '../protocol/wire';
import { statsOf } from './stats';

export interface PoolFacts {
  /** Counters without `runningSince`/`stats`, pool flags only when they are booleans (`runningAdopted` only with a `runningSince`). */
  counters: Counters;
  /** Epoch ms the oldest running task started, when the pool reports it. */
  runningSince?: number;
  stats?: Record<string, number>;
}

/** Split wire counters into what the model keeps; `origin` is the source's epoch ms of hub time 0. */
export function poolFacts(c: Counters, origin: number): PoolFacts {
  const { paused, rateLimited, runningSince, runningAdopted, stats, done, taskP99Ms, ...rest } = c;
  const counters: Counters = rest;
  // The pool's task history, both or neither, numbers only.
  if (typeof done === 'number' && Number.isFinite(done) && done >= 0 && typeof taskP99Ms === 'number' && Number.isFinite(taskP99Ms) && taskP99Ms >= 0) {
    counters.done = done;
    counters.taskP99Ms = taskP99Ms;
  }
  if (typeof paused === 'boolean') counters.paused = paused;
  if (typeof rateLimited === 'boolean') counters.rateLimited = rateLimited;
  const out: PoolFacts = { counters, ...statsOf(stats) };
  if (typeof runningSince === 'number' && Number.isFinite(runningSince)) {
    out.runningSince = origin + runningSince;
    // Started before the hub armed (an attach): its age is a lower bound ("at least").
    if (runningAdopted === true) counters.runningAdopted = true;
  }
  return out;
}
