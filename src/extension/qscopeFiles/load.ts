// Loads a .qscope file into the model as an ended 'recording' session: streamed with a
// cancellable progress notification, fed in time slices so the extension host stays
// responsive, problems shown to the user in plain words.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelFeed } from '../../recording/modelFeed';
import { RecordingError } from '../../recording/format';
import { readRecording, type ReadResult } from '../../recording/reader';
import type { SessionRecorder } from '../../recording/sessionRecorder';
import { WaitIndex } from '../../recording/waitIndex';
import type { ExtensionServices } from '../services';
import { withCancellableProgress } from './progress';

export interface LoadedRecording {
  /** Model session id of the replay. */
  session: string;
  file: string;
  result: ReadResult;
  /** Every wait of the recording, for the replay's time cursor. */
  waits: WaitIndex;
}

let loads = 0;

/** Reads `uri` into a new model session; undefined when cancelled or unreadable (already reported). */
export async function loadRecording(services: ExtensionServices, recorder: SessionRecorder, uri: vscode.Uri): Promise<LoadedRecording | undefined> {
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`QueueScope opens recordings from local files only (not ${uri.scheme}:).`);
    return undefined;
  }
  const file = uri.fsPath;
  const name = path.basename(file);
  const session = `recording:${++loads}:${file}`;
  const feed = new ModelFeed(services.model, session, name);
  const waits = new WaitIndex();
  try {
    let lastReport = 0;
    const result = await withCancellableProgress(`QueueScope: opening ${name}`, (signal, bar) =>
      readRecording(file, {
        signal,
        onLines: (lines) => {
          waits.push(lines);
          return feed.pushSliced(lines);
        },
        onProgress: ({ bytesRead, totalBytes }) => {
          const now = Date.now();
          if (now - lastReport < 150 || totalBytes === 0) return;
          lastReport = now;
          bar.to(Math.min(100, (bytesRead / totalBytes) * 100), `${mb(bytesRead)} of ${mb(totalBytes)}`);
        },
      }),
    );
    feed.finish();
    recorder.setSourceFile(session, file);
    // Its findings (Problems, panel strip, tree, status bar): a second read of the file, in
    // the background, so the replay opens without waiting for the check.
    services.diagnostics?.checkRecording(session, file).catch((err: unknown) => services.output.warn(`${name}: diagnostics failed: ${String((err as Error)?.stack ?? err)}`));
    for (const warning of result.warnings) {
      services.output.warn(`${name}: ${warning}`);
      void vscode.window.showWarningMessage(`QueueScope: ${name}: ${warning}`);
    }
    services.output.info(`${name}: opened ${result.lines} lines (${mb(result.totalBytes)}${result.gzip ? ', gzip' : ''})`);
    return { session, file, result, waits };
  } catch (err) {
    services.model.removeSession(session);
    if (err instanceof RecordingError && err.code === 'cancelled') return undefined;
    const message = err instanceof Error ? err.message : String(err);
    services.output.error(`${name}: ${message}`);
    void vscode.window.showErrorMessage(`QueueScope could not open ${name}: ${message}`);
    return undefined;
  }
}

export function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
