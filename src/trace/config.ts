// Tunables of the hub and the file recorder, in one lookup table. Each can be overridden
// through the environment when the hub is created (names in ENV_NAMES); docs/PROTOCOL.md
// lists them with their defaults.

import { nodeEnv } from './env';
import { DEFAULT_DRAIN_BYTES } from '../protocol/hub';

export interface HubConfig {
  /** Depth sampling interval, ms. */
  sampleMs: number;
  /** Waits shorter than this that end before a drain sees them only go into 'shortWaits'. */
  shortWaitMs: number;
  /** Sample rows kept for a reader that does not drain; beyond it rows are coalesced. */
  maxPendingRows: number;
  /** Finished long waits kept for a reader that does not drain; beyond it they are dropped. */
  maxPendingWaits: number;
  /** Per queue and role, at most one call-site capture per this many ms; others reuse it. */
  siteGapMs: number;
  /**
   * Realm-wide budget of call-site capture time, ms per second: later captures of a queue
   * and role wait for it (each one's first never does, but is charged too).
   */
  siteBudgetMs: number;
  /**
   * Waits reported in detail per second, realm-wide (columnar drains): past it, new waits
   * are sampled 1 in N (docs/PROTOCOL.md, "Wait sampling").
   */
  detailRate: number;
  /**
   * Sample rows per second, realm-wide: with more changed queues than this allows at
   * sampleMs, the sampling tick stretches (each row's interval grows; depth band and counts
   * stay exact), so 10,000 busy queues cost the program the same as 1,000.
   */
  sampleRowRate: number;
  /** Default and ceiling of drain(maxBytes). */
  drainBytes: number;
  maxDrainBytes: number;
  /** File recorder flush interval, ms. */
  recordMs: number;
}

export const DEFAULTS: Readonly<HubConfig> = {
  sampleMs: 10,
  shortWaitMs: 2,
  maxPendingRows: 20000,
  maxPendingWaits: 2000,
  siteGapMs: 1,
  siteBudgetMs: 1,
  detailRate: 250,
  sampleRowRate: 1000,
  drainBytes: DEFAULT_DRAIN_BYTES,
  maxDrainBytes: 16 * 1024 * 1024,
  recordMs: 100,
};

const ENV_NAMES: Readonly<Record<keyof HubConfig, string>> = {
  sampleMs: 'QUEUESCOPE_SAMPLE_MS',
  shortWaitMs: 'QUEUESCOPE_SHORT_WAIT_MS',
  maxPendingRows: 'QUEUESCOPE_MAX_PENDING_ROWS',
  maxPendingWaits: 'QUEUESCOPE_MAX_PENDING_WAITS',
  siteGapMs: 'QUEUESCOPE_SITE_GAP_MS',
  siteBudgetMs: 'QUEUESCOPE_SITE_BUDGET_MS',
  detailRate: 'QUEUESCOPE_DETAIL_RATE',
  sampleRowRate: 'QUEUESCOPE_SAMPLE_ROW_RATE',
  drainBytes: 'QUEUESCOPE_DRAIN_BYTES',
  maxDrainBytes: 'QUEUESCOPE_MAX_DRAIN_BYTES',
  recordMs: 'QUEUESCOPE_RECORD_MS',
};

/** Smallest accepted value of each knob (a 0 ms sample interval would spin). */
const MINIMUM: Readonly<Record<keyof HubConfig, number>> = {
  sampleMs: 1,
  shortWaitMs: 0,
  maxPendingRows: 1,
  maxPendingWaits: 0,
  siteGapMs: 0,
  siteBudgetMs: 0,
  detailRate: 1,
  sampleRowRate: 100,
  drainBytes: 1024,
  maxDrainBytes: 1024,
  recordMs: 10,
};

/** The defaults, overridden by valid numeric environment values; invalid ones are ignored. */
export function configFromEnv(): HubConfig {
  const env = nodeEnv();
  const out: HubConfig = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof HubConfig)[]) {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= MINIMUM[key]) out[key] = n;
  }
  return out;
}
