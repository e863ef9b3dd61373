// In-process tests of the hub: sampling math, waiters, drain cutting, arming, robustness.
// Each test uses a private Hub and wires real queues to it (register + setProbe), so no
// realm-global state is shared with other tests.

import * as assert from 'node:assert/strict';
import { Queue } from '../../../src/queue/index';
import type { ProbeTarget } from '../../../src/queue/probe';
import type { AttachInfo, DrainBatch, SampleRow, WireEvent } from '../../../src/protocol/wire';
import { WAIT_BUCKETS_MS } from '../../../src/protocol/wire';
import { DEFAULTS, type HubConfig } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';
import { parseAttachInfo, parseDrainBatch, QueueModel } from '../../../src/model';

function armedHub(overrides: Partial<HubConfig> = {}): Hub {
  const hub = new Hub({ ...DEFAULTS, ...overrides });
  hub.arm();
  return hub;
}

function traced<T>(hub: Hub, q: Queue<T>): Queue<T> {
  q.setProbe(hub.register(q));
  return q;
}

function drain(hub: Hub, maxBytes?: number): DrainBatch {
  return JSON.parse(hub.drain(maxBytes)) as DrainBatch;
}

function rowsOf(events: WireEvent[], q: number): SampleRow[] {
  return events.flatMap((e) => (e.type === 'samples' ? e.rows.filter((r) => r[0] === q) : []));
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('trace: hub', () => {
  it('catches a spike and a dip between two samples in max and min', () => {
    const hub = armedHub();
    const q = traced(hub, new Queue<number>());
    q.putNowait(1);
    q.putNowait(2);
    drain(hub);
    q.putNowait(3); // spike to 3 ...
    q.getNowait();
    q.getNowait(); // ... and a dip to 1 ...
    q.putNowait(4); // ... ending at 2
    assert.deepEqual(rowsOf(drain(hub).events, q.id), [[q.id, 2, 1, 3, 2, 2]]);
  });

  it('reports the unfinished-task count after taskDone() alone changed it', () => {
    const hub = armedHub();
    const q = traced(hub, new Queue<number>());
    q.putNowait(1);
    q.putNowait(2);
    q.getNowait();
    q.getNowait();
    const counters = (b: DrainBatch) => b.events.filter((e) => e.type === 'counters' && e.q === q.id);
    assert.deepEqual(counters(drain(hub)).map((e) => (e.type === 'counters' ? e.unfinished : -1)), [2]);
    q.taskDone();
    q.taskDone();
    assert.deepEqual(counters(drain(hub)).map((e) => (e.type === 'counters' ? e.unfinished : -1)), [0]);
  });

  it('a hand-off to a waiting getter counts a put and a get at depth 0', async () => {
    const hub = armedHub();
    const q = traced(hub, new Queue<number>());
    const got = q.get();
    q.putNowait(7);
    assert.equal(await got, 7);
    assert.deepEqual(rowsOf(drain(hub).events, q.id), [[q.id, 0, 0, 0, 1, 1]]);
  });

  it('samples on its timer only the queues that changed', async () => {
    const hub = armedHub({ sampleMs: 2 });
    const busy = traced(hub, new Queue<number>());
    const idle = traced(hub, new Queue<number>());
    idle.putNowait(1);
    drain(hub);
    busy.putNowait(1);
    await tick(30); // the sampling timer (2 ms) fires first
    const getAt = performance.now();
    busy.getNowait();
    const events = drain(hub).events;
    const samples = events.filter((e) => e.type === 'samples');
    assert.equal(samples.length, 2, 'one timer tick, one drain tick');
    const rows = rowsOf(events, busy.id);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 6)),
      [
        [busy.id, 1, 0, 1, 1, 0],
        [busy.id, 0, 0, 1, 0, 1],
      ],
    );
    // The second row's queue was quiet from the timer's row until the get, ~28 ms later:
    // the row says when its first change came.
    const first = rows[1][6];
    assert.ok(first !== undefined && first >= getAt && first <= samples[1].t, `firstChange ${first} between the get (${getAt}) and the drain (${samples[1].t})`);
    assert.deepEqual(rowsOf(events, idle.id), []);
    assert.ok(!events.some((e) => 'q' in e && e.q === idle.id), 'an idle queue adds nothing');
    const counters = events.filter((e) => e.type === 'counters');
    assert.deepEqual(counters.map((e) => e.type === 'counters' && [e.q, e.c.puts, e.c.gets, e.c.highWater]), [[busy.id, 1, 1, 1]]);
  });

  it('is dormant until armed, then announces live queues with their depth', () => {
    const hub = new Hub({ ...DEFAULTS });
    const q = new Queue<number>({ name: 'early' });
    assert.equal(hub.register(q), null, 'no probe while dormant');
    q.putNowait(1);
    q.putNowait(2);
    assert.deepEqual(drain(hub).events, []);
    const info = JSON.parse(hub.attach()) as { v: number; nextSeq: number; snapshot: { queues: { name: string; size: number }[] } };
    assert.equal(info.v, 1);
    assert.deepEqual(info.snapshot.queues.map((s) => [s.name, s.size]), [['early', 2]]);
    const batch = drain(hub);
    assert.equal(batch.seq, info.nextSeq);
    const created = batch.events.find((e) => e.type === 'queue');
    assert.ok(created?.type === 'queue');
    assert.deepEqual([created.q, created.name, created.size, created.site], [q.id, 'early', 2, undefined]);
    q.getNowait(); // the probe is installed now
    assert.deepEqual(rowsOf(drain(hub).events, q.id), [[q.id, 1, 1, 2, 0, 1]]);
    assert.equal(hub.attach().startsWith('{'), true, 'attach is idempotent');
  });

  it('armed late (a debugger attaching to a stalled program), adopts the calls already blocked', async () => {
    const hub = new Hub({ ...DEFAULTS });
    const full = new Queue<number>({ maxsize: 1, name: 'full' });
    const empty = new Queue<number>({ name: 'empty' });
    hub.register(full);
    hub.register(empty);
    full.putNowait(0);
    const blocked = full.put(1);
    const waiting = [empty.get(), empty.get()];
    const info = JSON.parse(hub.attach()) as AttachInfo;
    const seen = info.snapshot.queues.flatMap((s) => s.waiters.map((w) => [s.name, w.role, w.adopted, w.site]));
    assert.deepEqual(seen, [['full', 'put', true, undefined], ['empty', 'get', true, undefined], ['empty', 'get', true, undefined]]);
    const starts = drain(hub).events.flatMap((e) => (e.type === 'wait' ? [e] : []));
    assert.deepEqual(starts.map((e) => [e.q, e.role, e.adopted]), [[full.id, 'put', true], [empty.id, 'get', true], [empty.id, 'get', true]]);

    assert.equal(full.getNowait(), 0);
    await blocked;
    empty.putNowait(7);
    assert.equal(await waiting[0], 7);
    empty.shutdown();
    await assert.rejects(waiting[1], { name: 'QueueShutDown' });
    const ends = drain(hub).events.flatMap((e) => (e.type === 'waitEnd' ? [[e.w, e.outcome]] : []));
    assert.deepEqual(ends, [[starts[0].w, 'served'], [starts[1].w, 'served'], [starts[2].w, 'shutdown']]);
  });

  it('aggregates short waits, announces live ones, reports long finished ones individually', async () => {
    const hub = armedHub({ shortWaitMs: 1e9 });
    const q = traced(hub, new Queue<number>());
    for (let i = 0; i < 3; i++) {
      const got = q.get();
      q.putNowait(i);
      await got;
    }
    const short = drain(hub).events.filter((e) => e.type === 'shortWaits');
    assert.equal(short.length, 1);
    assert.ok(short[0].type === 'shortWaits');
    assert.deepEqual([short[0].role, short[0].count, short[0].hist.length], ['get', 3, WAIT_BUCKETS_MS.length]);
    assert.equal(short[0].hist.reduce((a, b) => a + b, 0), 3);

    const pending = q.get(); // alive at the next drain: announced even though it is short
    const announced = drain(hub).events.filter((e) => e.type === 'wait');
    assert.equal(announced.length, 1);
    q.putNowait(9);
    await pending;
    const ends = drain(hub).events.filter((e) => e.type === 'waitEnd');
    assert.ok(announced[0].type === 'wait' && ends[0]?.type === 'waitEnd');
    assert.deepEqual([ends.length, ends[0].w, ends[0].outcome], [1, announced[0].w, 'served']);

    const long = armedHub({ shortWaitMs: 0 });
    const q2 = traced(long, new Queue<number>({ maxsize: 1 }));
    q2.putNowait(0);
    await assert.rejects(q2.put(1, { timeout: 1 }));
    const events = drain(long).events;
    const w = events.find((e) => e.type === 'wait');
    const end = events.find((e) => e.type === 'waitEnd');
    assert.ok(w?.type === 'wait' && end?.type === 'waitEnd');
    assert.deepEqual([w.role, end.w, end.outcome], ['put', w.w, 'timeout']);
    assert.ok(end.ms >= 0 && end.t >= w.t);
  });

  it("resolves a blocked call's site to the caller's line, not the library's", async () => {
    const hub = armedHub({ shortWaitMs: 0 });
    const q = traced(hub, new Queue<number>());
    const line = Number(new Error().stack?.split('\n')[1]?.match(/:(\d+):\d+\)?$/)?.[1]) + 1;
    const got = q.get();
    const snap = hub.snapshot();
    const waiter = snap.queues[0].waiters[0];
    assert.ok(waiter.site !== undefined);
    assert.ok(waiter.site.file.endsWith('hub.test.ts'), waiter.site.file);
    assert.equal(waiter.site.line, line);
    assert.ok(waiter.waitMs >= 0 && waiter.since <= snap.t);
    q.putNowait(1);
    await got;
    assert.deepEqual(hub.snapshot().queues[0].waiters, []);
  });

  it('cuts a drain at maxBytes and resumes with consecutive seqs, losing nothing', () => {
    const hub = armedHub();
    const queues = Array.from({ length: 300 }, (_, i) => traced(hub, new Queue<string>({ name: `q${i}` })));
    queues.forEach((q) => q.putNowait('x'));
    const batches: DrainBatch[] = [];
    const texts: string[] = [];
    do {
      const text = hub.drain(2048);
      texts.push(text);
      batches.push(JSON.parse(text) as DrainBatch);
    } while (batches[batches.length - 1].more);
    assert.ok(batches.length > 5, `${batches.length} batches`);
    batches.forEach((b, i) => assert.equal(b.seq, batches[0].seq + i));
    texts.forEach((t) => assert.ok(t.length <= 2048, `${t.length} chars`));
    const events = batches.flatMap((b) => b.events);
    const ids = queues.map((q) => q.id).sort((a, b) => a - b);
    const ofType = (type: string) => events.filter((e) => e.type === type).map((e) => ('q' in e ? e.q : -1)).sort((a, b) => a - b);
    assert.deepEqual(ofType('queue'), ids);
    assert.deepEqual(ofType('counters'), ids);
    const rows = events.flatMap((e) => (e.type === 'samples' ? e.rows : []));
    assert.deepEqual(rows.map((r) => r[0]).sort((a, b) => a - b), ids);
    assert.ok(rows.every((r) => r[1] === 1 && r[4] === 1));
    assert.equal(drain(hub).events.length, 0);
  });

  // A review: close() is idempotent but every call sent a `shutdown` event (3M calls on one
  // queue, never drained: +251 MB, then one 176 MB answer).
  it('sends one shutdown event per change of state, however often shutdown() is called', () => {
    const hub = armedHub();
    const q = traced(hub, new Queue<number>({ name: 'closing' }));
    q.putNowait(1);
    drain(hub);
    for (let i = 0; i < 5; i++) q.shutdown();
    for (let i = 0; i < 5; i++) q.shutdown({ immediate: true });
    q.shutdown();
    const events = drain(hub).events.filter((e) => e.type === 'shutdown');
    assert.deepEqual(events.map((e) => (e.type === 'shutdown' ? e.immediate : undefined)), [false, true]);
  });

  it('a columnar drain carries lifecycle events up to its cap and keeps the rest, in order, for the next', () => {
    const hub = armedHub();
    // 20 queues with 1 MB names: 20 MB of `queue` events, past the 16 MiB a drain carries.
    const queues = Array.from({ length: 20 }, (_, i) => traced(hub, new Queue<number>({ name: `${i}:${'n'.repeat(1 << 20)}` })));
    queues[19].putNowait(1);
    const model = new QueueModel();
    const info = parseAttachInfo(hub.attach());
    assert.ok(info.ok);
    const src = model.attach('S', info.value);
    const seen: number[] = [];
    let more = true;
    let drains = 0;
    while (more) {
      const text = hub.drain(256 * 1024, { columns: true });
      assert.ok(text.length < 17 * 1024 * 1024 + 256 * 1024, `answer of ${text.length} chars`);
      const batch = parseDrainBatch(text);
      assert.ok(batch.ok, batch.ok ? '' : batch.error);
      model.applyDrain('S', src, batch.value);
      for (const e of batch.value.events) if (e.type === 'queue') seen.push(Number(e.name.split(':')[0]));
      more = batch.value.more;
      assert.ok(++drains <= 3);
    }
    assert.equal(drains, 2);
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i), 'every queue announced once, in order');
    const q19 = model.queuesOf('S').find((q) => q.name.startsWith('19:'));
    assert.equal(q19?.size, 1, 'its depth, whichever drain its announcement came in');
  });

  it('a drain that fails says so: an error answer, a seq gap after it, and the lost events counted as dropped', () => {
    const hub = armedHub();
    const q = traced(hub, new Queue<number>({ name: 'lost' }));
    q.putNowait(1);
    const first = JSON.parse(hub.drain(undefined, { columns: true })) as DrainBatch;
    q.putNowait(2);
    q.shutdown();
    const real = (hub as unknown as { drainColumns: unknown }).drainColumns;
    (hub as unknown as { drainColumns: () => string }).drainColumns = () => {
      throw new RangeError('Invalid string length');
    };
    const failed = parseDrainBatch(hub.drain(undefined, { columns: true }));
    (hub as unknown as { drainColumns: unknown }).drainColumns = real;
    assert.ok(!failed.ok);
    assert.match(failed.error, /^drain: the hub failed: drain \d+ failed \(RangeError: Invalid string length\); [1-9]\d* queued events lost$/);
    const next = parseDrainBatch(hub.drain(undefined, { columns: true }));
    assert.ok(next.ok);
    assert.equal(next.value.seq, first.seq + 2, 'the failed drain took a seq: the reader sees a gap and resyncs');
    const dropped = next.value.events.find((e) => e.type === 'dropped');
    assert.ok(dropped && dropped.type === 'dropped' && dropped.total >= 1, JSON.stringify(next.value.events));
  });

  it('never throws to its reader, whatever the input', () => {
    const hub = armedHub();
    const hostile: ProbeTarget = {
      id: 99,
      name: 'hostile',
      kind: 'fifo',
      maxsize: 0,
      get isShutdown(): boolean {
        throw new Error('no');
      },
      qsize: () => {
        throw new Error('no');
      },
      get unfinishedTasks(): number {
        throw new Error('no');
      },
      peek: () => {
        throw new Error('no');
      },
      setProbe: () => undefined,
    };
    assert.equal(hub.register(hostile), null, 'a queue that cannot be read is not traced');
    for (const arg of [undefined, 'abc', -1, NaN, Infinity, 1e12, {}] as unknown[]) {
      const batch = JSON.parse(hub.drain(arg as number)) as DrainBatch;
      assert.equal(batch.v, 1);
    }
    for (const opt of [undefined, null, { items: 'a' }, { items: -3 }, { items: 1e9 }] as unknown[]) {
      const snap = hub.snapshot(opt as { items: number });
      assert.equal(snap.v, 1);
      assert.deepEqual(snap.queues.map((s) => [s.name, s.size, s.shutdown, s.unfinished]), [['hostile', 0, false, 0]]);
      assert.ok(snap.queues[0].items.every((i) => i === '<unreadable>'));
    }
  });
});
