// Pool state of other libraries' queues on the wire (issue #14): counters' paused,
// rateLimited, runningSince and stats, in classic and columnar drains (the hub's own
// CounterColumns, read back by the parser), kept by the model (runningSince in epoch ms),
// shown by the tree and sent to the panel. Old counters read as before; wrong types are
// dropped without losing the queue.

import assert from 'node:assert/strict';
import { QueueModel } from '../../../src/model';
import { parseDrainBatch } from '../../../src/model/parse';
import { hasRunningAge, queueNode } from '../../../src/host/views/queueNodes';
import { sourceNow } from '../../../src/model/entities';
import { newCursor, queueInfo } from '../../../src/host/panel/messages';
import { poolStateTexts, statsText } from '../../../src/protocol/libText';
import { CounterColumns } from '../../../src/trace/columns';
import { attachInfo, batch, counters, ORIGIN, queueSnap, snapshot } from './fixtures';

function model(): { m: QueueModel; key: string } {
  const m = new QueueModel();
  m.openSession('S', 'app');
  const key = m.attach('S', attachInfo({ snapshot: snapshot(5, [queueSnap(1, { name: 'own' })]) }), 'c');
  m.applyDrain('S', key, batch(1, 10, [{ type: 'queue', t: 10, q: 2, name: 'PQueue', kind: 'priority', maxsize: 0, size: 0, lib: 'p-queue@10.0.0', concurrency: 2 }]));
  return { m, key };
}

describe('model: pool state of other libraries', () => {
  it('classic counters: paused, rate-limited, the oldest running start (hub time -> epoch ms), live stats; the tree says so', () => {
    const { m, key } = model();
    m.applyDrain('S', key, batch(2, 30, [{ type: 'counters', t: 30, q: 2, c: { ...counters({ puts: 3 }), running: 2, paused: true, rateLimited: true, runningSince: 18, stats: { threads: 2, utilization: 0.25 } }, unfinished: 0 }]));
    const q = m.queue('S/4242:0/2')!;
    assert.deepEqual([q.counters.running, q.counters.paused, q.counters.rateLimited, q.runningSince, q.stats], [2, true, true, ORIGIN + 18, { threads: 2, utilization: 0.25 }]);
    assert.equal('runningSince' in q.counters || 'stats' in q.counters, false, 'the model keeps hub time out of its counters');
    assert.equal(queueNode(q, undefined, ORIGIN + 12_018).description, '0/∞ · p-queue@10.0.0 · running 2/2 · paused · rate-limited · oldest running 12.0 s');
    assert.match(String(queueNode(q).tooltip), /threads 2 · utilization 25%/);
    // Already running when QueueScope attached: "≥" in the tree, and why in its tooltip.
    m.applyDrain('S', key, batch(3, 35, [{ type: 'counters', t: 35, q: 2, c: { ...counters({ puts: 3 }), running: 2, runningSince: 18, runningAdopted: true }, unfinished: 0 }]));
    assert.equal(queueNode(q, undefined, ORIGIN + 12_018).description, '0/∞ · p-queue@10.0.0 · running 2/2 · oldest running ≥ 12.0 s');
    assert.match(String(queueNode(q).tooltip), /oldest running ≥: that task was already running when QueueScope attached/);
    // Nothing runs any more: the age goes.
    m.applyDrain('S', key, batch(4, 40, [{ type: 'counters', t: 40, q: 2, c: { ...counters({ puts: 3, gets: 3 }), running: 0, paused: false, rateLimited: false }, unfinished: 0 }]));
    assert.equal(q.runningSince, undefined);
    assert.equal(queueNode(q, undefined, ORIGIN + 50_000).description, '0/∞ · p-queue@10.0.0 · running 0/2');
  });

  it('columnar counters: the optional columns round-trip through the hub writer and the parser; other rows lack them', () => {
    const cols = new CounterColumns();
    cols.add(1, counters({ puts: 1 }), 0, 0, 0, 1);
    cols.add(2, { ...counters({ puts: 3 }), running: 1, paused: false, rateLimited: true, runningSince: 20.5, stats: { threads: 4 } }, 0, 0, 0, 1);
    cols.add(3, counters({ puts: 2 }), 0, 0, 0, 1); // after a pool row: its cells stay empty
    cols.add(4, { ...counters({ puts: 1 }), running: 1, runningSince: 2, runningAdopted: true }, 0, 0, 0, 1);
    const text = `{"v":1,"seq":2,"t":30,"events":[${cols.json(30)}],"more":false,"dropped":0}`;
    const parsed = parseDrainBatch(text);
    assert.ok(parsed.ok);
    const [own, pool, own2, adopted] = parsed.value.events as unknown as { c: Record<string, unknown> }[];
    for (const c of [own.c, own2.c]) assert.deepEqual([c.running, c.paused, c.rateLimited, c.runningSince, c.stats], [undefined, undefined, undefined, undefined, undefined]);
    assert.equal(own2.c.puts, 2);
    assert.deepEqual([pool.c.running, pool.c.paused, pool.c.rateLimited, pool.c.runningSince, pool.c.stats], [1, false, true, 20.5, { threads: 4 }]);
    assert.equal(pool.c.runningAdopted, undefined);
    assert.deepEqual([adopted.c.runningSince, adopted.c.runningAdopted], [2, true], 'runningAdopted: a column of 1 / -1');
    // Counters of QueueScope's own queues only: no optional column at all.
    const plain = new CounterColumns();
    plain.add(1, counters(), 0, 0, 0, 1);
    assert.doesNotMatch(plain.json(1), /running|paused|stats/);
  });

  it('wrong types are dropped, the queue and its counters kept; snapshots carry runningItems', () => {
    const { m, key } = model();
    m.applyDrain('S', key, batch(2, 30, [{ type: 'counters', t: 30, q: 2, c: { ...counters({ puts: 1 }), running: 1, paused: 'yes', runningSince: 'soon', stats: { threads: 'two' } } as never, unfinished: 0 }]));
    const q = m.queue('S/4242:0/2')!;
    assert.deepEqual([q.counters.puts, q.counters.paused, q.runningSince, q.stats], [1, undefined, undefined, undefined]);
    m.applySnapshot('S', key, snapshot(40, [queueSnap(2, { name: 'async.queue work', lib: 'async@3.2.6', counters: { ...counters(), running: 1, runningSince: 35 }, runningItems: ['{ id: 1 }', 7] } as never)]), { paused: true });
    assert.deepEqual([q.runningItems, q.runningSince], [['{ id: 1 }'], ORIGIN + 35]);
  });

  it('the panel gets the oldest running start in session time, the stats, and running previews only while paused', () => {
    const { m, key } = model();
    m.applySnapshot('S', key, snapshot(40, [queueSnap(2, { name: 'PQueue', lib: 'p-queue@10.0.0', counters: { ...counters(), running: 1, runningSince: 35 }, stats: { threads: 1 }, runningItems: ['"job"'] })]), { paused: true });
    const src = m.source('S', key)!;
    const q = m.queue('S/4242:0/2')!;
    const start = ORIGIN + 5;
    const paused = queueInfo(src, q, newCursor(), true, start);
    assert.deepEqual([paused.runningSince, paused.stats, paused.runningItems], [30, { threads: 1 }, ['"job"']]);
    assert.equal(queueInfo(src, q, newCursor(), false, start).runningItems, undefined);
    assert.equal(sourceNow(src, ORIGIN + 99_999), src.pausedAt, "a paused source's clocks stand at its pause");
    assert.equal(hasRunningAge(src), false, 'paused: the tree need not tick');
    assert.equal(paused.stoppedAt, src.pausedAt! - start, "a paused process's ages stand at its pause in the panel too");
    m.setSourceState('S', key, 'live');
    assert.equal(hasRunningAge(src), true, 'live with a running task: the tree ticks its age');
    assert.equal(queueInfo(src, q, newCursor(), false, start).stoppedAt, undefined, 'running: the panel ticks the age');
    m.setSourceState('S', key, 'ended');
    assert.equal(queueInfo(src, q, newCursor(), false, start).stoppedAt, src.lastSeen - start, 'ended (its session running on): the age stands at its last moment');
  });

  it('texts: flags, the age on any clock, library figures', () => {
    assert.deepEqual(poolStateTexts({ counters: {} }, 5), []);
    assert.deepEqual(poolStateTexts({ counters: { paused: true }, runningSince: 1000 }, 3500), ['paused', 'oldest running 2.5 s']);
    assert.equal(statsText({ threads: 2, utilization: 0.5, wait_p50: 0.25, wait_p99: 12, wait_max: 1500 }), 'threads 2 · utilization 50% · wait p50 0.25 ms, p99 12 ms, max 1.5 s');
    assert.equal(statsText({ threads: 2, wait_p99: 9400, run_mean: 120.4, run_p99: 3.25, run_total: 81234 }), 'threads 2 · wait p99 9.4 s · run mean 120 ms, p99 3.25 ms');
    assert.equal(statsText(undefined), '');
  });
});
