// The pieces of the panel's messages (src/protocol/webview), built the same way for an
// 'init' and an 'update': a queue's row, its new samples, its wait-count steps, the waiter
// list and the session list. `readQueue` is the one per-queue step both messages use.

import type { QueueModel } from '../../model/store';
import { sourceNow, waitCounts, type ModelQueue, type ModelSession, type ModelSource } from '../../model/entities';
import { sourceLabel, type JobState } from '../../protocol/wire';
import type { QueueInfo, SeriesChunk, SessionInfo, WaitCountChunk, WaiterInfo } from '../../protocol/webview';
import { RateWindow } from './rates';
import { round1, statusOf } from './sessionAxis';
import { sessionLabels } from '../sessions/sessionLabels';
import { newStepCursor, type SentSteps, type StepCursor, type WaitInterval } from './waitCountSteps';
import { libFacts } from '../../protocol/libText';
import { JOBS_GAPS_SENT, JOBS_RECENT_SENT, JOBS_TEXT_MAX, RUNNING_JOBS_SENT, type JobsInfo } from '../../protocol/jobsText';

/** What the panel has been sent of one queue since the last init. */
export interface QueueCursor {
  /** DepthTimeline cursor of the last sample sent; NEVER_READ before the first read. */
  samples: number;
  rates: RateWindow;
  steps: StepCursor;
  /** The row the webview holds now: the next row goes as a patch on it (protocol/queuePatch.ts). */
  sent?: QueueInfo;
  /** BullMQ queues: completed/failed totals at the last rate reading, and the rates. */
  jobRates?: JobRates;
  /** BullMQ queues: per state, the DepthTimeline cursor of its count's last sample sent. */
  states?: Map<JobState, number>;
}

interface JobRates {
  at: number;
  completed: number;
  failed: number;
  completedRate: number;
  failedRate: number;
}

/** Rates are read over at least this span, so a burst of reads does not make them jump. */
const JOB_RATE_MIN_MS = 1000;

const NEVER_READ = -1;

export const newCursor = (): QueueCursor => ({ samples: NEVER_READ, rates: new RateWindow(), steps: newStepCursor() });

/** Where one message collects its per-queue parts. */
export interface QueueParts {
  series: SeriesChunk[];
  waitCounts: WaitCountChunk[];
}

/**
 * Reads what is new for a queue into `out` and advances its cursor: on a fresh cursor the
 * whole retained history, afterwards only the samples and steps since. `start` is the
 * session's time zero, `endAt` (session ms) is set once the session ended. `refreshMs`: the
 * source's drain interval, which bounds what one sample spans (RateWindow.add).
 */
export function readQueue(q: ModelQueue, cur: QueueCursor, waits: Iterable<WaitInterval>, steps: SentSteps, start: number, endAt: number | undefined, out: QueueParts, refreshMs?: number): void {
  let samples;
  if (cur.samples === NEVER_READ) {
    samples = q.timeline.series();
    cur.samples = q.timeline.cursor;
  } else {
    const read = q.timeline.readSince(cur.samples);
    samples = read.samples;
    cur.samples = read.cursor;
  }
  if (samples.t.length) {
    out.series.push(seriesChunk(q.key, samples, start));
    cur.rates.add(samples, refreshMs);
  }
  const wc = steps.next(q.key, waits, start, cur.steps, endAt);
  if (wc) out.waitCounts.push(wc);
  if (q.jobs) readStates(q, cur, start, out);
}

/** A BullMQ queue's per-state counts since they were last sent, one chunk per state (`state` set). */
function readStates(q: ModelQueue, cur: QueueCursor, start: number, out: QueueParts): void {
  const sent = (cur.states ??= new Map());
  for (const [state, tl] of Object.entries(q.jobs!.history) as Array<[JobState, NonNullable<ModelQueue['timeline']>]>) {
    const at = sent.get(state);
    let samples;
    if (at === undefined) samples = tl.series();
    else {
      const read = tl.readSince(at);
      samples = read.missed ? tl.series() : read.samples;
    }
    sent.set(state, tl.cursor);
    if (samples.t.length) out.series.push({ ...seriesChunk(q.key, samples, start), state });
  }
}

export function seriesChunk(key: string, cols: { t: number[]; depth: number[]; min: number[]; max: number[] }, start: number): SeriesChunk {
  return { queue: key, t: cols.t.map((t) => round1(t - start)), depth: cols.depth, min: cols.min, max: cols.max };
}

/**
 * A queue's row. The creation site goes out once per cursor (saves ~20% of a busy update).
 * `sessionEnded`: the whole session ended, so its rows stand as they were at its end.
 */
export function queueInfo(src: ModelSource, q: ModelQueue, cur: QueueCursor, paused: boolean, start = 0, sessionEnded = false): QueueInfo {
  // A realm that ended while the session runs on moves nothing: its last rates would stand
  // for ever beside live ones. An ended session's rows keep the rates they ended with.
  const still = src.state === 'ended' && !sessionEnded;
  const { blocked, waiting } = waitCounts(q);
  const info: QueueInfo = {
    key: q.key,
    name: q.name,
    kind: q.kind,
    maxsize: q.maxsize,
    size: q.size,
    shutdown: q.shutdown !== false,
    gone: q.collected !== undefined,
    source: sourceLabel(src.info),
    counters: { ...q.counters },
    putRate: still ? 0 : cur.rates.putRate,
    getRate: still ? 0 : cur.rates.getRate,
    blocked,
    waiting,
    ...libFacts(q),
  };
  if ((q.waitsSampled ?? 1) > 1) info.waitsSampled = q.waitsSampled;
  if (q.site) info.site = q.site;
  if (paused && q.items) info.items = q.items;
  if (q.runningSince !== undefined) info.runningSince = round1(q.runningSince - start);
  const stoppedAt = stoppedAtOf(src, start);
  if (stoppedAt !== undefined) info.stoppedAt = stoppedAt;
  if (q.stats) info.stats = q.stats;
  if (paused && q.runningItems) info.runningItems = q.runningItems;
  if (q.jobs) info.jobs = jobsInfo(src, q, cur, start);
  return info;
}

const cut = (s: string): string => (s.length > JOBS_TEXT_MAX ? s.slice(0, JOBS_TEXT_MAX) : s);

/**
 * A BullMQ queue's counts, rates, recent failures, workers and its source's gaps (session
 * ms from `start`). The rates are completed/failed per second between the last two
 * readings at least JOB_RATE_MIN_MS apart (stream totals, so nothing between reads is lost).
 */
export function jobsInfo(src: ModelSource, q: ModelQueue, cur: QueueCursor, start: number): JobsInfo {
  const j = q.jobs!;
  const prev = cur.jobRates;
  if (!prev) cur.jobRates = { at: j.at, completed: j.totals.completed, failed: j.totals.failed, completedRate: 0, failedRate: 0 };
  else if (j.at - prev.at >= JOB_RATE_MIN_MS) {
    const s = (j.at - prev.at) / 1000;
    cur.jobRates = {
      at: j.at,
      completed: j.totals.completed,
      failed: j.totals.failed,
      completedRate: round1(Math.max(0, j.totals.completed - prev.completed) / s),
      failedRate: round1(Math.max(0, j.totals.failed - prev.failed) / s),
    };
  }
  const rates = cur.jobRates!;
  return {
    counts: { ...j.counts },
    oldestWaitMs: j.oldestWaitMs,
    completedRate: rates.completedRate,
    failedRate: rates.failedRate,
    totals: { ...j.totals },
    ...(j.workersKnown ? {} : { workersKnown: false }),
    workers: j.workers.map((w) => ({
      name: cut(w.name),
      idle: w.idle,
      // A traced program's Worker (BullMQ adapter) says which jobs it runs.
      ...(w.jobs ? { running: w.jobs.slice(0, RUNNING_JOBS_SENT).map((r) => ({ id: cut(r.id), name: cut(r.name), ageMs: r.ageMs, attempts: r.attempts })) } : {}),
    })),
    recent: j.recent.slice(-JOBS_RECENT_SENT).map((e) => ({
      t: round1(e.at - start),
      event: e.event,
      jobId: cut(e.jobId),
      ...(e.name !== undefined ? { name: cut(e.name) } : {}),
      ...(e.reason !== undefined ? { reason: cut(e.reason) } : {}),
    })),
    gaps: (src.gaps ?? []).slice(-JOBS_GAPS_SENT).map((g) => ({ from: round1(g.from - start), to: round1(g.to - start), reason: cut(g.reason) })),
  };
}

/** Session ms a source's clocks stand at while it is paused or ended (QueueInfo/WaiterInfo.stoppedAt); undefined while it runs. */
function stoppedAtOf(src: ModelSource, start: number): number | undefined {
  return src.state === 'live' ? undefined : round1(sourceNow(src, 0) - start);
}

/** Every waiter of the session, in source and queue order. */
export function waiterInfos(s: ModelSession, start: number): WaiterInfo[] {
  const out: WaiterInfo[] = [];
  for (const src of s.sources.values()) {
    const stoppedAt = stoppedAtOf(src, start);
    for (const q of src.queues.values()) {
      for (const w of q.waiters.values()) {
        const info: WaiterInfo = { id: `${src.key}/${w.id}`, queue: q.key, role: w.role, since: round1(w.since - start) };
        if (stoppedAt !== undefined) info.stoppedAt = stoppedAt;
        if (w.adopted) info.adopted = true;
        if (w.site) info.site = w.site;
        out.push(info);
      }
    }
  }
  return out;
}

/** Identity of a waiter list, to leave an unchanged one out of an update. */
export function waitersKey(waiters: readonly WaiterInfo[]): string {
  return waiters.map((w) => `${w.id}@${w.queue}`).join(',');
}

/** The session list; sessions sharing a name are told apart in it (sessionLabels()). */
export function sessionInfos(model: QueueModel, startOf: (s: ModelSession) => number, include: (s: ModelSession) => boolean = () => true): SessionInfo[] {
  const listed = model.sessions.filter(include);
  const labels = sessionLabels(listed);
  return listed.map((s) => {
    const sum = model.summary(s.id);
    const ended = model.sessionEnd(s.id);
    const end = ended?.end;
    return {
      id: s.id,
      name: labels.get(s.id) ?? s.name,
      status: statusOf(s),
      start: startOf(s),
      queueCount: sum.queues,
      waiters: sum.blocked + sum.waiting,
      ...(end ? { end } : {}),
      ...(ended?.realm !== undefined ? { endRealm: ended.realm } : {}),
    };
  });
}
