// Turns the live model (src/model) into the panel's messages (src/protocol/webview):
// a full 'init' for the selected session, then throttled incremental 'update's carrying
// only new samples (DepthTimeline.readSince cursors). Pure TypeScript, no vscode: the host
// panel wires it to a webview; tests and the benchmark drive it directly.

import type { ModelChange, QueueModel } from '../../model/store';
import { waitCounts, type ModelQueue, type ModelSession, type ModelSource } from '../../model/entities';
import type {
  CallSite,
  HostMessage,
  PanelMode,
  QueueInfo,
  SeriesChunk,
  SessionData,
  SessionInfo,
  SessionStatus,
  WaitCountChunk,
  UpdateMessage,
  WaiterInfo,
} from '../../protocol/webview';

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
  waitHistory?: (queueKey: string) => Iterable<{ role: 'put' | 'get'; since: number; ended?: number }> | undefined;
}

/** Waiter-count steps kept per queue for re-inits. */
const MAX_KEPT_STEPS = 8192;

/** Throughput is averaged over this window. */
const RATE_WINDOW_MS = 2000;

interface QueueCursor {
  /** DepthTimeline cursor of the last sample sent. */
  samples: number;
  /** (t, puts, gets) of recent samples, for the rates. */
  recent: { t: number; puts: number; gets: number }[];
  putRate: number;
  getRate: number;
  /** Last wait-count step sent (session ms) and its level. */
  countT: number;
  countPut: number;
  countGet: number;
  /** The queue's creation site went out already (since the last init). */
  siteSent: boolean;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class PanelFeed {
  private readonly mode: PanelMode;
  private readonly waitHistory: FeedOptions['waitHistory'];
  private readonly intervalMs: number;
  private readonly clock: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly subscription: { dispose(): void };
  private selected: string | null = null;
  /** The user chose the session (so a new session does not take over the view). */
  private pinned = false;
  private started = false;
  private readonly starts = new Map<string, number>();
  private cursors = new Map<string, QueueCursor>();
  private dirty = new Set<string>();
  private sessionsDirty = false;
  private statusDirty = false;
  private timer: unknown = null;
  private timerDue = 0;
  private lastSent = -Infinity;
  /** The session list as last sent (JSON), to skip unchanged ones. */
  private lastSessions = '';
  /** Ids of the waiters as last sent, to leave an unchanged list out. */
  private lastWaiters = '';
  /** Waiter-count steps sent per queue, so a re-init (the page reloaded) shows what was seen live. */
  private readonly sentCounts = new Map<string, WaitCountChunk>();
  /** Call-site files the model has reported per session (what openSource may open). */
  private readonly sites = new Map<string, Set<string>>();

  constructor(private readonly model: QueueModel, private readonly post: (msg: HostMessage) => void, o: FeedOptions = {}) {
    this.mode = o.mode ?? 'live';
    this.waitHistory = o.waitHistory;
    this.intervalMs = o.intervalMs ?? 50;
    this.clock = o.now ?? Date.now;
    this.setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.subscription = model.onDidChange((c) => this.onChange(c));
  }

  /** The webview said 'ready' (first load or after a reload): send everything. */
  ready(requested?: string): void {
    this.started = true;
    if (requested && this.model.session(requested)) {
      this.selected = requested;
      this.pinned = true;
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

  /** Show this session (e.g. the panel was opened for it). */
  show(session: string): void {
    if (!this.model.session(session)) return;
    this.selected = session;
    if (this.started) this.sendInit();
  }

  get selectedSession(): string | null {
    return this.selected;
  }

  /**
   * May the webview open this file? Only when the model reported it as a call site (queue
   * creation, blocked producer, waiting consumer) of that session.
   */
  isKnownCallSite(session: string, file: string): boolean {
    const s = this.model.session(session);
    if (!s) return false;
    if (this.sites.get(session)?.has(file)) return true;
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        if (q.site?.file === file) return true;
        for (const w of q.waiters.values()) if (w.site?.file === file) return true;
        for (const w of q.recentWaits) if (w.site?.file === file) return true;
      }
    }
    return false;
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  // -------------------------------------------------------------------------

  private onChange(c: ModelChange): void {
    if (c.kind === 'session' || c.kind === 'source') {
      this.sessionsDirty = true;
      if (c.session === this.selected) this.statusDirty = true;
      if (c.kind === 'session' && c.removed && c.session === this.selected) {
        this.selected = null;
        this.pinned = false;
      }
    } else if (c.session === this.selected) {
      const src = this.model.source(c.session, c.source);
      if (src) for (const id of [...c.added, ...c.updated, ...c.sampled, ...c.collected]) this.dirty.add(`${c.session}/${c.source}/${id}`);
      this.sessionsDirty = true; // queue and waiter counts in the picker
    } else {
      this.sessionsDirty = true;
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.started) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.clock());
    this.armTimer(wait);
  }

  /** One timer for both the throttle and the rate refresh: the earliest due wins. */
  private armTimer(ms: number): void {
    const due = this.clock() + ms;
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      this.clearTimer(this.timer);
    }
    this.timerDue = due;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  /** Send what changed since the last message (normally called by the throttle timer). */
  flush(): void {
    if (!this.started) return;
    const want = this.pickSession();
    if (want !== this.selected) {
      this.selected = want;
      this.sendInit();
      return;
    }
    const s = this.selected ? this.model.session(this.selected) : undefined;
    if (this.sessionsDirty) {
      this.sessionsDirty = false;
      const sessions = this.sessionInfos();
      const text = JSON.stringify(sessions);
      if (text !== this.lastSessions) this.send({ type: 'sessions', sessions });
    }
    if (!s) return;
    const start = this.startOf(s);
    const now = this.sessionNow(s) - start;
    const queues: QueueInfo[] = [];
    const series: SeriesChunk[] = [];
    const waitCounts: WaitCountChunk[] = [];
    const removed: string[] = [];
    if (this.statusDirty) for (const src of s.sources.values()) for (const q of src.queues.values()) this.dirty.add(q.key);
    const endAt = s.state === 'ended' ? now : undefined;
    const rateCheck = new Set(this.dirty);
    for (const [key, c] of this.cursors) if (c.putRate > 0 || c.getRate > 0) rateCheck.add(key);
    const paused = s.state === 'paused';
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
      const wasDirty = this.dirty.has(key);
      if (wasDirty || isNew) {
        const read = q.timeline.readSince(cur.samples);
        cur.samples = read.cursor;
        if (read.samples.t.length) {
          series.push(this.chunk(q.key, read.samples, start));
          for (let i = 0; i < read.samples.t.length; i++) cur.recent.push({ t: read.samples.t[i], puts: read.samples.puts[i], gets: read.samples.gets[i] });
        }
        const wc = this.countChunk(q, cur, start, endAt);
        if (wc) waitCounts.push(wc);
      }
      const rateChanged = this.updateRates(cur, start + now);
      if (wasDirty || isNew || rateChanged) queues.push(this.queueInfo(src, q, cur, paused));
    }
    this.dirty.clear();
    const statusChanged = this.statusDirty;
    this.statusDirty = false;
    if (!queues.length && !removed.length && !series.length && !waitCounts.length && !statusChanged) {
      this.keepRatesFresh();
      return;
    }
    const waiters = this.waiters(s, start);
    const waitersKey = waiters.map((w) => `${w.id}@${w.queue}`).join(',');
    const msg: UpdateMessage = {
      type: 'update',
      session: s.id,
      status: statusOf(s),
      now: round1(now),
      queues: statusChanged ? this.allQueueInfos(s, paused) : queues,
      removed,
      series,
      waitCounts,
      dropped: droppedOf(s),
    };
    if (waitersKey !== this.lastWaiters || statusChanged) {
      this.lastWaiters = waitersKey;
      msg.waiters = waiters;
    }
    this.send(msg);
    this.keepRatesFresh();
  }

  /** Rates decay to zero without new samples: look again soon while any is non-zero. */
  private keepRatesFresh(): void {
    for (const c of this.cursors.values()) {
      if (c.putRate > 0 || c.getRate > 0) {
        this.armTimer(500);
        return;
      }
    }
  }

  private send(msg: HostMessage): void {
    this.lastSent = this.clock();
    if (msg.type !== 'update') this.lastSessions = JSON.stringify(msg.sessions);
    this.post(msg);
  }

  /** Which session to show: the chosen one; else the newest live one; else the newest. */
  private pickSession(): string | null {
    const sessions = this.model.sessions;
    const current = this.selected ? this.model.session(this.selected) : undefined;
    if (current && (this.pinned || current.state !== 'ended')) return current.id;
    const live = sessions.filter((x) => x.state !== 'ended');
    const pick = live[live.length - 1] ?? current ?? sessions[sessions.length - 1];
    return pick ? pick.id : null;
  }

  private sendInit(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.selected = this.pickSession();
    this.cursors = new Map();
    this.dirty.clear();
    this.sessionsDirty = false;
    this.statusDirty = false;
    const s = this.selected ? this.model.session(this.selected) : undefined;
    const data = s ? this.sessionData(s) : null;
    this.lastWaiters = data ? data.waiters.map((w) => `${w.id}@${w.queue}`).join(',') : '';
    this.send({ type: 'init', mode: this.mode, sessions: this.sessionInfos(), session: data });
    this.keepRatesFresh();
  }

  private sessionData(s: ModelSession): SessionData {
    const start = this.startOf(s);
    const now = this.sessionNow(s);
    const paused = s.state === 'paused';
    const queues: QueueInfo[] = [];
    const series: SeriesChunk[] = [];
    const waitCounts: WaitCountChunk[] = [];
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        const cur = newCursor();
        const all = q.timeline.series();
        cur.samples = q.timeline.cursor;
        for (let i = 0; i < all.t.length; i++) if (all.t[i] > now - RATE_WINDOW_MS) cur.recent.push({ t: all.t[i], puts: all.puts[i], gets: all.gets[i] });
        this.updateRates(cur, now);
        this.cursors.set(q.key, cur);
        if (all.t.length) series.push(this.chunk(q.key, all, start));
        const wc = this.countChunk(q, cur, start, s.state === 'ended' ? now - start : undefined);
        if (wc) waitCounts.push(wc);
        queues.push(this.queueInfo(src, q, cur, paused));
      }
    }
    return { id: s.id, status: statusOf(s), now: round1(now - start), queues, waiters: this.waiters(s, start), series, waitCounts, dropped: droppedOf(s) };
  }

  private allQueueInfos(s: ModelSession, paused: boolean): QueueInfo[] {
    const out: QueueInfo[] = [];
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        let cur = this.cursors.get(q.key);
        if (!cur) this.cursors.set(q.key, (cur = newCursor()));
        out.push(this.queueInfo(src, q, cur, paused));
      }
    }
    return out;
  }

  private sessionInfos(): SessionInfo[] {
    return this.model.sessions.map((s) => {
      const sum = this.model.summary(s.id);
      return { id: s.id, name: s.name, status: statusOf(s), start: this.startOf(s), queueCount: sum.queues, waiters: sum.blocked + sum.waiting };
    });
  }

  /** Time zero of a session's axis: fixed the first time we look, so the axis never shifts. */
  private startOf(s: ModelSession): number {
    let start = this.starts.get(s.id);
    if (start === undefined) {
      start = s.started;
      for (const src of s.sources.values()) for (const q of src.queues.values()) start = Math.min(start, q.created);
      this.starts.set(s.id, start);
    }
    return start;
  }

  /** Epoch ms that is "now" for this session: wall clock while live, frozen when paused/ended. */
  private sessionNow(s: ModelSession): number {
    if (s.state === 'ended') return s.ended ?? lastSeen(s);
    if (s.state === 'paused') {
      let at = -Infinity;
      for (const src of s.sources.values()) if (src.pausedAt !== undefined) at = Math.max(at, src.pausedAt);
      return Number.isFinite(at) ? at : lastSeen(s);
    }
    return this.mode === 'replay' ? lastSeen(s) : this.clock();
  }

  private chunk(key: string, cols: { t: number[]; depth: number[]; min: number[]; max: number[] }, start: number): SeriesChunk {
    return { queue: key, t: cols.t.map((t) => round1(t - start)), depth: cols.depth, min: cols.min, max: cols.max };
  }

  private updateRates(cur: QueueCursor, nowEpoch: number): boolean {
    const from = nowEpoch - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < cur.recent.length && cur.recent[drop].t <= from) drop++;
    if (drop) cur.recent.splice(0, drop);
    let puts = 0;
    let gets = 0;
    for (const r of cur.recent) {
      puts += r.puts;
      gets += r.gets;
    }
    const putRate = round1((puts * 1000) / RATE_WINDOW_MS);
    const getRate = round1((gets * 1000) / RATE_WINDOW_MS);
    const changed = putRate !== cur.putRate || getRate !== cur.getRate;
    cur.putRate = putRate;
    cur.getRate = getRate;
    return changed;
  }

  /**
   * Steps of the waiter counts after the last one sent. The model keeps the current waiters
   * and the last few ended waits per queue; their intervals give the step function.
   */
  /** Wait-count steps to send: after an init, what was sent before (kept here) plus anything new. */
  private countChunk(q: ModelQueue, cur: QueueCursor, start: number, endAt: number | undefined): WaitCountChunk | null {
    let prefix: WaitCountChunk | undefined;
    const kept = this.sentCounts.get(q.key);
    if (!Number.isFinite(cur.countT) && kept && kept.t.length) {
      prefix = { queue: q.key, t: [...kept.t], put: [...kept.put], get: [...kept.get] };
      cur.countT = kept.t[kept.t.length - 1];
      cur.countPut = kept.put[kept.put.length - 1];
      cur.countGet = kept.get[kept.get.length - 1];
    }
    const fresh = this.countsSince(q, cur, start, endAt);
    if (fresh) {
      const k = kept ?? { queue: q.key, t: [], put: [], get: [] };
      k.t.push(...fresh.t);
      k.put.push(...fresh.put);
      k.get.push(...fresh.get);
      if (k.t.length > MAX_KEPT_STEPS) for (const col of [k.t, k.put, k.get]) col.splice(0, col.length - MAX_KEPT_STEPS);
      this.sentCounts.set(q.key, k);
    }
    if (!prefix) return fresh;
    if (fresh) {
      prefix.t.push(...fresh.t);
      prefix.put.push(...fresh.put);
      prefix.get.push(...fresh.get);
    }
    return prefix;
  }

  private countsSince(q: ModelQueue, cur: QueueCursor, start: number, endAt?: number): WaitCountChunk | null {
    const edges: [number, number, number][] = []; // [t, dPut, dGet]
    const add = (role: 'put' | 'get', from: number, to?: number) => {
      const d: [number, number] = role === 'put' ? [1, 0] : [0, 1];
      edges.push([from - start, d[0], d[1]]);
      if (to !== undefined) edges.push([to - start, -d[0], -d[1]]);
    };
    const history = this.waitHistory?.(q.key);
    if (history) for (const w of history) add(w.role, w.since, w.ended);
    else {
      for (const w of q.recentWaits) add(w.role, w.since, w.ended);
      for (const w of q.waiters.values()) add(w.role, w.since);
    }
    edges.sort((a, b) => a[0] - b[0]);
    // Levels can only be trusted relative to what we know: clamp at zero.
    const out: WaitCountChunk = { queue: q.key, t: [], put: [], get: [] };
    let put = 0;
    let get = 0;
    let levelAtCursor: [number, number] = [0, 0];
    for (let i = 0; i < edges.length; i++) {
      put = Math.max(0, put + edges[i][1]);
      get = Math.max(0, get + edges[i][2]);
      const t = edges[i][0];
      if (i + 1 < edges.length && edges[i + 1][0] === t) continue; // apply all edges at one time first
      if (t <= cur.countT) levelAtCursor = [put, get];
      else {
        out.t.push(round1(t));
        out.put.push(put);
        out.get.push(get);
      }
    }
    if (endAt === undefined) {
      // A wait reported late (it began before the last step we sent): correct the level there.
      if (Number.isFinite(cur.countT) && (levelAtCursor[0] !== cur.countPut || levelAtCursor[1] !== cur.countGet)) {
        out.t.unshift(round1(cur.countT));
        out.put.unshift(levelAtCursor[0]);
        out.get.unshift(levelAtCursor[1]);
      }
    } else {
      // Ended: the waits still open when the program ended end with it (the model forgets them).
      const n = out.t.length;
      const lastT = n ? out.t[n - 1] : cur.countT;
      const open = n ? out.put[n - 1] + out.get[n - 1] : cur.countPut + cur.countGet;
      if (open > 0 && endAt >= lastT) {
        out.t.push(round1(endAt));
        out.put.push(0);
        out.get.push(0);
      }
    }
    if (!out.t.length) return null;
    cur.countT = Math.max(cur.countT, out.t[out.t.length - 1]);
    cur.countPut = out.put[out.put.length - 1];
    cur.countGet = out.get[out.get.length - 1];
    return out;
  }

  private queueInfo(src: ModelSource, q: ModelQueue, cur: QueueCursor, paused: boolean): QueueInfo {
    for (const w of q.waiters.values()) this.noteSite(q.session, w.site);
    const { blocked, waiting } = waitCounts(q);
    this.noteSite(q.session, q.site);
    const info: QueueInfo = {
      key: q.key,
      name: q.name,
      kind: q.kind,
      maxsize: q.maxsize,
      size: q.size,
      shutdown: q.shutdown !== false,
      gone: q.collected !== undefined,
      source: sourceLabel(src),
      counters: { ...q.counters },
      putRate: cur.putRate,
      getRate: cur.getRate,
      blocked,
      waiting,
    };
    if ((q.waitsSampled ?? 1) > 1) info.waitsSampled = q.waitsSampled;
    // The creation site never changes: send it once, the webview keeps it (saves ~20% of a busy update).
    if (q.site && !cur.siteSent) {
      info.site = q.site;
      cur.siteSent = true;
    }
    if (paused && q.items) info.items = q.items;
    return info;
  }

  private waiters(s: ModelSession, start: number): WaiterInfo[] {
    const out: WaiterInfo[] = [];
    for (const src of s.sources.values()) {
      for (const q of src.queues.values()) {
        for (const w of q.waiters.values()) {
          const info: WaiterInfo = { id: `${src.key}/${w.id}`, queue: q.key, role: w.role, since: round1(w.since - start) };
          if (w.adopted) info.adopted = true;
          if (w.site) {
            info.site = w.site;
            this.noteSite(s.id, w.site);
          }
          out.push(info);
        }
      }
    }
    return out;
  }

  private noteSite(session: string, site: CallSite | undefined): void {
    if (!site) return;
    let set = this.sites.get(session);
    if (!set) this.sites.set(session, (set = new Set()));
    set.add(site.file);
  }
}

function newCursor(): QueueCursor {
  return { samples: 0, recent: [], putRate: 0, getRate: 0, countT: -Infinity, countPut: 0, countGet: 0, siteSent: false };
}

function statusOf(s: ModelSession): SessionStatus {
  return s.state === 'live' ? 'running' : s.state;
}

function droppedOf(s: ModelSession): number {
  let n = 0;
  for (const src of s.sources.values()) n += src.dropped;
  return n;
}

function lastSeen(s: ModelSession): number {
  let t = s.started;
  for (const src of s.sources.values()) t = Math.max(t, src.lastSeen);
  return t;
}

export function sourceLabel(src: ModelSource): string {
  const { pid, threadId } = src.info;
  return threadId ? `pid ${pid} · worker ${threadId}` : `pid ${pid}`;
}
