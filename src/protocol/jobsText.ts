// What the panel and the tree show of a BullMQ queue (a Redis watch, docs/REDIS.md): its
// per-state job counts, throughput, failures, the oldest waiting job's age, its workers
// and the source's gaps. `JobsInfo` is the panel message's field (QueueInfo.jobs);
// `readJobsInfo` copies one only when well-formed, so the webview never trusts the shape
// it is sent; the text helpers are shared by the tree (host) and the panel (webview) so both
// say the same. Job names, failure reasons and worker names come from the program and from
// Redis: they are data, and every caller renders them as text only.

import { JOB_STATES, type JobState } from './wire';
import { formatDuration } from './durationText';

/** A notable job event (failed, stalled, retries-exhausted, requeued, retried), session ms. */
export interface JobNoticeInfo {
  t: number;
  event: string;
  jobId: string;
  name?: string;
  reason?: string;
}

/** A span (session ms) the queue's source could not be read: an outage, not zeros. */
export interface GapInfo {
  from: number;
  to: number;
  reason: string;
}

export interface WorkerInfo {
  name: string;
  /** Seconds since its last command. */
  idle: number;
  /** A traced program's own Worker (BullMQ adapter): the jobs it runs now, oldest first. */
  running?: RunningJobInfo[];
}

/** A job a traced Worker runs (its name is program data: text only). */
export interface RunningJobInfo {
  id: string;
  name: string;
  ageMs: number;
  attempts: number;
}

/** Running jobs sent per worker. */
export const RUNNING_JOBS_SENT = 20;

/** A BullMQ queue's state beyond its backlog (QueueInfo.jobs). */
export interface JobsInfo {
  /** Latest per-state counts (a state Redis did not report is absent). */
  counts: Partial<Record<JobState, number>>;
  /** Age (ms) of the oldest waiting job when the counts were read; null when none waits. */
  oldestWaitMs: number | null;
  /** Jobs completed / failed per second over the last reads. */
  completedRate: number;
  failedRate: number;
  /** Stream events counted since the watch began. */
  totals: { added: number; active: number; completed: number; failed: number; stalled: number; retried: number };
  workers: WorkerInfo[];
  /** false: nobody reported the queue's workers (a traced program's Queue object), so none is said; absent: known. */
  workersKnown?: boolean;
  /** The latest notable job events, oldest first (at most JOBS_RECENT_SENT). */
  recent: JobNoticeInfo[];
  /** The source's latest gaps, oldest first (at most JOBS_GAPS_SENT). */
  gaps: GapInfo[];
}

export const JOBS_RECENT_SENT = 5;
export const JOBS_GAPS_SENT = 5;
/** Longest program string a panel message carries (a job name, a reason, a worker name). */
export const JOBS_TEXT_MAX = 200;
const WORKERS_SENT = 50;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, JOBS_TEXT_MAX) : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const list = (v: unknown, max: number): unknown[] => (Array.isArray(v) ? v.slice(-max) : []);

/** A JobsInfo rebuilt from what was received, keeping only well-formed fields; undefined when `x` is not one at all. */
export function readJobsInfo(x: unknown): JobsInfo | undefined {
  const r = rec(x);
  const counts = rec(r?.counts);
  if (!r || !counts) return undefined;
  const out: JobsInfo = {
    counts: {},
    oldestWaitMs: num(r.oldestWaitMs) ? r.oldestWaitMs : null,
    completedRate: num(r.completedRate) ? r.completedRate : 0,
    failedRate: num(r.failedRate) ? r.failedRate : 0,
    totals: { added: 0, active: 0, completed: 0, failed: 0, stalled: 0, retried: 0 },
    workers: [],
    recent: [],
    gaps: [],
  };
  if (r.workersKnown === false) out.workersKnown = false;
  for (const s of JOB_STATES) if (num(counts[s])) out.counts[s] = counts[s];
  const totals = rec(r.totals);
  for (const k of Object.keys(out.totals) as Array<keyof JobsInfo['totals']>) if (num(totals?.[k])) out.totals[k] = totals[k];
  for (const w of list(r.workers, WORKERS_SENT).map(rec)) {
    const name = text(w?.name);
    if (name === undefined) continue;
    const info: WorkerInfo = { name, idle: num(w?.idle) ? w.idle : 0 };
    if (Array.isArray(w?.running)) {
      info.running = [];
      for (const j of list(w.running, RUNNING_JOBS_SENT).map(rec)) {
        const id = text(j?.id);
        const jobName = text(j?.name);
        if (j && id !== undefined && jobName !== undefined && num(j.ageMs) && num(j.attempts)) info.running.push({ id, name: jobName, ageMs: j.ageMs, attempts: j.attempts });
      }
    }
    out.workers.push(info);
  }
  for (const e of list(r.recent, JOBS_RECENT_SENT).map(rec)) {
    const event = text(e?.event);
    const jobId = text(e?.jobId);
    if (!e || event === undefined || jobId === undefined || !num(e.t)) continue;
    const n: JobNoticeInfo = { t: e.t, event, jobId };
    const name = text(e.name);
    const reason = text(e.reason);
    if (name !== undefined) n.name = name;
    if (reason !== undefined) n.reason = reason;
    out.recent.push(n);
  }
  for (const g of list(r.gaps, JOBS_GAPS_SENT).map(rec)) {
    if (g && num(g.from) && num(g.to)) out.gaps.push({ from: g.from, to: g.to, reason: text(g.reason) ?? '' });
  }
  return out;
}

/** "waiting 7 · active 2 · delayed 0 · …": every state, in BullMQ's order (the panel's detail line). */
export function jobStatesText(counts: JobsInfo['counts']): string {
  return JOB_STATES.filter((s) => counts[s] !== undefined)
    .map((s) => `${s} ${counts[s]}`)
    .join(' · ');
}

/** "7 waiting · 2 active · 1 failed": the states that are not zero (the tree's description). */
export function jobStatesShort(counts: JobsInfo['counts']): string {
  const parts = JOB_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(' · ') : 'no jobs';
}


const rate = (r: number): string => (r >= 10 ? r.toFixed(0) : r.toFixed(1));

/** "12.5 completed/s · 0.2 failed/s · 340 failed, 12 retried, 2 stalled since the watch began". */
export function throughputText(j: JobsInfo): string {
  const since = [`${j.totals.failed} failed`, j.totals.retried ? `${j.totals.retried} retried` : '', j.totals.stalled ? `${j.totals.stalled} stalled` : ''].filter(Boolean).join(', ');
  return `${rate(j.completedRate)} completed/s · ${rate(j.failedRate)} failed/s · ${since} since the watch began`;
}

/** "oldest waiting 4.2 s" or "none waiting". */
export function oldestText(j: Pick<JobsInfo, 'oldestWaitMs'>): string {
  return j.oldestWaitMs === null ? 'none waiting' : `oldest waiting ${formatDuration(j.oldestWaitMs)}`;
}

/** "2 workers" / "no worker"; '' when the workers are not known. */
export function workersText(j: Pick<JobsInfo, 'workers' | 'workersKnown'>): string {
  if (j.workersKnown === false) return '';
  const n = j.workers.length;
  return n === 0 ? 'no worker' : `${n} worker${n === 1 ? '' : 's'}`;
}

/** "1 gap" / "3 gaps" / '' (the overview badge says the picture has holes). */
export function gapsText(j: Pick<JobsInfo, 'gaps'>): string {
  const n = j.gaps.length;
  return n === 0 ? '' : `${n} gap${n === 1 ? '' : 's'}`;
}

/** The overview badge: "BullMQ · 2 workers · 1 failed · 1 gap". */
export function jobsBadgeText(j: JobsInfo): string {
  const failed = j.counts.failed ?? 0;
  return ['BullMQ', workersText(j), failed ? `${failed} failed` : '', gapsText(j)].filter(Boolean).join(' · ');
}

