// Open a call site (a waiter's or a queue's creation line) in an editor, after checking
// that the file belongs to the session or the workspace (call sites come from the program).

import * as vscode from 'vscode';
import type { CallSite } from '../../protocol/wire';
import type { ExtensionServices } from '../services';
import * as fs from 'node:fs';
import { isUnder, siteToPath } from '../../host/views/sites';
import { preferWorkspaceSample } from '../../host/samples/workspaceCopy';

export const OPEN_SITE_COMMAND = 'queuescope.openSite';

export function registerOpenSite(context: vscode.ExtensionContext, services: ExtensionServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_SITE_COMMAND, (site: CallSite | undefined, session?: string) => openSite(services, site, session)),
  );
}

/** Roots a session's files may live under without asking. */
function trustedRoots(services: ExtensionServices, session?: string): string[] {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  roots.push(services.context.extensionPath);
  if (session) roots.push(...services.sessions.rootsOf(session));
  return roots;
}

export async function openSite(services: ExtensionServices, site: CallSite | undefined, session?: string): Promise<boolean> {
  if (!site || typeof site.file !== 'string') return false;
  const reported = siteToPath(site.file);
  // A sample run from the extension's built copy: open the workspace's own copy when there is one.
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const file = reported && preferWorkspaceSample(reported, services.context.extensionPath, folders, fs.existsSync);
  if (!file) {
    void vscode.window.showInformationMessage(`QueueScope: ${site.file} is not a file that can be opened.`);
    return false;
  }
  if (!trustedRoots(services, session).some((root) => isUnder(file, root))) {
    const open = 'Open Anyway';
    const choice = await vscode.window.showWarningMessage(`QueueScope: ${file} is outside the workspace and the debugged program's folders.`, open);
    if (choice !== open) return false;
  }
  const uri = vscode.Uri.file(file);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showInformationMessage(`QueueScope: ${file} does not exist on this machine.`);
    return false;
  }
  const line = Math.max(0, Math.floor(site.line) - 1);
  const column = Math.max(0, Math.floor(site.column) - 1);
  const position = new vscode.Position(line, column);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
  return true;
}
