// The diagnostics engine: runs the rules (rules/*.ts) on the model, one tick per poll, so a
// live session, a replay and a recording read by the CLI give the same findings. Between
// ticks it follows the model's changes (learns call sites, mirrors waiters, judges a realm's
// exit at the moment it ends); at each tick it reads every live queue once (O(queues +
// waiters)), skips paused sessions (their clocks stop: a paused program is not deadlocked and
// its waits do not age), and diffs the findings against the previous tick: ids are stable,
// so a finding stays until its condition ends and then moves to the history.
// No vscode, no node:*: the extension, the CLI and the tests run this same code.

import { Emitter, type Disposable, type ModelChange, type ModelSession, type ModelSource, type QueueModel } from '../model';
import { ActiveClock } from './activeClock';
import type { PoolObservation, PoolProvider, SessionContext } from './context';
import type { Finding, FindingRecord } from './findings';
import { PartyBook } from './parties';
import { QueueTrack, type TrackWindows } from './queueTrack';
import { bottleneckRule } from './rules/bottleneck';
import { deadlockRule } from './rules/deadlock';
import { collectedWorkRule, exitWorkRule } from './rules/exitWork';
import { growthRule } from './rules/growth';
import { longBlockRule } from './rules/longBlock';
import { libPools, queuePools, stuckRule } from './rules/stuck';
import { defaultThresholds, type Thresholds } from './thresholds';

/** Findings of one session changed (raised, updated or cleared); `findings` is the new active set. */
export interface FindingsChange {
  session: string;
  findings: readonly Finding[];
}

export interface EngineOptions {
  thresholds?: Thresholds;
  /**
   * Which sessions this engine judges (default: all). The extension ticks on the wall clock,
   * so it leaves recordings to RecordingCheck, which ticks on the recording's own time.
   */
  sessions?: (s: ModelSession) => boolean;
}

class SessionTrack {
  readonly clock = new ActiveClock();
  readonly book = new PartyBook();
  readonly tracks = new Map<string, QueueTrack>();
  lastActivity: number;
  maxGap = 0;
  private movedOnce = false;
  /** Active findings by id. */
  active = new Map<string, FindingRecord>();
  /** Exit findings, judged once per realm at its end. */
  readonly exits = new Map<string, Finding>();
  /** Work lost with collected queues, oldest first (at most MAX_COLLECTED_FINDINGS). */
  readonly lost = new Map<string, Finding>();
  /**
   * Warnings and infos still active when every realm they name had ended, frozen there
   * (`until`): the state the program ended in (a deadlock, a stuck worker), which a recording
   * of the same run shows too. Hints (long blocks) are left to the exit finding.
   */
  readonly standing = new Map<string, Finding>();
  readonly endedSources = new Set<string>();

  constructor(started: number) {
    this.lastActivity = started;
  }

  /** Findings judged once and kept (what stood at an end, exit work, work lost): published at every tick. */
  settled(): Finding[] {
    return [...this.standing.values(), ...this.exits.values(), ...this.lost.values()];
  }

  moved(now: number): void {
    if (this.movedOnce) this.maxGap = Math.max(this.maxGap, this.clock.between(this.lastActivity, now));
    this.movedOnce = true;
    this.lastActivity = now;
  }
}

/** Libraries whose adapters count only the tasks that ended by themselves (see taskEnded). */
const ENDS_OWN_TASKS = /^(fastq|async|p-limit)@/;

/**
 * The task a stuck finding named ended: work was completed since (the completed count passed
 * the finding's), fewer tasks run than it counted, and for another library's pool, whose
 * adapter times each task, the oldest running start moved past the finding's `since`. Not
 * a count alone: in a pool of three, the other workers' taskDone()s passed it while the lost
 * task still ran, and busy again, the program cleared the finding (a review's lost2.js; our
 * queues' oldest start is a FIFO estimate that taskDone() advances, whichever task it ends).
 * Only where a task's end is its own: our queues (taskDone()), fastq and async (the worker
 * called back), p-limit (its promise settled). Not where the library ends tasks itself and
 * its adapter counts them as it counts finished ones: piscina's destroy() terminates them, a
 * p-queue `timeout` frees the slot of a task that never settled, BullMQ moves stalled jobs;
 * a hung task so ended read as completed (reviews of this change).
 */
function taskEnded(st: SessionTrack, f: Finding): boolean {
  const { completed: counted, running: before } = f.figures;
  const t = st.tracks.get(f.queues[0]?.key ?? '');
  if (t === undefined || typeof counted !== 'number' || typeof before !== 'number') return false;
  if (t.q.lib !== undefined && !ENDS_OWN_TASKS.test(t.q.lib)) return false;
  const ours = t.q.counters.running === undefined;
  const done = ours ? t.completedCount : (t.q.counters.done ?? 0);
  const running = ours ? t.takenNotDone : (t.q.counters.running ?? 0);
  const oldest = ours ? undefined : t.q.runningSince;
  return done > counted && running < before && (oldest === undefined || oldest > f.since);
}

export class DiagnosticsEngine implements Disposable {
  private readonly sessions = new Map<string, SessionTrack>();
  private readonly records: FindingRecord[] = [];
  private readonly providers: PoolProvider[] = [];
  private readonly emitter = new Emitter<FindingsChange>();
  private readonly subscription: Disposable;
  private thresholds: Thresholds;
  /** Windows of the trend rules. */
  private windows: TrackWindows;
  private lastNow = 0;
  private readonly accepts: (s: ModelSession) => boolean;

  /** Fires after a tick (or a realm's end) changed a session's findings. */
  readonly onDidChangeFindings = this.emitter.event;

  constructor(
    private readonly model: QueueModel,
    options: EngineOptions = {},
  ) {
    this.thresholds = options.thresholds ?? defaultThresholds();
    this.accepts = options.sessions ?? (() => true);
    this.windows = windowsOf(this.thresholds);
    this.subscription = model.onDidChange((c) => this.onModelChange(c));
    for (const s of model.sessions) {
      if (!this.accepts(s)) continue;
      for (const src of s.sources.values()) for (const q of src.queues.values()) this.follow(s, src.key, q.id);
    }
  }

  setThresholds(th: Thresholds): void {
    this.thresholds = th;
    this.windows = windowsOf(th);
  }

  /** Plug in an adapter's pools (fastq, p-queue…): they join the stuck-work rule. */
  addPoolProvider(provider: PoolProvider): Disposable {
    this.providers.push(provider);
    return {
      dispose: () => {
        const i = this.providers.indexOf(provider);
        if (i >= 0) this.providers.splice(i, 1);
      },
    };
  }

  /** Active findings (of one session, or of all), warnings first. */
  findings(session?: string): Finding[] {
    const out: Finding[] = [];
    for (const [id, st] of this.sessions) {
      if (session !== undefined && id !== session) continue;
      for (const r of st.active.values()) out.push(r.finding);
    }
    return out.sort(bySeverity);
  }

  /** Every finding raised so far, active or cleared, in the order raised. */
  history(session?: string): readonly FindingRecord[] {
    return session === undefined ? this.records : this.records.filter((r) => r.finding.session === session);
  }

  /** Evaluate every session at epoch ms `now` (live: Date.now(); a recording: its own time). */
  tick(now: number): void {
    this.lastNow = now;
    for (const s of this.model.sessions) {
      if (!this.accepts(s)) continue;
      const st = this.sessionTrack(s);
      if (s.state === 'ended') {
        st.clock.resume(now);
        this.publish(s.id, st, st.settled(), now);
        continue;
      }
      if (s.state === 'paused') {
        st.clock.pause(now); // findings stay as they were; nothing ages
        continue;
      }
      st.clock.resume(now);
      const live: QueueTrack[] = [];
      let moved = false;
      let seenUntil = now;
      for (const src of s.sources.values()) {
        if (src.state !== 'live') continue;
        if (src.drainedAt !== undefined && src.drainedAt < seenUntil) seenUntil = src.drainedAt;
        for (const q of src.queues.values()) {
          if (q.collected !== undefined) continue;
          const t = st.tracks.get(q.key) ?? this.follow(s, src.key, q.id);
          if (!t) continue;
          t.q = q;
          if (t.observe(now, st.clock, this.windows)) moved = true;
          live.push(t);
        }
      }
      if (moved) st.moved(now);
      this.publish(s.id, st, [...this.evaluate(s, st, live, now, seenUntil), ...st.settled()], now);
    }
  }

  private evaluate(s: ModelSession, st: SessionTrack, tracks: QueueTrack[], now: number, seenUntil: number): Finding[] {
    const base = {
      session: s,
      now,
      clock: st.clock,
      th: this.thresholds,
      tracks,
      track: (k: string) => st.tracks.get(k),
      book: st.book,
      lastActivity: st.lastActivity,
      seenUntil,
      maxGap: st.maxGap,
      pools: [] as PoolObservation[],
    };
    const ctx: SessionContext = { ...base, pools: [...queuePools(base), ...libPools(base), ...this.providers.flatMap((p) => p.pools(s.id, now))] };
    const deadlocks = deadlockRule(ctx);
    const covered = new Set(deadlocks.flatMap((f) => f.waiters.map((w) => `${ctx.track(w.queue)?.q.source}#${w.id}`)));
    const stuck = stuckRule(ctx);
    return [...deadlocks, ...stuck, ...growthRule(ctx), ...bottleneckRule(ctx, stuck), ...longBlockRule(ctx, covered)];
  }

  /** Diff against the active set; raise new ones, clear vanished ones, fire when anything changed. */
  private publish(session: string, st: SessionTrack, found: Finding[], now: number): void {
    const next = new Map<string, FindingRecord>();
    let changed = false;
    for (const f of found) {
      const prev = st.active.get(f.id);
      if (prev) {
        if (prev.finding.message !== f.message) changed = true;
        prev.finding = { ...f, since: Math.min(prev.finding.since, f.since) };
        next.set(f.id, prev);
      } else {
        const rec: FindingRecord = { finding: f, raised: now };
        this.records.push(rec);
        if (this.records.length > MAX_HISTORY) this.trimHistory();
        next.set(f.id, rec);
        changed = true;
      }
    }
    for (const [id, rec] of st.active) {
      if (!next.has(id)) {
        rec.cleared = now;
        if (rec.finding.rule === 'stuck' && taskEnded(st, rec.finding)) rec.workDone = true;
        changed = true;
      }
    }
    st.active = next;
    if (changed) this.emitter.fire({ session, findings: [...next.values()].map((r) => r.finding).sort(bySeverity) });
  }

  /** A long live session whose hints come and go must not grow the history forever: drop the oldest ended ones. */
  private trimHistory(): void {
    let drop = this.records.length - MAX_HISTORY / 2;
    for (let i = 0; i < this.records.length && drop > 0; i++) {
      if (this.records[i].cleared !== undefined) {
        this.records.splice(i--, 1);
        drop--;
      }
    }
  }

  private onModelChange(c: ModelChange): void {
    const s = this.model.session(c.session);
    if (c.kind === 'session') {
      if (c.removed || !s) {
        const st = this.sessions.get(c.session);
        if (st) {
          for (const r of st.active.values()) r.cleared ??= this.lastNow;
          this.sessions.delete(c.session);
          this.emitter.fire({ session: c.session, findings: [] });
        }
      }
      return;
    }
    if (!s || !this.accepts(s)) return;
    if (c.kind === 'queues') {
      // Before the updates: the track's mirror of the waiters is the evidence.
      for (const id of c.collected) this.collected(s, c.source, id);
      for (const id of c.added) this.follow(s, c.source, id);
      for (const id of c.updated) this.follow(s, c.source, id);
      return;
    }
    // kind 'source': a realm that just ended is judged for work left, once.
    const src = s.sources.get(c.source);
    const st = this.sessionTrack(s);
    if (!src || src.state !== 'ended' || st.endedSources.has(src.key)) return;
    st.endedSources.add(src.key);
    const tracks = [...src.queues.values()].map((q) => st.tracks.get(q.key)).filter((t): t is QueueTrack => t !== undefined);
    // A realm that said how it ended (its exit tail) ended at its last drain, the tail's: ages
    // are read there, as the panel reads them (QueueInfo.stoppedAt). Without that word the
    // moment is unknown, and the latest one known stands for it.
    const at = src.end !== undefined ? src.lastSeen : Math.max(this.lastNow, src.lastSeen, s.ended ?? -Infinity);
    // The realm is judged once more on its final state (its exit tail applied, the waiters'
    // mirror still whole): what still holds stands, frozen at the end; a deadlock its own
    // shutdown ended after the last tick does not. Findings naming only live realms stay.
    const sourceOf = (key: string): ModelSource | undefined => s.sources.get(st.tracks.get(key)?.q.source ?? '');
    const onlyEnded = (f: Finding): boolean => f.queues.every((q) => sourceOf(q.key)?.state === 'ended');
    // What its tail brought (a last move) counts as activity before that judgement.
    const judgeAt = Math.max(at, this.lastNow);
    let moved = false;
    for (const t of tracks) if (t.observe(judgeAt, st.clock, this.windows)) moved = true;
    if (moved) st.moved(judgeAt);
    for (const f of this.evaluate(s, st, tracks, judgeAt, at)) {
      if (f.severity !== 'hint' && onlyEnded(f)) st.standing.set(f.id, { ...f, until: at });
    }
    const kept = [...st.active.values()].map((r) => r.finding).filter((f) => f.rule !== 'exit-work-left' && !f.queues.some((q) => sourceOf(q.key) === src));
    // A recording saved while its program ran ends there, and its realms did not: no exit to
    // judge (a live session's Save, opened again, read "At exit, … 20 items were never
    // processed" as warnings for a program that was still running).
    const exited = s.savedWhileRunning === undefined || src.end !== undefined;
    if (exited) for (const f of exitWorkRule({ session: s, clock: st.clock }, tracks, at)) st.exits.set(f.id, f);
    for (const t of tracks) {
      t.waiters = [];
      t.liveWaits = undefined;
    }
    this.publish(s.id, st, [...kept, ...st.settled()], at);
  }

  /**
   * A queue garbage-collected in the program: judged for work lost with it, once, from the
   * track's mirror of its waiters (the model has just ended them); the track then goes.
   */
  private collected(s: ModelSession, source: string, id: number): void {
    const q = s.sources.get(source)?.queues.get(id);
    const st = this.sessionTrack(s);
    if (!q || q.collected === undefined) return;
    // A queue made and collected between two drains has no track yet: judged all the same,
    // from what the model learned of it in that batch (a request's queue dropped with an
    // item in it was never reported).
    const t = st.tracks.get(q.key) ?? (q.waitersAtCollect !== undefined ? new QueueTrack(q.key, q, q.created, this.windows) : undefined);
    if (!t) return;
    st.tracks.delete(q.key);
    t.q = q;
    // Who still waited when it went, as the model saw it then: the batch that carried its
    // 'gc' may also have carried the end of a wait the mirror still holds (served, then dropped).
    if (q.waitersAtCollect !== undefined) {
      t.waiters = q.waitersAtCollect.length ? q.waitersAtCollect : EMPTY;
      t.liveWaits = q.liveWaitsAtCollect;
    }
    const f = collectedWorkRule({ session: s, clock: st.clock }, t, q.collected);
    if (!f) return;
    st.lost.set(f.id, f);
    // A program that drops a queue with work in it per request must not grow this forever.
    if (st.lost.size > MAX_COLLECTED_FINDINGS) st.lost.delete(st.lost.keys().next().value as string);
    // The other active findings stay until the next tick; the work lost is what `lost` holds now.
    const kept = [...st.active.values()].map((r) => r.finding).filter((f) => f.rule !== 'collected-work-left');
    this.publish(s.id, st, [...kept, ...st.settled()], q.collected);
  }

  /** Refresh the track of one queue after a model change: mirror its waiters, learn its sites. */
  private follow(s: ModelSession, source: string, id: number): QueueTrack | undefined {
    const q = s.sources.get(source)?.queues.get(id);
    if (!q) return undefined;
    const st = this.sessionTrack(s);
    let t = st.tracks.get(q.key);
    if (!t) {
      t = new QueueTrack(q.key, q, q.created, this.windows);
      st.tracks.set(q.key, t);
    }
    t.q = q;
    if (q.collected !== undefined) {
      st.tracks.delete(q.key);
      return undefined;
    }
    const src = s.sources.get(source);
    if (src?.state === 'ended') return t; // the mirror is as it was at the end: the exit rule judged it
    t.waiters = q.waiters.size ? [...q.waiters.values()] : EMPTY;
    t.liveWaits = q.liveWaits;
    for (const w of t.waiters) st.book.learn(q.key, source, w);
    const recent = q.recentWaits;
    for (let i = recent.length - 1; i >= 0 && recent[i] !== t.lastEnded; i--) st.book.learn(q.key, source, recent[i]);
    t.lastEnded = recent[recent.length - 1];
    return t;
  }

  private sessionTrack(s: ModelSession): SessionTrack {
    let st = this.sessions.get(s.id);
    if (!st) {
      st = new SessionTrack(s.started);
      this.sessions.set(s.id, st);
    }
    return st;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

const EMPTY: never[] = [];
/** Work-lost findings of collected queues kept per session: the oldest go first. */
const MAX_COLLECTED_FINDINGS = 100;
/** Findings kept in the history (active ones are never dropped). */
const MAX_HISTORY = 2000;

function windowsOf(th: Thresholds): TrackWindows {
  return { growthMs: th.growthWindowMs, bottleneckMs: th.bottleneckWindowMs };
}
const RANK = { warning: 0, info: 1, hint: 2 } as const;

function bySeverity(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity] || a.since - b.since;
}
