// Every threshold of the diagnostics engine, in one keyed table: its default, its minimum,
// the CLI flag that overrides it and one line of help. The CLI builds its flags from this
// table and the VS Code settings mirror it (`queuescope.diagnostics.<key>`), so a default
// changes in one place. docs/DIAGNOSTICS.md explains what each one guards against.

export interface Thresholds {
  /** Quiet time (active ms) before a deadlock proven by known call sites is reported. */
  deadlockConfirmMs: number;
  /** Quiet floor (active ms) before a deadlock with partial site knowledge is reported. */
  deadlockPartialMs: number;
  /** Quiet floor (active ms) of the whole-program case: every known party waiting. */
  wholeProgramQuietMs: number;
  /** Quiet must also exceed this many times the longest quiet gap seen before (partial and whole-program cases). */
  idleFactor: number;
  /** A queue needs this many earlier activity gaps before its quiet counts as evidence (partial case). */
  minHistoryGaps: number;
  /** Stuck work: running age must exceed this many times the p99 of completed work. */
  stuckFactor: number;
  /** Stuck work: never reported below this age (active ms) when there is a history. */
  stuckFloorMs: number;
  /** Stuck work: age (active ms) that counts as stuck when fewer than stuckMinCompleted tasks completed. */
  stuckNoHistoryMs: number;
  /** Completed tasks needed before the p99 is trusted. */
  stuckMinCompleted: number;
  /** Stuck work: the session must have been quiet this long (active ms). */
  stuckIdleMs: number;
  /** Growth: length of the window the slope is fitted over (active ms). */
  growthWindowMs: number;
  /** Growth: smallest slope (items per second) worth reporting. */
  growthMinSlope: number;
  /** Growth: the linear trend must explain at least this share of the depth's variance (R²). */
  growthMinFit: number;
  /** Growth: size budget in items (0 = none); with one, the finding says when it is reached. */
  growthBudgetItems: number;
  /** Bottleneck: length of the window (active ms). */
  bottleneckWindowMs: number;
  /** Bottleneck: share of the window the input must be full and the output starved. */
  bottleneckShare: number;
  /** Long block hint: a producer blocked longer than this (active ms). */
  longBlockPutMs: number;
  /** Long block hint: a consumer waiting longer than this (active ms). */
  longBlockGetMs: number;
}

export interface ThresholdSpec {
  readonly default: number;
  readonly min: number;
  readonly flag: string;
  readonly help: string;
}

/** The table. Keys are Thresholds' keys; flags are the CLI's. */
export const THRESHOLD_TABLE: Readonly<Record<keyof Thresholds, ThresholdSpec>> = {
  deadlockConfirmMs: { default: 500, min: 0, flag: '--deadlock-confirm-ms', help: 'quiet time before a deadlock proven by call sites is reported' },
  deadlockPartialMs: { default: 800, min: 0, flag: '--deadlock-partial-ms', help: 'quiet floor for a deadlock with partial call-site knowledge' },
  wholeProgramQuietMs: { default: 5000, min: 0, flag: '--whole-program-quiet-ms', help: 'quiet floor when every known party waits' },
  idleFactor: { default: 3, min: 1, flag: '--idle-factor', help: 'quiet must exceed this times the longest earlier quiet gap' },
  minHistoryGaps: { default: 3, min: 0, flag: '--min-history-gaps', help: 'earlier activity gaps a queue needs before its quiet is evidence' },
  stuckFactor: { default: 10, min: 1, flag: '--stuck-factor', help: 'running work older than this times the p99 of completed work is stuck' },
  stuckFloorMs: { default: 5000, min: 0, flag: '--stuck-floor-ms', help: 'running work younger than this is never stuck' },
  stuckNoHistoryMs: { default: 60000, min: 0, flag: '--stuck-no-history-ms', help: 'stuck age used before enough work has completed' },
  stuckMinCompleted: { default: 20, min: 1, flag: '--stuck-min-completed', help: 'completed tasks needed before the p99 is used' },
  stuckIdleMs: { default: 1000, min: 0, flag: '--stuck-idle-ms', help: 'the program must be otherwise quiet this long' },
  growthWindowMs: { default: 30000, min: 100, flag: '--growth-window-ms', help: 'window the depth slope is fitted over' },
  growthMinSlope: { default: 0.5, min: 0, flag: '--growth-min-slope', help: 'smallest growth slope (items/s) reported' },
  growthMinFit: { default: 0.5, min: 0, flag: '--growth-min-fit', help: "share of the depth's variance the rising trend must explain (R²)" },
  growthBudgetItems: { default: 0, min: 0, flag: '--growth-budget-items', help: 'size budget (items) to estimate the time to; 0 = none' },
  bottleneckWindowMs: { default: 10000, min: 100, flag: '--bottleneck-window-ms', help: 'window over which a stage is judged' },
  bottleneckShare: { default: 0.8, min: 0, flag: '--bottleneck-share', help: 'share of the window the input is full and the output starved' },
  longBlockPutMs: { default: 5000, min: 0, flag: '--long-block-put-ms', help: 'hint when a producer is blocked this long' },
  longBlockGetMs: { default: 30000, min: 0, flag: '--long-block-get-ms', help: 'hint when a consumer waits this long' },
};

export const THRESHOLD_KEYS = Object.keys(THRESHOLD_TABLE) as (keyof Thresholds)[];

/** The defaults as a Thresholds value. */
export function defaultThresholds(): Thresholds {
  const out = {} as Thresholds;
  for (const k of THRESHOLD_KEYS) out[k] = THRESHOLD_TABLE[k].default;
  return out;
}

/**
 * Defaults overridden by `partial`; a value that is not a finite number at or above its
 * minimum is an error naming the key (bad input never silently becomes a default).
 */
export function resolveThresholds(partial: Partial<Record<keyof Thresholds, unknown>> = {}): Thresholds {
  const out = defaultThresholds();
  for (const k of THRESHOLD_KEYS) {
    const v = partial[k];
    if (v === undefined) continue;
    const spec = THRESHOLD_TABLE[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < spec.min) {
      throw new RangeError(`${k} (${spec.flag}) must be a number >= ${spec.min}, got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return out;
}
