// Defaults of the queuescope.* settings, in one table (package.json repeats them for the
// Settings UI; a unit test checks the two agree).

import { DEFAULT_RETENTION, type RetentionOptions } from '../model/timeline';
import { DEFAULT_PREVIEW_ITEMS } from '../protocol/hub';

export interface SettingsValues {
  autoArm: boolean;
  pollIntervalMs: number;
  /** Let each debuggee push its drains through js-debug's CDP proxy (issue #17); off: evaluate polling only. */
  pushChannel: boolean;
  /** Read drains through the hub's custom object formatter (no script per poll) where js-debug's CDP proxy allows; off: evaluate. */
  formatterPolling: boolean;
  /** Bound the debuggee inspector's store of collected scripts (each evaluate poll adds one). */
  boundDebuggeeScriptCache: boolean;
  sampleIntervalMs: number;
  'retention.recentSeconds': number;
  'retention.recentMaxSamples': number;
  itemPreviewCount: number;
  /** Open (or reveal) the panel, without taking focus, at the first queue of a debug session. */
  'panel.revealOnFirstQueue': boolean;
  /** Ended debug sessions kept in the model (older ones are removed). */
  maxEndedSessions: number;
}

export const SETTING_DEFAULTS: SettingsValues = {
  autoArm: true,
  pollIntervalMs: 100,
  pushChannel: false,
  formatterPolling: true,
  boundDebuggeeScriptCache: true,
  sampleIntervalMs: 10,
  'retention.recentSeconds': DEFAULT_RETENTION.recentMs / 1000,
  'retention.recentMaxSamples': DEFAULT_RETENTION.recentMaxSamples,
  itemPreviewCount: DEFAULT_PREVIEW_ITEMS,
  'panel.revealOnFirstQueue': true,
  maxEndedSessions: 10,
};

/** Model retention from settings (the coarse tiers are fixed). */
export function retentionFromSettings(s: SettingsValues): RetentionOptions {
  return { ...DEFAULT_RETENTION, recentMs: s['retention.recentSeconds'] * 1000, recentMaxSamples: s['retention.recentMaxSamples'] };
}
