// Finds the debug sessions to poll and drives one SessionPoller per session: js-debug
// child sessions (one per process and per worker; the top-level parent never answers
// evaluate), launch and attach alike. A DebugAdapterTracker reports pause requests and
// stopped/continued events to the poller. Each poller may hand over to a push channel
// through js-debug's CDP proxy (cdpProxy.ts, issue #17), evaluate polling staying the fallback.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueModel } from '../../model/store';
import type { NoHubHow, NoHubSession } from '../../protocol/webview';
import { EXIT_TAIL_DIR_ENV, JS_DEBUG_TYPES } from '../../host/sessions/arm';
import { applyUnattachedTail, type ExitTailFile } from '../../host/sessions/exitTail';
import { SessionPoller, type EvaluateTarget, type PollerLog } from '../../host/sessions/poller';
import { processGone, reloadOf } from '../../host/sessions/reload';
import { STREAM_LIB, type AttachInfo } from '../../protocol/wire';
import type { SettingsValues } from '../../host/settingDefaults';
import { POLLER_DEFAULTS } from '../../host/sessions/pollerDefaults';
import { boundScriptCache } from '../../host/polling/scriptCache';
import { jsDebugConnection, jsDebugFormatterFetcher, jsDebugPushSource } from './cdpProxy';

/** Requests that let the program run: polling resumes unless a stop follows quickly. */
const RUN_REQUESTS = new Set(['continue', 'reverseContinue']);
const STEP_REQUESTS = new Set(['next', 'stepIn', 'stepOut', 'stepBack', 'restartFrame', 'goto']);
/** The user stops the program (or restarts it) from the debugger: it may be killed without its exit hooks. */
const STOP_REQUESTS = new Set(['disconnect', 'terminate', 'restart']);
/** The adapter says the program is over: stop requests after these are VS Code's clean-up. */
const END_EVENTS = new Set(['terminated', 'exited']);

/** Resume polling this long after a step request unless the step stops first. */
const STEP_GRACE_MS = 500;
/**
 * A process of the current run ended while its launch runs on: how long the run waits for
 * another process of the launch before it ends. A runner js-debug does not debug itself
 * (`node --test` with one file at a time) starts the next test file at once, but its debug
 * session came up 1.25 s after the one before had started here, 0.5-0.9 s after it ended;
 * a restart does not wait it out (runOf ends the run before at once).
 */
const RUN_END_GRACE_MS = 3000;
/**
 * A program still without a hub after this long was not started with QueueScope's preload
 * (which makes one at once): time to say so, and what would give it one.
 */
const NO_HUB_HINT_MS = 3000;

/** How the launch a hub-less session belongs to was started (what would give it a hub). */
function noHubHow(root: vscode.DebugSession): NoHubHow {
  if (root.type === 'node-terminal') return 'terminal';
  return root.configuration.request === 'attach' ? 'attach' : 'launch';
}

/**
 * What program a process's debug session runs, as js-debug names it ("app.js [4242] « My
 * launch"): the name without its pid and its launch. Two processes with the same name are
 * the same program run again.
 */
export function programOf(session: { name: string }): string {
  return session.name.replace(/\s*«.*$/s, '').replace(/\s*\[\d+\]\s*$/, '');
}

/**
 * A debug session of a process ("app.js [4242]"), not of a worker thread ("[worker 1]"):
 * js-debug names a process's session after its program and pid.
 */
export function isProcessSession(session: { name: string }): boolean {
  return /\[\d+\]/.test(session.name.replace(/\s*«.*$/s, ''));
}

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

/**
 * A process started by another process of a launch (SessionWatcher.supervisedRunOf): which
 * supervisor (`parent`), which program, in which run; when it ended, and its poller (how it
 * ended: SessionPoller.endReason). `candidate`: the same parent ran the same program before
 * in this run: a reload or the next job, if all of those have ended when its hub answers
 * (SessionWatcher.reloadAtAttach decides).
 */
interface Supervised {
  root: string;
  parent: string;
  program: string;
  run: string;
  ended: boolean;
  /** Epoch ms its end was reported. */
  endedAt?: number;
  poller?: SessionPoller;
  candidate: boolean;
}

interface Watched {
  session: vscode.DebugSession;
  poller: SessionPoller;
  /** The model session it feeds: its launch's, of the run it started in (modelSessionOf). */
  modelSession: string;
}

/**
 * The exit tail of one polled session: a file in a folder of this extension host's own,
 * which the debuggee writes when it ends (src/trace/exitTail.ts). A debuggee on another
 * machine (remote attach) cannot write here; it then ends at its last poll, as before.
 */
function exitTailFile(dir: string, sessionId: string): ExitTailFile {
  const file = path.join(dir, `${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.ndjson`);
  return {
    path: file,
    read: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
    remove: () => fs.rmSync(file, { force: true }),
  };
}

export class SessionWatcher implements vscode.Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Child sessions polled for NO_HUB_HINT_MS without finding a hub, until one answers or the session ends. */
  private readonly hubless = new Map<string, NoHubSession>();
  private readonly noHubChanged = new vscode.EventEmitter<{ added?: NoHubSession }>();
  /** The list of noHubSessions() changed; `added` is a session just found to have no hub. */
  readonly onDidChangeNoHub = this.noHubChanged.event;
  /** Folders each model session's program lives in (kept after it ends, for opening call sites). */
  private readonly roots = new Map<string, Set<string>>();
  /** Where debuggees write their exit tails: one folder per extension host, removed on dispose. */
  private readonly tailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'queuescope-tails-'));
  private launches = 0;
  /** Pollers still finishing (reading exit tails), per model session: it ends after them. */
  private readonly finishing = new Map<string, Set<Promise<void>>>();
  /** Runs after the first per top-level session (Debug: Restart, a reload): each a model session of its own. */
  private readonly reruns = new Map<string, number>();
  private disposed = false;
  /** Per model session (run): the pending end of a run whose last process ended while its launch runs on. */
  private readonly runEndTimers = new Map<string, { timer: ReturnType<typeof setTimeout>; end: () => void }>();
  /** Per model session (run): the programs of the launch's own processes in it (programOf). */
  private readonly runPrograms = new Map<string, Set<string>>();
  /**
   * Processes started by another process of a launch (a supervisor: `tsx watch`, npm running
   * `node --watch`, nodemon), by child session id: which supervisor, which program, in which
   * run, and whether it ended. A supervisor starting the same program again after it ended
   * may be a reload (supervisedRunOf, reloadAtAttach).
   */
  private readonly supervised = new Map<string, Supervised>();

  constructor(
    private readonly model: QueueModel,
    private readonly log: PollerLog,
    private readonly settings: () => SettingsValues,
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.terminated(s)),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        // Every js-debug session, the launch's own too: VS Code may send Stop to it rather
        // than to its children (whose pollers the other requests and events are for).
        createDebugAdapterTracker: (s) => (JS_DEBUG_TYPES.includes(s.type) ? this.tracker(s) : undefined),
      }),
    );
    // Sessions already running when the extension activated.
    const active = vscode.debug.activeDebugSession;
    if (active) this.started(active);
  }

  /**
   * The model session a launch's processes feed now: the top-level session's id, and for its
   * n-th run after the first `<id>~<n>` (Debug: Restart, or a reload: runOf). js-debug
   * restarts a launch in the same top-level session; fed into one model session, the new
   * run's queues sat beside the killed run's, the old ones still selected.
   */
  modelSessionOf(root: vscode.DebugSession): string {
    const n = this.reruns.get(root.id);
    return n ? `${root.id}~${n}` : root.id;
  }

  /**
   * The model session a session starting now in `root` feeds. A process of the launch's own
   * (js-debug nests a child process under its parent's session, and a worker under its
   * process's) after one that already fed the launch is a new run of the program: Debug:
   * Restart, `node --watch` or nodemon reloading it after an edit (an attach with
   * `restart: true` reconnecting, untested). Those runs all fed one model session, each a new
   * row beside the dead ones. The old process's session may end after the new one starts.
   */
  private runOf(root: vscode.DebugSession, session: vscode.DebugSession): string {
    const current = this.modelSessionOf(root);
    const parent = session.parentSession;
    if (parent !== undefined && parent.id !== root.id) return this.supervisedRunOf(root, session, parent, current);
    if (parent?.id !== root.id) return current;
    // A new run starts the same program again. A runner js-debug does not debug itself
    // (`node --test`) starts its test files as processes of the launch too, one after the
    // other: a different program is one more process of this run, not a new run.
    const program = programOf(session);
    const seen = this.runPrograms.get(current);
    const run = this.model.session(current);
    const rerun = (run?.sources.size ?? 0) > 0 && (seen === undefined || seen.has(program) || run?.state === 'ended');
    if (rerun) {
      this.reruns.set(root.id, (this.reruns.get(root.id) ?? 0) + 1);
      // The run before is over now (Restart after its process had ended): no grace to wait out.
      this.runEndTimers.get(current)?.end();
    }
    const next = this.modelSessionOf(root);
    this.cancelRunEnd(next); // a process joined the run: it does not end now
    const programs = this.runPrograms.get(next) ?? new Set<string>();
    programs.add(program);
    this.runPrograms.set(next, programs);
    return next;
  }

  /**
   * The run a process started by another process of the launch feeds, as it starts: the
   * current one. A supervisor that reloads its program after an edit (`tsx watch`, nodemon;
   * `npm run dev` with `node --watch`, whose watcher js-debug does not debug, so the program
   * is nested under npm's process) starts the same program again once the one before has
   * ended; so does a program that runs a job's process after another (a plain orchestrator, a
   * cluster primary re-forking a crashed worker), which is one run. Which of the two it is
   * shows in how the earlier one ended and when the new one started, known once its hub
   * answers (reloadAtAttach): such a process is only marked a candidate here. Not a
   * candidate: a worker thread, a process of the same program as its parent (a cluster's
   * worker: the primary forks its own script), a process whose parent has queues of its own
   * (a program that forks a job's process after another's: the program is the parent), a
   * different program (a runner's next test file). The same program while an instance of it
   * still runs under that parent (two started at once) is a candidate, but stays in the run
   * if that instance still runs when the new one's hub answers.
   */
  private supervisedRunOf(root: vscode.DebugSession, session: vscode.DebugSession, parent: vscode.DebugSession, current: string): string {
    const program = programOf(session);
    if (!isProcessSession(session) || programOf(parent) === program || this.hasOwnQueues(parent.id)) return current;
    // Whether the earlier instances have all ended is asked at the attach, not here: VS Code
    // may start the new process's session before it reports the old one's end (a loaded CI
    // machine: nodemon's reload stayed in the run before, 2026-12-05).
    const candidate = [...this.supervised.values()].some((p) => p.parent === parent.id && p.program === program && p.run === current);
    this.supervised.set(session.id, { root: root.id, parent: parent.id, program, run: current, ended: false, candidate });
    return current;
  }

  /**
   * The run a candidate reload (supervisedRunOf) feeds, decided when its hub first answers
   * (SessionPoller's runAtAttach): a new run when the latest earlier instance under the same
   * parent was killed by a signal (a watcher's SIGTERM; nodemon's SIGUSR2, an empty tail), or
   * ended by itself at least RELOAD_GAP_MS before this process started (an edit after the
   * program finished or crashed: src/host/sessions/reload.ts); else one more process of the
   * run (an orchestrator's next job, started at once after a normal end or a crash). An
   * earlier instance whose end VS Code has not reported yet has ended if its process is gone.
   * Undefined: the run it started in.
   */
  private reloadAtAttach(id: string, info: AttachInfo): string | undefined {
    const entry = this.supervised.get(id);
    const w = this.watched.get(id);
    if (!entry?.candidate || w === undefined) return undefined;
    entry.candidate = false;
    const root = rootSession(w.session);
    const current = this.modelSessionOf(root);
    if (entry.run !== current || w.modelSession !== current) return undefined;
    const instances = [...this.supervised].filter(([other, p]) => other !== id && p.parent === entry.parent && p.program === entry.program && p.run === current);
    if (instances.length === 0) return undefined;
    // An end VS Code has not reported yet, of a process that is gone (processGone).
    if (root.configuration.request !== 'attach') {
      for (const [other, p] of instances) {
        if (p.ended || !this.processOfGone(p)) continue;
        this.log.info(`${w.session.name}: the earlier instance's process is gone; its end was not reported yet`);
        this.supervisedEnded(other);
      }
    }
    const earlier = instances.map(([, p]) => p);
    if (!earlier.every((p) => p.ended)) {
      this.log.info(`${w.session.name}: one more process of the run (an earlier instance of the program still runs)`);
      return undefined;
    }
    const last = earlier.reduce((a, b) => ((b.endedAt ?? 0) > (a.endedAt ?? 0) ? b : a));
    const reason = last.poller?.endReason();
    const gap = info.origin - (last.endedAt ?? 0);
    const why = reloadOf({ reason, endedAt: last.endedAt ?? 0 }, info.origin);
    this.log.info(`${w.session.name}: ${why === undefined ? 'one more process of the run' : `a reload (${why}): a new run`} (the one before ended by ${reason ?? 'unknown'}, ${Math.round(gap)} ms before it started)`);
    if (why === undefined) return undefined;
    const next = this.startReload(root, current, w.session);
    entry.run = next;
    return next;
  }

  /** The process a supervised poller read no longer exists (unknown pid: it may run). */
  private processOfGone(p: Supervised): boolean {
    const key = p.poller?.sourceKey;
    const pid = key === undefined ? undefined : this.model.source(p.poller!.modelSession, key)?.info.pid;
    return pid !== undefined && processGone(pid);
  }

  /**
   * A supervised process `joining` begins the launch's next run. What of the run before still
   * runs (the supervisor, the new process's worker threads) goes on in the new run; the run
   * before then ends at once, with its own processes' queues and findings.
   */
  private startReload(root: vscode.DebugSession, current: string, joining: vscode.DebugSession): string {
    this.reruns.set(root.id, (this.reruns.get(root.id) ?? 0) + 1);
    const next = this.modelSessionOf(root);
    const programs = new Set<string>();
    for (const [id, w] of this.watched) {
      // An ended process whose session has not terminated yet stays in the run before, and so
      // do its worker threads (their sessions may end after the new process attached).
      if (w.modelSession !== current || this.processEnded(w.session)) continue;
      w.modelSession = next;
      if (id !== joining.id) void w.poller.moveTo(next); // the joining one attaches in it
      if (w.session.parentSession?.id === root.id) programs.add(programOf(w.session));
    }
    for (const p of this.supervised.values()) if (p.run === current && !p.ended) p.run = next;
    this.runPrograms.set(next, programs);
    for (const folder of this.roots.get(current) ?? []) this.rememberRoots(next, root, joining, folder);
    // The run before ends now (or once its exit tails are read): no grace to wait out.
    this.cancelRunEnd(current);
    this.endRun(current, root, false);
    return next;
  }

  /** The session, or the process session it is a worker thread of, said it ended. */
  private processEnded(session: vscode.DebugSession): boolean {
    for (let s: vscode.DebugSession | undefined = session; s !== undefined; s = s.parentSession) {
      if (this.endReported.has(s.id) || this.supervised.get(s.id)?.ended) return true;
      if (isProcessSession(s)) return false; // its process's session: the processes above run on
    }
    return false;
  }

  /**
   * A polled child session's realm has queues in the model (a program, not a tool that runs
   * one). Streams do not count: a supervisor that pipes its child's output (nodemon) has
   * `pipe › Socket readable` and `writable` queues of its own.
   */
  private hasOwnQueues(childId: string): boolean {
    const w = this.watched.get(childId);
    const key = w?.poller.sourceKey;
    const queues = key === undefined ? undefined : this.model.source(w!.modelSession, key)?.queues;
    return [...(queues?.values() ?? [])].some((q) => q.lib !== STREAM_LIB);
  }

  /**
   * End a model session (run) once none of its pollers runs and its exit tails are in.
   * `launchEnded`: its top-level session ended (the launch's run count starts over).
   */
  private endRun(modelSession: string, root: vscode.DebugSession, launchEnded: boolean): void {
    if (this.disposed) return;
    if (this.hasProcess(modelSession) || this.isFinishing(modelSession)) return;
    this.finishing.delete(modelSession);
    this.mainEnded.delete(modelSession);
    this.runPrograms.delete(modelSession);
    if (launchEnded && modelSession === this.modelSessionOf(root)) this.reruns.delete(root.id);
    if (this.model.session(modelSession)) this.model.endSession(modelSession);
  }

  /** A process of the model session is still watched (polled). */
  private hasProcess(modelSession: string): boolean {
    return [...this.watched.values()].some((x) => x.modelSession === modelSession);
  }

  /** A poller of the model session is still finishing (reading its exit tail). */
  private isFinishing(modelSession: string): boolean {
    return (this.finishing.get(modelSession)?.size ?? 0) > 0;
  }

  /**
   * While a model session waits for exit tails (every process of it ended, the session not
   * yet): a promise that resolves when it ends (its last exit tails read) or `timeoutMs`
   * passes. Undefined if there is nothing to wait for: it ended, or a process still runs.
   * Saving right after the program exits waits for this, so that the copy ends with the
   * program's last moments instead of a "saved while running" mark.
   */
  settling(modelSession: string, timeoutMs: number): Promise<void> | undefined {
    const state = this.model.session(modelSession)?.state;
    if (!this.isFinishing(modelSession) || this.hasProcess(modelSession) || state === undefined || state === 'ended') return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const sub = this.model.onDidApplyInput((input) => {
        if ((input.kind === 'endSession' || input.kind === 'removeSession') && input.session === modelSession) done();
      });
    });
  }

  /** The debug session a model session stands for, while it runs. */
  debugSession(modelSession: string): vscode.DebugSession | undefined {
    for (const w of this.watched.values()) if (w.modelSession === modelSession) return rootSession(w.session);
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

  private rememberRoots(modelSession: string, root: vscode.DebugSession, session: vscode.DebugSession, also?: string): void {
    const set = this.roots.get(modelSession) ?? new Set<string>();
    if (also !== undefined) set.add(also);
    for (const c of [root.configuration, session.configuration]) {
      for (const key of ['cwd', 'localRoot', 'webRoot']) {
        const v = c[key];
        if (typeof v === 'string' && path.isAbsolute(v)) set.add(v);
      }
      if (typeof c.program === 'string' && path.isAbsolute(c.program)) set.add(path.dirname(c.program));
    }
    this.roots.set(modelSession, set);
  }

  /** Running debug sessions in which no hub has answered for seconds (the panel says why). */
  noHubSessions(): NoHubSession[] {
    return [...this.hubless.values()];
  }

  private hubFound(childId: string): void {
    if (this.hubless.delete(childId)) this.noHubChanged.fire({});
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
    const modelSession = this.runOf(root, session);
    this.rememberRoots(modelSession, root, session);
    const settings = this.settings;
    const intervalMs = (): number => settings().pollIntervalMs;
    // Every child session (process or worker) gets its own proxy: js-debug proxies the CDP of
    // the target behind that session. Where it has none, the poller keeps evaluating.
    const push = settings().pushChannel ? jsDebugPushSource(session, { intervalMs, maxBytes: POLLER_DEFAULTS.maxBytes }) : undefined;
    // Without push, polls still compile no script: each drain is read through the hub's
    // custom object formatter over the same proxy (src/host/polling/formatterFetch.ts).
    const fetch = settings().formatterPolling ? jsDebugFormatterFetcher(session, { maxBytes: POLLER_DEFAULTS.maxBytes }) : undefined;
    const poller = new SessionPoller(debugSessionTarget(session), this.model, modelSession, session.id, this.log, {
      push,
      fetch,
      intervalMs: () => settings().pollIntervalMs,
      adaptive: {}, // issue #17: back off while idle, bound bytes/s and debuggee time
      itemPreviewCount: () => settings().itemPreviewCount,
      sessionName: root.name,
      exitTail: exitTailFile(this.tailDir, session.id),
      // An armed launch has the preload, whose hub answers from the first moment; a program
      // in js-debug's own terminal ("Node.js Process", type node-terminal), one attached to,
      // or a launch not armed may never have one.
      onNoHub: (looked) => {
        if (looked < NO_HUB_HINT_MS || this.hubless.has(session.id)) return;
        const added: NoHubSession = { name: session.name, how: noHubHow(root) };
        this.hubless.set(session.id, added);
        this.noHubChanged.fire({ added });
      },
      onAttached: () => this.hubFound(session.id),
      runAtAttach: (info) => this.reloadAtAttach(session.id, info),
    });
    const supervised = this.supervised.get(session.id);
    if (supervised) supervised.poller = poller;
    this.watched.set(session.id, { session, poller, modelSession });
    poller.start();
    if (settings().boundDebuggeeScriptCache) {
      // Each evaluate poll leaves a collected script the inspector would keep for good.
      const bound = boundScriptCache(() => jsDebugConnection(session)).then((why) => {
        if (why) this.log.info(`${session.name}: the debuggee's script cache stays unbounded (${why}); evaluate polls grow its memory ~0.5 KB each`);
        return why;
      });
      this.scriptCacheBounds.set(session.id, bound);
    }
  }

  /** Per child session: resolves undefined once its inspector's script cache is bounded, else why not (tests). */
  readonly scriptCacheBounds = new Map<string, Promise<string | undefined>>();

  /** A folder for one launch's unattached exit tails (QUEUESCOPE_EXIT_TAIL_DIR). */
  newLaunchTailDir(): string {
    const dir = path.join(this.tailDir, `launch-${++this.launches}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  private terminated(session: vscode.DebugSession): void {
    const root = rootSession(session);
    const ending = new Set<string>();
    const finish = (id: string, x: Watched): void => {
      ending.add(x.modelSession);
      const pending = this.finishing.get(x.modelSession) ?? new Set<Promise<void>>();
      this.finishing.set(x.modelSession, pending);
      const p = x.poller.finish();
      pending.add(p);
      void p.finally(() => pending.delete(p));
      this.watched.delete(id);
      this.scriptCacheBounds.delete(id);
    };
    this.hubFound(session.id);
    this.supervisedEnded(session.id);
    const w = this.watched.get(session.id);
    if (w) finish(session.id, w);
    this.endReported.delete(session.id);
    if (session === root) {
      ending.add(this.modelSessionOf(root));
      for (const [id, p] of [...this.supervised]) if (p.root === root.id) this.supervised.delete(id);
      // The whole launch/attach ended: its children end with it. One whose own session did
      // not say it ended (a forked child that outlives the launch) was not killed: no news.
      for (const [id, x] of [...this.watched]) {
        if (rootSession(x.session).id !== root.id) continue;
        if (!this.endReported.has(id)) x.poller.stopRequested();
        this.hubFound(id);
        finish(id, x);
      }
    }
    // The model keeps the recording as 'ended' until the user clears it; it ends once every
    // exit tail of the launch is in (a child may still be reading its own when the root ends),
    // so the session ends with the program's real final state.
    for (const modelSession of ending) {
      void Promise.all([...(this.finishing.get(modelSession) ?? [])]).then(() => {
        if (modelSession === this.modelSessionOf(root)) this.applyUnattachedTails(root, session === root);
        const end = (): void => this.endRun(modelSession, root, session === root);
        // The launch ended, or this was an earlier run: the run ends now. Else its launch may
        // start another process of the run in a moment (a test runner's next file): one
        // timer per run, armed again by each end and cancelled when a process joins.
        this.cancelRunEnd(modelSession);
        if (session !== root && modelSession === this.modelSessionOf(root)) {
          const ending = (): void => {
            this.cancelRunEnd(modelSession);
            end();
          };
          this.runEndTimers.set(modelSession, { timer: setTimeout(ending, RUN_END_GRACE_MS), end: ending });
        } else end();
      });
    }
  }

  /** Realms of this launch that ended before any poll found their hub (a very short program). */
  private applyUnattachedTails(root: vscode.DebugSession, last: boolean): void {
    const env = root.configuration.env as Record<string, unknown> | undefined;
    const dir = env?.[EXIT_TAIL_DIR_ENV];
    // Only a folder of ours: a configuration could name any folder.
    if (typeof dir !== 'string' || path.dirname(dir) !== this.tailDir) return;
    let files: string[] = [];
    try {
      files = fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
    } catch {
      return; // nothing was written
    }
    const log = { info: (m: string) => this.log.info(`${root.name}: ${m}`), warn: (m: string) => this.log.warn(`${root.name}: ${m}`) };
    for (const file of files) {
      try {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        fs.rmSync(path.join(dir, file), { force: true });
        const modelSession = this.modelSessionOf(root);
        if (!this.model.session(modelSession)) this.model.openSession(modelSession, root.name);
        applyUnattachedTail(this.model, modelSession, text, log);
      } catch (err) {
        log.warn(`cannot read the exit tail ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (last) fs.rmSync(dir, { recursive: true, force: true });
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const poller = (): SessionPoller | undefined => this.watched.get(session.id)?.poller;
    return {
      onWillReceiveMessage: (m: { type?: string; command?: string }) => {
        if (m.type !== 'request' || !m.command) return;
        if (STOP_REQUESTS.has(m.command)) this.stopAsked(session);
        else if (m.command === 'pause') poller()?.pauseRequested();
        else if (RUN_REQUESTS.has(m.command)) poller()?.continued();
        else if (STEP_REQUESTS.has(m.command)) poller()?.stepRequested(STEP_GRACE_MS);
      },
      onDidSendMessage: (m: { type?: string; event?: string }) => {
        if (m.type !== 'event') return;
        if (END_EVENTS.has(m.event ?? '')) this.ended(session);
        else if (m.event === 'stopped') void poller()?.stopped();
        else if (m.event === 'continued') poller()?.continuedEvent();
      },
    };
  }

  /** Sessions whose adapter said their program ended: VS Code's disconnect that follows is no stop. */
  private readonly endReported = new Set<string>();
  /** Model sessions a main thread's session said it ended in: a disconnect VS Code then sends the launch is no stop, unless another main runs. */
  private readonly mainEnded = new Set<string>();

  private ended(session: vscode.DebugSession): void {
    this.endReported.add(session.id);
    this.supervisedEnded(session.id);
    const w = this.watched.get(session.id);
    if (w?.poller.mainThread) this.mainEnded.add(w.modelSession);
  }

  /** A supervised process ended (its DAP end event or its session's end, whichever came first). */
  private supervisedEnded(id: string): void {
    const p = this.supervised.get(id);
    if (p === undefined || p.ended) return;
    p.ended = true;
    p.endedAt = Date.now();
  }

  /**
   * The user stops, restarts or detaches: every poller of the launch then takes an end
   * without an exit tail as that, not as a kill. A worker or a child process that ended
   * earlier in the launch does not turn this off (its own session id, not the launch's).
   */
  private stopAsked(session: vscode.DebugSession): void {
    const root = rootSession(session);
    const current = this.modelSessionOf(root);
    // A cluster's worker process (or a run's worker) that ended leaves its primary running: the stop is for it.
    const mainRunning = [...this.watched].some(([id, w]) => w.modelSession === current && w.poller.mainThread && !this.endReported.has(id));
    if (this.endReported.has(session.id) || (session === root && this.mainEnded.has(current) && !mainRunning)) return;
    for (const w of this.watched.values()) if (rootSession(w.session).id === root.id) w.poller.stopRequested();
  }

  private cancelRunEnd(modelSession: string): void {
    const pending = this.runEndTimers.get(modelSession);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.runEndTimers.delete(modelSession);
  }

  dispose(): void {
    this.disposed = true;
    for (const pending of this.runEndTimers.values()) clearTimeout(pending.timer);
    this.runEndTimers.clear();
    for (const w of this.watched.values()) w.poller.stop();
    this.watched.clear();
    for (const d of this.disposables) d.dispose();
    this.noHubChanged.dispose();
    fs.rmSync(this.tailDir, { recursive: true, force: true });
  }
}
