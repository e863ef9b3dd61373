// The .qscope custom editor (read-only): opening a recording streams it into the model as
// an ended 'recording' session (see load.ts) and shows that session in the editor's
// webview. Closing the editor forgets the session.

import * as vscode from 'vscode';
import type { SessionRecorder } from '../../recording/sessionRecorder';
import type { WaitIndex } from '../../recording/waitIndex';
import type { ExtensionServices } from '../services';
import { RECORDING_VIEW_TYPE } from './commands';
import { loadRecording, type LoadedRecording } from './load';
import { showReplay, statusPage } from './replayView';

class RecordingDocument implements vscode.CustomDocument {
  loaded: LoadedRecording | undefined;
  private loading: Promise<LoadedRecording | undefined> | undefined;

  constructor(
    readonly uri: vscode.Uri,
    private readonly onDispose: (doc: RecordingDocument) => void,
  ) {}

  /** Loads once per document, however many times it is asked. */
  load(services: ExtensionServices, recorder: SessionRecorder): Promise<LoadedRecording | undefined> {
    this.loading ??= loadRecording(services, recorder, this.uri).then((loaded) => (this.loaded = loaded));
    return this.loading;
  }

  dispose(): void {
    this.onDispose(this);
  }
}

export class RecordingEditorProvider implements vscode.CustomReadonlyEditorProvider<RecordingDocument> {
  /** The recording shown by the focused editor (for Export with no argument). */
  active: { session: string; file: string } | undefined;
  /** Open recordings by model session id (their wait index answers the time cursor). */
  private readonly loaded = new Map<string, LoadedRecording>();

  constructor(
    private readonly services: ExtensionServices,
    private readonly recorder: SessionRecorder,
  ) {}

  static register(context: vscode.ExtensionContext, provider: RecordingEditorProvider): void {
    context.subscriptions.push(
      vscode.window.registerCustomEditorProvider(RECORDING_VIEW_TYPE, provider, {
        // Like the panel: a hidden webview reloads and asks for its data again ('ready').
        supportsMultipleEditorsPerDocument: false,
      }),
    );
  }

  openCustomDocument(uri: vscode.Uri): RecordingDocument {
    return new RecordingDocument(uri, (doc) => {
      if (doc.loaded) {
        this.loaded.delete(doc.loaded.session);
        this.services.model.removeSession(doc.loaded.session);
      }
      if (this.active && this.active.session === doc.loaded?.session) this.active = undefined;
    });
  }

  /** The file of an open recording's session. */
  fileOf(session: string): string | undefined {
    return this.loaded.get(session)?.file;
  }

  /** The wait index of an open recording's session. */
  waitIndex(session: string): WaitIndex | undefined {
    return this.loaded.get(session)?.waits;
  }

  async resolveCustomEditor(document: RecordingDocument, panel: vscode.WebviewPanel, token: vscode.CancellationToken): Promise<void> {
    panel.webview.html = statusPage(`Opening ${document.uri.fsPath}…`);
    const loaded = await document.load(this.services, this.recorder);
    if (token.isCancellationRequested) return;
    if (!loaded) {
      panel.webview.html = statusPage(`This recording could not be opened (see the message and the QueueScope log).`);
      return;
    }
    this.loaded.set(loaded.session, loaded);
    const track = (): void => {
      if (panel.active) this.active = { session: loaded.session, file: loaded.file };
      else if (this.active?.session === loaded.session) this.active = undefined;
    };
    track();
    panel.onDidChangeViewState(track);
    showReplay(this.services, panel, loaded);
  }
}
