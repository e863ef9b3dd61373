// Finds the debug sessions to poll and drives one SessionPoller per session: js-debug
// child sessions (one per process and per worker; the top-level parent never answers
// evaluate), launch and attach alike. A DebugAdapterTracker reports pause requests and
// stopped/continued events to the poller.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueModel } from '../../model/store';
import { JS_DEBUG_TYPES } from './arm';
import { SessionPoller, type EvaluateTarget, type PollerLog } from './poller';
import type { SettingsValues } from '../settingDefaults';

/** Requests that let the program run: polling resumes unless a stop follows quickly. */
const RUN_REQUESTS = new Set(['continue', 'reverseContinue']);
const STEP_REQUESTS = new Set(['next', 'stepIn', 'stepOut', 'stepBack', 'restartFrame', 'goto']);

/** Resume polling this long after a step request unless the step stops first. */
const STEP_GRACE_MS = 500;

/** The top-level session a session belongs to (itself when it has no parent). */
export function rootSession(session: vscode.DebugSession): vscode.DebugSession {
  let s = session;
  while (s.parentSession) s = s.parentSession;
  return s;
}

/** evaluate through DAP: no frameId (global scope), context "copy" (raw, uncut string). */
export function debugSessionTarget(session: vscode.DebugSession): EvaluateTarget {
  return {
    async evaluate(expression: string): Promise<string> {
      const response = (await session.customRequest('evaluate', { expression, context: 'copy' })) as { result?: unknown };
      return typeof response?.result === 'string' ? response.result : String(response?.result);
    },
    async pause(): Promise<void> {
      const { threads } = (await session.customRequest('threads')) as { threads: { id: number }[] };
      for (const t of threads) await session.customRequest('pause', { threadId: t.id });
    },
  };
}

interface Watched {
  session: vscode.DebugSession;
  poller: SessionPoller;
}

export class SessionWatcher implements vscode.Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Folders each model session's program lives in (kept after it ends, for opening call sites). */
  private readonly roots = new Map<string, Set<string>>();

  constructor(
    private readonly model: QueueModel,
    private readonly log: PollerLog,
    private readonly settings: () => SettingsValues,
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.terminated(s)),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (s) => (this.isPollable(s) ? this.tracker(s) : undefined),
      }),
    );
    // Sessions already running when the extension activated.
    const active = vscode.debug.activeDebugSession;
    if (active) this.started(active);
  }

  /** The debug session a model session id (top-level session id) stands for, while it runs. */
  debugSession(modelSession: string): vscode.DebugSession | undefined {
    for (const w of this.watched.values()) {
      const root = rootSession(w.session);
      if (root.id === modelSession) return root;
    }
    return undefined;
  }

  /** The child debug session a source is read through (ModelSource.channel), while it runs. */
  channelSession(channel: string): vscode.DebugSession | undefined {
    return this.watched.get(channel)?.session;
  }

  /** Folders of a model session's program: its cwd, program folder, attach localRoot. */
  rootsOf(modelSession: string): string[] {
    return [...(this.roots.get(modelSession) ?? [])];
  }

  private rememberRoots(root: vscode.DebugSession, session: vscode.DebugSession): void {
    const set = this.roots.get(root.id) ?? new Set<string>();
    for (const c of [root.configuration, session.configuration]) {
      for (const key of ['cwd', 'localRoot', 'webRoot']) {
        const v = c[key];
        if (typeof v === 'string' && path.isAbsolute(v)) set.add(v);
      }
      if (typeof c.program === 'string' && path.isAbsolute(c.program)) set.add(path.dirname(c.program));
    }
    this.roots.set(root.id, set);
  }

  /** Pollers by child session id (diagnostics and tests). */
  get pollers(): ReadonlyMap<string, SessionPoller> {
    return new Map([...this.watched].map(([id, w]) => [id, w.poller]));
  }

  private isPollable(session: vscode.DebugSession): boolean {
    return JS_DEBUG_TYPES.includes(session.type) && session.parentSession !== undefined;
  }

  private started(session: vscode.DebugSession): void {
    if (!this.isPollable(session) || this.watched.has(session.id)) return;
    const root = rootSession(session);
    this.rememberRoots(root, session);
    const settings = this.settings;
    const poller = new SessionPoller(debugSessionTarget(session), this.model, root.id, session.id, this.log, {
      intervalMs: () => settings().pollIntervalMs,
      adaptive: {}, // issue #17: back off while idle, bound bytes/s and debuggee time
      itemPreviewCount: () => settings().itemPreviewCount,
      sessionName: root.name,
    });
    this.watched.set(session.id, { session, poller });
    poller.start();
  }

  private terminated(session: vscode.DebugSession): void {
    const w = this.watched.get(session.id);
    if (w) {
      w.poller.stop();
      this.watched.delete(session.id);
    }
    const root = rootSession(session);
    if (session === root) {
      // The whole launch/attach ended: its children end with it.
      for (const [id, x] of [...this.watched]) {
        if (rootSession(x.session).id !== root.id) continue;
        x.poller.stop();
        this.watched.delete(id);
      }
    }
    // The model keeps the recording as 'ended' until the user clears it.
    const stillRunning = [...this.watched.values()].some((x) => rootSession(x.session).id === root.id);
    if (!stillRunning) this.model.endSession(root.id);
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const poller = (): SessionPoller | undefined => this.watched.get(session.id)?.poller;
    return {
      onWillReceiveMessage: (m: { type?: string; command?: string }) => {
        if (m.type !== 'request' || !m.command) return;
        if (m.command === 'pause') poller()?.pauseRequested();
        else if (RUN_REQUESTS.has(m.command)) poller()?.continued();
        else if (STEP_REQUESTS.has(m.command)) poller()?.stepRequested(STEP_GRACE_MS);
      },
      onDidSendMessage: (m: { type?: string; event?: string }) => {
        if (m.type !== 'event') return;
        if (m.event === 'stopped') void poller()?.stopped();
        else if (m.event === 'continued') poller()?.continuedEvent();
      },
    };
  }

  dispose(): void {
    for (const w of this.watched.values()) w.poller.stop();
    this.watched.clear();
    for (const d of this.disposables) d.dispose();
  }
}
