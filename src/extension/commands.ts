// QueueScope commands owned by the extension core (the panel, recording and samples parts
// register their own).

import * as vscode from 'vscode';
import { endedSessionsToEvict } from '../host/sessions/endedSessions';
import type { ExtensionServices } from './services';
import { registerOpenSite } from './views/openSite';
import { closable } from '../host/views/queueNodes';
import { readSettings } from './settings';

export const COMMANDS = {
  clearEnded: 'queuescope.clearEndedSessions',
  closeSession: 'queuescope.closeSession',
  showLog: 'queuescope.showLog',
} as const;

export function registerCommands(context: vscode.ExtensionContext, services: ExtensionServices): void {
  registerOpenSite(context, services);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.clearEnded, () => services.model.clearEnded()),
    // From the tree's context menu (a session node) or with a model session id.
    vscode.commands.registerCommand(COMMANDS.closeSession, (arg?: { session?: string } | string) => {
      const id = typeof arg === 'string' ? arg : arg?.session;
      if (!id) return services.model.clearEnded() > 0;
      // As the tree offers it (closable): not a running debug session, whose poller
      // would go on, nor a recording, whose editor shows it.
      const s = services.model.session(id);
      if (s === undefined || !closable(s)) return false;
      return services.model.removeSession(id);
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => services.output.show(true)),
    // queuescope.maxEndedSessions: when a session ends, drop the oldest ended ones beyond it;
    // and when the setting is lowered, at once (it waited for the next session to end).
    services.model.onDidChange((c) => {
      if (c.kind !== 'session' || c.removed || services.model.session(c.session)?.state !== 'ended') return;
      evictEnded(services);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Read here, not through services.settings(): that copy is refreshed by a listener of its own.
      if (e.affectsConfiguration('queuescope.maxEndedSessions')) evictEnded(services, readSettings().maxEndedSessions);
    }),
  );
}

function evictEnded(services: ExtensionServices, limit = services.settings().maxEndedSessions): void {
  for (const id of endedSessionsToEvict(services.model.sessions, limit)) services.model.removeSession(id);
}
