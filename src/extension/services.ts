// What every part of the extension gets from activate(): the model, the output channel,
// the session watcher and the settings. Parts register themselves with a
// `registerX(context, services)` function called from extension.ts.

import type * as vscode from 'vscode';
import type { QueueModel } from '../model/store';
import type { SettingsValues } from '../host/settingDefaults';
import type { SessionWatcher } from './sessions/watcher';
import type { QueuesTreeProvider } from './views/queuesTree';
import type { DiagnosticsPart } from './diagnostics';

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  /** The live model of every session's queues (plain TypeScript; see src/model). */
  readonly model: QueueModel;
  /** The "QueueScope" output channel: problems with debuggee data are logged here, never shown as errors. */
  readonly output: vscode.LogOutputChannel;
  /** Debug sessions being polled: map model ids back to VS Code debug sessions. */
  readonly sessions: SessionWatcher;
  /**
   * The findings of every session (src/extension/diagnostics), set by activate() right after
   * the services exist; optional so parts built without it (unit wiring) still work.
   */
  diagnostics?: DiagnosticsPart;
  /** Current queuescope.* settings (re-read on change). */
  settings(): SettingsValues;
}

/** What activate() returns: the services, for extension-host tests and other extensions. */
export interface QueueScopeApi {
  readonly services: ExtensionServices;
  /** The Queues tree's data provider (tests read the tree through getChildren). */
  readonly queuesTree: QueuesTreeProvider;
}
