// Status bar count of findings ("$(warning) 2 findings"), hidden when there are none at
// warning or info level; a click opens the Problems view.

import * as vscode from 'vscode';
import type { Finding } from '../../diagnostics/findings';
import { findingsStatus } from '../../diagnostics/strip';

export class FindingsStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('queuescope.findings', vscode.StatusBarAlignment.Left, 49);

  constructor() {
    this.item.name = 'QueueScope Findings';
    this.item.command = 'workbench.actions.view.problems';
  }

  update(findings: readonly Finding[]): void {
    const status = findingsStatus(findings);
    if (!status) {
      this.item.hide();
      return;
    }
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    this.item.backgroundColor = status.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
