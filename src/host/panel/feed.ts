// Turns the live model (src/model) into the panel's messages (src/protocol/webview):
// a full 'init' for the selected session, then throttled incremental 'update's carrying
// only new samples (DepthTimeline.readSince cursors). Pure TypeScript, no vscode: the host
// panel wires it to a webview; tests and the benchmark drive it directly.
//
// This file only decides *when* and *for which queues*; each job lives beside it:
// sessionPick.ts (which session), throttle.ts (when), rates.ts (throughput),
// waitCountSteps.ts (blocked/waiting steps), messages.ts (the message parts, shared by init
// and update), sessionAxis.ts (time zero and "now"). The openSource allow-list is the
// model's (ModelSession.siteFiles).

import type { ModelChange, QueueModel } from '../../model/store';
import type { ModelQueue, ModelSession, ModelSource } from '../../model/entities';
import type { FeedMessage, PanelMode, QueueInfo, SessionData, UpdateMessage } from '../../protocol/webview';
import { diffQueueInfo, type QueuePatch } from '../../protocol/queuePatch';
import { newCursor, queueInfo, readQueue, sessionInfos, waiterInfos, waitersKey, type QueueCursor, type QueueParts } from './messages';
import { pickSession } from './sessionPick';
import { AxisStarts, droppedOf, pacedRefreshOf, round1, sessionNow, statusOf } from './sessionAxis';
import { REAL_TIMERS, Throttle, type TimerHost } from './throttle';
import { Outbox } from './outbox';
import { splitFeedMessage } from './split';
import { liveWaits, SentSteps, type WaitInterval } from './waitCountSteps';

export interface FeedOptions {
  mode?: PanelMode;
  /** Minimum gap between two messages (ms): 50 = at most 20 a second. */
  intervalMs?: number;
  /** Wall clock, epoch ms. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /**
   * Every wait of a queue (epoch ms), when known: a replayed recording has them all, while
   * the model keeps only the current and a few recent ones. Used for the wait-count steps.
   */
  waitHistory?: (queueKey: string) => Iterable<WaitInterval> | undefined;
}

/** While any rate is non-zero, look again this often so it decays on screen. */
const RATE_REFRESH_MS = 500;
/** Gap after an update, per queue it carried (1,000 queues: 200 ms), and at most. */
const UPDATE_MS_PER_QUEUE = 0.2;
const MAX_UPDATE_GAP_MS = 1000;

export class PanelFeed {
  private readonly mode: PanelMode;
  private readonly waitHistory: FeedOptions['waitHistory'];
  private readonly clock: () => number;
  private readonly throttle: Throttle;
  private readonly outbox: Outbox<FeedMessage>;
  private readonly subscription: { dispose(): void };
  private selected: string | null = null;
  /** The user chose the session (so a new session does not take over the view). */
  private pinned = false;
  private started = false;
  private readonly starts = new AxisStarts();
  /** Sessions seen so far, to tell a new run of a launch from one already listed. */
  private readonly known = new Set<string>();
  private readonly steps = new SentSteps();
  private cursors = new Map<string, QueueCursor>();
  private dirty = new Set<string>();
  private sessionsDirty = false;
  private statusDirty = false;
  /** The session list as last sent (JSON), to skip unchanged ones. */
  private lastSessions = '';
  /** Ids of the waiters as last sent, to leave an unchanged list out. */
  private lastWaiters = '';
  /** The refresh interval the webview shows for the selected session (pacedRefreshOf). */
  private refreshSent: number | undefined;
  /** A session show() asked for before the model had it. */
  private awaited: string | null = null;
  /** follow() changed the selection; the next flush sends its init. */
  private switchPending = false;

  constructor(private readonly model: QueueModel, post: (msg: FeedMessage) => void, o: FeedOptions = {}) {
    this.mode = o.mode ?? 'live';
    this.waitHistory = o.waitHistory;
    this.clock = o.now ?? REAL_TIMERS.now;
    const host: TimerHost = { now: this.clock, setTimer: o.setTimer ?? REAL_TIMERS.setTimer, clearTimer: o.clearTimer ?? REAL_TIMERS.clearTimer };
    this.throttle = new Throttle(o.intervalMs ?? 50, host, () => this.flush());
    this.outbox = new Outbox(post, host);
    for (const s of model.sessions) this.known.add(s.id);
    this.subscription = model.onDidChange((c) => this.onChange(c));
  }

  /**
   * The webview said 'ready' (first load or after a reload): send everything. `requested`
   * is the session its restored view state showed; `pinned` says the user had picked it (a
   * session the feed switched to by itself is not pinned, so a new session still takes over).
   */
  ready(requested?: string, pinned = false): void {
    this.started = true;
    // The pin moved to a new run of its launch while the page was away (hidden, reloading):
    // the page's saved state names the run it last showed, or says unpinned because the host
    // switched it. The feed's own choice stands then.
    const movedOn = this.pinned && this.selected !== null && requested !== undefined && launchOf(requested) === launchOf(this.selected);
    if (requested && this.model.session(requested) && !movedOn) {
      this.selected = requested;
      this.pinned = pinned;
    }
    this.sendInit();
  }

  /** The user picked a session in the webview. */
  select(session: string): boolean {
    if (!this.model.session(session)) return false;
    this.selected = session;
    this.pinned = true;
    this.sendInit();
    return true;
  }

  /**
   * Show this session (the panel was opened for it, e.g. a launched sample). A session the
   * model does not have yet (its debug session just started) is shown when it appears. An
   * ended one (the status bar's findings, the tree) stays shown: unpinned, the next flush
   * would go back to a live session at once.
   */
  show(session: string): void {
    const s = this.model.session(session);
    if (!s) {
      this.awaited = session;
      return;
    }
    this.awaited = null;
    this.selected = session;
    this.pinned = s.state === 'ended';
    if (this.started) this.sendInit();
  }

  get selectedSession(): string | null {
    return this.selected;
  }

  /**
   * May the webview open this file? Only when the model saw it as a call site (queue
   * creation, blocked producer, waiting consumer) of that session.
   */
  isKnownCallSite(session: string, file: string): boolean {
    return this.model.session(session)?.siteFiles.has(file) ?? false;
  }

  /** Per-session state the feed holds, for tests: it must shrink when sessions leave. */
  get retained(): { starts: number; steps: number } {
    return { starts: this.starts.size, steps: this.steps.size };
  }

  dispose(): void {
    this.subscription.dispose();
    this.throttle.cancel();
    this.outbox.clear();
  }

  // -------------------------------------------------------------------------

  private onChange(c: ModelChange): void {
    if (c.kind === 'pace') {
      if (c.session !== this.selected) return; // flush() compares what it would send with what it sent
    } else if (c.kind === 'session' || c.kind === 'source') {
      this.sessionsDirty = true;
      if (c.session === this.selected) this.statusDirty = true;
      if (c.kind === 'session' && !c.removed && c.session === this.awaited && this.model.session(c.session)) {
        this.awaited = null;
        this.follow(c.session);
      }
      // A new run of the launch the user picked (Debug: Restart, a reload: `<id>~<n>`,
      // SessionWatcher.modelSessionOf) takes the pin over: the user picked the program, not
      // its killed run. Only a run that starts after the pick: an earlier one stays choosable.
      if (c.kind === 'session' && !c.removed && !this.known.has(c.session)) {
        this.known.add(c.session);
        if (this.pinned && this.selected !== null && c.session !== this.selected && launchOf(c.session) === launchOf(this.selected) && this.model.session(c.session)) {
          this.selected = c.session;
          this.switchPending = true;
        }
      }
      if (c.kind === 'session' && c.removed) {
        this.starts.forget(c.session);
        this.steps.forgetSession(c.session);
        if (c.session === this.selected) {
          this.selected = null;
          this.pinned = false;
        }
      }
    } else if (c.session === this.selected) {
      const src = this.model.source(c.session, c.source);
      if (src) for (const id of [...c.added, ...c.updated, ...c.sampled, ...c.collected]) this.dirty.add(`${c.session}/${c.source}/${id}`);
      this.sessionsDirty = true; // queue and waiter counts in the picker
    } else {
      this.sessionsDirty = true;
      // A session's first queues: the user started it to see them, so it takes over the
      // panel unless the user picked another session (or it is a recording, shown in its own editor).
      const s = this.model.session(c.session);
      if (!this.pinned && s !== undefined && this.lists(s) && c.added.length > 0 && this.queueCount(c.session) === c.added.length) this.follow(c.session);
    }
    if (this.started) this.throttle.request();
  }

  /**
   * Whether this panel lists `s`. The live panel leaves recordings out: each opens in its own
   * editor, in replay mode. Listed here too, an opened recording took the panel over from the
   * session just stopped, with the same name as it and rates read against the wall clock.
   */
  private lists(s: ModelSession): boolean {
    return this.mode !== 'live' || s.origin !== 'recording';
  }

  private shownSessions(): ModelSession[] {
    return this.model.sessions.filter((s) => this.lists(s));
  }

  private queueCount(session: string): number {
    let n = 0;
    for (const src of this.model.session(session)?.sources.values() ?? []) n += src.queues.size;
    return n;
  }

  /** Make `session` the selection at the next flush (not pinned). */
  private follow(session: string): void {
    this.selected = session;
    this.pinned = false;
    this.switchPending = true;
  }

  /** Send what changed since the last message (normally called by the throttle timer). */
  flush(): void {
    if (!this.started) return;
    const want = pickSession(this.shownSessions(), this.selected, this.pinned);
    if (want !== this.selected || this.switchPending) {
      this.selected = want;
      this.sendInit();
      return;
    }
    const s = this.selected ? this.model.session(this.selected) : undefined;
    if (this.sessionsDirty) {
      this.sessionsDirty = false;
      const sessions = sessionInfos(this.model, (x) => this.starts.of(x), (x) => this.lists(x));
      if (JSON.stringify(sessions) !== this.lastSessions) this.send({ type: 'sessions', sessions });
    }
    if (!s) return;
    const start = this.starts.of(s);
    const now = sessionNow(s, this.mode, this.clock) - start;
    const endAt = s.state === 'ended' ? now : undefined;
    const paused = s.state === 'paused';
    const parts: QueueParts = { series: [], waitCounts: [] };
    const toSend: [ModelSource, ModelQueue, QueueCursor][] = [];
    const removed: string[] = [];
    if (this.statusDirty) for (const src of s.sources.values()) for (const q of src.queues.values()) this.dirty.add(q.key);
    const rateCheck = new Set(this.dirty);
    for (const [key, c] of this.cursors) if (c.rates.moving) rateCheck.add(key);
    for (const key of rateCheck) {
      const q = this.model.queue(key);
      const src = q && this.model.source(q.session, q.source);
      if (!q || !src || q.session !== s.id) {
        if (this.cursors.delete(key)) removed.push(key);
        continue;
      }
      let cur = this.cursors.get(key);
      const isNew = !cur;
      if (!cur) this.cursors.set(key, (cur = newCursor()));
      const changed = this.dirty.has(key) || isNew;
      if (changed) readQueue(q, cur, this.waitsOf(q), this.steps, start, endAt, parts, src.refreshMs);
      const rateChanged = cur.rates.update(start + now, this.mode === 'live' ? src.lastSeen : undefined, src.refreshMs);
      if (changed || rateChanged) toSend.push([src, q, cur]);
    }
    this.dirty.clear();
    const statusChanged = this.statusDirty;
    this.statusDirty = false;
    const queues = statusChanged ? this.allRows(s, paused) : toSend.map(([src, q, cur]) => rowPatch(src, q, cur, paused, start, s.state === 'ended')).filter(changesSomething);
    // Not a model change: an empty drain clears it, and nothing else may change then.
    const refreshMs = pacedRefreshOf(s, this.refreshSent !== undefined);
    const refreshChanged = refreshMs !== this.refreshSent;
    if (!queues.length && !removed.length && !parts.series.length && !parts.waitCounts.length && !statusChanged && !refreshChanged) {
      this.keepRatesFresh();
      return;
    }
    const waiters = waiterInfos(s, start);
    const key = waitersKey(waiters);
    const msg: UpdateMessage = {
      type: 'update',
      session: s.id,
      status: statusOf(s),
      now: round1(now),
      queues,
      removed,
      ...parts,
      dropped: droppedOf(s),
      refreshMs,
    };
    this.refreshSent = refreshMs;
    if (key !== this.lastWaiters || statusChanged) {
      this.lastWaiters = key;
      msg.waiters = waiters;
    }
    this.send(msg);
    this.keepRatesFresh();
  }

  /** The waits behind a queue's wait-count steps: a recording's full history, else the model's. */
  private waitsOf(q: ModelQueue): Iterable<WaitInterval> {
    return this.waitHistory?.(q.key) ?? liveWaits(q);
  }

  /** Rates decay to zero without new samples: look again soon while any is non-zero. */
  private keepRatesFresh(): void {
    for (const c of this.cursors.values()) {
      if (c.rates.moving) {
        this.throttle.wakeIn(RATE_REFRESH_MS);
        return;
      }
    }
  }

  private send(msg: FeedMessage): void {
    // A large update costs the workbench (relaying it) and the webview (applying it) in
    // proportion: at 1,000 busy queues, 20 a second kept the renderer's main thread busy
    // enough to push scrolling over 50 ms tasks. Larger updates come less often.
    this.throttle.sent(msg.type === 'update' ? Math.min(MAX_UPDATE_GAP_MS, msg.queues.length * UPDATE_MS_PER_QUEUE) : 0);
    if (msg.type !== 'update') this.lastSessions = JSON.stringify(msg.sessions);
    if (msg.type === 'init') this.outbox.clear(); // it says all that the parts not yet posted would
    this.outbox.send(splitFeedMessage(msg));
  }

  private sendInit(): void {
    this.switchPending = false;
    this.throttle.cancel();
    this.selected = pickSession(this.shownSessions(), this.selected, this.pinned);
    this.cursors = new Map();
    this.dirty.clear();
    this.sessionsDirty = false;
    this.statusDirty = false;
    const s = this.selected ? this.model.session(this.selected) : undefined;
    const data = s ? this.sessionData(s) : null;
    this.refreshSent = data?.refreshMs;
    this.lastWaiters = data ? waitersKey(data.waiters) : '';
    this.send({ type: 'init', mode: this.mode, sessions: sessionInfos(this.model, (x) => this.starts.of(x), (x) => this.lists(x)), session: data });
    this.keepRatesFresh();
  }

  /** The whole session for an init: every queue read from a fresh cursor, the same step an update takes. */
  private sessionData(s: ModelSession): SessionData {
    const start = this.starts.of(s);
    const now = sessionNow(s, this.mode, this.clock);
    const paused = s.state === 'paused';
    const endAt = s.state === 'ended' ? now - start : undefined;
    const parts: QueueParts = { series: [], waitCounts: [] };
    const queues: QueueInfo[] = [];
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        const cur = newCursor();
        this.cursors.set(q.key, cur);
        readQueue(q, cur, this.waitsOf(q), this.steps, start, endAt, parts, src.refreshMs);
        cur.rates.update(now, this.mode === 'live' ? src.lastSeen : undefined, src.refreshMs);
        queues.push((cur.sent = queueInfo(src, q, cur, paused, start, s.state === 'ended')));
      }
    }
    return { id: s.id, status: statusOf(s), now: round1(now - start), queues, waiters: waiterInfos(s, start), ...parts, dropped: droppedOf(s), refreshMs: pacedRefreshOf(s) };
  }

  /** Every queue of the session, each as a patch on what the webview holds. */
  private allRows(s: ModelSession, paused: boolean): QueuePatch[] {
    const start = this.starts.of(s);
    const out: QueuePatch[] = [];
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        let cur = this.cursors.get(q.key);
        if (!cur) this.cursors.set(q.key, (cur = newCursor()));
        out.push(rowPatch(src, q, cur, paused, start, s.state === 'ended'));
      }
    }
    return out;
  }
}

/** A queue's row as a patch on the one its cursor last sent, which it then becomes. */
function rowPatch(src: ModelSource, q: ModelQueue, cur: QueueCursor, paused: boolean, start: number, sessionEnded: boolean): QueuePatch {
  const info = queueInfo(src, q, cur, paused, start, sessionEnded);
  const patch = diffQueueInfo(cur.sent, info);
  cur.sent = info;
  return patch;
}

/** A patch that carries more than its key (a rate that rounds to what was shown does not). */
const changesSomething = (p: QueuePatch): boolean => Object.keys(p).length > 1;

/** The launch a run belongs to: its model session id without the `~<n>` of a later run. */
function launchOf(id: string): string {
  return id.replace(/~\d+$/, '');
}
