// Shows a replayed session inside the recording editor's webview: the same QueueScope panel
// as for live sessions (src/extension/panel), in replay mode, pinned to the recording.

import type * as vscode from 'vscode';
import { QueueScopePanel } from '../panel/panel';
import type { ExtensionServices } from '../services';
import type { LoadedRecording } from './load';

export function showReplay(services: ExtensionServices, panel: vscode.WebviewPanel, loaded: LoadedRecording): QueueScopePanel {
  // The recording has every wait: the chart's waiter counts come from it, not from the
  // few recent waits the model keeps per queue.
  const prefix = `${loaded.session}/`;
  const waitHistory = (queueKey: string) => (queueKey.startsWith(prefix) ? loaded.waits.ofQueue(queueKey.slice(prefix.length)) : undefined);
  return QueueScopePanel.showIn(panel, services, loaded.session, { waitHistory });
}

/** A page with one line of text and no script at all (while loading, or on failure). */
export function statusPage(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${escaped}</p></body></html>`;
}
