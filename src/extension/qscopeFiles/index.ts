// The .qscope files part of the extension (editor glue; the file format itself is src/recording/,
// the in-program recorder is src/trace/recorder.ts): spools every live session to a file,
// and registers the Save / Open / Export commands and the .qscope editor.
// Called once from extension.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SessionRecorder } from '../../recording/sessionRecorder';
import type { ExtensionServices } from '../services';
import { RECORDING_VIEW_TYPE, registerRecordingCommands } from './commands';
import { RecordingEditorProvider } from './editor';
import { makePanelTools } from './panelTools';
import { QueueScopePanel } from '../panel/panel';

export function registerRecording(context: vscode.ExtensionContext, services: ExtensionServices): SessionRecorder {
  // Spools live in the extension's own storage; each activation uses its own files and
  // removes them on deactivation (a leftover from a crash is cleaned at the next start).
  const dir = path.join(context.globalStorageUri.fsPath, 'spool');
  const recorder = new SessionRecorder(services.model, { dir, log: (m) => services.output.warn(m) });
  void cleanStaleSpools(dir);
  context.subscriptions.push({ dispose: () => void recorder.dispose() });
  const editor = new RecordingEditorProvider(services, recorder);
  RecordingEditorProvider.register(context, editor);
  registerRecordingCommands(context, { services, recorder, activeReplay: () => editor.active });
  // The panel's Save / PNG / time-cursor messages (every panel: the main one and each recording editor's).
  QueueScopePanel.recordingTools = makePanelTools(services, (session) => editor.waitIndex(session));
  context.subscriptions.push({ dispose: () => (QueueScopePanel.recordingTools = undefined) });
  // "Show the panel" for a recording's session (the status bar's findings, the tree) brings its
  // editor forward: the live panel does not show recordings (src/host/panel/feed.ts).
  QueueScopePanel.revealRecording = (session) => {
    const file = editor.fileOf(session);
    if (file === undefined) return false;
    void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), RECORDING_VIEW_TYPE);
    return true;
  };
  context.subscriptions.push({ dispose: () => (QueueScopePanel.revealRecording = undefined) });
  return recorder;
}

/** Removes spool files of earlier runs whose process is gone (names start with the pid). */
async function cleanStaleSpools(dir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
