// The webview's copy of what the host sent: applies 'init' / 'update' / 'sessions'
// messages and says what changed, so the views redraw only that.

import type { FeedMessage, PanelMode, QueueInfo, SessionData, SessionInfo, SessionStatus, WaiterInfo } from '../protocol/webview';
import { DepthSeries, WaitCountSeries } from './series';
import { readJobsInfo } from '../protocol/jobsText';
import { applyQueuePatch } from '../protocol/queuePatch';
import { JOB_STATES, type JobState } from '../protocol/wire';

export interface Changes {
  sessions: boolean;
  /** The whole session was replaced (init): redraw everything. */
  reset: boolean;
  /** Keys of queues whose row changed. */
  queues: Set<string>;
  /** Queue keys that got new samples or wait counts. */
  series: Set<string>;
  waiters: boolean;
  status: boolean;
  /** Only the refresh interval changed (not a live region: redraw the note alone). */
  pace: boolean;
}

export class Store {
  mode: PanelMode = 'live';
  sessions: SessionInfo[] = [];
  sessionId: string | null = null;
  status: SessionStatus = 'running';
  dropped = 0;
  /** Ms between refreshes of a running session read less often than once a second. */
  refreshMs: number | undefined = undefined;
  readonly queues = new Map<string, QueueInfo>();
  readonly depth = new Map<string, DepthSeries>();
  /** BullMQ queues: each state's job count over time, per queue key. */
  readonly states = new Map<string, Map<JobState, DepthSeries>>();
  readonly counts = new Map<string, WaitCountSeries>();
  waiters: WaiterInfo[] = [];
  /** Session time from the host, and our clock when it arrived (for ticking wait times). */
  private hostNow = 0;
  private receivedAt = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Current session time: runs on while live, stands still when paused or ended. */
  now(): number {
    if (this.status !== 'running' || this.mode === 'replay') return this.hostNow;
    return this.hostNow + (this.clock() - this.receivedAt);
  }

  apply(msg: FeedMessage): Changes {
    const ch: Changes = { sessions: false, reset: false, queues: new Set(), series: new Set(), waiters: false, status: false, pace: false };
    switch (msg.type) {
      case 'init':
        this.mode = msg.mode;
        this.sessions = msg.sessions;
        ch.sessions = true;
        this.reset(msg.session);
        ch.reset = true;
        break;
      case 'sessions':
        this.sessions = msg.sessions;
        ch.sessions = true;
        break;
      case 'update': {
        if (msg.session !== this.sessionId) break; // a stale update for a session we left
        this.setNow(msg.now);
        if (msg.status !== this.status) {
          this.status = msg.status;
          ch.status = true;
        }
        if (msg.dropped !== this.dropped) {
          this.dropped = msg.dropped;
          ch.status = true;
        }
        const refresh = refreshOf(msg);
        if (refresh !== this.refreshMs) {
          this.refreshMs = refresh;
          ch.pace = true;
        }
        for (const patch of msg.queues) {
          const q = applyQueuePatch(this.queues.get(patch.key), patch);
          if (!q) continue;
          this.queues.set(q.key, patch.jobs === undefined ? q : checked(q));
          ch.queues.add(q.key);
        }
        for (const key of msg.removed) {
          this.queues.delete(key);
          this.depth.delete(key);
          this.states.delete(key);
          this.counts.delete(key);
          ch.queues.add(key);
        }
        if (msg.waiters) {
          this.waiters = msg.waiters;
          ch.waiters = true;
        }
        this.appendSeries(msg, ch);
        break;
      }
    }
    return ch;
  }

  private reset(s: SessionData | null): void {
    this.queues.clear();
    this.depth.clear();
    this.states.clear();
    this.counts.clear();
    this.waiters = [];
    this.sessionId = s?.id ?? null;
    this.status = s?.status ?? 'running';
    this.dropped = s?.dropped ?? 0;
    this.refreshMs = s ? refreshOf(s) : undefined;
    this.setNow(s?.now ?? 0);
    if (!s) return;
    for (const q of s.queues) this.queues.set(q.key, checked(q));
    this.waiters = s.waiters;
    this.appendSeries(s, null);
  }

  private appendSeries(s: Pick<SessionData, 'series' | 'waitCounts'>, ch: Changes | null): void {
    for (const c of s.series) {
      let d: DepthSeries | undefined;
      if (c.state !== undefined) {
        if (!(JOB_STATES as readonly string[]).includes(c.state)) continue;
        let m = this.states.get(c.queue);
        if (!m) this.states.set(c.queue, (m = new Map()));
        d = m.get(c.state);
        if (!d) m.set(c.state, (d = new DepthSeries()));
      } else {
        d = this.depth.get(c.queue);
        if (!d) this.depth.set(c.queue, (d = new DepthSeries()));
      }
      d.append(c.t, c.depth, c.min, c.max);
      ch?.series.add(c.queue);
    }
    for (const c of s.waitCounts) {
      let w = this.counts.get(c.queue);
      if (!w) this.counts.set(c.queue, (w = new WaitCountSeries()));
      w.append(c.t, c.put, c.get);
      ch?.series.add(c.queue);
    }
  }

  private setNow(now: number): void {
    this.hostNow = now;
    this.receivedAt = this.clock();
  }

  session(): SessionInfo | undefined {
    return this.sessions.find((s) => s.id === this.sessionId);
  }

  waitersOf(queue: string): WaiterInfo[] {
    return this.waiters.filter((w) => w.queue === queue);
  }
}

/** A queue row whose BullMQ part (program and Redis data) was re-read field by field; a malformed one is dropped. */
function checked(q: QueueInfo): QueueInfo {
  if (q.jobs === undefined) return q;
  const jobs = readJobsInfo(q.jobs);
  if (jobs) return { ...q, jobs };
  const { jobs: _bad, ...rest } = q;
  void _bad;
  return rest;
}

/** The host's refresh interval, when it is a positive finite number (anything else: not paced). */
function refreshOf(m: { refreshMs?: unknown }): number | undefined {
  const ms = m.refreshMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
