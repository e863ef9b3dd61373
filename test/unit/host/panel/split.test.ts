// Large panel messages in parts: together they must say exactly what the one message said.

import * as assert from 'node:assert/strict';
import { splitFeedMessage } from '../../../../src/host/panel/split';
import { Outbox } from '../../../../src/host/panel/outbox';
import { Store } from '../../../../src/webview/store';
import type { FeedMessage, InitMessage, QueueInfo, UpdateMessage } from '../../../../src/protocol/webview';
import { ManualClock } from '../../../helpers/manualClock';

const row = (i: number): QueueInfo => ({
  key: `s/1:0/${i}`,
  name: `q${i}`,
  kind: 'fifo',
  maxsize: 0,
  size: i,
  shutdown: false,
  gone: false,
  source: 'pid 1 main',
  counters: { puts: i, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: i, dropped: 0 },
  putRate: 1,
  getRate: 0,
  blocked: 0,
  waiting: 0,
});
const series = (i: number) => ({ queue: `s/1:0/${i}`, t: [i], depth: [i], min: [i], max: [i] });
const steps = (i: number) => ({ queue: `s/1:0/${i}`, t: [i], put: [0], get: [1] });
const waiter = { id: '1:0/9', queue: 's/1:0/3', role: 'get' as const, since: 5 };

/** What the webview's own Store holds after these messages: rows, each queue's samples and steps, waiters. */
function held(msgs: FeedMessage[]) {
  const page = new Store(() => 0);
  // A session for updates to apply to (an init among `msgs` starts over).
  page.apply({ type: 'init', mode: 'live', sessions: [], session: { id: 's', status: 'running', now: 0, queues: [], waiters: [], series: [], waitCounts: [], dropped: 0 } });
  for (const m of JSON.parse(JSON.stringify(msgs)) as FeedMessage[]) page.apply(m);
  return {
    rows: [...page.queues.values()].sort((a, b) => a.size - b.size),
    samples: [...page.depth].map(([key, d]) => `${key} ${d.length}`).sort(),
    counts: [...page.counts].map(([key, c]) => `${key} ${c.t.length}`).sort(),
    waiters: page.waiters,
  };
}

describe('panel messages in parts', () => {
  const N = 1_234;
  const all = Array.from({ length: N }, (_, i) => i);
  const rows500 = { rows: 500, points: Infinity };

  it('leaves a message of up to the limit whole', () => {
    const u: UpdateMessage = { type: 'update', session: 's', status: 'running', now: 1, queues: all.slice(0, 500).map(row), removed: [], series: [], waitCounts: [], dropped: 0 };
    assert.deepEqual(splitFeedMessage(u, rows500), [u]);
  });

  it('splits an update: each part its rows with their samples, the waiters and removals once', () => {
    const u: UpdateMessage = {
      type: 'update', session: 's', status: 'running', now: 1, queues: all.map(row), removed: ['s/1:0/99999'],
      waiters: [waiter], series: [...all.map(series), series(5000)], waitCounts: all.filter((i) => i % 7 === 0).map(steps), dropped: 3, refreshMs: 1200,
    };
    const parts = splitFeedMessage(u, rows500) as UpdateMessage[];
    assert.deepEqual(parts.map((p) => p.queues.length), [500, 500, 234]);
    for (const p of parts) {
      const keys = new Set(p.queues.map((q) => q.key));
      assert.ok(p.series.every((c) => keys.has(c.queue) || c.queue === 's/1:0/5000'), 'samples travel with their row');
      assert.deepEqual([p.session, p.status, p.now, p.dropped, p.refreshMs], ['s', 'running', 1, 3, 1200], 'every part keeps the session state');
    }
    assert.equal(parts.filter((p) => p.waiters).length, 1);
    assert.deepEqual(parts.flatMap((p) => p.removed), ['s/1:0/99999']);
    assert.deepEqual(held(parts), held([u]));
    assert.equal(held(parts).rows.length, N, 'no row dropped');
  });

  it('splits an init into an init and updates of whole rows', () => {
    const init: InitMessage = {
      type: 'init', mode: 'live', sessions: [],
      session: { id: 's', status: 'paused', now: 7, queues: all.map(row), waiters: [waiter], series: all.map(series), waitCounts: [steps(3), steps(1200)], dropped: 0, refreshMs: 2000 },
    };
    const parts = splitFeedMessage(init, rows500);
    assert.deepEqual(parts.map((p) => p.type), ['init', 'update', 'update']);
    for (const p of parts.slice(1) as UpdateMessage[]) assert.deepEqual([p.session, p.status, p.now, p.refreshMs], ['s', 'paused', 7, 2000]);
    assert.deepEqual(held(parts), held([init]));
    assert.equal(held(parts).rows.length, N);
  });
});

describe('panel messages in parts, bounded by samples too', () => {
  const N = 300;
  const all = Array.from({ length: N }, (_, i) => i);
  const samples = (i: number, n: number) => ({ queue: `s/1:0/${i}`, t: Array.from({ length: n }, (_, k) => k), depth: Array(n).fill(i), min: Array(n).fill(i), max: Array(n).fill(i) });
  const stepsN = (i: number, n: number) => ({ queue: `s/1:0/${i}`, t: Array.from({ length: n }, (_, k) => k), put: Array(n).fill(0), get: Array(n).fill(1) });
  const pointsOf = (m: FeedMessage) => {
    const d = m.type === 'update' ? m : m.type === 'init' ? m.session! : undefined;
    return d ? [...d.series, ...d.waitCounts].reduce((a, c) => a + c.t.length, 0) : 0;
  };

  it('an update of few rows with many samples each (a host that fell behind) goes in parts of at most the points limit', () => {
    // 300 rows of 20 samples and 2 steps: 6,600 points.
    const u: UpdateMessage = {
      type: 'update', session: 's', status: 'running', now: 1, queues: all.map(row), removed: [], waiters: [waiter],
      series: all.map((i) => samples(i, 20)), waitCounts: all.map((i) => stepsN(i, 2)), dropped: 0,
    };
    const parts = splitFeedMessage(u, { rows: 500, points: 1_000 }) as UpdateMessage[];
    assert.ok(parts.length >= 7, `${parts.length} parts`);
    for (const p of parts) assert.ok(pointsOf(p) <= 1_000, `a part of ${pointsOf(p)} points`);
    assert.deepEqual(parts.map((p) => p.queues.length).slice(0, 2), [45, 45], '22 points a row: 45 rows a part');
    assert.deepEqual(held(parts), held([u]));
    assert.equal(parts.filter((p) => p.waiters).length, 1);
  });

  it('a row with more points than the limit goes alone, and rows without samples are not held back by it', () => {
    const u: UpdateMessage = {
      type: 'update', session: 's', status: 'running', now: 1, queues: all.slice(0, 5).map(row), removed: [],
      series: [samples(0, 10), samples(2, 5_000), samples(3, 10)], waitCounts: [], dropped: 0,
    };
    const parts = splitFeedMessage(u, { rows: 500, points: 1_000 }) as UpdateMessage[];
    assert.deepEqual(parts.map((p) => p.queues.map((q) => q.key)), [['s/1:0/0', 's/1:0/1'], ['s/1:0/2'], ['s/1:0/3', 's/1:0/4']]);
    assert.deepEqual(held(parts), held([u]));
  });

  it('samples of queues whose row did not change are packed too, after the rows', () => {
    const u: UpdateMessage = {
      type: 'update', session: 's', status: 'running', now: 1, queues: all.slice(0, 2).map(row), removed: [],
      series: all.slice(0, 50).map((i) => samples(i, 100)), waitCounts: [stepsN(40, 3)], dropped: 0,
    };
    // The webview holds every row already; the update brings two changed rows and samples of 50.
    const init: InitMessage = { type: 'init', mode: 'live', sessions: [], session: { id: 's', status: 'running', now: 0, queues: all.slice(0, 50).map(row), waiters: [], series: [], waitCounts: [], dropped: 0 } };
    const parts = splitFeedMessage(u, { rows: 500, points: 1_000 }) as UpdateMessage[];
    assert.ok(parts.length >= 5, `${parts.length} parts`);
    for (const p of parts) assert.ok(pointsOf(p) <= 1_003, `a part of ${pointsOf(p)} points`);
    assert.deepEqual(parts[0].queues.map((q) => q.key), ['s/1:0/0', 's/1:0/1']);
    assert.deepEqual(held([init, ...parts]), held([init, u]));
  });

  it('an init with a long history goes in parts too, the first an init', () => {
    const init: InitMessage = {
      type: 'init', mode: 'live', sessions: [],
      session: { id: 's', status: 'running', now: 7, queues: all.map(row), waiters: [waiter], series: all.map((i) => samples(i, 50)), waitCounts: [], dropped: 0 },
    };
    const parts = splitFeedMessage(init, { rows: 500, points: 2_500 });
    assert.deepEqual(parts.map((p) => p.type).slice(0, 2), ['init', 'update']);
    assert.equal(parts.length, 6, '50 rows a part');
    for (const p of parts) assert.ok(pointsOf(p) <= 2_500);
    assert.deepEqual(held(parts), held([init]));
  });

  it('a message within both limits stays whole', () => {
    const u: UpdateMessage = { type: 'update', session: 's', status: 'running', now: 1, queues: all.map(row), removed: [], series: all.map((i) => samples(i, 3)), waitCounts: [], dropped: 0 };
    assert.deepEqual(splitFeedMessage(u, { rows: 500, points: 900 }), [u]);
    assert.equal(splitFeedMessage(u, { rows: 500, points: 899 }).length, 2);
  });
});

describe('Outbox', () => {
  it('posts the first message at once and the rest one per tick, in order, also across sends', () => {
    const clock = new ManualClock(0);
    const posted: number[] = [];
    const box = new Outbox<number>((m) => posted.push(m), clock.scheduler);
    box.send([1, 2, 3]);
    assert.deepEqual(posted, [1]);
    box.send([4]);
    assert.deepEqual(posted, [1], 'a later message waits behind the parts');
    clock.runUntil(clock.now + 1);
    assert.deepEqual(posted, [1, 2]);
    clock.runUntil(clock.now + 10);
    assert.deepEqual(posted, [1, 2, 3, 4]);
    assert.equal(box.pending, 0);
    box.send([5]);
    assert.deepEqual(posted, [1, 2, 3, 4, 5], 'idle: at once');
  });

  it('forgets the parts not yet posted when cleared', () => {
    const clock = new ManualClock(0);
    const posted: number[] = [];
    const box = new Outbox<number>((m) => posted.push(m), clock.scheduler);
    box.send([1, 2, 3]);
    box.clear();
    box.send([9]);
    clock.runUntil(clock.now + 10);
    assert.deepEqual(posted, [1, 9]);
    assert.equal(clock.pending, 0);
  });
});
