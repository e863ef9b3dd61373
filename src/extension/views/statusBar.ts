// The one QueueScope status bar item: "$(inbox) 4 queues  $(arrow-circle-up) 2 blocked  $(warning) 1 finding";
// click opens the panel (on the worst finding's session when there are findings). The
// findings count comes from services.diagnostics (the same list the Problems view, the tree
// and the panel strip show) and is redrawn when it changes.
//
// The item's command is one fixed id without arguments, which looks the worst finding up at
// click time. A command with `arguments` is an internal id VS Code registers per assignment
// and drops at the next one: assigned at every model update (4 a second while a program
// runs), a click landed on a dropped id in 2 to 3 clicks of 4 ("Actual command not found,
// wanted to execute queuescope.showPanel /30", since 2026-12-05).

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { statusText } from '../../host/views/statusText';
import { findingsStatus } from '../../diagnostics/strip';

/** Registered by the panel's part of the extension. */
export const SHOW_PANEL_COMMAND = 'queuescope.showPanel';
/** The status bar item's own command (not contributed: no palette entry). */
export const STATUS_BAR_CLICK_COMMAND = 'queuescope.statusBarClick';

export function registerStatusBar(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const item = vscode.window.createStatusBarItem('queuescope.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'QueueScope';
  item.command = STATUS_BAR_CLICK_COMMAND;
  const click = vscode.commands.registerCommand(STATUS_BAR_CLICK_COMMAND, () => {
    // With findings, the panel opens on the worst one's session (the strip lists it).
    const findings = services.diagnostics ? findingsStatus(services.diagnostics.findings()) : undefined;
    return findings ? vscode.commands.executeCommand(SHOW_PANEL_COMMAND, findings.session) : vscode.commands.executeCommand(SHOW_PANEL_COMMAND);
  });
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
    item.backgroundColor = text.alarm ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const soon = (): void => {
    if (!pending) pending = setTimeout(update, 250);
  };
  const sub = services.model.onDidChange(soon);
  const findingsSub = services.diagnostics?.onDidChange(update) ?? { dispose() {} };
  context.subscriptions.push(item, click, sub, findingsSub, { dispose: () => pending && clearTimeout(pending) });
  update();
}
