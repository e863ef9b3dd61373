// Recorded-style host messages for the panel tests: a session with a full queue and
// blocked producers, a queue with waiting consumers, an idle priority queue and a queue
// whose name is an HTML injection attempt.

import type { Counters } from '../../../src/protocol/wire';
import type { InitMessage, QueueInfo, SeriesChunk, SessionInfo, UpdateMessage, WaitCountChunk, WaiterInfo } from '../../../src/protocol/webview';

export const SESSION = 'session-1';
export const XSS_NAME = '<img src=x onerror=alert(1)>';
export const NOW = 30_000;
export const APP = '/home/dev/app/src/pipeline.js';

export function counters(c: Partial<Counters> = {}): Counters {
  return { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 0, dropped: 0, ...c };
}

export function queue(key: string, name: string, q: Partial<QueueInfo> = {}): QueueInfo {
  return {
    key,
    name,
    kind: 'fifo',
    maxsize: 0,
    size: 0,
    shutdown: false,
    gone: false,
    source: 'pid 4242 main',
    counters: counters(),
    putRate: 0,
    getRate: 0,
    blocked: 0,
    waiting: 0,
    ...q,
  };
}

/** Samples every `step` ms over [from, to] with depth = f(t); min/max spread by `spread`. */
export function series(queueKey: string, from: number, to: number, step: number, f: (t: number) => number, spread = 1): SeriesChunk {
  const c: SeriesChunk = { queue: queueKey, t: [], depth: [], min: [], max: [] };
  for (let t = from; t <= to; t += step) {
    const d = Math.max(0, Math.round(f(t)));
    c.t.push(t);
    c.depth.push(d);
    c.min.push(Math.max(0, d - spread));
    c.max.push(d + spread);
  }
  return c;
}

export function sessionInfo(s: Partial<SessionInfo> = {}): SessionInfo {
  return { id: SESSION, name: 'Launch pipeline.js', status: 'running', start: 1_700_000_000_000, queueCount: 4, waiters: 5, ...s };
}

export const site = (line: number, fn = 'producer') => ({ file: APP, line, column: 11, fn });

export function waiters(now = NOW): WaiterInfo[] {
  return [
    { id: 'w1', queue: 'q-jobs', role: 'put', since: now - 1500, site: site(42) },
    { id: 'w2', queue: 'q-jobs', role: 'put', since: now - 300, site: site(42) },
    { id: 'w3', queue: 'q-results', role: 'get', since: now - 12_000, site: site(77, 'consumer') },
    { id: 'w4', queue: 'q-results', role: 'get', since: now - 9_000, site: site(77, 'consumer') },
    { id: 'w5', queue: 'q-results', role: 'get', since: now - 8_000 },
  ];
}

export function queues(): QueueInfo[] {
  return [
    queue('q-jobs', 'jobs', { maxsize: 10, size: 10, putRate: 41.5, getRate: 38, blocked: 2, counters: counters({ puts: 1200, gets: 1190, blockedPuts: 300, highWater: 10 }), site: site(10, '') }),
    queue('q-results', 'results', { size: 0, putRate: 0, getRate: 0, waiting: 3, counters: counters({ puts: 500, gets: 500, waitedGets: 90, highWater: 7 }) }),
    queue('q-prio', 'urgent', { kind: 'priority', maxsize: 100, size: 42, putRate: 3, getRate: 2.5, counters: counters({ puts: 60, gets: 18, highWater: 55 }), source: 'pid 4242 worker 1' }),
    queue('q-xss', XSS_NAME, { kind: 'lifo', size: 1, counters: counters({ puts: 1, highWater: 1, dropped: 12 }) }),
  ];
}

export function waitCounts(): WaitCountChunk[] {
  return [
    { queue: 'q-jobs', t: [0, 5000, 8000, 20_000, 28_500, 29_700], put: [0, 1, 0, 2, 1, 2], get: [0, 0, 0, 0, 0, 0] },
    { queue: 'q-results', t: [0, 18_000, 21_000, 22_000], put: [0, 0, 0, 0], get: [0, 1, 2, 3] },
  ];
}

export function initMessage(over: Partial<InitMessage> = {}): InitMessage {
  return {
    type: 'init',
    mode: 'live',
    sessions: [sessionInfo()],
    session: {
      id: SESSION,
      status: 'running',
      now: NOW,
      queues: queues(),
      waiters: waiters(),
      series: [
        series('q-jobs', 0, NOW, 100, (t) => Math.min(10, (t / 2000) % 12), 2),
        series('q-results', 0, NOW, 100, (t) => 3 + 3 * Math.sin(t / 3000), 1),
        series('q-prio', 0, NOW, 100, (t) => 40 + 10 * Math.sin(t / 5000), 3),
        series('q-xss', 0, NOW, 1000, () => 1, 0),
      ],
      waitCounts: waitCounts(),
      dropped: 12,
    },
    ...over,
  };
}

export function update(over: Partial<UpdateMessage> = {}): UpdateMessage {
  return { type: 'update', session: SESSION, status: 'running', now: NOW + 100, queues: [], removed: [], waiters: waiters(), series: [], waitCounts: [], dropped: 12, ...over };
}
