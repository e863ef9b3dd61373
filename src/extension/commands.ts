// QueueScope commands owned by the extension core (the panel, recording and samples parts
// register their own).

import * as vscode from 'vscode';
import { endedSessionsToEvict } from '../host/sessions/endedSessions';
import type { ExtensionServices } from './services';
import { registerOpenSite } from './views/openSite';

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
      if (id) return services.model.removeSession(id);
      return services.model.clearEnded() > 0;
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => services.output.show(true)),
    // queuescope.maxEndedSessions: when a session ends, drop the oldest ended ones beyond it.
    services.model.onDidChange((c) => {
      if (c.kind !== 'session' || c.removed || services.model.session(c.session)?.state !== 'ended') return;
      for (const id of endedSessionsToEvict(services.model.sessions, services.settings().maxEndedSessions)) services.model.removeSession(id);
    }),
  );
}
