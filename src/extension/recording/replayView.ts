// Shows a replayed session inside the recording editor's webview. Until the panel's host
// can render a given session into a given webview, this is a text summary (no script).

import type * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { LoadedRecording } from './load';

export function showReplay(services: ExtensionServices, panel: vscode.WebviewPanel, loaded: LoadedRecording): void {
  const queues = services.model.queuesOf(loaded.session);
  const name = services.model.session(loaded.session)?.name ?? loaded.file;
  panel.webview.html = statusPage(`${name}: ${queues.length} queues, ${loaded.result.lines} lines.`);
}

/** A page with one line of text and no script at all. */
export function statusPage(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${escaped}</p></body></html>`;
}
