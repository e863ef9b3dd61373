// Status bar item while a session has queues: "$(inbox) 4 queues · 2 blocked"; click opens the panel.

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { statusText } from '../../host/views/statusText';

/** Registered by the panel's part of the extension. */
export const SHOW_PANEL_COMMAND = 'queuescope.showPanel';

export function registerStatusBar(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const item = vscode.window.createStatusBarItem('queuescope.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'QueueScope';
  item.command = SHOW_PANEL_COMMAND;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const update = (): void => {
    pending = undefined;
    const text = statusText(services.model.summary());
    if (!text) {
      item.hide();
      return;
    }
    item.text = text.text;
    item.tooltip = text.tooltip;
    item.backgroundColor = text.alarm ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const sub = services.model.onDidChange(() => {
    if (!pending) pending = setTimeout(update, 250);
  });
  context.subscriptions.push(item, sub, { dispose: () => pending && clearTimeout(pending) });
  update();
}
