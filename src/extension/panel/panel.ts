// The QueueScope panel on the host side: one webview panel (createOrShow, revived after a
// window reload by a WebviewPanelSerializer), a fresh nonce per render, a strict CSP, and a
// PanelFeed that sends the model to the webview after its 'ready' handshake. Every message
// from the webview is validated; a wrong one is logged and ignored. Beside the feed's
// messages the panel posts the findings strip of the session it shows (services.diagnostics,
// rows from src/diagnostics/strip.ts): after every 'init' (a session switch or a reload) and
// whenever that session's findings change, so the strip agrees with Problems and the tree.
// A live panel also says which running debug sessions have no hub ('noHub'), and why.

import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, validateWebviewMessage, type HostMessage, type OpenSourceMessage, type PanelMode } from '../../protocol/webview';
import type { PanelRecordingTools } from '../qscopeFiles/panelTools';
import type { ExtensionServices } from '../services';
import { openSite } from '../views/openSite';
import { PanelFeed, type FeedOptions } from '../../host/panel/feed';
import { buildPanelHtml, makeNonce } from '../../host/panel/html';
import { FirstQueueReveal } from '../../host/panel/autoReveal';
import { findingsStripRows } from '../../diagnostics/strip';

export const SHOW_PANEL_COMMAND = 'queuescope.showPanel';
/** Registered by the extension core (commands.ts). */
const CLEAR_ENDED_COMMAND = 'queuescope.clearEndedSessions';
/** Registered by the debug terminal's part (sessions/debugTerminal.ts). */
const OPEN_DEBUG_TERMINAL_COMMAND = 'queuescope.openDebugTerminal';
/** A panel hidden this close to a pause was hidden by the pause (see keepVisibleOnPause). */
const PAUSE_HIDE_MS = 3000;

export class QueueScopePanel implements vscode.Disposable {
  private static current: QueueScopePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly feed: PanelFeed;
  /** A live panel (not a recording's): it also says which running debug sessions have no hub. */
  private readonly live: boolean;
  /** The session of the last 'init' sent: the one whose findings the strip shows. */
  private shown: string | null = null;
  /** Messages sent and their JSON size, for the panel's own measurements (see docs/PANEL.md). */
  readonly stats = { messages: 0, bytes: 0 };

  /**
   * Show the panel (creating it if needed), optionally on one session. `preserveFocus`
   * leaves the focus in the editor (the panel opened by itself). A new panel opens beside
   * the active editor, in its own group, so a pause that brings the editor forward does not
   * hide it.
   */
  static createOrShow(services: ExtensionServices, session?: string, preserveFocus = false): QueueScopePanel {
    if (QueueScopePanel.current) {
      QueueScopePanel.current.panel.reveal(undefined, preserveFocus);
      if (session) QueueScopePanel.current.feed.show(session);
      return QueueScopePanel.current;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'QueueScope', { viewColumn: column, preserveFocus }, webviewOptions(services.context.extensionUri));
    QueueScopePanel.current = new QueueScopePanel(panel, services);
    if (session) QueueScopePanel.current.feed.show(session);
    return QueueScopePanel.current;
  }

  /** After a window reload: take over the restored panel. */
  static revive(panel: vscode.WebviewPanel, services: ExtensionServices): QueueScopePanel {
    QueueScopePanel.current?.dispose();
    QueueScopePanel.current = new QueueScopePanel(panel, services);
    return QueueScopePanel.current;
  }

  /**
   * Show one session in a webview panel VS Code created for us (the .qscope recording
   * editor), in replay mode. Not the singleton: each recording editor has its own.
   */
  static showIn(panel: vscode.WebviewPanel, services: ExtensionServices, session: string, feed: Pick<FeedOptions, 'waitHistory'> = {}): QueueScopePanel {
    const host = new QueueScopePanel(panel, services, 'replay', feed);
    host.feed.select(session); // pinned: a live session starting later does not take over
    return host;
  }

  /** Handlers of the recording tools' messages (set by the recording part, src/extension/qscopeFiles/). */
  static recordingTools: PanelRecordingTools | undefined;

  /** Brings an open recording's editor forward; false when `session` is no open recording (set there too). */
  static revealRecording: ((session: string) => boolean) | undefined;

  /** The open panel, if any (extension-host tests). */
  static get instance(): QueueScopePanel | undefined {
    return QueueScopePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    mode: PanelMode = 'live',
    feedOptions: Pick<FeedOptions, 'waitHistory'> = {},
  ) {
    this.live = mode === 'live';
    const webview = panel.webview;
    webview.options = webviewOptions(services.context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'queuescope-panel.svg');
    this.feed = new PanelFeed(services.model, (msg) => this.post(msg), { mode, ...feedOptions });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      services.diagnostics?.onDidChange((c) => {
        if (c.session === this.shown) this.postFindings();
      }) ?? { dispose() {} },
      // Hidden webviews are destroyed (no retainContextWhenHidden); when shown again the page
      // reloads, restores its view state and says 'ready', and gets a fresh init then.
    );
    if (this.live) {
      this.keepVisibleOnPause();
      this.disposables.push(services.sessions.onDidChangeNoHub(() => this.postNoHub()));
    }
    this.render();
  }

  /**
   * A pause brings the paused file forward in the active editor group. When that group is the
   * panel's own (the panel was opened with no editor, or focus was in the panel on F6), the
   * panel would be hidden behind the editor: move it to the group beside instead, without
   * taking focus (issue #11 item 2). Only a hide within PAUSE_HIDE_MS of a pause counts, in
   * either order (the two events reach the extension host separately); a tab the user picks
   * later is left alone.
   */
  private keepVisibleOnPause(): void {
    let pausedAt = -Infinity;
    let hiddenAt = -Infinity;
    const moveBeside = () => {
      pausedAt = hiddenAt = -Infinity;
      if (!this.panel.visible) this.panel.reveal(vscode.ViewColumn.Beside, true);
    };
    this.disposables.push(
      vscode.debug.onDidChangeActiveStackItem((item) => {
        if (item === undefined) return;
        pausedAt = Date.now();
        if (pausedAt - hiddenAt <= PAUSE_HIDE_MS) moveBeside();
      }),
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) return;
        hiddenAt = Date.now();
        if (hiddenAt - pausedAt <= PAUSE_HIDE_MS) moveBeside();
      }),
    );
  }

  /** (Re)load the page with a fresh nonce. */
  private render(): void {
    const webview = this.panel.webview;
    const root = this.services.context.extensionUri;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(root, ...p)).toString();
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('dist', 'webview', 'main.js'),
      styleUris: [asset('dist', 'webview', 'codicon.css'), asset('dist', 'webview', 'uPlot.min.css'), asset('media', 'panel.css')],
    });
  }

  private post(msg: HostMessage): void {
    this.stats.messages++;
    this.stats.bytes += JSON.stringify(msg).length;
    void this.panel.webview.postMessage(msg);
    if (msg.type === 'init') {
      this.shown = msg.session?.id ?? null;
      this.postFindings();
    }
  }

  /** Every running debug session without a hub (what the panel says of each: webview/main.ts). */
  private postNoHub(): void {
    if (this.live) this.post({ type: 'noHub', sessions: this.services.sessions.noHubSessions() });
  }

  /** The whole findings strip of the shown session (an empty list clears it). */
  private postFindings(): void {
    const diagnostics = this.services.diagnostics;
    if (!this.shown || !diagnostics) return;
    this.post({ type: 'findings', session: this.shown, rows: findingsStripRows(diagnostics.findings(this.shown), Date.now()) });
  }

  private onMessage(raw: unknown): void {
    const v = validateWebviewMessage(raw);
    if (!v.ok) {
      this.services.output.warn(`panel: ignored a message from the webview: ${v.error}`);
      return;
    }
    const msg = v.message;
    switch (msg.type) {
      case 'ready':
        this.feed.ready(msg.session, msg.pinned === true);
        this.postNoHub();
        break;
      case 'selectSession':
        if (!this.feed.select(msg.session)) this.services.output.warn(`panel: unknown session ${JSON.stringify(msg.session)} ignored`);
        break;
      case 'openSource':
        void this.openSource(msg);
        break;
      case 'cursor': {
        const state = QueueScopePanel.recordingTools?.cursor(msg);
        if (state) this.post(state);
        break;
      }
      case 'exportPng':
        void QueueScopePanel.recordingTools?.exportPng(msg);
        break;
      case 'saveRecording':
        void QueueScopePanel.recordingTools?.saveRecording(msg.session);
        break;
      case 'clearEnded':
        void vscode.commands.executeCommand(CLEAR_ENDED_COMMAND);
        break;
      case 'openDebugTerminal':
        void vscode.commands.executeCommand(OPEN_DEBUG_TERMINAL_COMMAND);
        break;
    }
  }

  /** Open a call site, but only one the model saw in that session: the webview renders program data. */
  private async openSource(msg: OpenSourceMessage): Promise<void> {
    if (!this.feed.isKnownCallSite(msg.session, msg.file)) {
      this.services.output.warn(`panel: refused to open ${JSON.stringify(msg.file)}: not a call site of session ${JSON.stringify(msg.session)}`);
      return;
    }
    try {
      await openSite(this.services, { file: msg.file, line: msg.line, column: msg.column, fn: '' }, msg.session);
    } catch (err) {
      this.services.output.warn(`panel: could not open ${msg.file}: ${String(err)}`);
    }
  }

  dispose(): void {
    if (QueueScopePanel.current === this) QueueScopePanel.current = undefined;
    this.feed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the built webview bundle and the media folder can be loaded.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Register the command and the serializer; called once from activate(). */
export function registerPanel(context: vscode.ExtensionContext, services: ExtensionServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_PANEL_COMMAND, (arg?: unknown) => {
      // From the tree (a session node) or a caller with a session id.
      const session = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { session?: unknown }).session === 'string' ? (arg as { session: string }).session : undefined;
      if (session !== undefined && QueueScopePanel.revealRecording?.(session)) return;
      QueueScopePanel.createOrShow(services, session);
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        QueueScopePanel.revive(panel, services);
      },
    }),
    { dispose: () => QueueScopePanel.instance?.dispose() },
  );
  // F5 on the user's own program: the panel opens at the session's first queue, without
  // taking focus (setting queuescope.panel.revealOnFirstQueue). The feed selects the session.
  const reveal = new FirstQueueReveal(services.model);
  context.subscriptions.push(
    services.model.onDidChange((c) => {
      if (reveal.onChange(c, services.settings()['panel.revealOnFirstQueue'])) QueueScopePanel.createOrShow(services, undefined, true);
    }),
  );
}
