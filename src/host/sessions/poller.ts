// Polls one debuggee realm (one js-debug child session) for its hub's data and feeds the
// model. No vscode import: the debug session is reached through EvaluateTarget, so the
// whole state machine is unit-tested with a scripted double and exercised against a real
// V8 through CDP.
//
//   attaching --(AttachInfo)--> polling --(pause request / stopped)--> pausePending
//       ^  |NO_HUB: back off          ^                                     |stopped handled
//                                     |                                     v
//                                     +--(continued / grace ran out)---- paused
//   paused --(step)--> stepping --(stop)--> pausePending --> paused
//                               --(step grace ran out)--> polling
//   any state --stop()--> stopped
//
// Only `attaching` and `polling` send polls; the three halted states send none (a stop is
// handled with one drain + one snapshot). Whether a hub was found is `sourceKey`, not the
// state. The pause race has its own unit (pauseRace.ts) and every default is in
// pollerDefaults.ts.
//
// Rules from docs/CONTRACTS.md (measured facts): one request in flight per session; NO_HUB
// costs one cheap evaluate every few seconds and is never reported as an error; a pause
// requested by the user stops polling at once; while stopped, one drain + one snapshot show
// the exact state.
//
// Push (issue #17): once attached, the poller offers the realm to its PushSource (js-debug's
// CDP proxy in VS Code): when that takes over, drains arrive pushed and none is evaluated
// (no script compiled per poll); pauses still drain and snapshot by evaluate, after a flush
// of what was pushed before the stop. If the channel cannot start, or is lost, evaluate
// polling goes on as before, for the rest of the session.
//
// Formatter fetch (issue #17, the default under F5): without push, the poller offers the
// realm to its DrainFetcher instead, which reads each drain through the hub's custom object
// formatter (src/host/polling/formatterFetch.ts): the same polls at the same pace, but no
// script compiled per poll. Pauses, stops and resyncs still evaluate; a fetch that fails
// sends the poller back to evaluate polling for the rest of the session.
//
// Longer than ~400 lines on purpose: every transition is a method of one class, to be read
// against the diagram above; the pause race and the defaults are their own files.

import { attachExpression, boundedExpression, chunkExpression, drainExpression, HOOKS_THREAD, NO_HUB, parseChunkHead, pauseLead, snapshotExpression, stopPushExpression } from '../../protocol/hub';
import { parseAttachInfo, parseDrainBatch, parseSnapshot } from '../../model/parse';
import type { QueueModel } from '../../model/store';
import { applyExitTail, tailEndReason, type ExitTailFile } from './exitTail';
import { sourceLabel, type AttachInfo } from '../../protocol/wire';
import { PauseRace } from './pauseRace';
import { POLLER_DEFAULTS } from './pollerDefaults';
import { AdaptiveInterval, type DrainFigures, type IntervalOptions } from '../polling/adaptiveInterval';
import type { PushSource } from '../polling/pushSource';
import type { DrainFetcher } from '../polling/formatterFetch';
import { evaluateReplyMs } from '../../protocol/drainPace';

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
  /** drain(maxBytes): keep each answer well under 1 MB (docs/CONTRACTS.md, "Cost"). Default 256 KiB. */
  maxBytes?: number;
  /** One evaluate's answer is at most this many characters; longer ones come in parts (boundedExpression). Default 4 x maxBytes. */
  maxPayloadChars?: number;
  /** Whole answers (parts joined, or pushed) longer than this are skipped as oversize. Default 64 MiB. */
  maxAnswerChars?: number;
  /** Wait before asking again when the realm has no hub. Default 3000 ms. */
  noHubBackoffMs?: number;
  /**
   * Told at each "no hub" answer how long the poller has looked for one so far (the sum of its
   * waits between tries): a program still without a hub after seconds was not started with
   * QueueScope's preload (the extension then suggests its debug terminal).
   */
  onNoHub?: (lookedMs: number) => void;
  /** A hub answered and the realm is attached (after onNoHub, its program loaded QueueScope late). */
  onAttached?: () => void;
  /**
   * Asked at the first attach, before the realm enters the model: the model session to feed
   * from now on, or undefined to keep the one given. A process that may be a watcher's reload
   * is told apart from one more process of the run by its start (`info.origin`) only here
   * (SessionWatcher.reloadAtAttach).
   */
  runAtAttach?: (info: AttachInfo) => string | undefined;
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
  /** Where the realm writes what happened after the last poll when it ends (see finish()). */
  exitTail?: ExitTailFile;
  /** A push channel to hand over to once attached (src/host/polling/pushSource.ts). */
  push?: PushSource;
  /** Without push (or when it cannot start): fetch drains through this instead of evaluate (src/host/polling/formatterFetch.ts). */
  fetch?: DrainFetcher;
  clock?: PollerClock;
}

/** What the poller is doing (see the diagram at the top). */
export type PollerState =
  /** No hub found yet: attach() until one answers, backing off on NO_HUB. */
  | 'attaching'
  /** drain() every intervalMs. */
  | 'polling'
  /** The user asked to pause, or a stop is being handled: no polls until the stop or a continue. */
  | 'pausePending'
  /** The user stepped: quiet for the step grace, then polling unless a stop came first. */
  | 'stepping'
  /** Stopped in the debugger: the drain and snapshot of the stop are taken; no polls. */
  | 'paused'
  /** The session ended. */
  | 'stopped';

/** The halted states: no polls are sent in them. */
const HALTED: ReadonlySet<PollerState> = new Set(['pausePending', 'stepping', 'paused']);

/** An attach answer without the hub's arming time (SessionPoller.moveTo()). */
function withoutArmedAt<T extends { armedAt?: number }>(info: T): T {
  const copy = { ...info };
  delete copy.armedAt;
  return copy;
}

const realClock: PollerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class SessionPoller {
  private stateValue: PollerState = 'attaching';
  /** The next poll (attach or drain). */
  private pollTimer: unknown;
  /** The end of a step's quiet time. */
  private stepTimer: unknown;
  /** Serialises every evaluate: never more than one request in flight. */
  private chain: Promise<void> = Promise.resolve();
  /** A poll waits behind the request in flight (at most one does). */
  private tickQueued = false;
  private readonly race: PauseRace;
  private key: string | undefined;
  private readonly maxBytes: number;
  private readonly maxPayloadChars: number;
  private readonly maxAnswerChars: number;
  private readonly clock: PollerClock;
  private readonly errorCounts = new Map<string, number>();
  /** Evaluate requests sent (for tests and diagnostics). */
  requests = 0;
  /** Drains fetched through the formatter (for tests and diagnostics). */
  fetches = 0;
  /** Drain batches applied, polled or pushed (for tests and diagnostics). */
  drains = 0;
  private readonly interval: AdaptiveInterval | undefined;
  /** Figures of the last drain, for the adaptive interval. */
  private lastDrain: DrainFigures = { events: 0, bytes: 0, debuggeeMs: 0, hostMs: 0, more: false };
  /** A push channel delivers the drains (pushed()); no drain evaluates while it does. */
  private pushing = false;
  /** The push source and the fetcher were offered the realm (once per poller). */
  private pushOffered = false;
  /** The fetcher reads drains while running (no drain is evaluated then). */
  private fetching = false;
  /** A lost push channel may have left the hub pushing: stop it with the next poll. */
  private stopPushPending = false;
  /** finish() is waiting for the last answers: pushed batches still apply. */
  private finishing = false;
  /**
   * A drain batch was lost (a gap in seq: a lost push channel's last batches, another reader):
   * queues it changed may not change again, so a snapshot puts every counter and depth right.
   */
  private resyncPending = false;

  constructor(
    private readonly target: EvaluateTarget,
    private readonly model: QueueModel,
    /** Model session id (the top-level debug session's run: moveTo() changes it). */
    private session: string,
    /** The debug session polled (a child session), for logs and ModelSource.channel. */
    private readonly channel: string,
    private readonly log: PollerLog,
    private readonly options: PollerOptions,
  ) {
    this.maxBytes = options.maxBytes ?? POLLER_DEFAULTS.maxBytes;
    this.maxPayloadChars = options.maxPayloadChars ?? POLLER_DEFAULTS.maxPayloadFactor * this.maxBytes;
    this.maxAnswerChars = Math.max(this.maxPayloadChars, options.maxAnswerChars ?? POLLER_DEFAULTS.maxAnswerChars);
    this.clock = options.clock ?? realClock;
    this.race = new PauseRace(
      {
        clock: this.clock,
        log,
        channel,
        awaitingStop: () => this.stateValue === 'pausePending' || this.stateValue === 'stepping',
        pauser: () => (target.pause ? () => target.pause!() : undefined),
        giveUp: () => this.continued(),
      },
      { repauseMs: options.repauseMs ?? POLLER_DEFAULTS.repauseMs, pauseGraceMs: options.pauseGraceMs ?? POLLER_DEFAULTS.pauseGraceMs },
    );
    const adaptive = options.adaptive;
    this.interval = adaptive ? new AdaptiveInterval(() => ({ ...adaptive, baseMs: options.intervalMs() })) : undefined;
  }

  /** How drains reach the model now: pushed by the hub, read through its formatter, or fetched by evaluate. */
  get mode(): 'push' | 'formatter' | 'evaluate' {
    return this.pushing ? 'push' : this.fetching ? 'formatter' : 'evaluate';
  }

  /** Pauses re-sent because a poll swallowed the user's (diagnostics and tests). */
  get repauses(): number {
    return this.race.repauses;
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
    if (this.stateValue === 'stopped' && !this.finishing) return this.chain;
    return this.exclusive(async () => {
      if (this.key && (this.stateValue !== 'stopped' || this.finishing)) this.applyDrainText(text, false);
      if (this.resyncPending && !this.halted && !this.isStopped()) await this.resync();
    });
  }

  /** Take a snapshot (no item previews) after a gap: exact counters, depths and waiters again. */
  private async resync(): Promise<void> {
    this.resyncPending = false;
    if (this.pushing) await this.options.push?.flush(); // batches pushed before it come first
    const text = await this.evaluateWhole(snapshotExpression({ items: 0 }), 'snapshot');
    if (text === undefined || text === NO_HUB || !this.key || this.isStopped() || this.oversize(text.length, 'snapshot')) return;
    const snap = parseSnapshot(text);
    if (!snap.ok) {
      this.log.warn(`${this.channel}: ${snap.error}`);
      return;
    }
    this.model.applySnapshot(this.session, this.key, snap.value, { paused: false });
    this.log.info(`${this.channel}: ${snap.value.queues.length} queue(s) read again after lost drain batches`);
  }

  /**
   * Offer the realm to the push source (once, right after the first attach). Runs in the
   * request chain, so no evaluated drain overlaps the handover and the first pushed batch
   * is applied after the last polled one.
   */
  private offerPush(): void {
    const { push, fetch } = this.options;
    if ((!push && !fetch) || this.pushOffered) return;
    this.pushOffered = true;
    void this.exclusive(async () => {
      if (this.isStopped()) return;
      if (push && (await this.startPush(push))) return;
      if (fetch && !this.isStopped()) await this.startFetch(fetch);
    });
  }

  private async startPush(push: PushSource): Promise<boolean> {
    const ok = await push.start(
      (text) => void this.pushed(text),
      (why) => this.pushLost(why),
    );
    if (!ok) {
      this.log.info(`${this.channel}: ${this.options.fetch ? 'not pushing' : 'polling by evaluate'} (push channel unavailable: ${push.failure ?? 'unknown'})`);
      return false;
    }
    if (this.isStopped()) {
      void push.stop();
      return true;
    }
    push.setHalted(this.halted);
    this.pushing = true;
    this.log.info(`${this.channel}: drains pushed through a CDP binding (no script per poll)`);
    return true;
  }

  private async startFetch(fetch: DrainFetcher): Promise<void> {
    if (!(await fetch.start())) {
      this.log.info(`${this.channel}: polling by evaluate (formatter channel unavailable: ${fetch.failure ?? 'unknown'})`);
      return;
    }
    if (this.isStopped()) {
      void fetch.stop();
      return;
    }
    this.fetching = true;
    this.log.info(`${this.channel}: drains read through a custom object formatter (no script per poll)`);
  }

  /** One columnar drain by evaluate. */
  private evaluateDrain(): Promise<string | undefined> {
    return this.evaluateWhole(drainExpression(this.maxBytes, { columns: true }), 'drain');
  }

  /** One drain through the fetcher; on failure, evaluate polling from now on (this drain included). */
  private async fetchDrain(fetch: DrainFetcher): Promise<string | undefined> {
    this.fetches++;
    try {
      return await fetch.drain();
    } catch (err) {
      if (this.isStopped()) return undefined;
      this.fetching = false;
      void fetch.stop();
      // A batch the hub handed out but we never got shows as a seq gap, and resynchronises.
      this.log.warn(`${this.channel}: formatter channel lost (${err instanceof Error ? err.message : String(err)}); polling by evaluate`);
      return this.evaluateDrain();
    }
  }

  private pushLost(why: string): void {
    if (!this.pushing) return;
    this.log.warn(`${this.channel}: push channel lost (${why}); polling by evaluate`);
    this.stopPushPending = true;
    this.setPushing(false);
  }

  /** No polls are sent while halted: a pause is pending, a step runs, or the program is paused. */
  private get halted(): boolean {
    return HALTED.has(this.stateValue);
  }

  get state(): PollerState {
    return this.stateValue;
  }

  /** The model source this poller feeds, once attached. */
  get sourceKey(): string | undefined {
    return this.key;
  }

  /** The model session this poller feeds (moveTo() changes it). */
  get modelSession(): string {
    return this.session;
  }

  /**
   * Feed another model session from now on: a process that runs on across a reload of the
   * program it supervises (`tsx watch`, `npm run dev` with `node --watch`) belongs to the
   * launch's new run. Its source ends in the run before (no end reason: it did not end), and
   * its hub is attached again for the new run, whose snapshot gives its queues as they are
   * now. The attach's `armedAt` is left out: the new run starts at the reload, not when this
   * process armed. Runs in the request chain; the drain channel (formatter, push) goes on.
   */
  moveTo(session: string): Promise<void> {
    if (this.stateValue === 'stopped' || session === this.session) return this.chain;
    return this.exclusive(async () => {
      if (this.isStopped() || session === this.session) return;
      const before = this.session;
      const key = this.key;
      this.session = session;
      if (key === undefined) return; // not attached yet: its first attach opens the new run
      this.key = undefined;
      this.moved = true;
      this.model.setSourceState(before, key, 'ended');
      if (!(await this.attach()) && !this.isStopped()) {
        if (this.isPolling()) this.stateValue = 'attaching';
        this.schedule(this.backoff);
      }
    });
  }

  /** moveTo() re-attached this poller: the hub's arming time is not the new run's start. */
  private moved = false;
  /** runAtAttach was asked (once: a hub found again later does not move the realm). */
  private askedRun = false;

  /** Begin: the first attach is tried at once. */
  start(): void {
    if (this.stateValue === 'stopped') return;
    this.schedule(0);
  }

  /** The user asked to pause: stop polling now, before the debugger stops (the pause race). */
  pauseRequested(): void {
    if (this.stateValue === 'stopped' || this.stateValue === 'paused') return;
    if (!this.race.requested(this.chain)) return; // our own re-sent pause, seen by the tracker
    this.stateValue = 'pausePending';
    this.options.push?.setHalted(true);
    this.cancelPollTimer();
    this.cancelStepTimer();
  }

  /** The debuggee stopped (breakpoint, step, exception, pause): one drain and one snapshot. */
  stopped(): Promise<void> {
    if (this.stateValue === 'stopped') return this.chain;
    // When the stop came: the pause is dated from it, not from the snapshot after the drains.
    const stoppedAt = performance.now();
    if (this.stateValue !== 'paused') this.stateValue = 'pausePending';
    this.options.push?.setHalted(true);
    this.race.settled();
    this.cancelPollTimer();
    this.cancelStepTimer();
    if (this.pushing) void this.exclusive(() => this.options.push!.flush()); // batches pushed before the stop come first
    return this.exclusive(async () => {
      if (this.stateValue === 'stopped' || !this.halted) return; // continued before we got here
      if (!this.key && !(await this.attach())) return;
      if (!this.halted) return;
      this.stateValue = 'paused';
      // Bring the timeline up to the pause, then take the exact picture.
      for (let i = 0; i < (this.options.maxPausedDrains ?? POLLER_DEFAULTS.maxPausedDrains); i++) {
        if (!(await this.drainOnce())) break;
      }
      if (!this.halted || this.stateValue !== 'paused' || !this.key) return; // continued meanwhile, or the hub vanished
      const pausedMs = performance.now() - stoppedAt;
      const text = await this.evaluateWhole(snapshotExpression({ items: this.options.itemPreviewCount?.() ?? POLLER_DEFAULTS.itemPreviewCount, paused: true, pausedMs }), 'snapshot');
      if (text === undefined || text === NO_HUB || !this.key || !this.halted) return;
      if (this.oversize(text.length, 'snapshot')) return;
      const snap = parseSnapshot(text);
      if (!snap.ok) {
        this.log.warn(`${this.channel}: ${snap.error}`);
        return;
      }
      if (snap.value.skipped) this.log.warn(`${this.channel}: snapshot had ${snap.value.skipped} malformed queue(s); skipped`);
      this.model.applySnapshot(this.session, this.key, snap.value, { paused: true, pausedAt: snap.value.t - pauseLead(pausedMs, snap.value.t) });
    });
  }

  /**
   * The user stepped: the program runs briefly and usually stops again. Stay quiet for
   * `graceMs`, then poll as live unless a stop came first.
   */
  stepRequested(graceMs: number): void {
    if (this.stateValue === 'stopped') return;
    this.cancelPollTimer();
    this.cancelStepTimer();
    this.race.cancelTimers();
    if (this.key && this.stateValue === 'paused') this.model.setSourceState(this.session, this.key, 'live');
    this.stateValue = 'stepping';
    this.options.push?.setHalted(true);
    this.stepTimer = this.clock.setTimeout(() => {
      this.stepTimer = undefined;
      if (this.stateValue === 'stepping' || this.stateValue === 'pausePending') this.continued();
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
      this.race.debuggerBusy();
    }
  }

  /** The debuggee runs again. */
  continued(): void {
    if (this.stateValue === 'stopped') return;
    this.race.settled();
    this.cancelStepTimer();
    this.options.push?.setHalted(false);
    if (this.key) {
      this.stateValue = 'polling';
      this.model.setSourceState(this.session, this.key, 'live');
    } else {
      this.stateValue = 'attaching';
    }
    this.schedule(0);
  }

  /** No more requests; the model keeps what was recorded. */
  stop(): void {
    if (!this.halt()) return;
    if (this.key) this.model.setSourceState(this.session, this.key, 'ended');
  }

  /**
   * The session ended: stop, let the request in flight settle, apply the realm's exit tail
   * (everything after the last answer: a short program's end, a crash), then mark the source
   * ended. The model, the views and the recording then end with the program's real state.
   */
  async finish(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.finishing = true;
    const push = this.pushing ? this.options.push : undefined;
    if (!this.halt(push !== undefined)) return;
    // A request to a session that is gone normally fails at once; never wait on one forever.
    let timer: unknown;
    const waitAtMost = (p: Promise<unknown>): Promise<unknown> => Promise.race([p, new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, POLLER_DEFAULTS.finishWaitMs)))]);
    await waitAtMost(this.chain);
    this.clock.clearTimeout(timer);
    if (push) {
      // Batches pushed before the end come before the exit tail (it starts after the last
      // batch the hub handed out): flush the connection, let them apply, then close it.
      await waitAtMost(push.flush().then(() => this.chain));
      this.clock.clearTimeout(timer);
      void push.stop();
    }
    this.finishing = false;
    try {
      this.applyExitTail();
    } finally {
      if (this.key) {
        // Asked to stop, with no tail that said how (none, empty, cut short): that much is known.
        if (this.stopAsked) this.model.setSourceEnd(this.session, this.key, { reason: 'ended', requested: true });
        this.model.setSourceState(this.session, this.key, 'ended');
      }
    }
  }

  /** Stop everything; `keepPush`: finish() closes the push channel itself, after a flush. */
  private halt(keepPush = false): boolean {
    if (this.stateValue === 'stopped') return false;
    this.stateValue = 'stopped';
    this.pushing = false;
    this.fetching = false;
    void this.options.fetch?.stop();
    if (!keepPush) void this.options.push?.stop();
    this.cancelPollTimer();
    this.cancelStepTimer();
    this.race.cancelTimers();
    return true;
  }

  private applyExitTail(): void {
    const file = this.options.exitTail;
    if (!file) return;
    let text: string | undefined;
    try {
      text = file.read();
      file.remove();
    } catch (err) {
      this.log.warn(`${this.channel}: cannot read the exit tail ${file.path}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (text === undefined || !this.key) return;
    if (text === '') {
      this.endedWithoutTail(this.key);
      return;
    }
    applyExitTail(
      this.model,
      this.session,
      this.key,
      text,
      {
        info: (m) => this.log.info(`${this.channel}: ${m}`),
        warn: (m) => this.log.warn(`${this.channel}: ${m}`),
      },
      this.stopAsked,
    );
  }

  /**
   * The realm's tail file is as the hub armed it at attach, empty: its exit hooks never ran.
   * Unless the user stopped it from the debugger (which may kill it just as hard), the main
   * thread's program ended abruptly (a signal such as SIGKILL, or a crash); say so, since the
   * figures then end at the last read, not at the program's end. A worker's realm can go
   * that way while its process lives on (worker.terminate()), so only the main thread's.
   */
  private endedWithoutTail(key: string): void {
    if (this.stopAsked || !this.mainThread) return;
    this.model.setSourceEnd(this.session, key, { reason: 'abrupt' });
    this.log.info(`${this.channel}: the program ended without running its exit hooks (a signal such as SIGKILL, or a crash); its figures end at the last read`);
  }

  /**
   * How the realm ended, as far as is known now: the model's end of its source, else its exit
   * tail's closing line (read, not removed: finish() may not have run yet), 'abrupt' for a
   * main thread whose tail stayed empty (nodemon's SIGUSR2, SIGKILL); undefined when unknown
   * (never attached, no tail here). Only for a realm that ended: a running one's armed tail is
   * empty too. A watcher's reload is told by it (src/host/sessions/reload.ts).
   */
  endReason(): string | undefined {
    if (this.key === undefined) return undefined;
    const known = this.model.source(this.session, this.key)?.end?.reason;
    if (known !== undefined) return known;
    let text: string | undefined;
    try {
      text = this.options.exitTail?.read();
    } catch {
      return undefined;
    }
    if (text === undefined) return undefined;
    if (text === '') return this.mainThread && !this.stopAsked ? 'abrupt' : undefined;
    return tailEndReason(text);
  }

  /** Attached to a process's main thread (not a worker). */
  get mainThread(): boolean {
    return this.key !== undefined && this.model.source(this.session, this.key)?.info.threadId === 0;
  }

  /** The user asked the debugger to stop, restart or disconnect: an end without an exit tail is then no news. */
  stopRequested(): void {
    this.stopAsked = true;
  }

  private stopAsked = false;

  /** Resolves when no request is in flight (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.chain;
  }

  // -------------------------------------------------------------------------

  private schedule(ms: number): void {
    this.cancelPollTimer();
    if (this.stateValue === 'stopped' || this.halted) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      void this.tick();
    }, ms);
  }

  private cancelPollTimer(): void {
    if (this.pollTimer !== undefined) {
      this.clock.clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private cancelStepTimer(): void {
    if (this.stepTimer !== undefined) {
      this.clock.clearTimeout(this.stepTimer);
      this.stepTimer = undefined;
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
        if (this.stopPushPending) {
          this.stopPushPending = false;
          await this.evaluate(stopPushExpression(), 'stopPush'); // the lost channel's hub may still push
          this.resyncPending = true; // what it pushed after the channel was lost went nowhere
        }
        const more = await this.drainOnce();
        if (this.resyncPending && !this.halted && !this.isStopped()) await this.resync();
        // A cut batch (`more`) goes through the adaptive interval too: it drains again as soon
        // as the ceilings allow, not at once whatever the last drain cost.
        if (this.lastFailed) next = this.options.errorBackoffMs ?? POLLER_DEFAULTS.errorBackoffMs;
        else if (this.interval) next = this.interval.next(this.lastDrain);
        else next = more ? 0 : this.options.intervalMs();
      }
      if (!this.key && this.isPolling()) this.stateValue = 'attaching';
      this.schedule(next);
    });
  }

  /** Methods, not field reads, so TypeScript does not narrow the state across awaits. */
  private isStopped(): boolean {
    return this.stateValue === 'stopped';
  }

  private isPolling(): boolean {
    return this.stateValue === 'polling';
  }

  private backoff = 0;
  private noHubTries = 0;
  private noHubLookedMs = 0;
  private lastFailed = false;

  /** Try attach(); true when attached. Sets `backoff` for the next try otherwise. */
  private async attach(): Promise<boolean> {
    const tail = this.options.exitTail?.path;
    const text = await this.evaluateWhole(attachExpression(tail === undefined ? {} : { tail }), 'attach');
    if (this.stateValue === 'stopped') return false;
    if (text === undefined) {
      this.backoff = this.options.errorBackoffMs ?? POLLER_DEFAULTS.errorBackoffMs;
      return false;
    }
    if (text === HOOKS_THREAD) {
      // Node's module-hooks thread: no program runs there, so nothing will ever attach.
      this.log.info(`${this.channel}: a module-hooks thread (no program runs there); not polled`);
      this.halt();
      return false;
    }
    if (text === NO_HUB) {
      // The program has no queue yet (or never will): ask again later, quietly. Soon at first
      // (an F5'd program makes its queues in its first moments, and a short one is soon over),
      // then less and less often.
      const cap = this.options.noHubBackoffMs ?? POLLER_DEFAULTS.noHubBackoffMs;
      this.noHubTries++;
      this.backoff = Math.min(cap, POLLER_DEFAULTS.firstNoHubRetryMs * 2 ** (this.noHubTries - 1));
      this.options.onNoHub?.(this.noHubLookedMs);
      this.noHubLookedMs += this.backoff;
      return false;
    }
    if (this.oversize(text.length, 'attach')) {
      this.backoff = this.options.errorBackoffMs ?? POLLER_DEFAULTS.errorBackoffMs;
      return false;
    }
    const info = parseAttachInfo(text);
    if (!info.ok) {
      this.log.warn(`${this.channel}: ${info.error}`);
      this.backoff = this.options.noHubBackoffMs ?? POLLER_DEFAULTS.noHubBackoffMs;
      return false;
    }
    if (!this.moved && !this.askedRun) {
      this.askedRun = true;
      try {
        const run = this.options.runAtAttach?.(info.value);
        if (run !== undefined) this.session = run;
      } catch (err) {
        this.log.warn(`${this.channel}: cannot tell which run it belongs to (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (this.options.sessionName !== undefined) this.model.openSession(this.session, this.options.sessionName);
    const attached = this.moved ? withoutArmedAt(info.value) : info.value;
    this.key = this.model.attach(this.session, attached, this.channel);
    if (this.stateValue === 'attaching') this.stateValue = 'polling';
    this.log.info(`${this.channel}: attached to ${sourceLabel(info.value)} (${info.value.snapshot.queues.length} queue(s))`);
    if (info.value.snapshot.queues.length > 0) this.interval?.sawQueues();
    this.options.onAttached?.();
    this.offerPush();
    return true;
  }

  /** One drain. Returns true when the hub has more to give right away. */
  private async drainOnce(): Promise<boolean> {
    this.lastFailed = false;
    // A stop's drains stay on evaluate, the path its snapshot takes anyway.
    const fetch = this.fetching && !this.halted ? this.options.fetch : undefined;
    const text = fetch ? await this.fetchDrain(fetch) : await this.evaluateDrain();
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
      if (this.isPolling()) this.stateValue = 'attaching';
      return false;
    }
    return this.applyDrainText(text, true);
  }

  /**
   * Parse and apply one drain answer (`evaluated`: fetched by evaluate, whose reply costs
   * the debuggee more than the hub's `ms`; pushed batches are paced by the hub). Returns
   * true when the hub has more to give right away.
   */
  private applyDrainText(text: string, evaluated: boolean): boolean {
    if (!this.key || this.oversize(text.length, 'drain')) return false;
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
    if (outcome.applied) this.drains++;
    if (outcome.gap > 0) this.resyncPending = true;
    const debuggeeMs = batch.value.ms === undefined ? 0 : batch.value.ms + (evaluated ? evaluateReplyMs(text.length) : 0);
    this.lastDrain = { events: batch.value.events.length, bytes: text.length, debuggeeMs, hostMs: performance.now() - started, programCpu: batch.value.cpu, more: batch.value.more };
    return outcome.applied && batch.value.more;
  }

  /** An answer of `length` characters is past the guard: logged, to be skipped. */
  private oversize(length: number, what: string): boolean {
    if (length <= this.maxAnswerChars) return false;
    this.log.warn(`${this.channel}: ${what} answer of ${length} characters exceeds ${this.maxAnswerChars}; skipped`);
    return true;
  }

  /**
   * Evaluate a hub expression whose answer may be long: each evaluate answers at most
   * maxPayloadChars, a longer answer comes in parts (boundedExpression), joined here. Undefined
   * when any part fails, or the hub no longer has the answer (another reader's request
   * replaced it): the caller tries again as after a failed evaluate (a drain read only in
   * part is a lost batch, which the next one's seq gap resynchronises).
   */
  private async evaluateWhole(expression: string, what: string): Promise<string | undefined> {
    const text = await this.evaluate(boundedExpression(expression, this.maxPayloadChars), what);
    const head = text === undefined ? undefined : parseChunkHead(text);
    if (head === undefined) return text;
    if (this.oversize(head.length, what)) return undefined;
    const parts = [head.first];
    let got = head.first.length;
    while (got < head.length) {
      const part = await this.evaluate(chunkExpression(head.id, got, this.maxPayloadChars), what);
      if (part === undefined) return undefined;
      if (part === '' || part === NO_HUB) {
        this.log.warn(`${this.channel}: ${what} answer of ${head.length} characters was gone from the hub after ${got}; asking again`);
        return undefined;
      }
      parts.push(part);
      got += part.length;
    }
    return parts.join('');
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
