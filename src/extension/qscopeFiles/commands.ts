// The recording commands: Save Recording…, Open Recording…, Export Recording….
// The work itself is in src/recording (no vscode); this file asks the user and reports.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChromeTraceExporter } from '../../recording/exportChromeTrace';
import { CsvExporter } from '../../recording/exportCsv';
import type { LineExporter } from '../../recording/exporter';
import { exportRecordingFile } from '../../recording/exportFile';
import { RECORDING_EXTENSION, RecordingError } from '../../recording/format';
import type { SessionRecorder } from '../../recording/sessionRecorder';
import type { ExtensionServices } from '../services';
import { mb } from './load';
import { withCancellableProgress } from './progress';
import type { ModelSession } from '../../model/entities';
import { sessionRow, type SessionRow } from '../../host/views/sessionRows';

export const RECORDING_COMMANDS = {
  save: 'queuescope.saveRecording',
  open: 'queuescope.openRecording',
  export: 'queuescope.exportRecording',
} as const;

/** View type of the .qscope custom editor (package.json contributes.customEditors). */
export const RECORDING_VIEW_TYPE = 'queuescope.recording';

const RECORDING_FILTER = { 'QueueScope recording': [RECORDING_EXTENSION.slice(1)] };

export type ExportFormatId = 'chrome-trace' | 'csv';

interface ExportFormat {
  id: ExportFormatId;
  label: string;
  detail: string;
  extension: string;
  filters: Record<string, string[]>;
  make: () => LineExporter;
}

const EXPORT_FORMATS: ExportFormat[] = [
  {
    id: 'chrome-trace',
    label: 'Chrome Trace Event JSON',
    detail: 'Opens in Perfetto UI (ui.perfetto.dev) and chrome://tracing: depth counters and every wait as a slice',
    extension: '.trace.json',
    filters: { 'Trace Event JSON': ['json'] },
    make: () => new ChromeTraceExporter(),
  },
  {
    id: 'csv',
    label: 'CSV of depth timelines',
    detail: 'One row per sample: time_ms, source, queue_id, queue_name, depth, min, max, puts, gets',
    extension: '.csv',
    filters: { CSV: ['csv'] },
    make: () => new CsvExporter(),
  },
];

/** Which recording a command works on: a model session, or a file on disk. */
type RecordingTarget = { kind: 'session'; session: string; name: string } | { kind: 'file'; file: string };

export interface RecordingCommandContext {
  services: ExtensionServices;
  recorder: SessionRecorder;
  /** The session shown by the focused recording editor, if any. */
  activeReplay(): { session: string; file: string } | undefined;
}

export function registerRecordingCommands(context: vscode.ExtensionContext, ctx: RecordingCommandContext): void {
  context.subscriptions.push(
    // Arguments (all optional; what is missing is asked): scripts, tests and menus pass them.
    //   saveRecording(session id | { session }, target Uri)
    //   openRecording(Uri)
    //   exportRecording(.qscope Uri | session id | { session }, 'chrome-trace' | 'csv', target Uri)
    vscode.commands.registerCommand(RECORDING_COMMANDS.save, (arg?: unknown, target?: unknown) => saveRecording(ctx, sessionArg(arg), uriArg(target))),
    vscode.commands.registerCommand(RECORDING_COMMANDS.open, (arg?: unknown) => openRecording(uriArg(arg))),
    vscode.commands.registerCommand(RECORDING_COMMANDS.export, (arg?: unknown, format?: unknown, target?: unknown) => exportRecording(ctx, arg, format, uriArg(target))),
  );
}

function uriArg(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : undefined;
}

/** Accepts a model session id or a tree node `{ session }`. */
function sessionArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const session = (arg as { session?: unknown } | undefined)?.session;
  return typeof session === 'string' ? session : undefined;
}

async function pickSession(ctx: RecordingCommandContext, placeHolder: string): Promise<{ session: string; name: string } | undefined> {
  const sessions = ctx.services.model.sessions.filter((s) => ctx.recorder.canSave(s.id)).reverse();
  if (!sessions.length) {
    void vscode.window.showInformationMessage('QueueScope has nothing recorded yet: debug a Node program that uses queuescope queues, or open a recording.');
    return undefined;
  }
  const active = ctx.activeReplay();
  if (sessions.length === 1) return { session: sessions[0].id, name: sessions[0].name };
  const items = sessions.map((s) => ({ ...rowOf(ctx, s), picked: active?.session === s.id, session: s.id }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return pick && { session: pick.session, name: pick.label };
}

/** A session's quick-pick row: name, kind, queue count, start time and duration. */
function rowOf(ctx: RecordingCommandContext, s: ModelSession): SessionRow {
  return sessionRow({ name: s.name, origin: s.origin, state: s.state, started: s.started, ended: s.ended, queueCount: ctx.services.model.queuesOf(s.id).length }, Date.now());
}

function defaultUri(name: string, extension: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const base = name.replace(/\.qscope$/i, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'recording';
  return vscode.Uri.file(path.join(folder, `${base}-${stamp}${extension}`));
}

/** A program that exits can take a moment to have its exit tail read (poller finish, file read). */
const SETTLE_MS = 5000;

/** Waits, with a word in the progress, while the session's last moments are still being read. */
async function lastMoments(ctx: RecordingCommandContext, session: string, progress?: vscode.Progress<{ message?: string }>): Promise<void> {
  const settling = ctx.services.sessions.settling(session, SETTLE_MS);
  if (!settling) return;
  const message = 'reading the program\u2019s last moments\u2026';
  if (!progress) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `QueueScope: ${message}` }, () => settling);
    return;
  }
  progress.report({ message });
  await settling;
  progress.report({ message: undefined });
}

async function saveRecording(ctx: RecordingCommandContext, sessionId?: string, targetArg?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const model = ctx.services.model;
  const chosen = sessionId && ctx.recorder.canSave(sessionId) ? { session: sessionId, name: model.session(sessionId)?.name ?? 'recording' } : await pickSession(ctx, 'Which session to save?');
  if (!chosen) return undefined;
  const target = targetArg ?? (await vscode.window.showSaveDialog({ defaultUri: defaultUri(chosen.name, RECORDING_EXTENSION), filters: RECORDING_FILTER, title: 'Save QueueScope Recording' }));
  if (!target) return undefined;
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `QueueScope: saving ${chosen.name}` }, async (progress) => {
      // The program may have just exited: its last moments are read from its exit tail.
      await lastMoments(ctx, chosen.session, progress);
      return ctx.recorder.save(chosen.session, target.fsPath);
    });
    const open = 'Open';
    void vscode.window
      .showInformationMessage(`Saved ${path.basename(target.fsPath)} (${mb(result.fileBytes)}${result.gzip ? ', gzip' : ''}).`, open)
      .then((answer) => {
        if (answer === open) void openRecording(target);
      });
    return target;
  } catch (err) {
    void vscode.window.showErrorMessage(`QueueScope could not save the recording: ${messageOf(err)}`);
    return undefined;
  }
}

async function openRecording(uri?: vscode.Uri): Promise<void> {
  const target =
    uri ??
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { ...RECORDING_FILTER, 'All files': ['*'] }, title: 'Open QueueScope Recording' }))?.[0];
  if (!target) return;
  // Through the custom editor, so opening from the palette and from the explorer behave the same.
  await vscode.commands.executeCommand('vscode.openWith', target, RECORDING_VIEW_TYPE);
}

async function pickExportSource(ctx: RecordingCommandContext, arg: unknown): Promise<RecordingTarget | undefined> {
  if (arg instanceof vscode.Uri) return { kind: 'file', file: arg.fsPath };
  const fromArg = sessionArg(arg);
  if (fromArg && ctx.recorder.canSave(fromArg)) return { kind: 'session', session: fromArg, name: ctx.services.model.session(fromArg)?.name ?? fromArg };
  const active = ctx.activeReplay();
  if (active) return { kind: 'file', file: active.file };
  const sessions = ctx.services.model.sessions.filter((s) => ctx.recorder.canSave(s.id)).reverse();
  const chooseFile = { label: '$(folder-opened) Choose a .qscope file…', session: '' };
  const items = [...sessions.map((s) => ({ ...rowOf(ctx, s), session: s.id })), chooseFile];
  const pick = items.length === 1 ? chooseFile : await vscode.window.showQuickPick(items, { placeHolder: 'Which recording to export?' });
  if (!pick) return undefined;
  if (pick === chooseFile) {
    const uri = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: RECORDING_FILTER, title: 'Export QueueScope Recording' }))?.[0];
    return uri && { kind: 'file', file: uri.fsPath };
  }
  return { kind: 'session', session: pick.session, name: pick.label };
}

async function exportRecording(ctx: RecordingCommandContext, arg?: unknown, formatArg?: unknown, targetArg?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const source = await pickExportSource(ctx, arg);
  if (!source) return undefined;
  const format = EXPORT_FORMATS.find((f) => f.id === formatArg) ?? (await vscode.window.showQuickPick(EXPORT_FORMATS, { placeHolder: 'Export as…' }));
  if (!format) return undefined;
  if (source.kind === 'session') await lastMoments(ctx, source.session);
  const input = source.kind === 'file' ? { path: source.file } : await ctx.recorder.recordingFile(source.session);
  if (!input) return undefined;
  const name = source.kind === 'file' ? path.basename(source.file) : source.name;
  const target = targetArg ?? (await vscode.window.showSaveDialog({ defaultUri: defaultUri(name, format.extension), filters: format.filters, title: `Export as ${format.label}` }));
  if (!target) return undefined;
  try {
    const result = await withCancellableProgress(`QueueScope: exporting ${name}`, (signal, bar) =>
      exportRecordingFile(input.path, target.fsPath, format.make(), {
        signal,
        length: input.length,
        onProgress: ({ bytesRead, totalBytes }) => {
          const percent = totalBytes ? (bytesRead / totalBytes) * 100 : 0;
          if (percent - bar.at >= 1) bar.to(percent);
        },
      }),
    );
    for (const warning of result.warnings) ctx.services.output.warn(`${name}: ${warning}`);
    const size = fs.statSync(target.fsPath).size;
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.fsPath)} (${mb(size)}).${result.warnings.length ? ' The recording had problems: see the QueueScope log.' : ''}`);
    return target;
  } catch (err) {
    if (err instanceof RecordingError && err.code === 'cancelled') return undefined;
    void vscode.window.showErrorMessage(`QueueScope could not export ${name}: ${messageOf(err)}`);
    return undefined;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
