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

  it('leaves a message of up to the limit whole', () => {
    const u: UpdateMessage = { type: 'update', session: 's', status: 'running', now: 1, queues: all.slice(0, 500).map(row), removed: [], series: [], waitCounts: [], dropped: 0 };
    assert.deepEqual(splitFeedMessage(u, 500), [u]);
  });

  it('splits an update: each part its rows with their samples, the waiters and removals once', () => {
    const u: UpdateMessage = {
      type: 'update', session: 's', status: 'running', now: 1, queues: all.map(row), removed: ['s/1:0/99999'],
      waiters: [waiter], series: [...all.map(series), series(5000)], waitCounts: all.filter((i) => i % 7 === 0).map(steps), dropped: 3, refreshMs: 1200,
    };
    const parts = splitFeedMessage(u, 500) as UpdateMessage[];
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
    const parts = splitFeedMessage(init, 500);
    assert.deepEqual(parts.map((p) => p.type), ['init', 'update', 'update']);
    for (const p of parts.slice(1) as UpdateMessage[]) assert.deepEqual([p.session, p.status, p.now, p.refreshMs], ['s', 'paused', 7, 2000]);
    assert.deepEqual(held(parts), held([init]));
    assert.equal(held(parts).rows.length, N);
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
