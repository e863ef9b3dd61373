// Debug configuration provider: arms every Node launch (QUEUESCOPE_TRACE=1) and adds
// QueueScope's skipFiles globs. The transformation itself is armConfiguration() (arm.ts).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { armConfiguration, extensionLibraryGlob, type DebugConfigLike } from '../../host/sessions/arm';
import type { ExtensionServices } from '../services';

export function registerConfigProvider(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const provider: vscode.DebugConfigurationProvider = {
    // WithSubstitutedVariables runs last, after launch.json and other providers, so env/skipFiles are final here.
    resolveDebugConfigurationWithSubstitutedVariables(_folder, config) {
      const s = services.settings();
      return armConfiguration(config as DebugConfigLike, {
        autoArm: s.autoArm,
        sampleIntervalMs: s.sampleIntervalMs,
        extraSkipGlobs: [extensionLibraryGlob(context.extensionPath)],
        exitTailDir: s.autoArm ? services.sessions.newLaunchTailDir() : undefined,
        preload: path.join(context.extensionPath, 'dist', 'lib', 'register.js'),
        inheritedNodeOptions: process.env.NODE_OPTIONS,
      }) as vscode.DebugConfiguration;
    },
  };
  // '*' also sees child sessions (configurations with __pendingTargetId), which armConfiguration leaves alone.
  context.subscriptions.push(vscode.debug.registerDebugConfigurationProvider('*', provider));
}
