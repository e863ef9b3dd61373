// The tracer's cheap block path (issue #13): beyond TIMED_PER_EPOCH waits per queue and
// sampling interval, waits are counted but not timed. Nothing may be lost by that: every
// wait is counted, its outcome too, the short-wait aggregate still sums up, and a wait that
// is still waiting when the hub looks is reported (adopted) rather than hidden.

import * as assert from 'node:assert/strict';
import { Queue, QueueTimeout } from '../../../src/queue/index';
import type { DrainBatch, ShortWaitsEvent, WireEvent } from '../../../src/protocol/wire';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';
import { TIMED_PER_EPOCH } from '../../../src/trace/record';

function setup(): { hub: Hub; q: Queue<number> } {
  const hub = new Hub({ ...DEFAULTS, sampleMs: 10_000 }); // no sample tick inside a test
  hub.arm();
  const q = new Queue<number>({ maxsize: 10 });
  q.setProbe(hub.register(q));
  return { hub, q };
}

const drain = (hub: Hub): WireEvent[] => (JSON.parse(hub.drain()) as DrainBatch).events;
const short = (events: WireEvent[], role: 'put' | 'get') => events.filter((e): e is ShortWaitsEvent => e.type === 'shortWaits' && e.role === role);

/** A consumer faster than its producer: the get blocks on every one of `n` items. */
async function consumerFaster(q: Queue<number>, n: number, timeout?: number): Promise<void> {
  const consumer = (async () => {
    for (let i = 0; i < n; i++) await q.get(timeout === undefined ? undefined : { timeout });
  })();
  for (let i = 0; i < n; i++) {
    await q.put(i);
    await null;
  }
  await consumer;
}

describe('trace: untimed waits', () => {
  it('every wait of a dense run is counted, and the short-wait aggregate accounts for all of them', async () => {
    const { hub, q } = setup();
    drain(hub);
    const firstId = hub.nextWaiterId;
    await consumerFaster(q, 500);
    assert.ok(hub.nextWaiterId - firstId <= TIMED_PER_EPOCH, `${hub.nextWaiterId - firstId} waits timed`);
    const events = drain(hub);
    const counters = events.find((e) => e.type === 'counters' && e.q === q.id);
    assert.ok(counters !== undefined && counters.type === 'counters');
    assert.ok(counters.c.waitedGets >= 498, String(counters.c.waitedGets)); // about every get blocked
    const gets = short(events, 'get');
    // A timed wait of 2 ms or more (the first one, while the code is cold) is reported alone.
    const alone = events.filter((e) => e.type === 'wait');
    assert.equal(events.filter((e) => e.type === 'waitEnd').length, alone.length, 'every wait reported alone has ended');
    const count = gets.reduce((n, e) => n + e.count, 0);
    assert.equal(count + alone.length, counters.c.waitedGets);
    for (const e of gets) assert.equal(e.hist.reduce((a, b) => a + b, 0), e.count);
    assert.ok(gets.every((e) => Number.isFinite(e.totalMs) && e.totalMs >= 0));
  });

  it('an untimed wait still waiting at a drain is announced as adopted, ends with waitEnd, and is in the snapshot', async () => {
    const { hub, q } = setup();
    await consumerFaster(q, 100); // spends the timing budget of this interval
    const drainedGets = hub.snapshot().queues.find((x) => x.q === q.id)?.counters.waitedGets ?? -1;
    const pending = q.get(); // untimed
    const snap = hub.snapshot();
    const sq = snap.queues.find((x) => x.q === q.id);
    assert.equal(sq?.waiters.length, 1);
    assert.equal(sq?.waiters[0].adopted, true);
    const events = drain(hub);
    const waits = events.filter((e) => e.type === 'wait');
    assert.equal(waits.length, 1);
    assert.ok(waits[0].type === 'wait' && waits[0].adopted === true && waits[0].role === 'get');
    q.putNowait(7);
    assert.equal(await pending, 7);
    const end = drain(hub).filter((e) => e.type === 'waitEnd');
    assert.equal(end.length, 1);
    assert.ok(end[0].type === 'waitEnd' && end[0].outcome === 'served');
    // Counted once, not again as a short wait.
    const before = drainedGets;
    const counters = hub.snapshot().queues.find((x) => x.q === q.id)?.counters;
    assert.equal(counters?.waitedGets, before + 1);
  });

  it('an untimed wait that times out or is aborted is counted as such', async () => {
    const { hub, q } = setup();
    await consumerFaster(q, 100);
    const base = hub.snapshot().queues.find((x) => x.q === q.id)?.counters.waitedGets ?? -1;
    assert.ok((await q.get({ timeout: 5 }).catch((e: unknown) => e)) instanceof QueueTimeout);
    const c = new AbortController();
    const aborted = q.get({ signal: c.signal }).catch((e: unknown) => e);
    c.abort(new Error('stop'));
    await aborted;
    const counters = hub.snapshot().queues.find((x) => x.q === q.id)?.counters;
    assert.equal(counters?.timeouts, 1);
    assert.equal(counters?.aborts, 1);
    assert.equal(counters?.waitedGets, base + 2);
    const events = drain(hub);
    const gets = short(events, 'get');
    assert.equal(gets.reduce((n, e) => n + e.count, 0) + events.filter((e) => e.type === 'wait').length, base + 2);
  });
});
