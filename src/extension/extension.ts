// Entry point: activate() composes the parts. Each part is one `registerX(context, services)`
// call; add yours as one import and one line below.

import * as vscode from 'vscode';
import { SiteMapper } from '../host/sourceMaps/siteMapper';
import { QueueModel } from '../model/store';
import { readSettings, onSettingsChanged } from './settings';
import { retentionFromSettings } from '../host/settingDefaults';
import { SessionWatcher } from './sessions/watcher';
import { registerConfigProvider } from './sessions/configProvider';
import { registerDebugTerminal } from './sessions/debugTerminal';
import { registerCommands } from './commands';
import { registerQueuesTree } from './views/queuesTree';
import { registerStatusBar } from './views/statusBar';
import { registerRecording } from './qscopeFiles';
import { registerPanel } from './panel/panel';
import { registerLaunchSample } from './samples/launchSample';
import { registerRedisWatch } from './redis';
import { registerDiagnostics } from './diagnostics';
import type { ExtensionServices, QueueScopeApi } from './services';

export function activate(context: vscode.ExtensionContext): QueueScopeApi {
  const services = createServices(context);
  // First: the tree, status bar, panel and recordings read services.diagnostics.
  services.diagnostics = registerDiagnostics(context, services);
  registerConfigProvider(context, services);
  registerDebugTerminal(context, services);
  registerCommands(context, services);
  const queuesTree = registerQueuesTree(context, services);
  registerStatusBar(context, services);
  registerRecording(context, services);
  registerPanel(context, services);
  registerLaunchSample(context, services);
  registerRedisWatch(context, services);
  return { services, queuesTree };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

function createServices(context: vscode.ExtensionContext): ExtensionServices {
  const output = vscode.window.createOutputChannel('QueueScope', { log: true });
  let settings = readSettings();
  // Call sites in generated JavaScript show as their TypeScript line (docs/EXTENSION.md, "Source maps").
  const sites = new SiteMapper({ log: (m) => output.info(m) });
  const model = new QueueModel({ retention: retentionFromSettings(settings), log: output, mapSite: (site) => sites.map(site) });
  const sessions = new SessionWatcher(model, output, () => settings);
  context.subscriptions.push(
    output,
    model,
    sessions,
    onSettingsChanged(() => {
      settings = readSettings();
      model.setRetention(retentionFromSettings(settings));
    }),
  );
  return { context, model, output, sessions, settings: () => settings };
}
