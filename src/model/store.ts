// QueueModel: the live picture of every debug session's queues. Fed by wire messages
// (attach info, drain batches, snapshots, recording lines: the same entry points whether
// the data is live or recorded) and read by the tree view, the status bar, the panel and
// the exporters. Changes are announced through `onDidChange` with enough detail for an
// incremental update (which queues got new samples: read them with timeline.readSince).
// Each input call is also announced, once applied, through `onDidApplyInput` (the session
// recorder writes its spool from these; the model itself knows nothing about recording).
// Longer than ~400 lines on purpose: every input and the rules that keep the picture
// consistent (ended sources, stale or lost batches, adopted waits) stay in one class, so the
// order in which they apply is read in one place. Entities and timelines are separate files.

import { sourceKey, sourceLabel, type AttachInfo, type CallSite, type CollectedFinal, type Counters, type DrainBatch, type EndInfo, type Snapshot, type SourceInfo, type WireEvent, WAIT_BUCKETS_MS } from '../protocol/wire';
import { Emitter, type Disposable } from './emitter';
import {
  emptyCounters,
  emptyWaitStats,
  type ModelQueue,
  type ModelSession,
  type ModelSource,
  type ModelWaiter,
  type RunState,
  waitCounts,
} from './entities';
import { applyGap, applyJobCounts, applyJobNotice, applyWorkers } from './jobs';
import { DEFAULT_RETENTION, DepthTimeline, retentionFor, TIMELINE_BUDGET_BYTES, type RetentionOptions } from './timeline';
import { WaitTracker, type TrackedWait, type WaitEnding } from './waitRules';
import { libFacts } from '../protocol/libText';
import { sessionEnd, type SessionEnd } from '../protocol/endText';
import { poolFacts } from './poolFacts';
import { statsOf } from './stats';

/** What changed; fired once per applied message, after the model is consistent again. */
export type ModelChange =
  /** A session was added, renamed, changed state or ended; or was removed (`removed`). */
  | { kind: 'session'; session: string; removed?: boolean }
  /** A source was added or changed state, nextSeq, counts. */
  | { kind: 'source'; session: string; source: string }
  /**
   * A source's refreshMs was cleared by an empty drain (the program went idle), which changes
   * no queue. Other changes of refreshMs come with the queue changes of a busy drain.
   */
  | { kind: 'pace'; session: string; source: string }
  /** Queues of one source changed. Ids are queue ids within the source. */
  | {
      kind: 'queues';
      session: string;
      source: string;
      /** New queues. */
      added: number[];
      /** Name, size, counters, waiters, shutdown or items changed. */
      updated: number[];
      /** Got new timeline samples. */
      sampled: number[];
      /** Garbage-collected in the program (still in the model as history). */
      collected: number[];
    };

/**
 * One input call the model applied, announced by `onDidApplyInput`: the method's name as
 * `kind`, its arguments, and the outcome where there is one. Only the outermost call is
 * announced; what the model does to itself on the way (attach -> addSource -> applySnapshot,
 * applyDrain -> applyEvents, endSession -> setSourceState) is part of it. clearEnded() is
 * not an input of its own: it announces a removeSession per session it removes.
 */
export type ModelInput =
  | { kind: 'openSession'; session: string; name: string; origin: ModelSession['origin']; started: number | undefined }
  /** `source`: the key attach() returned. */
  | { kind: 'attach'; session: string; info: AttachInfo; channel: string | undefined; source: string }
  /** `source`: the key addSource() returned. */
  | { kind: 'addSource'; session: string; info: SourceInfo; snapshot: Snapshot | undefined; channel: string | undefined; source: string }
  | { kind: 'applyDrain'; session: string; source: string; batch: DrainBatch; outcome: DrainOutcome }
  | { kind: 'applyEvents'; session: string; source: string; events: readonly WireEvent[] }
  | { kind: 'applySnapshot'; session: string; source: string; snapshot: Snapshot; paused: boolean; pausedAt?: number }
  /** `previous`: the source's state before the call (undefined: no such source). */
  | { kind: 'setSourceState'; session: string; source: string; state: RunState; previous: RunState | undefined; /** Epoch ms of the change (the model's clock unless given). */ at: number }
  | { kind: 'setSourceEnd'; session: string; source: string; end: EndInfo }
  /** `ended`: keys of the sources this call ended (those not ended already). */
  | { kind: 'endSession'; session: string; at: number | undefined; ended: string[] }
  /** `removed`: removeSession()'s result (false: no such session). */
  | { kind: 'removeSession'; session: string; removed: boolean };

/** Where the model reports problems with its input (the extension's output channel). */
export interface ModelLog {
  warn(message: string): void;
}

export interface ModelOptions {
  retention?: RetentionOptions;
  /**
   * Timeline memory of all queues together (default TIMELINE_BUDGET_BYTES, 64 MiB): past it,
   * every timeline gets a proportionally smaller retention (timeline.ts retentionFor()).
   */
  timelineBudgetBytes?: number;
  /** Ended waits kept per queue for display (default 32). */
  recentWaitsPerQueue?: number;
  /** Garbage-collected queues kept per source before the oldest are forgotten (default 200). */
  collectedQueuesPerSource?: number;
  log?: ModelLog;
  /**
   * A call site as reported by the program -> the site every view shows (the extension maps
   * generated JavaScript to the original TypeScript line with its source map:
   * src/host/sourceMaps/siteMapper.ts). Inputs keep the reported site, so recordings stay raw.
   * Default: the site itself.
   */
  mapSite?: (site: CallSite) => CallSite;
  /** Wall clock, epoch ms (tests pin it). */
  now?: () => number;
}

/** How a drain batch was taken. */
export interface DrainOutcome {
  /** False when the batch was skipped (stale/duplicate sequence number or unknown source). */
  applied: boolean;
  /** Batches missing before this one (0 when in sequence). */
  gap: number;
}

/** Per-model memory figures (timelines), for the retention budget. */
export interface MemoryStats {
  queues: number;
  points: number;
  bytes: number;
}

/** Totals for the status bar. */
export interface Summary {
  queues: number;
  /** Blocked producers (waiting put()s). */
  blocked: number;
  /** Waiting consumers (waiting get()s). */
  waiting: number;
}

/**
 * Changes collected while one message is applied. Hot path (100 queues x every sample tick):
 * arrays deduplicated with a per-queue stamp instead of Sets, which cost 10x more here.
 */
class ChangeSet {
  private static nextStamp = 1;
  readonly stamp = ChangeSet.nextStamp++;
  added: number[] = [];
  updated: number[] = [];
  sampled: number[] = [];
  collected: number[] = [];

  update(q: ModelQueue): void {
    if (q.marks.updated !== this.stamp) {
      q.marks.updated = this.stamp;
      this.updated.push(q.id);
    }
  }

  sample(q: ModelQueue): void {
    if (q.marks.sampled !== this.stamp) {
      q.marks.sampled = this.stamp;
      this.sampled.push(q.id);
    }
  }

  get empty(): boolean {
    return !this.added.length && !this.updated.length && !this.sampled.length && !this.collected.length;
  }
}

export class QueueModel implements Disposable {
  private readonly sessionMap = new Map<string, ModelSession>();
  private readonly emitter: Emitter<ModelChange>;
  private readonly inputs: Emitter<ModelInput>;
  private retention: RetentionOptions;
  private readonly timelineBudget: number;
  /** Timelines in the model, and the queue count the current scaled retention is sized for. */
  private timelines = 0;
  private sizedFor = 100;
  private scaled: RetentionOptions;
  private readonly recentWaitsPerQueue: number;
  private readonly collectedPerSource: number;
  private readonly log: ModelLog;
  private readonly now: () => number;
  private readonly siteMap: ((site: CallSite) => CallSite) | undefined;
  /** The wait rules (src/model/waitRules.ts); a realm is `${session}\0${source}` there. */
  private readonly waits: WaitTracker;
  private readonly trackedSources = new Map<string, ModelSource>();
  /** What the wait rules' reports apply to: the change set of the input being applied. */
  private waitChanges: ChangeSet | undefined;
  /** Set while an ending realm's open waits end: its queues keep those waiters (doSetSourceState). */
  private endingRealm = false;

  /** Subscribe to changes. */
  readonly onDidChange: (listener: (change: ModelChange) => void) => Disposable;
  /**
   * Subscribe to input calls: fires once per call of an entry point from outside, after it
   * was applied (and after the onDidChange events it caused). A throwing listener is logged.
   */
  readonly onDidApplyInput: (listener: (input: ModelInput) => void) => Disposable;

  constructor(options: ModelOptions = {}) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.timelineBudget = options.timelineBudgetBytes ?? TIMELINE_BUDGET_BYTES;
    this.scaled = retentionFor(this.sizedFor, this.retention, this.timelineBudget);
    this.recentWaitsPerQueue = options.recentWaitsPerQueue ?? 32;
    this.collectedPerSource = options.collectedQueuesPerSource ?? 200;
    this.log = options.log ?? { warn: () => undefined };
    this.now = options.now ?? Date.now;
    this.siteMap = options.mapSite;
    this.emitter = new Emitter<ModelChange>((err) => this.log.warn(`model listener failed: ${String(err)}`));
    this.waits = new WaitTracker(
      {
        started: (w) => this.setWaiter(w),
        refined: (w) => this.setWaiter(w),
        ended: (w, e) => this.endWaiter(w, e),
      },
      (src, t) => (this.trackedSources.get(src)?.info.origin ?? 0) + t,
    );
    this.onDidChange = this.emitter.event;
    this.inputs = new Emitter<ModelInput>((err) => this.log.warn(`model input listener failed: ${String(err)}`));
    this.onDidApplyInput = this.inputs.event;
  }

  // -------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------

  /** All sessions, oldest first. */
  get sessions(): ModelSession[] {
    return [...this.sessionMap.values()];
  }

  session(id: string): ModelSession | undefined {
    return this.sessionMap.get(id);
  }

  source(session: string, source: string): ModelSource | undefined {
    return this.sessionMap.get(session)?.sources.get(source);
  }

  /** A queue by its key (`${session}/${source}/${id}`). */
  queue(key: string): ModelQueue | undefined {
    const [session, source, id] = splitQueueKey(key);
    return this.source(session, source)?.queues.get(id);
  }

  /** Every queue of a session (all sources), in creation order per source. */
  queuesOf(session: string): ModelQueue[] {
    const s = this.sessionMap.get(session);
    return s ? [...s.sources.values()].flatMap((src) => [...src.queues.values()]) : [];
  }

  /** Live (not collected) queues in sessions that are not ended (or in one session), and the waiters of realms still running. */
  summary(session?: string): Summary {
    const out: Summary = { queues: 0, blocked: 0, waiting: 0 };
    for (const s of session ? [this.sessionMap.get(session)].filter((x) => x !== undefined) : this.sessionMap.values()) {
      if (!session && s.state === 'ended') continue;
      for (const src of s.sources.values()) {
        for (const q of src.queues.values()) {
          if (q.collected !== undefined) continue;
          out.queues++;
          if (src.state === 'ended') continue; // its waiters are the state it ended in, not anyone waiting now
          const n = waitCounts(q);
          out.blocked += n.blocked;
          out.waiting += n.waiting;
        }
      }
    }
    return out;
  }

  /** Memory held by timelines (typed arrays), for the retention budget. */
  memoryStats(): MemoryStats {
    const out: MemoryStats = { queues: 0, points: 0, bytes: 0 };
    for (const s of this.sessionMap.values()) {
      for (const src of s.sources.values()) {
        for (const q of src.queues.values()) {
          const st = q.timeline.stats();
          out.queues++;
          out.points += st.points;
          out.bytes += st.bytes;
        }
      }
    }
    return out;
  }

  /** Retention for queues created from now on (existing timelines keep theirs). */
  setRetention(retention: RetentionOptions): void {
    this.retention = retention;
    this.scaled = retentionFor(this.sizedFor, retention, this.timelineBudget);
  }

  // -------------------------------------------------------------------------
  // Sessions and sources
  // -------------------------------------------------------------------------

  /** Add a session (idempotent: an existing one is returned, renamed if `name` differs). */
  openSession(id: string, name: string, origin: ModelSession['origin'] = 'debug', started?: number): ModelSession {
    const s = this.doOpenSession(id, name, origin, started);
    this.inputs.fire({ kind: 'openSession', session: id, name, origin, started });
    return s;
  }

  private doOpenSession(id: string, name: string, origin: ModelSession['origin'], started: number | undefined): ModelSession {
    let s = this.sessionMap.get(id);
    if (s) {
      if (s.name !== name) {
        s.name = name;
        this.emitter.fire({ kind: 'session', session: id });
      }
      return s;
    }
    // `started`/`at` (epoch ms) let a replayed recording keep its own times instead of the load time.
    s = { id, name, origin, state: 'live', started: started ?? this.now(), sources: new Map(), siteFiles: new Set() };
    this.sessionMap.set(id, s);
    this.emitter.fire({ kind: 'session', session: id });
    return s;
  }

  /**
   * A hub answered attach(): add (or re-attach) its source and seed its queues from the
   * attach snapshot. Returns the source's key. `channel` names the debug session it is read through.
   */
  attach(session: string, info: AttachInfo, channel?: string): string {
    const { snapshot, nextSeq, ...sourceInfo } = info;
    const key = this.doAddSource(session, sourceInfo, snapshot, channel);
    const src = this.source(session, key);
    if (src) src.nextSeq = nextSeq;
    this.inputs.fire({ kind: 'attach', session, info, channel, source: key });
    return key;
  }

  /** Add a source (live attach or a recording's source line). Returns its key. */
  addSource(session: string, info: SourceInfo, snapshot?: Snapshot, channel?: string): string {
    const key = this.doAddSource(session, info, snapshot, channel);
    this.inputs.fire({ kind: 'addSource', session, info, snapshot, channel, source: key });
    return key;
  }

  private doAddSource(session: string, info: SourceInfo, snapshot: Snapshot | undefined, channel: string | undefined): string {
    const s = this.sessionMap.get(session) ?? this.doOpenSession(session, info.title || session, 'debug', undefined);
    const key = sourceKey(info);
    let src = s.sources.get(key);
    if (src) {
      // A realm that ended comes back (attached again): the waiters it was left with are
      // not waiting now, and its wait tracking starts afresh; its snapshot says who waits.
      if (src.state === 'ended') {
        for (const q of src.queues.values()) {
          q.waiters.clear();
          q.liveWaits = undefined;
        }
        src.end = undefined; // it has not ended now; its next end is said anew
      }
      src.info = info;
      src.state = 'live';
      src.channel = channel;
    } else {
      src = {
        key,
        session,
        info,
        state: 'live',
        channel,
        queues: new Map(),
        nextSeq: 0,
        lostBatches: 0,
        dropped: 0,
        skippedEvents: 0,
        lastSeen: info.origin + info.now,
      };
      s.sources.set(key, src);
      this.trackedSources.set(trackKey(src), src);
      // The session starts where its data does: a hub armed at the program's start has samples
      // from before the reader attached, and a replay must show them from +0 s.
      if (typeof info.armedAt === 'number' && Number.isFinite(info.armedAt) && info.origin + info.armedAt < s.started) s.started = info.origin + info.armedAt;
    }
    if (s.state === 'ended') s.ended = undefined;
    this.refreshSessionState(s);
    this.emitter.fire({ kind: 'source', session, source: key });
    if (snapshot) this.doApplySnapshot(session, key, snapshot, false);
    return key;
  }

  /** Record how a source's realm ended (before it is marked ended; the session recorder writes it then). */
  setSourceEnd(session: string, source: string, end: EndInfo): void {
    const src = this.sessionMap.get(session)?.sources.get(source);
    if (!src || src.end !== undefined) return;
    // Kept as reported (the session recorder writes it so); the views map `at` (mapSite),
    // and the panel may open its file.
    if (end.at !== undefined) this.noteSite(src, end.at);
    src.end = end;
    this.emitter.fire({ kind: 'source', session, source });
    this.inputs.fire({ kind: 'setSourceEnd', session, source, end });
  }

  /**
   * Mark a source live / paused / ended. `at`: epoch ms the realm entered that state, when
   * known (a recording's `end` line): its last moment.
   */
  setSourceState(session: string, source: string, state: RunState, at?: number): void {
    const previous = this.doSetSourceState(session, source, state, at);
    this.inputs.fire({ kind: 'setSourceState', session, source, state, previous, at: at ?? this.now() });
  }

  /** Returns the source's state before (undefined: no such source). */
  private doSetSourceState(session: string, source: string, state: RunState, at?: number): RunState | undefined {
    const s = this.sessionMap.get(session);
    const src = s?.sources.get(source);
    const previous = src?.state;
    if (!s || !src || src.state === state) return previous;
    if (src.state === 'ended' && state !== 'ended') return previous; // an ended realm does not come back
    if (at !== undefined && Number.isFinite(at) && at > src.lastSeen) src.lastSeen = at;
    src.state = state;
    forgetRefresh(src); // a drain after a pause would count the pause as one refresh interval
    if (state === 'ended') {
      src.channel = undefined;
      // Its open waits end with it (wait figures, diagnostics), but the queues keep the
      // waiters they had, as the state the realm ended in: the views list them with their
      // clocks stopped at its end (WaiterInfo.stoppedAt), as the exit's "Work left at exit"
      // finding counts them, and the counts stay what the realm last reported.
      this.endingRealm = true;
      try {
        this.withWaitChanges(src, () => this.waits.endOpen(trackKey(src), src.lastSeen));
      } finally {
        this.endingRealm = false;
      }
    }
    this.emitter.fire({ kind: 'source', session, source });
    this.refreshSessionState(s);
    return previous;
  }

  /** A recording saved while its program ran is being replayed: its end is no exit (RecordingSavedLine). */
  markSavedWhileRunning(session: string, at: number): void {
    const s = this.sessionMap.get(session);
    if (s) s.savedWhileRunning = at;
  }

  /** The session ended: every source ends too; the data stays until removeSession(). */
  endSession(session: string, at?: number): void {
    const ended = this.doEndSession(session, at);
    this.inputs.fire({ kind: 'endSession', session, at, ended });
  }

  /** Returns the keys of the sources it ended. */
  private doEndSession(session: string, at: number | undefined): string[] {
    const s = this.sessionMap.get(session);
    if (!s || s.state === 'ended') return [];
    s.ended = at ?? this.now();
    s.state = 'ended';
    const ended: string[] = [];
    for (const src of s.sources.values()) {
      const before = this.doSetSourceState(session, src.key, 'ended');
      if (before !== 'ended') ended.push(src.key);
    }
    this.emitter.fire({ kind: 'session', session });
    return ended;
  }

  /** Forget a session and everything recorded in it. */
  removeSession(session: string): boolean {
    const gone = this.sessionMap.get(session);
    for (const src of gone?.sources.values() ?? []) {
      this.timelines -= src.queues.size;
      this.waits.forget(trackKey(src));
      this.trackedSources.delete(trackKey(src));
    }
    const removed = this.sessionMap.delete(session);
    if (removed) this.emitter.fire({ kind: 'session', session, removed: true });
    this.inputs.fire({ kind: 'removeSession', session, removed });
    return removed;
  }

  /** Forget every ended debug session and Redis watch; returns how many. An open recording stays (its editor shows it). */
  clearEnded(): number {
    let n = 0;
    for (const s of [...this.sessionMap.values()]) if (s.state === 'ended' && s.origin !== 'recording' && this.removeSession(s.id)) n++;
    return n;
  }

  // -------------------------------------------------------------------------
  // Data
  // -------------------------------------------------------------------------

  /**
   * Apply a drain batch. A batch whose seq is below the expected one (a duplicate or a
   * late, out-of-order answer) is skipped; a jump ahead is a gap: counted, logged, and the
   * batch is applied (the absolute counters and depths it carries put the queues right again).
   */
  applyDrain(session: string, source: string, batch: DrainBatch): DrainOutcome {
    const outcome = this.doApplyDrain(session, source, batch);
    this.inputs.fire({ kind: 'applyDrain', session, source, batch, outcome });
    return outcome;
  }

  private doApplyDrain(session: string, source: string, batch: DrainBatch): DrainOutcome {
    const src = this.source(session, source);
    if (!src) {
      this.log.warn(`drain for unknown source ${session}/${source} skipped`);
      return { applied: false, gap: 0 };
    }
    if (batch.busy === true) return { applied: false, gap: 0 }; // took nothing: ask again later
    if (batch.seq < src.nextSeq) {
      this.log.warn(`${describe(src)}: drain batch seq ${batch.seq} is older than expected ${src.nextSeq}; skipped`);
      return { applied: false, gap: 0 };
    }
    const gap = batch.seq - src.nextSeq;
    if (gap > 0) {
      src.lostBatches += gap;
      this.log.warn(`${describe(src)}: ${gap} drain batch(es) lost (expected seq ${src.nextSeq}, got ${batch.seq})`);
    }
    src.nextSeq = batch.seq + 1;
    src.dropped = Math.max(src.dropped, batch.dropped);
    const skipped = (batch as { skipped?: number }).skipped;
    if (skipped) src.skippedEvents += skipped;
    this.doApplyEvents(session, source, batch.events);
    const at = src.info.origin + batch.t;
    const paced = src.refreshMs !== undefined;
    timeRefresh(src, at, batch.events.length > 0, gap > 0);
    src.lastSeen = at;
    src.drainedAt = this.now();
    if (paced && src.refreshMs === undefined) this.emitter.fire({ kind: 'pace', session, source });
    return { applied: true, gap };
  }

  /** Apply events (from a drain batch or recording lines) to one source. */
  applyEvents(session: string, source: string, events: readonly WireEvent[]): void {
    this.doApplyEvents(session, source, events);
    this.inputs.fire({ kind: 'applyEvents', session, source, events });
  }

  private doApplyEvents(session: string, source: string, events: readonly WireEvent[]): void {
    const src = this.source(session, source);
    if (!src) {
      this.log.warn(`events for unknown source ${session}/${source} skipped`);
      return;
    }
    const changes = new ChangeSet();
    let last = -Infinity;
    // A queue's 'gc' is applied after the rest of the batch: a hub sends lifecycle first, and
    // the queue's last rows, counters and wait ends (its final state, e.g. drained and its
    // producer served) come in the same batch. Applied first, they found it collected with
    // its old numbers, and its work read as lost.
    let collected: WireEvent[] | undefined;
    for (const e of events) {
      if (e.type === 'gc') (collected ??= []).push(e);
      else this.applyEvent(src, e, changes);
      if (e.t > last) last = e.t;
    }
    if (collected !== undefined) for (const e of collected) this.applyEvent(src, e, changes);
    // Events are data too: a replay, fed events only, knows each realm up to its latest one
    // (a drain sets lastSeen to its own time after this).
    if (Number.isFinite(last)) src.lastSeen = Math.max(src.lastSeen, src.info.origin + last);
    this.fireQueues(src, changes);
    this.evictCollected(src);
  }

  /**
   * Apply a snapshot: queue metadata, sizes, counters and the exact set of current waiters
   * and item previews. With `paused` (the default) the source is marked paused at it.
   */
  applySnapshot(session: string, source: string, snap: Snapshot, options: { paused?: boolean; pausedAt?: number } = {}): void {
    const paused = options.paused ?? true;
    // When the pause began (realm ms): before the snapshot, which came after the drains.
    const pausedAt = paused && options.pausedAt !== undefined && Number.isFinite(options.pausedAt) && options.pausedAt < snap.t ? Math.max(0, options.pausedAt) : undefined;
    this.doApplySnapshot(session, source, snap, paused, pausedAt);
    this.inputs.fire({ kind: 'applySnapshot', session, source, snapshot: snap, paused, ...(pausedAt !== undefined ? { pausedAt } : {}) });
  }

  private doApplySnapshot(session: string, source: string, snap: Snapshot, paused: boolean, pausedAt?: number): void {
    const src = this.source(session, source);
    if (!src) {
      this.log.warn(`snapshot for unknown source ${session}/${source} skipped`);
      return;
    }
    const at = src.info.origin + snap.t;
    const changes = new ChangeSet();
    const present = new Set<number>();
    for (const qs of snap.queues) {
      present.add(qs.q);
      const q = this.ensureQueue(src, qs.q, at, changes);
      q.name = qs.name;
      q.kind = qs.kind;
      q.maxsize = qs.maxsize;
      q.size = qs.size;
      q.unfinished = qs.unfinished;
      if (qs.site) q.site = this.noteSite(src, qs.site);
      this.applyCounters(q, qs.counters, src.info.origin);
      q.countersAt = at;
      if (qs.shutdown && !q.shutdown) q.shutdown = 'graceful';
      q.items = [...qs.items];
      q.itemsAt = at;
      Object.assign(q, libFacts(qs), statsOf(qs.stats));
      if (Array.isArray(qs.runningItems)) q.runningItems = qs.runningItems.filter((x): x is string => typeof x === 'string');
      changes.update(q);
    }
    this.withWaitChanges(src, () => this.waits.snapshot(trackKey(src), snap), changes);
    // The snapshot lists every waiter: exact counts again, whatever was sampled before.
    for (const qs of snap.queues) {
      const q = src.queues.get(qs.q);
      if (q?.liveWaits !== undefined) q.liveWaits = waitCounts({ waiters: q.waiters, liveWaits: undefined });
    }
    // A snapshot lists every live queue: the others are gone from the program. Unless the
    // reader dropped malformed entries: a queue missing then may be one of them, alive.
    if (!((snap.skipped ?? 0) > 0)) {
      for (const q of src.queues.values()) {
        if (!present.has(q.id) && q.collected === undefined) this.collect(src, q, at, changes);
      }
    }
    src.lastSeen = Math.max(src.lastSeen, at);
    if (paused) {
      src.pausedAt = src.info.origin + (pausedAt ?? snap.t);
      this.doSetSourceState(session, source, 'paused');
    }
    this.fireQueues(src, changes);
    this.evictCollected(src);
  }

  // -------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------

  /** Counters as the model keeps them: a pool's oldest-running start in epoch ms, its live stats. */
  private applyCounters(q: ModelQueue, c: Counters, origin: number): void {
    const f = poolFacts(c, origin);
    q.counters = f.counters;
    if (f.runningSince !== undefined) q.runningSince = f.runningSince;
    else delete q.runningSince;
    if (f.stats !== undefined) q.stats = f.stats;
  }


  /**
   * A reported call site as the views show it (ModelOptions.mapSite): the recording cursor
   * maps the raw sites of its wait index with it. A throwing mapper leaves the site as is.
   */
  /**
   * How a session ended, when that is news, and whose end it was (sessionEnd()), its `at`
   * as the views show it (mapSite): the panel's banner and `queuescope check` say it so.
   */
  sessionEnd(session: string): SessionEnd | undefined {
    const s = this.sessionMap.get(session);
    const ended = s === undefined ? undefined : sessionEnd(s.sources.values());
    const at = ended?.end.at;
    return ended !== undefined && at !== undefined ? { ...ended, end: { ...ended.end, at: this.mapSite(at) } } : ended;
  }

  mapSite(site: CallSite): CallSite {
    if (this.siteMap === undefined) return site;
    try {
      return this.siteMap(site);
    } catch (err) {
      this.log.warn(`call site mapping failed for ${site.file}: ${String(err)}`);
      return site;
    }
  }

  /**
   * The site to keep for a reported call site (mapped: mapSite), its file added to the
   * session's allow-list (ModelSession.siteFiles) with the reported file.
   */
  private noteSite<S extends CallSite | undefined>(src: ModelSource, site: S): S {
    if (!site) return site;
    const shown = this.mapSite(site);
    const files = this.sessionMap.get(src.session)?.siteFiles;
    files?.add(site.file);
    if (shown !== site) files?.add(shown.file);
    return shown as S;
  }

  private applyEvent(src: ModelSource, e: WireEvent, changes: ChangeSet): void {
    const at = src.info.origin + e.t;
    switch (e.type) {
      case 'queue': {
        const q = this.ensureQueue(src, e.q, at, changes);
        if (at < q.created) q.created = at; // announced after a snapshot showed it: it was there before
        q.name = e.name;
        q.kind = e.kind;
        q.maxsize = e.maxsize;
        // Its size at creation: rows already applied (a drain that carried its samples before a
        // capped announcement, src/trace/hub.ts LIFECYCLE_CHARS) are newer.
        if (q.timeline.cursor === 0) q.size = e.size;
        if (e.site) q.site = this.noteSite(src, e.site);
        Object.assign(q, libFacts(e));
        // The timeline starts where the queue does: the hub's first row for it covers the time
        // since the previous drain, and without this point the chart drew it as one instant.
        // Under tsx the poller had backed off while the program compiled, so the first 0.5 s
        // of a 60-job burst showed as a line starting half-way down.
        if (q.timeline.cursor === 0 && q.timeline.hold(at, e.size)) changes.sample(q);
        changes.update(q);
        break;
      }
      case 'samples':
        // Hot path (every queue, every tick): indexed access, no destructuring iterator.
        for (let i = 0; i < e.rows.length; i++) {
          const row = e.rows[i];
          const id = row[0];
          const depth = row[1];
          const q = src.queues.get(id) ?? this.ensureQueue(src, id, at, changes);
          // Quiet until its first change (SampleRow.firstChange): the depth held at the
          // previous value until then, so the row's band starts there.
          const first: unknown = row[6]; // a malformed 7th element (null, text) is ignored
          if (typeof first === 'number' && first >= 0) {
            const quietEnd = src.info.origin + first;
            if (quietEnd > q.timeline.newestTime && quietEnd < at) q.timeline.hold(quietEnd, q.size);
          }
          if (q.timeline.push(at, depth, row[2], row[3], row[4], row[5])) changes.sample(q);
          if (q.size !== depth) {
            q.size = depth;
            changes.update(q);
          }
          if (row[3] > q.counters.highWater) q.counters.highWater = row[3]; // the interval's max
        }
        break;
      case 'wait':
      case 'waitEnd':
      case 'shortWaits': {
        if (e.type === 'shortWaits') {
          const q = this.ensureQueue(src, e.q, at, changes);
          const stats = q.waitStats[e.role];
          stats.count += e.count;
          stats.totalMs += e.totalMs;
          for (let i = 0; i < stats.hist.length && i < e.hist.length; i++) stats.hist[i] += e.hist[i];
          changes.update(q);
        }
        this.withWaitChanges(src, () => this.waits.event(trackKey(src), e), changes);
        break;
      }
      case 'counters': {
        const q = this.ensureQueue(src, e.q, at, changes);
        this.applyCounters(q, e.c, src.info.origin);
        q.countersAt = at;
        q.unfinished = e.unfinished;
        if (e.blocked !== undefined && e.waiting !== undefined) q.liveWaits = { blocked: e.blocked, waiting: e.waiting };
        if (e.sampled !== undefined) q.waitsSampled = e.sampled;
        changes.update(q);
        break;
      }
      case 'shutdown': {
        const q = this.ensureQueue(src, e.q, at, changes);
        q.shutdown = e.immediate ? 'immediate' : 'graceful';
        changes.update(q);
        break;
      }
      case 'gc': {
        const q = src.queues.get(e.q);
        if (!q || q.collected !== undefined) break;
        const final = finalOf(e.final);
        if (final !== undefined) {
          // Its last figures (a change the previous drain did not see died with the queue).
          if (final.size !== q.size) {
            if (q.timeline.push(at, final.size, Math.min(q.size, final.size), Math.max(q.size, final.size), 0, 0)) changes.sample(q);
            q.size = final.size;
          }
          q.counters.puts = Math.max(q.counters.puts, final.puts);
          q.counters.gets = Math.max(q.counters.gets, final.gets);
          q.unfinished = final.unfinished;
          q.liveWaits = { blocked: final.blocked, waiting: final.waiting };
        }
        this.collect(src, q, at, changes, final);
        break;
      }
      case 'dropped':
        src.dropped = Math.max(src.dropped, e.total);
        break;
      // Distributed queues (src/redis): the rules live in jobs.ts.
      case 'jobCounts': {
        const q = this.ensureQueue(src, e.q, at, changes);
        if (applyJobCounts(q, e, at, this.retention)) changes.sample(q);
        changes.update(q);
        break;
      }
      case 'jobEvent': {
        const q = this.ensureQueue(src, e.q, at, changes);
        applyJobNotice(q, e, at);
        changes.update(q);
        break;
      }
      case 'workers': {
        const q = this.ensureQueue(src, e.q, at, changes);
        applyWorkers(q, e);
        changes.update(q);
        break;
      }
      case 'gap':
        applyGap(src, e);
        this.emitter.fire({ kind: 'source', session: src.session, source: src.key });
        break;
    }
  }

  /** The queue with this id, created as a placeholder when data arrives before its 'queue' event (after a gap). */
  private ensureQueue(src: ModelSource, id: number, at: number, changes: ChangeSet): ModelQueue {
    let q = src.queues.get(id);
    if (q) return q;
    q = {
      id,
      key: `${src.session}/${src.key}/${id}`,
      session: src.session,
      source: src.key,
      name: `queue-${id}`,
      kind: 'fifo',
      maxsize: 0,
      size: 0,
      unfinished: 0,
      shutdown: false,
      counters: emptyCounters(),
      waiters: new Map<number, ModelWaiter>(),
      recentWaits: [],
      waitStats: { put: emptyWaitStats(), get: emptyWaitStats() },
      timeline: new DepthTimeline(this.scaled),
      created: at,
      marks: { updated: 0, sampled: 0 },
    };
    src.queues.set(id, q);
    changes.added.push(id);
    if (++this.timelines > this.sizedFor) this.resizeTimelines();
    return q;
  }

  /**
   * More timelines than the retention was sized for: size it for twice as many, and shrink
   * every existing timeline to it, so all of them stay within the timeline budget.
   */
  private resizeTimelines(): void {
    while (this.sizedFor < this.timelines) this.sizedFor *= 2;
    const next = retentionFor(this.sizedFor, this.retention, this.timelineBudget);
    if (next === this.scaled) return;
    this.scaled = next;
    for (const s of this.sessionMap.values()) for (const src of s.sources.values()) for (const q of src.queues.values()) q.timeline.retain(next);
  }

  private collect(src: ModelSource, q: ModelQueue, at: number, changes: ChangeSet, final?: CollectedFinal): void {
    q.collected = at;
    // Who still waited: the waiters the model holds, less a role the hub's last count says
    // nobody waited in (a served wait's end may come in a later batch, or a later line).
    q.waitersAtCollect = [...q.waiters.values()].filter((w) => final === undefined || (w.role === 'put' ? final.blocked : final.waiting) > 0);
    if (q.liveWaits !== undefined) q.liveWaitsAtCollect = { ...q.liveWaits };
    this.withWaitChanges(src, () => this.waits.endQueue(trackKey(src), q.id, at), changes);
    if (q.liveWaits !== undefined) q.liveWaits = { blocked: 0, waiting: 0 };
    changes.collected.push(q.id); // once: both callers collect only a queue not collected yet
    let dead = this.deadOrder.get(src);
    if (!dead) this.deadOrder.set(src, (dead = new Set()));
    dead.add(q.id);
  }

  /**
   * Bound the history of dead queues: a program that makes queues in a loop must not grow the
   * model forever. Called once the input that collected them was announced (fireQueues), so
   * that every queue collected in it is still there for its listeners: the diagnostics
   * engine judges each one for work lost with it. Evicted while the batch was applied, a
   * GC that collected 1,000 queues at once left only the last 200 to be judged, and a
   * queue dropped with an item and a blocked producer among the first went unreported
   * (since 2026-12-05). The first collected go first (not the first created: that could be
   * a queue still in use, and its wait ends in the same batch would then bring it back as a
   * live placeholder). Each source keeps its dead queues in the order they were collected,
   * so this costs O(evicted), not a copy and sort of every queue per collected one.
   */
  private evictCollected(src: ModelSource): void {
    const dead = this.deadOrder.get(src);
    if (!dead || dead.size <= this.collectedPerSource) return;
    for (const id of dead) {
      if (dead.size <= this.collectedPerSource) break;
      dead.delete(id);
      const q = src.queues.get(id);
      if (q === undefined || q.collected === undefined) continue;
      src.queues.delete(id);
      this.forget(src, id);
      this.timelines--;
    }
  }

  /** Per source: ids of its collected queues still kept, in the order they were collected. */
  private readonly deadOrder = new WeakMap<ModelSource, Set<number>>();

  /** Run wait rules whose reports belong to `changes` (a change set of their own, fired, when none). */
  private withWaitChanges(src: ModelSource, run: () => void, changes?: ChangeSet): void {
    const outer = this.waitChanges;
    const own = changes ?? new ChangeSet();
    this.waitChanges = own;
    try {
      run();
    } finally {
      this.waitChanges = outer;
    }
    if (!changes) this.fireQueues(src, own);
  }

  /** Ids of collected queues dropped from a source's history (bounded): nothing brings them back. */
  private readonly forgotten = new WeakMap<ModelSource, Set<number>>();

  private forget(src: ModelSource, id: number): void {
    let ids = this.forgotten.get(src);
    if (!ids) this.forgotten.set(src, (ids = new Set()));
    ids.add(id);
    if (ids.size > 10_000) ids.delete(ids.values().next().value as number);
  }

  private setWaiter(w: TrackedWait): void {
    const src = this.trackedSources.get(w.src);
    const changes = this.waitChanges;
    if (!src || !changes) return;
    // A wait of a queue already collected (its announcement cut into a later batch) is not
    // one: it would wait there for good, or bring a forgotten queue back as a live placeholder.
    const known = src.queues.get(w.q);
    if (known ? known.collected !== undefined : this.forgotten.get(src)?.has(w.q)) return;
    const q = this.ensureQueue(src, w.q, w.since, changes);
    q.waiters.set(w.w, { id: w.w, queue: w.q, role: w.role, since: w.since, site: this.noteSite(src, w.site), fromSnapshot: w.fromSnapshot, ...(w.adopted ? { adopted: true } : {}) });
    changes.update(q);
  }

  private endWaiter(w: TrackedWait, e: WaitEnding): void {
    const src = this.trackedSources.get(w.src);
    const q = src?.queues.get(w.q);
    if (!q) return;
    const waiter = q.waiters.get(w.w);
    if (e.cause === 'end' && this.endingRealm) return; // kept: the state its realm ended in
    q.waiters.delete(w.w);
    if (e.cause === 'waitEnd' && waiter && e.outcome !== undefined && e.ms !== undefined) {
      addWait(q.waitStats[w.role], e.ms, 1);
      q.recentWaits.push({ ...waiter, ended: e.at, outcome: e.outcome, ms: e.ms });
      if (q.recentWaits.length > this.recentWaitsPerQueue) q.recentWaits.splice(0, q.recentWaits.length - this.recentWaitsPerQueue);
    }
    if (this.waitChanges) this.waitChanges.update(q);
  }

  private fireQueues(src: ModelSource, c: ChangeSet): void {
    if (c.empty) return;
    this.emitter.fire({
      kind: 'queues',
      session: src.session,
      source: src.key,
      added: c.added,
      updated: c.updated,
      sampled: c.sampled,
      collected: c.collected,
    });
  }

  private refreshSessionState(s: ModelSession): void {
    if (s.state === 'ended' && s.ended !== undefined) return;
    const states = [...s.sources.values()].map((src) => src.state);
    const next: RunState = states.includes('paused') ? 'paused' : 'live';
    if (next !== s.state) {
      s.state = next;
      this.emitter.fire({ kind: 'session', session: s.id });
    }
  }

  dispose(): void {
    this.emitter.dispose();
    this.inputs.dispose();
  }
}

function addWait(stats: { count: number; totalMs: number; hist: number[] }, ms: number, count: number): void {
  stats.count += count;
  stats.totalMs += ms;
  let i = 0;
  while (i < WAIT_BUCKETS_MS.length - 1 && ms > WAIT_BUCKETS_MS[i]) i++;
  stats.hist[i] += count;
}

/** A source's realm key in the wait rules: sessions may share source keys (a recording opened twice). */
function trackKey(src: ModelSource): string {
  return `${src.session}\0${src.key}`;
}

function describe(src: ModelSource): string {
  return sourceLabel(src.info);
}

/** Split a queue key into [session, source, id]. Session ids may contain '/', so split from the right. */
export function splitQueueKey(key: string): [string, string, number] {
  const i = key.lastIndexOf('/');
  const j = key.lastIndexOf('/', i - 1);
  return [key.slice(0, j), key.slice(j + 1, i), Number(key.slice(i + 1))];
}

/** Gaps between busy batches that refreshMs looks back over: a push tick drains up to 8 batches in a row. */
export const REFRESH_GAPS = 8;

/** Refresh timing starts over at the next busy batch. */
function forgetRefresh(src: ModelSource): void {
  src.refreshAt = src.refreshMs = src.refreshGaps = undefined;
}

/**
 * How often a busy source's picture is refreshed, from the drain batches themselves (the
 * same for polled and pushed ones): the longest of the last REFRESH_GAPS gaps between
 * batches that carry events, so the up to 8 batches one push tick drains back to back (tens
 * of ms apart) do not hide the seconds between ticks. An empty batch means the program is
 * idle: the reader's back-off is not pacing, so timing starts over at the next busy batch.
 * So does a batch after a sequence gap (the lost ones were refreshes too).
 */
function timeRefresh(src: ModelSource, at: number, events: boolean, afterGap: boolean): void {
  if (!events) {
    forgetRefresh(src);
    return;
  }
  if (src.refreshAt !== undefined && !afterGap && at > src.refreshAt) {
    const gaps = (src.refreshGaps ??= []);
    gaps.push(at - src.refreshAt);
    if (gaps.length > REFRESH_GAPS) gaps.shift();
    src.refreshMs = Math.max(...gaps);
  }
  src.refreshAt = at;
}

/** A 'gc' event's final figures, when whole and numeric (a malformed part is ignored, not the event). */
function finalOf(v: unknown): CollectedFinal | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = v as Record<string, unknown>;
  const ok = (k: string): boolean => typeof f[k] === 'number' && Number.isFinite(f[k] as number) && (f[k] as number) >= 0;
  return ['size', 'puts', 'gets', 'unfinished', 'blocked', 'waiting'].every(ok) ? (f as unknown as CollectedFinal) : undefined;
}
