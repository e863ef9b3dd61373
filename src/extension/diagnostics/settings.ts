// The engine's thresholds from the `queuescope.diagnostics.<key>` settings, which mirror
// src/diagnostics/thresholds.ts key for key (a unit test keeps package.json in line).
// A bad value is logged and its default used: a typo in settings must not silence diagnostics.

import * as vscode from 'vscode';
import { defaultThresholds, resolveThresholds, THRESHOLD_KEYS, type Thresholds } from '../../diagnostics/thresholds';

export const DIAGNOSTICS_SECTION = 'queuescope.diagnostics';

export function readThresholds(log: { warn(message: string): void }): Thresholds {
  const config = vscode.workspace.getConfiguration(DIAGNOSTICS_SECTION);
  const out = defaultThresholds();
  for (const key of THRESHOLD_KEYS) {
    const value = config.get<unknown>(key);
    if (value === undefined) continue;
    try {
      out[key] = resolveThresholds({ [key]: value })[key];
    } catch (err) {
      log.warn(`${DIAGNOSTICS_SECTION}.${key}: ${(err as Error).message}; using the default ${out[key]}`);
    }
  }
  return out;
}
