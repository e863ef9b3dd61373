// Columnar drains (issue #17): a program with thousands of queues and far more waits than
// one poll's budget can carry in detail. After EVERY drain, read through the real reader
// (parseDrainBatch) into the real model, each queue's depth, counters, high-water mark and
// blocked/waiting counts must equal the program's own, and the depth band must contain every
// depth the program went through; individual waits may be sampled, and then say so.

import * as assert from 'node:assert/strict';
import { Queue, type QueueOptions } from '../../../src/queue/index';
import { parseAttachInfo, parseDrainBatch, QueueModel } from '../../../src/model';
import { DEFAULTS, type HubConfig } from '../../../src/trace/config';
import { foldRows } from '../../../src/trace/columns';
import { Hub, LATE_ANNOUNCE_MS, LATE_PER_DRAIN } from '../../../src/trace/hub';
import { seededRandom } from '../../helpers/prng';
import type { SampleRow } from '../../../src/protocol/wire';
import { driveClock } from '../../helpers/hubClock';

interface Truth {
  puts: number;
  gets: number;
  high: number;
  lo: number;
  hi: number;
}

/** A hub with `n` queues registered to it, and a model attached to it as source 'S'. */
function armed(config: HubConfig, n: number, options: (i: number) => QueueOptions) {
  const hub = new Hub(config);
  const queues = Array.from({ length: n }, (_, i) => {
    const q = new Queue<number>(options(i));
    q.setProbe(hub.register(q));
    return q;
  });
  const model = new QueueModel();
  const info = parseAttachInfo(hub.attach());
  assert.ok(info.ok);
  const src = model.attach('S', info.value);
  /** One columnar drain of at most `bytes`, applied to the model as the poller applies it. */
  const drain = (bytes = 256 * 1024) => {
    const batch = parseDrainBatch(hub.drain(bytes, { columns: true }));
    assert.ok(batch.ok);
    model.applyDrain('S', src, batch.value);
    return batch.value;
  };
  return { hub, queues, model, src, drain };
}

/**
 * `n` queues whose consumers take an item and wait again, five busy rounds with a drain
 * each, until wait detail is sampled (QUEUESCOPE_DETAIL_RATE 1: from the second wait a
 * second on). Every consumer is left waiting; a put of -1 ends its loop.
 */
async function sampledConsumers(n: number) {
  const world = armed({ ...DEFAULTS, shortWaitMs: 0, detailRate: 1 }, n, (i) => ({ name: `t${i}` }));
  const consumers = world.queues.map(async (q) => {
    for (;;) if ((await q.get()) < 0) return;
  });
  let stride = 1;
  for (let round = 0; round < 5; round++) {
    for (const q of world.queues) q.putNowait(round);
    await new Promise((r) => setImmediate(r));
    stride = Math.max(stride, world.drain().stride ?? 1);
  }
  assert.ok(stride > 1, 'detail was sampled');
  return { ...world, consumers: Promise.all(consumers) };
}

describe('trace: columnar drains', () => {
  it('rows over half the budget: one tick\'s rows go as they are, two ticks\' rows fold per queue, even at the same clock reading', () => {
    const T = performance.now() + 1000;
    const restore = driveClock(() => T); // a coarse or frozen clock: two ticks can read the same time
    try {
      for (const ticks of [1, 2]) {
        const { hub, queues } = armed({ ...DEFAULTS, sampleMs: 1e9 }, 30, (i) => ({ name: `r${i}` }));
        hub.drain(1 << 20, { columns: true }); // announcements out of the way
        for (const q of queues) q.putNowait(1);
        if (ticks === 2) (hub as unknown as { tick(t: number, force: boolean): void }).tick(T, false); // the sampling timer's tick
        for (const q of queues) q.putNowait(2);
        const batch = JSON.parse(hub.drain(1024, { columns: true })) as { folded: number; events: { type: string; t: number; q: number[]; puts: number[] }[] };
        const cols = batch.events.find((e) => e.type === 'sampleCols')!;
        assert.equal(cols.q.length, 30, `${ticks} tick(s): one row per queue`);
        assert.equal(new Set(cols.q).size, 30);
        assert.deepEqual(new Set(cols.puts), new Set([2]), 'each row holds both puts');
        assert.equal(batch.folded, ticks === 2 ? 30 : 0);
      }
    } finally {
      restore();
    }
  });

  it('fold keeps last depth, lowest min, highest max and summed counts per queue', () => {
    assert.deepEqual(
      foldRows([
        [1, 3, 2, 4, 2, 1],
        [2, 0, 0, 1, 1, 1],
        [1, 1, 0, 3, 1, 3],
      ]),
      [
        [1, 1, 0, 4, 3, 4],
        [2, 0, 0, 1, 1, 1],
      ],
    );
  });

  it("fold keeps the first row's firstChange (quiet until then), and none when the first row changed at once", () => {
    assert.deepEqual(foldRows([[1, 1, 1, 1, 1, 0, 500], [1, 2, 1, 2, 1, 0]]), [[1, 2, 1, 2, 2, 0, 500]]);
    assert.deepEqual(foldRows([[1, 1, 0, 1, 1, 0], [1, 2, 1, 2, 1, 0, 700]]), [[1, 2, 0, 2, 2, 0]]);
  });

  it('a queue quiet for most of an interval: its row says when it first changed, and the timeline holds the depth until then', () => {
    let T = performance.now() + 1000;
    const restore = driveClock(() => T);
    try {
      const start = T;
      const { queues, model, drain } = armed({ ...DEFAULTS, sampleMs: 10 }, 1, () => ({ name: 'bursty' }));
      const [q] = queues;
      drain(); // the announcement; from here on each drain is the sampling tick
      T = start + 5;
      q.putNowait(1); // at once: no firstChange
      T = start + 100;
      const busy = drain().events.filter((e) => e.type === 'samples').flatMap((e) => (e.type === 'samples' ? e.rows : []));
      assert.deepEqual(busy, [[q.id, 1, 0, 1, 1, 0]]);
      T = start + 2900; // quiet for 2.8 s, as between polls spaced out by an idle back-off
      q.putNowait(2);
      q.putNowait(3);
      T = start + 3100;
      const burst = drain().events.flatMap((e) => (e.type === 'samples' ? e.rows : []));
      assert.deepEqual(burst, [[q.id, 3, 1, 3, 2, 0, start + 2900]], 'the columnar row carries firstChange (hub time)');
      const mq = model.queuesOf('S')[0];
      const s = mq.timeline.series();
      const at = s.t.map((x) => Math.round(x - mq.created)); // ms after the queue was made (at `start`)
      // Created at `start`; the put's row at +100; held at 1 until the burst at +2900; the burst's row at +3100.
      assert.deepEqual([at, s.depth, s.min, s.max], [[0, 100, 2900, 3100], [0, 1, 1, 3], [0, 0, 1, 1], [0, 1, 1, 3]]);
    } finally {
      restore();
    }
  });

  it("reports the program's CPU ms per second since the previous drain, which the poller's pacing reads", () => {
    const { hub } = armed({ ...DEFAULTS }, 1, () => ({}));
    const drain = () => {
      const batch = parseDrainBatch(hub.drain(256 * 1024, { columns: true }));
      assert.ok(batch.ok);
      return batch.value;
    };
    assert.equal(drain().cpu, undefined, 'the first drain has no window');
    const spinFrom = Date.now();
    while (Date.now() - spinFrom < 80); // spin: ~1,000 ms of CPU a second
    const cpu = drain().cpu;
    assert.ok(cpu !== undefined && cpu > 300 && cpu < 2100, `cpu ${cpu} ms/s`); // 2 cores at most
  });

  it('keeps depth, band, counters and blocked/waiting exact at every drain of 3,000 queues while detail is sampled', async function () {
    this.timeout(60_000);
    const N = 3000;
    const BUDGET = 16 * 1024;
    const rand = seededRandom(17);
    // Every wait is "long": the most detail.
    const { hub, queues, model, src } = armed({ ...DEFAULTS, shortWaitMs: 0 }, N, (i) => ({ maxsize: 3, name: `q${i}` }));
    const truth = new Map<number, Truth>(queues.map((q) => [q.id, { puts: 0, gets: 0, high: 0, lo: 0, hi: 0 }]));
    const pending: Promise<unknown>[] = [];
    const depthChanged = (q: Queue<number>) => {
      const tr = truth.get(q.id)!;
      const d = q.qsize();
      tr.high = Math.max(tr.high, d);
      tr.lo = Math.min(tr.lo, d);
      tr.hi = Math.max(tr.hi, d);
    };
    let sampledSeen = 0;
    let maxStride = 1;
    let biggest = 0;
    for (let round = 0; round < 12; round++) {
      // A burst of operations on random queues: non-blocking ones, and calls that block.
      for (let k = 0; k < 6000; k++) {
        const q = queues[Math.floor(rand() * N)];
        const tr = truth.get(q.id)!;
        const r = rand();
        if (r < 0.35 && !q.full()) {
          q.putNowait(k);
          tr.puts++;
        } else if (r < 0.7 && !q.empty()) {
          q.getNowait();
          tr.gets++;
        } else if (r < 0.85) {
          pending.push(q.get().then(() => {
            tr.gets++;
            depthChanged(q);
          }));
        } else {
          pending.push(q.put(k).then(() => {
            tr.puts++;
            depthChanged(q);
          }));
        }
        depthChanged(q);
      }
      await Promise.resolve(); // let hand-offs settle their promises (counted when they resolve)
      await new Promise((resolve) => setImmediate(resolve));
      // Drain until the hub has nothing more, as the poller does (`more` -> again at once).
      let more = true;
      let first = true;
      const rows: SampleRow[] = [];
      while (more) {
        const text = hub.drain(BUDGET, { columns: true });
        const batch = parseDrainBatch(text);
        assert.ok(batch.ok, batch.ok ? '' : batch.error);
        assert.equal(batch.value.skipped, 0);
        model.applyDrain('S', src, batch.value);
        for (const e of batch.value.events) if (e.type === 'samples') rows.push(...e.rows);
        maxStride = Math.max(maxStride, batch.value.stride ?? 1);
        if (round > 0) biggest = Math.max(biggest, text.length); // round 0 also announces the 3,000 queues
        more = batch.value.more;
        if (!first) continue;
        first = false;
        // Exact after the FIRST drain of the round: the summary never waits behind detail.
        for (const q of queues) {
          const m = model.source('S', src)!.queues.get(q.id)!;
          const tr = truth.get(q.id)!;
          const w = q.waiters;
          if (m.counters.puts + m.counters.gets === 0 && tr.puts + tr.gets === 0 && w.putters + w.getters === 0) continue;
          const got = { size: m.size, puts: m.counters.puts, gets: m.counters.gets, high: m.counters.highWater, blocked: m.liveWaits?.blocked, waiting: m.liveWaits?.waiting };
          const want = { size: q.qsize(), puts: tr.puts, gets: tr.gets, high: tr.high, blocked: w.putters, waiting: w.getters };
          assert.deepEqual(got, want, `${q.name} after round ${round}`);
          if ((m.waitsSampled ?? 1) > 1) sampledSeen++;
        }
      }
      // The band of the round (its rows folded): it holds every depth the program went
      // through; min may be lower (a get that wakes a blocked put dips for an instant).
      for (const [id, depth, min, max] of foldRows(rows)) {
        const tr = truth.get(id)!;
        assert.ok(min <= tr.lo && max === tr.hi && depth === queues[id - queues[0].id].qsize(), `band of queue ${id}: [${min}, ${max}] vs [${tr.lo}, ${tr.hi}]`);
      }
      for (const q of queues) {
        const tr = truth.get(q.id)!;
        tr.lo = tr.hi = q.qsize();
      }
    }
    assert.ok(maxStride > 1, 'detail was sampled under load');
    assert.ok(sampledSeen > 0, 'queues say their waits are sampled');
    // The detail part stays within the budget; the summary is ~20-60 bytes per changed queue.
    assert.ok(biggest < BUDGET + N * 80, `${biggest} chars`);
    void pending;
  });

  it('a stall after sampled detail lists every party: waits still waiting after LATE_ANNOUNCE_MS are announced, and the queues stop saying "sampled"', async function () {
    this.timeout(30_000);
    const N = 300;
    // Busy: every queue's consumer takes an item and waits again, many times.
    const { queues, model, drain, consumers } = await sampledConsumers(N);
    // The stall: every consumer waits, and nothing moves. Not all are listed yet.
    const stalledAt = Date.now() + 5; // model times are epoch ms (5: clock-conversion rounding)
    const listed = () => model.queuesOf('S').filter((q) => q.waiters.size === 1).length;
    drain();
    assert.ok(listed() < N, `${listed()} of ${N} waits listed while sampled`);
    await new Promise((r) => setTimeout(r, LATE_ANNOUNCE_MS + 50));
    // Each drain announces up to LATE_PER_DRAIN of them, with their real start; the stride
    // falls back to 1 by halves meanwhile.
    for (let k = 0; k < Math.ceil(N / LATE_PER_DRAIN) + 25 && (listed() < N || model.queuesOf("S").some((q) => (q.waitsSampled ?? 1) > 1)); k++) drain();
    assert.equal(listed(), N, 'every waiting consumer is listed');
    for (const q of model.queuesOf('S')) {
      const [w] = [...q.waiters.values()];
      assert.equal(w.role, 'get');
      assert.ok(w.since <= stalledAt, 'with the time it started waiting, not the time it was announced');
      assert.equal(q.waitsSampled ?? 1, 1, `${q.name} no longer says sampled`);
    }
    for (const q of queues) q.putNowait(-1);
    await consumers;
    // Their ends are reported: nobody waits any more.
    drain();
    assert.equal(model.queuesOf('S').filter((q) => q.waiters.size > 0).length, 0);
  });

  it('a wait a snapshot listed ends in the reader too, also one left out of sampled detail (no waiter kept for good)', async function () {
    this.timeout(30_000);
    const N = 300;
    const { hub, queues, model, src, drain, consumers } = await sampledConsumers(N);
    // Every consumer waits again; a resync (the poller's, after lost batches) reads them all.
    drain();
    model.applySnapshot('S', src, hub.snapshot());
    assert.equal(model.queuesOf('S').filter((q) => q.waiters.size === 1).length, N, 'the snapshot lists every waiting consumer');
    // Each is served: its wait ends, and the reader must hear of it.
    for (const q of queues) q.putNowait(-1);
    await consumers;
    for (let k = 0; k < 10 && drain().more; k++);
    const kept = model.queuesOf('S').filter((q) => q.waiters.size > 0);
    assert.equal(kept.length, 0, `${kept.length} queue(s) still list a waiter that was served, e.g. ${kept[0]?.name}`);
  });

  // Found replaying a 10,000-tenant gateway attached to while its consumers waited: their
  // ends went a quarter of the budget per drain, ~38 drains, and ~1,900 consumers served long
  // ago read "waiting" for minutes (drains are 5 s apart at that scale under F5).
  it('the ends of waits a snapshot listed all go in the next drain, whatever its budget; new announcements stay budgeted', async function () {
    this.timeout(30_000);
    const N = 3000;
    const { hub, queues, model, src, drain } = armed({ ...DEFAULTS, shortWaitMs: 0 }, N, (i) => ({ name: `tenant-${i}` }));
    drain(1 << 24); // the queues
    const consumers = queues.map((q) => q.get());
    model.applySnapshot('S', src, hub.snapshot()); // a resync: the reader holds all 3,000
    assert.equal(model.queuesOf('S').filter((q) => q.waiters.size === 1).length, N);
    queues.forEach((q, i) => q.putNowait(i));
    await Promise.all(consumers);
    // A second burst of waits nobody was told of: their announcements are budgeted.
    const again = queues.map((q) => q.get());
    const batch = drain(16 * 1024);
    const ended = batch.events.filter((e) => e.type === 'waitEnd').length;
    assert.ok(ended >= N, `${ended} ends in one 16 KiB drain`);
    const announced = batch.events.filter((e) => e.type === 'wait').length - N;
    assert.ok(announced < 100, `${announced} new waits announced beside them`);
    const open = model.queuesOf('S').filter((q) => q.waiters.size > 0 && [...q.waiters.values()].some((w) => w.fromSnapshot));
    assert.equal(open.length, 0, `${open.length} queue(s) still list a consumer the snapshot listed`);
    queues.forEach((q, i) => q.putNowait(i));
    await Promise.all(again);
    for (let k = 0; k < 50 && drain(16 * 1024).more; k++);
    assert.equal(model.queuesOf('S').filter((q) => q.waiters.size > 0).length, 0, 'and every later wait ended too');
  });

  it('a burst of new waits across thousands of queues is sampled in the drain that sees it, so their ends are not queued behind it', async function () {
    this.timeout(30_000);
    const N = 3000;
    const { queues, model, drain } = armed({ ...DEFAULTS, shortWaitMs: 0 }, N, (i) => ({ name: `tenant-${i}` }));
    drain(); // the queues, nobody waiting yet
    // Every consumer starts waiting at once (a server's workers at startup).
    const consumers = queues.map((q) => q.get());
    const first = drain();
    const announced = first.events.filter((e) => e.type === 'wait').length;
    assert.ok(announced > 0 && announced <= 256, `${announced} of ${N} new waits announced by one drain`);
    assert.ok(model.queuesOf('S').some((q) => (q.waitsSampled ?? 1) > 1), 'the queues left out say their waits are sampled');
    // All of them are served; the next drain closes every wait the model was told of.
    queues.forEach((q, i) => q.putNowait(i));
    await Promise.all(consumers);
    drain();
    const open = model.queuesOf('S').filter((q) => q.waiters.size > 0);
    assert.equal(open.length, 0, `${open.length} queue(s) still list a served consumer after the next drain, e.g. ${open[0]?.name}`);
  });

  it('never splits a finished wait from its end across drains, whatever the budget cuts', async () => {
    // Found at 10,000 queues under F5: a drain ended on a history 'wait' whose 'waitEnd' was
    // cut to the next drain, 5-15 s later; meanwhile the model listed a consumer served long
    // ago as waiting. Every budget from 600 bytes up cuts somewhere else in the detail.
    for (let budget = 600; budget < 1400; budget += 37) for (const columns of [true, false]) {
      const N = 12;
      const { hub, queues, model, src } = armed({ ...DEFAULTS, shortWaitMs: 0 }, N, (i) => ({ name: `q${i}` }));
      const drain = (bytes: number) => {
        const batch = parseDrainBatch(hub.drain(bytes, columns ? { columns: true } : {}));
        assert.ok(batch.ok);
        model.applyDrain('S', src, batch.value);
        return batch.value;
      };
      drain(1 << 20);
      for (let round = 0; round < 3; round++) {
        for (const q of queues) {
          const got = q.get();
          await new Promise((r) => setImmediate(r));
          q.putNowait(round);
          await got;
        }
      }
      // Nobody waits in the program now: no drain may leave a wait open in the model.
      for (let k = 0; k < 200; k++) {
        const batch = drain(budget);
        const open = model.queuesOf('S').filter((q) => q.waiters.size > 0).map((q) => q.name);
        assert.deepEqual(open, [], `${columns ? 'columnar' : 'row'} drain ${k + 1} of ${budget} bytes: a served wait left open`);
        if (!batch.more) break;
      }
    }
  });

  it("sends the end of a wait the reader holds before history (finished waits it never knew of)", async () => {
    const N = 40;
    const { queues, model, drain } = armed({ ...DEFAULTS, shortWaitMs: 0 }, N, (i) => ({ name: `q${i}` }));
    drain(1 << 20);
    const [held, ...others] = queues;
    const pending = held.get();
    drain(1 << 20); // announces it: the reader holds it open
    assert.equal(model.queuesOf('S').find((q) => q.name === 'q0')?.waiters.size, 1);
    // Waits that start and end between two drains: history, queued before the end below.
    for (const q of others) {
      const got = q.get();
      await new Promise((r) => setImmediate(r));
      q.putNowait(1);
      await got;
    }
    held.putNowait(7);
    assert.equal(await pending, 7);
    const batch = drain(2048); // room for a few events only
    assert.ok(batch.more, 'history is left for later drains');
    assert.equal(model.queuesOf('S').find((q) => q.name === 'q0')?.waiters.size, 0, 'the held wait ended in the first drain after it ended');
    for (let k = 0; k < 100 && drain(2048).more; k++);
    const history = model.queuesOf('S').filter((q) => q.name !== 'q0' && q.waitStats.get.count > 0).length;
    assert.ok(history > 0, 'and history came after');
  });
});
