// The one QueueScope status bar item: "$(inbox) 4 queues  $(arrow-circle-up) 2 blocked  $(warning) 1 finding";
// click opens the panel (on the worst finding's session when there are findings). The
// findings count comes from services.diagnostics (the same list the Problems view, the tree
// and the panel strip show) and is redrawn when it changes.

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { statusText } from '../../host/views/statusText';
import { findingsStatus } from '../../diagnostics/strip';

/** Registered by the panel's part of the extension. */
export const SHOW_PANEL_COMMAND = 'queuescope.showPanel';

export function registerStatusBar(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const item = vscode.window.createStatusBarItem('queuescope.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'QueueScope';
  item.command = SHOW_PANEL_COMMAND;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const update = (): void => {
    pending = undefined;
    const findings = services.diagnostics ? findingsStatus(services.diagnostics.findings()) : undefined;
    const text = statusText(services.model.summary(), findings);
    if (!text) {
      item.hide();
      return;
    }
    item.text = text.text;
    item.tooltip = text.tooltip;
    // With findings, a click opens the panel on the worst one's session (the strip lists it).
    item.command = findings ? { command: SHOW_PANEL_COMMAND, title: 'Show QueueScope', arguments: [findings.session] } : SHOW_PANEL_COMMAND;
    item.backgroundColor = text.alarm ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const soon = (): void => {
    if (!pending) pending = setTimeout(update, 250);
  };
  const sub = services.model.onDidChange(soon);
  const findingsSub = services.diagnostics?.onDidChange(update) ?? { dispose() {} };
  context.subscriptions.push(item, sub, findingsSub, { dispose: () => pending && clearTimeout(pending) });
  update();
}
