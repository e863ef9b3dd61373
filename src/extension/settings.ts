// The extension's settings (package.json contributes.configuration), read through one place.
// Defaults live in SETTING_DEFAULTS (no vscode there) so tests and docs share them.

import * as vscode from 'vscode';
import { SETTING_DEFAULTS, type SettingsValues } from '../host/settingDefaults';

export { SETTING_DEFAULTS, type SettingsValues };

/** Current settings, clamped to sane ranges. */
export function readSettings(): SettingsValues {
  const c = vscode.workspace.getConfiguration('queuescope');
  const num = (key: keyof SettingsValues, min: number, max: number): number => {
    const v = c.get<number>(key, SETTING_DEFAULTS[key] as number);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : (SETTING_DEFAULTS[key] as number);
  };
  return {
    autoArm: c.get<boolean>('autoArm', SETTING_DEFAULTS.autoArm) !== false,
    pollIntervalMs: num('pollIntervalMs', 10, 10_000),
    pushChannel: c.get<boolean>('pushChannel', SETTING_DEFAULTS.pushChannel) !== false,
    formatterPolling: c.get<boolean>('formatterPolling', SETTING_DEFAULTS.formatterPolling) !== false,
    boundDebuggeeScriptCache: c.get<boolean>('boundDebuggeeScriptCache', SETTING_DEFAULTS.boundDebuggeeScriptCache) !== false,
    sampleIntervalMs: num('sampleIntervalMs', 1, 10_000),
    'retention.recentSeconds': num('retention.recentSeconds', 5, 3600),
    'retention.recentMaxSamples': num('retention.recentMaxSamples', 100, 1_000_000),
    itemPreviewCount: num('itemPreviewCount', 0, 100),
    'panel.revealOnFirstQueue': c.get<boolean>('panel.revealOnFirstQueue', SETTING_DEFAULTS['panel.revealOnFirstQueue']) !== false,
    maxEndedSessions: num('maxEndedSessions', 0, 1000),
  };
}

/** Fires `listener` when any queuescope.* setting changes. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('queuescope')) listener();
  });
}
