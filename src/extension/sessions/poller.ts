// Polls one debuggee realm (one js-debug child session) for its hub's data and feeds the
// model. No vscode import: the debug session is reached through EvaluateTarget, so the
// whole state machine is unit-tested with a scripted double and exercised against a real
// V8 through CDP.
//
//   attaching --(AttachInfo)--> polling --(stopped)--> paused --(continued)--> polling
//       ^  |NO_HUB: back off                                     any state --stop()--> stopped
//
// Rules from DESIGN.md: one request in flight per session; NO_HUB costs one cheap evaluate
// every few seconds and is never reported as an error; a pause requested by the user stops
// polling at once; while stopped, one drain + one snapshot show the exact state.

import { attachExpression, drainExpression, NO_HUB, snapshotExpression } from '../../protocol/hub';
import { parseAttachInfo, parseDrainBatch, parseSnapshot } from '../../model/parse';
import type { QueueModel } from '../../model/store';
import { AdaptiveInterval, type IntervalOptions } from '../../host/polling/adaptiveInterval';

/** The debug session as the poller sees it. */
export interface EvaluateTarget {
  /** Evaluate `expression` in the debuggee's global scope; resolve to the raw string result. */
  evaluate(expression: string): Promise<string>;
  /** Pause the program: re-sends a user's pause that a poll in flight swallowed (see pauseRequested()). */
  pause?(): Promise<void>;
}

export interface PollerLog {
  /** Routine facts (attached, paused): the output channel's info level. */
  info(message: string): void;
  /** Something was skipped or failed: the output channel's warning level. */
  warn(message: string): void;
}

/** Timers, injectable so tests can step time. */
export interface PollerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollerOptions {
  /** Time between drains (read on each scheduling, so a settings change applies at once). */
  intervalMs: () => number;
  /** drain(maxBytes): keep each answer well under 1 MB (DESIGN.md). Default 256 KiB. */
  maxBytes?: number;
  /** Answers longer than this many characters are skipped as oversize. Default 4 x maxBytes. */
  maxPayloadChars?: number;
  /** Wait before asking again when the realm has no hub. Default 3000 ms. */
  noHubBackoffMs?: number;
  /** Wait after a failed evaluate. Default 2000 ms. */
  errorBackoffMs?: number;
  /** Items previewed per queue in a pause snapshot. */
  itemPreviewCount?: () => number;
  /** Consecutive `more` drains taken while paused before the snapshot. Default 8. */
  maxPausedDrains?: number;
  /** A pause request not followed by a stop within this time resumes polling. Default 5000 ms. */
  pauseGraceMs?: number;
  /** Re-send a lost pause this long after our request in flight ended. Default 300 ms. */
  repauseMs?: number;
  /**
   * Adapt the interval to the load (src/host/polling/adaptiveInterval.ts; `baseMs` is
   * intervalMs()). Without it every drain is followed by intervalMs().
   */
  adaptive?: Omit<IntervalOptions, 'baseMs'>;
  /** Name for the model session when this poller opens it (the top-level debug session's name). */
  sessionName?: string;
  clock?: PollerClock;
}

export type PollerState = 'attaching' | 'polling' | 'paused' | 'stopped';

const realClock: PollerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class SessionPoller {
  private stateValue: PollerState = 'attaching';
  /** Set by a user's pause request or a stopped event; cleared on continue. */
  private halted = false;
  private timer: unknown;
  /** Serialises every evaluate: never more than one request in flight. */
  private chain: Promise<void> = Promise.resolve();
  private tickQueued = false;
  private pauseTimer: unknown;
  private graceTimer: unknown;
  private pauseRequests = 0;
  /** Our own re-sent pause is on its way (the tracker will report it as a pause request). */
  private repausing = false;
  /** The debugger showed activity since the last pause request. */
  private debuggerBusy = false;
  /** Pauses re-sent because a poll swallowed the user's (diagnostics and tests). */
  repauses = 0;
  private key: string | undefined;
  private readonly maxBytes: number;
  private readonly maxPayloadChars: number;
  private readonly clock: PollerClock;
  private readonly errorCounts = new Map<string, number>();
  /** Evaluate requests sent (for tests and diagnostics). */
  requests = 0;
  private readonly interval: AdaptiveInterval | undefined;
  /** Figures of the last drain, for the adaptive interval. */
  private lastDrain = { events: 0, bytes: 0, debuggeeMs: 0, hostMs: 0, more: false };
  /** A push channel delivers the drains (pushed()); no drain evaluates while it does. */
  private pushing = false;

  constructor(
    private readonly target: EvaluateTarget,
    private readonly model: QueueModel,
    /** Model session id (the top-level debug session). */
    private readonly session: string,
    /** The debug session polled (a child session), for logs and ModelSource.channel. */
    private readonly channel: string,
    private readonly log: PollerLog,
    private readonly options: PollerOptions,
  ) {
    this.maxBytes = options.maxBytes ?? 256 * 1024;
    this.maxPayloadChars = options.maxPayloadChars ?? 4 * this.maxBytes;
    this.clock = options.clock ?? realClock;
    const adaptive = options.adaptive;
    this.interval = adaptive ? new AdaptiveInterval(() => ({ ...adaptive, baseMs: options.intervalMs() })) : undefined;
  }

  /**
   * A push channel (src/host/polling/pushChannel.ts) took over (true) or was lost (false):
   * while it pushes, no drain is evaluated; pauses still drain and snapshot by evaluate.
   */
  setPushing(on: boolean): void {
    this.pushing = on;
    if (!on && this.stateValue === 'polling' && !this.halted) this.schedule(0);
  }

  /** A drain batch delivered by the push channel: applied exactly like a polled one. */
  pushed(text: string): Promise<void> {
    return this.exclusive(async () => {
      if (this.key && this.stateValue !== 'stopped') this.applyDrainText(text);
    });
  }

  get state(): PollerState {
    return this.stateValue;
  }

  /** The model source this poller feeds, once attached. */
  get sourceKey(): string | undefined {
    return this.key;
  }

  /** Begin: the first attach is tried at once. */
  start(): void {
    if (this.stateValue === 'stopped') return;
    this.schedule(0);
  }

  /** The user asked to pause: stop polling now, before the debugger stops (the pause race). */
  pauseRequested(): void {
    if (this.stateValue === 'stopped' || this.stateValue === 'paused') return;
    if (this.repausing) return; // our own re-sent pause, seen by the tracker
    this.halted = true;
    this.cancelTimer();
    this.cancelPauseTimer();
    this.debuggerBusy = false;
    const request = ++this.pauseRequests;
    // The pause race (DESIGN.md). V8 lands a pending pause on the next statement it runs. When
    // that is a poll already sent (js-debug may forward our evaluate after the user's pause),
    // the statement is in a skipFiles (blackboxed) script and V8 drops the pause without
    // stopping: measured in a real VS Code, the user's pause is then simply lost. So once
    // nothing of ours is in flight, if the debugger showed no sign of life (no stop, and no
    // 'continued' from js-debug stepping out of skipped code), send the pause again, once.
    void this.chain.then(() => {
      if (!this.target.pause || request !== this.pauseRequests) return;
      this.pauseTimer = this.clock.setTimeout(() => {
        this.pauseTimer = undefined;
        if (request !== this.pauseRequests || !this.halted || this.stateValue === 'paused' || this.stateValue === 'stopped' || this.debuggerBusy) return;
        this.log.info(`${this.channel}: a pause was lost in a poll in flight; pausing again`);
        this.repausing = true;
        this.repauses++;
        this.target.pause!().catch((err) => this.log.warn(`${this.channel}: pause failed: ${err instanceof Error ? err.message : String(err)}`));
        this.armPauseGrace();
      }, this.options.repauseMs ?? 300);
    });
    this.armPauseGrace();
  }

  /** A pause that never turns into a stop (refused, or the program exited) must not halt us forever. */
  private armPauseGrace(): void {
    if (this.graceTimer !== undefined) this.clock.clearTimeout(this.graceTimer);
    this.graceTimer = this.clock.setTimeout(() => {
      this.graceTimer = undefined;
      if (this.halted && this.stateValue !== 'paused') this.continued();
    }, this.options.pauseGraceMs ?? 5000);
  }

  private cancelPauseTimer(): void {
    if (this.pauseTimer !== undefined) {
      this.clock.clearTimeout(this.pauseTimer);
      this.pauseTimer = undefined;
    }
    if (this.graceTimer !== undefined) {
      this.clock.clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
  }

  /** The debuggee stopped (breakpoint, step, exception, pause): one drain and one snapshot. */
  stopped(): Promise<void> {
    if (this.stateValue === 'stopped') return this.chain;
    this.halted = true;
    this.repausing = false;
    this.cancelTimer();
    this.cancelPauseTimer();
    return this.exclusive(async () => {
      if (this.stateValue === 'stopped' || !this.halted) return; // continued before we got here
      if (!this.key && !(await this.attach())) return;
      if (!this.halted) return;
      this.stateValue = 'paused';
      // Bring the timeline up to the pause, then take the exact picture.
      for (let i = 0; i < (this.options.maxPausedDrains ?? 8); i++) {
        if (!(await this.drainOnce())) break;
      }
      if (!this.halted || this.stateValue !== 'paused') return; // continued meanwhile
      const text = await this.evaluate(snapshotExpression({ items: this.options.itemPreviewCount?.() ?? 10 }), 'snapshot');
      if (text === undefined || text === NO_HUB || !this.key || !this.halted) return;
      if (this.oversize(text, 'snapshot')) return;
      const snap = parseSnapshot(text);
      if (!snap.ok) {
        this.log.warn(`${this.channel}: ${snap.error}`);
        return;
      }
      if (snap.value.skipped) this.log.warn(`${this.channel}: snapshot had ${snap.value.skipped} malformed queue(s); skipped`);
      this.model.applySnapshot(this.session, this.key, snap.value, { paused: true });
    });
  }

  /**
   * The user stepped: the program runs briefly and usually stops again. Stay quiet for
   * `graceMs`, then poll as live unless a stop came first.
   */
  stepRequested(graceMs: number): void {
    if (this.stateValue === 'stopped') return;
    this.halted = true;
    this.cancelTimer();
    this.cancelPauseTimer();
    if (this.key && this.stateValue === 'paused') {
      this.stateValue = 'polling';
      this.model.setSourceState(this.session, this.key, 'live');
    }
    this.pauseTimer = this.clock.setTimeout(() => {
      this.pauseTimer = undefined;
      if (this.halted && this.stateValue !== 'paused') this.continued();
    }, graceMs);
  }

  /**
   * A DAP 'continued' event. js-debug also sends these around evaluate requests and while it
   * steps through skipFiles code after a pause, so only one that follows a real stop counts
   * (continue and step requests are reported through continued()/stepRequested()).
   */
  continuedEvent(): void {
    if (this.stateValue === 'paused') this.continued();
    else if (this.halted) {
      // js-debug is stepping out of skipped code after a pause (a step every ~45 ms, sometimes
      // for seconds): the stop is coming, so keep quiet and keep waiting for it.
      this.debuggerBusy = true;
      this.armPauseGrace();
    }
  }

  /** The debuggee runs again. */
  continued(): void {
    if (this.stateValue === 'stopped') return;
    this.cancelPauseTimer();
    this.halted = false;
    this.repausing = false;
    if (this.key) {
      this.stateValue = 'polling';
      this.model.setSourceState(this.session, this.key, 'live');
    } else {
      this.stateValue = 'attaching';
    }
    this.schedule(0);
  }

  /** The session ended: no more requests; the model keeps what was recorded. */
  stop(): void {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';
    this.cancelTimer();
    this.cancelPauseTimer();
    if (this.key) this.model.setSourceState(this.session, this.key, 'ended');
  }

  /** Resolves when no request is in flight (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.chain;
  }

  // -------------------------------------------------------------------------

  private schedule(ms: number): void {
    this.cancelTimer();
    if (this.stateValue === 'stopped' || this.halted) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): Promise<void> {
    // At most one tick waits behind the request in flight (e.g. continue during a pause snapshot).
    if (this.tickQueued || this.halted || this.stateValue === 'stopped') return this.chain;
    this.tickQueued = true;
    return this.exclusive(async () => {
      this.tickQueued = false;
      if (this.halted || this.stateValue === 'stopped') return;
      let next: number;
      if (!this.key) {
        next = (await this.attach()) ? 0 : this.backoff;
      } else {
        if (this.pushing) return; // the push channel delivers
        const more = await this.drainOnce();
        next = more ? 0 : this.lastFailed ? (this.options.errorBackoffMs ?? 2000) : (this.interval?.next(this.lastDrain) ?? this.options.intervalMs());
      }
      if (!this.key && !this.isStopped()) this.stateValue = 'attaching';
      this.schedule(next);
    });
  }

  /** A method, not a field read, so TypeScript does not narrow it across awaits. */
  private isStopped(): boolean {
    return this.stateValue === 'stopped';
  }

  private backoff = 0;
  private lastFailed = false;

  /** Try attach(); true when attached. Sets `backoff` for the next try otherwise. */
  private async attach(): Promise<boolean> {
    const text = await this.evaluate(attachExpression(), 'attach');
    if (this.stateValue === 'stopped') return false;
    if (text === undefined) {
      this.backoff = this.options.errorBackoffMs ?? 2000;
      return false;
    }
    if (text === NO_HUB) {
      // The program has no queue yet (or never will): ask again later, quietly.
      this.backoff = this.options.noHubBackoffMs ?? 3000;
      return false;
    }
    if (this.oversize(text, 'attach')) {
      this.backoff = this.options.errorBackoffMs ?? 2000;
      return false;
    }
    const info = parseAttachInfo(text);
    if (!info.ok) {
      this.log.warn(`${this.channel}: ${info.error}`);
      this.backoff = this.options.noHubBackoffMs ?? 3000;
      return false;
    }
    if (this.options.sessionName !== undefined) this.model.openSession(this.session, this.options.sessionName);
    this.key = this.model.attach(this.session, info.value, this.channel);
    if (this.stateValue !== 'paused') this.stateValue = 'polling';
    const where = info.value.isMainThread ? 'main thread' : `worker ${info.value.threadId}`;
    this.log.info(`${this.channel}: attached to pid ${info.value.pid} ${where} (${info.value.snapshot.queues.length} queue(s))`);
    return true;
  }

  /** One drain. Returns true when the hub has more to give right away. */
  private async drainOnce(): Promise<boolean> {
    this.lastFailed = false;
    const text = await this.evaluate(drainExpression(this.maxBytes, { columns: true }), 'drain');
    if (text === undefined) {
      this.lastFailed = true;
      return false;
    }
    if (!this.key || this.stateValue === 'stopped') return false;
    if (text === NO_HUB) {
      // The hub vanished (the program replaced globalThis' symbol?): start over.
      this.log.warn(`${this.channel}: the hub disappeared; attaching again`);
      this.model.setSourceState(this.session, this.key, 'ended');
      this.key = undefined;
      this.stateValue = 'attaching';
      return false;
    }
    return this.applyDrainText(text);
  }

  /** Parse and apply one drain answer. Returns true when the hub has more to give right away. */
  private applyDrainText(text: string): boolean {
    if (!this.key || this.oversize(text, 'drain')) return false;
    const started = performance.now();
    const batch = parseDrainBatch(text);
    if (!batch.ok) {
      this.log.warn(`${this.channel}: ${batch.error}`);
      return false;
    }
    if (batch.value.skipped) {
      this.log.warn(`${this.channel}: ${batch.value.skipped} malformed or unknown event(s) skipped (${batch.value.unknownTypes.join(', ')})`);
    }
    const outcome = this.model.applyDrain(this.session, this.key, batch.value);
    this.lastDrain = { events: batch.value.events.length, bytes: text.length, debuggeeMs: batch.value.ms ?? 0, hostMs: performance.now() - started, more: batch.value.more };
    return outcome.applied && batch.value.more;
  }

  private oversize(text: string, what: string): boolean {
    if (text.length <= this.maxPayloadChars) return false;
    this.log.warn(`${this.channel}: ${what} answer of ${text.length} characters exceeds ${this.maxPayloadChars}; skipped`);
    return true;
  }

  /** Evaluate, turning a failure into undefined plus a (rate-limited) log line. */
  private async evaluate(expression: string, what: string): Promise<string | undefined> {
    this.requests++;
    try {
      const result = await this.target.evaluate(expression);
      return typeof result === 'string' ? result : String(result);
    } catch (err) {
      if (this.stateValue !== 'stopped') this.logFailure(what, err);
      return undefined;
    }
  }

  /** A session that keeps failing must not flood the channel: log the 1st, 10th, 100th… of each message. */
  private logFailure(what: string, err: unknown): void {
    const message = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
    const n = (this.errorCounts.get(message) ?? 0) + 1;
    this.errorCounts.set(message, n);
    if (Number.isInteger(Math.log10(n))) this.log.warn(`${this.channel}: ${message}${n > 1 ? ` (${n} times)` : ''}`);
  }

  private exclusive(job: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      try {
        await job();
      } catch (err) {
        this.log.warn(`${this.channel}: poller error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }
}
