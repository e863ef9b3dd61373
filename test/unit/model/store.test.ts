import assert from 'node:assert/strict';
import { QueueModel, waitCounts, type ModelChange, type ModelInput } from '../../../src/model';
import { attachInfo, batch, counters, ORIGIN, queueSnap, site, snapshot } from './fixtures';

function setup() {
  const warnings: string[] = [];
  const model = new QueueModel({ log: { warn: (m) => warnings.push(m) }, now: () => ORIGIN + 1000 });
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(c));
  model.openSession('S', 'Launch app');
  const key = model.attach('S', attachInfo({ snapshot: snapshot(5, [queueSnap(1, { name: 'jobs', maxsize: 2, size: 1 })]) }), 'child-1');
  return { model, key, warnings, changes };
}

describe('QueueModel', () => {
  it('seeds queues from the attach snapshot under session > source (pid:threadId)', () => {
    const { model, key } = setup();
    assert.equal(key, '4242:0');
    const src = model.source('S', key)!;
    assert.equal(src.channel, 'child-1');
    assert.equal(src.nextSeq, 1);
    const q = src.queues.get(1)!;
    assert.equal(q.name, 'jobs');
    assert.equal(q.maxsize, 2);
    assert.equal(q.size, 1);
    assert.equal(q.key, 'S/4242:0/1');
    assert.equal(model.queue('S/4242:0/1'), q);
  });

  it("holds a row's previous depth until its firstChange; a firstChange out of its interval or not a number is ignored", () => {
    const { model, key } = setup();
    model.applyDrain('S', key, batch(1, 10, [{ type: 'queue', t: 10, q: 3, name: 'bursty', kind: 'fifo', maxsize: 0, size: 2 }]));
    const rows = (t: number, row: unknown[]) => batch(0, t, [{ type: 'samples', t, rows: [row as [number, number, number, number, number, number]] }]);
    model.applyDrain('S', key, { ...rows(2000, [3, 5, 2, 5, 3, 0, 1900]), seq: 2 }); // quiet at 2 until 1900
    model.applyDrain('S', key, { ...rows(3000, [3, 4, 4, 5, 0, 1, 5000]), seq: 3 }); // after its own t: ignored
    model.applyDrain('S', key, { ...rows(4000, [3, 4, 4, 4, 0, 0, 1000]), seq: 4 }); // before the previous point: ignored
    model.applyDrain('S', key, { ...rows(5000, [3, 3, 3, 4, 0, 1, null]), seq: 5 }); // malformed: ignored
    model.applyDrain('S', key, { ...rows(6000, [3, 2, 2, 3, 0, 1, 'x']), seq: 6 });
    const q = model.queue('S/4242:0/3')!;
    const s = q.timeline.series();
    assert.deepEqual(
      [s.t.map((t) => t - ORIGIN), s.depth],
      [
        [10, 1900, 2000, 3000, 4000, 5000, 6000],
        [2, 2, 5, 4, 4, 3, 2],
      ],
    );
  });

  it('applies queue, samples, wait, waitEnd, counters, shutdown and gc events with epoch times', () => {
    const { model, key, changes } = setup();
    changes.length = 0;
    model.applyDrain('S', key, batch(1, 30, [
      { type: 'queue', t: 10, q: 2, name: 'results', kind: 'lifo', maxsize: 0, size: 0, site: site(7) },
      { type: 'samples', t: 20, rows: [[1, 2, 1, 2, 1, 0], [2, 3, 0, 3, 3, 0]] },
      { type: 'wait', t: 21, q: 1, w: 9, role: 'put', site: site(12, 'produce') },
      { type: 'counters', t: 22, q: 1, c: counters({ puts: 5, blockedPuts: 1, highWater: 2 }), unfinished: 2 },
    ]));
    const q1 = model.queue('S/4242:0/1')!;
    const q2 = model.queue('S/4242:0/2')!;
    assert.equal(q2.kind, 'lifo');
    assert.deepEqual(q2.site, site(7));
    assert.equal(q1.size, 2);
    assert.equal(q2.size, 3);
    assert.equal(q1.waiters.get(9)?.since, ORIGIN + 21);
    assert.equal(q1.counters.puts, 5);
    assert.equal(q1.unfinished, 2);
    // The timeline starts at the queue's creation (its size then), so the first row's
    // min/max cover [10, 20] rather than one instant at 20.
    const s2 = q2.timeline.series();
    assert.deepEqual([s2.t, s2.depth, s2.min, s2.max], [[ORIGIN + 10, ORIGIN + 20], [0, 3], [0, 0], [0, 3]]);
    assert.deepEqual(model.summary(), { queues: 2, blocked: 1, waiting: 0 });
    const qc = changes.find((c) => c.kind === 'queues');
    assert.ok(qc && qc.kind === 'queues');
    assert.deepEqual(qc.added, [2]);
    assert.deepEqual(qc.sampled.sort(), [1, 2]);
    assert.equal(changes.filter((c) => c.kind === 'queues').length, 1, 'one change per applied batch');

    model.applyDrain('S', key, batch(2, 60, [
      { type: 'waitEnd', t: 40, q: 1, w: 9, outcome: 'served', ms: 19 },
      { type: 'shutdown', t: 41, q: 2, immediate: true },
      { type: 'gc', t: 50, q: 2 },
    ]));
    assert.equal(q1.waiters.size, 0);
    assert.equal(q1.recentWaits[0].outcome, 'served');
    assert.equal(q1.waitStats.put.count, 1);
    assert.equal(q1.waitStats.put.hist[3], 1, '19 ms falls in the (10, 100] bucket');
    assert.equal(q2.shutdown, 'immediate');
    assert.equal(q2.collected, ORIGIN + 50);
    assert.deepEqual(model.summary(), { queues: 1, blocked: 0, waiting: 0 });
  });

  it('skips stale or duplicate batches and counts gaps, staying consistent', () => {
    const { model, key, warnings } = setup();
    assert.deepEqual(model.applyDrain('S', key, batch(1, 10, [{ type: 'samples', t: 10, rows: [[1, 1, 1, 1, 0, 0]] }])), { applied: true, gap: 0 });
    assert.deepEqual(model.applyDrain('S', key, batch(1, 11, [{ type: 'samples', t: 11, rows: [[1, 9, 9, 9, 0, 0]] }])), { applied: false, gap: 0 });
    assert.equal(model.queue('S/4242:0/1')!.size, 1, 'a duplicate batch changes nothing');
    const out = model.applyDrain('S', key, batch(5, 40, [{ type: 'samples', t: 40, rows: [[1, 2, 0, 4, 2, 3]] }]));
    assert.deepEqual(out, { applied: true, gap: 3 });
    const src = model.source('S', key)!;
    assert.equal(src.lostBatches, 3);
    assert.equal(src.nextSeq, 6);
    assert.equal(model.queue('S/4242:0/1')!.size, 2);
    assert.ok(warnings.some((w) => /3 drain batch\(es\) lost/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /older than expected/.test(w)));
  });

  it('creates a placeholder queue for data that arrives before its queue event (after a gap)', () => {
    const { model, key } = setup();
    model.applyDrain('S', key, batch(3, 10, [{ type: 'wait', t: 9, q: 7, w: 1, role: 'get' }]));
    const q = model.queue('S/4242:0/7')!;
    assert.equal(q.name, 'queue-7');
    assert.equal(q.waiters.size, 1);
    model.applySnapshot('S', key, snapshot(20, [queueSnap(1), queueSnap(7, { name: 'real', kind: 'priority' })]));
    assert.equal(q.name, 'real');
    assert.equal(q.kind, 'priority');
    assert.equal(q.waiters.size, 0, 'a snapshot replaces the waiter set');
  });

  it('a pause snapshot marks the source and session paused and records item previews; continue makes them live', () => {
    const { model, key } = setup();
    model.applySnapshot('S', key, snapshot(100, [
      queueSnap(1, { size: 2, maxsize: 2, items: ['{"id":1}', '{"id":2}'], waiters: [{ w: 3, q: 1, role: 'put', since: 90, waitMs: 10, site: site(4) }] }),
    ]));
    const q = model.queue('S/4242:0/1')!;
    assert.deepEqual(q.items, ['{"id":1}', '{"id":2}']);
    assert.equal(q.itemsAt, ORIGIN + 100);
    assert.equal(q.waiters.get(3)!.since, ORIGIN + 90);
    assert.equal(model.source('S', key)!.state, 'paused');
    assert.equal(model.session('S')!.state, 'paused');
    model.setSourceState('S', key, 'live');
    assert.equal(model.session('S')!.state, 'live');
  });

  it('times the refreshes of a busy source: the longest recent gap between busy batches, not across idle, a gap or a pause', () => {
    const { model, key } = setup();
    const src = model.source('S', key)!;
    let seq = 1;
    const drain = (t: number, over: { more?: boolean; empty?: boolean; skip?: number } = {}) => {
      seq += over.skip ?? 0;
      model.applyDrain('S', key, batch(seq++, t, over.empty ? [] : [{ type: 'samples', t, rows: [[1, 1, 0, 1, 1, 1]] }], { more: over.more ?? false }));
      return src.refreshMs;
    };
    assert.equal(drain(1000), undefined, 'one batch is no interval');
    assert.equal(drain(5200), 4200);
    // A push tick at scale: a batch cut by the budget, then catch-up batches 40 ms apart.
    assert.equal(drain(9400, { more: true }), 4200);
    for (let k = 1; k <= 7; k++) assert.equal(drain(9400 + 40 * k, { more: k < 7 }), 4200, `catch-up batch ${k} does not hide the seconds between ticks`);
    assert.equal(drain(14_000, { more: true }), 4320, 'the next tick, after the last batch of the one before');
    // Polling every 100 ms again: after 8 short gaps the long ones are out of the window.
    let t = 14_000;
    for (let k = 0; k < 8; k++) drain((t += 100));
    assert.equal(src.refreshMs, 100);
    // Idle: an empty batch clears it, and the back-off before the next busy batch does not count.
    assert.equal(drain((t += 100), { empty: true }), undefined);
    assert.equal(drain((t += 1600)), undefined, 'the first busy batch after idle starts timing over');
    assert.equal(drain((t += 100)), 100);
    // Lost batches: the interval across them is not one refresh.
    assert.equal(drain((t += 3000), { skip: 2 }), 100, 'kept, not 3000');
    assert.equal(drain((t += 2000)), 2000);
    // A pause: the first batch after it does not count the pause.
    model.applySnapshot('S', key, snapshot(t + 10, [queueSnap(1, { size: 1 })]));
    model.setSourceState('S', key, 'live');
    assert.equal(src.refreshMs, undefined);
    assert.equal(drain((t += 60_000)), undefined);
    assert.equal(drain((t += 150)), 150);
  });

  it('queues missing from a snapshot are marked collected', () => {
    const { model, key } = setup();
    model.applySnapshot('S', key, snapshot(50, []), { paused: false });
    assert.equal(model.queue('S/4242:0/1')!.collected, ORIGIN + 50);
    assert.equal(model.source('S', key)!.state, 'live');
  });

  it('an ended session keeps its data until removed; clearEnded removes only ended ones', () => {
    const { model, key } = setup();
    model.applyDrain('S', key, batch(1, 10, [{ type: 'wait', t: 9, q: 1, w: 1, role: 'get' }]));
    model.openSession('T', 'Other');
    model.endSession('S');
    const s = model.session('S')!;
    assert.equal(s.state, 'ended');
    assert.equal(s.ended, ORIGIN + 1000);
    assert.equal(model.source('S', key)!.state, 'ended');
    // The consumer waiting when it ended stays, as the state it ended in (the views stop its clock there).
    assert.deepEqual([...model.queue('S/4242:0/1')!.waiters.values()].map((w) => [w.role, w.since]), [['get', ORIGIN + 9]], 'the waiter at the end');
    assert.deepEqual(waitCounts(model.queue('S/4242:0/1')!), { blocked: 0, waiting: 1 });
    assert.deepEqual(model.summary('S'), { queues: 1, blocked: 0, waiting: 0 }, 'nobody waits now: the status bar does not count it');
    assert.ok(model.queue('S/4242:0/1'), 'the recording stays');
    model.setSourceState('S', key, 'live');
    assert.equal(model.source('S', key)!.state, 'ended', 'an ended source does not come back to life');
    // An open recording is an ended session too, but its editor shows it: it stays.
    model.openSession('R', 'saved.qscope', 'recording', ORIGIN);
    model.endSession('R');
    assert.equal(model.clearEnded(), 1);
    assert.equal(model.session('S'), undefined);
    assert.ok(model.session('T'));
    assert.ok(model.session('R'), 'the open recording stays (before: its editor was emptied)');
  });

  it('a realm attached again after it ended starts with the waiters its snapshot lists, not those it ended with', () => {
    const { model, key } = setup();
    model.applyDrain('S', key, batch(1, 10, [{ type: 'wait', t: 9, q: 1, w: 7, role: 'put' }]));
    model.setSourceEnd('S', key, { reason: 'exit', code: 3 });
    model.setSourceState('S', key, 'ended');
    assert.equal(model.queue('S/4242:0/1')!.waiters.size, 1, 'kept as the state it ended in');
    // The same pid:thread attaches again (a reconnecting attach); nobody waits now.
    const again = model.attach('S', attachInfo({ snapshot: snapshot(20, [queueSnap(1, { name: 'jobs', maxsize: 2, size: 1 })]) }), 'child-2');
    assert.equal(again, key);
    assert.equal(model.source('S', key)!.state, 'live');
    assert.equal(model.source('S', key)!.end, undefined, 'how it ended before is not how it ends now');
    assert.equal(model.queue('S/4242:0/1')!.waiters.size, 0);
    assert.deepEqual(model.summary('S'), { queues: 1, blocked: 0, waiting: 0 });
    // Its waits are tracked afresh: a new one starts and ends.
    model.applyDrain('S', key, batch(1, 30, [{ type: 'wait', t: 25, q: 1, w: 8, role: 'get' }]));
    assert.deepEqual([...model.queue('S/4242:0/1')!.waiters.keys()], [8]);
    model.applyDrain('S', key, batch(2, 40, [{ type: 'waitEnd', t: 35, q: 1, w: 8, outcome: 'served', ms: 10 }]));
    assert.equal(model.queue('S/4242:0/1')!.waiters.size, 0);
  });

  it('bounds the number of garbage-collected queues kept per source', () => {
    const model = new QueueModel({ collectedQueuesPerSource: 3 });
    const key = model.attach('S', attachInfo());
    for (let i = 1; i <= 10; i++) {
      model.applyEvents('S', key, [
        { type: 'queue', t: i, q: i, name: `t${i}`, kind: 'fifo', maxsize: 0, size: 0 },
        { type: 'gc', t: i + 0.5, q: i },
      ]);
    }
    const ids = [...model.source('S', key)!.queues.keys()];
    assert.deepEqual(ids, [8, 9, 10]);
  });

  it('a batch that collects more queues than are kept: all of them are there for its listeners, the first collected go after', () => {
    const model = new QueueModel({ collectedQueuesPerSource: 3 });
    const key = model.attach('S', attachInfo());
    model.applyEvents('S', key, Array.from({ length: 10 }, (_, i) => ({ type: 'queue' as const, t: 1, q: i + 1, name: `t${i + 1}`, kind: 'fifo' as const, maxsize: 0, size: 0 })));
    const seen: number[][] = [];
    model.onDidChange((c) => {
      if (c.kind !== 'queues' || c.collected.length === 0) return;
      seen.push(c.collected.filter((id) => model.source('S', key)!.queues.get(id)?.collected !== undefined));
    });
    model.applyEvents('S', key, Array.from({ length: 10 }, (_, i) => ({ type: 'gc' as const, t: 2, q: i + 1 })));
    assert.deepEqual(seen, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], 'every queue the batch collected, still in the model');
    assert.deepEqual([...model.source('S', key)!.queues.keys()], [8, 9, 10]);
    // A snapshot that no longer lists a queue collects it too, and is bounded the same way.
    model.applyEvents('S', key, [{ type: 'queue', t: 3, q: 11, name: 't11', kind: 'fifo', maxsize: 0, size: 0 }]);
    model.applySnapshot('S', key, snapshot(4, []), { paused: false });
    assert.deepEqual([...model.source('S', key)!.queues.keys()], [9, 10, 11]);
  });

  /** A queue of maxsize 1 holding one item, its producer blocked (wait 5). */
  const fullQueueWithBlockedProducer = () => {
    const model = new QueueModel();
    const key = model.attach('S', attachInfo());
    model.applyEvents('S', key, [
      { type: 'queue', t: 1, q: 1, name: 'orders', kind: 'fifo', maxsize: 1, size: 0 },
      { type: 'samples', t: 2, rows: [[1, 1, 0, 1, 1, 0]] },
      { type: 'wait', t: 2, q: 1, w: 5, role: 'put' },
    ]);
    return { model, key };
  };

  it("a queue's 'gc' is applied after the rest of its batch: its last row, counters and wait ends count", () => {
    const { model, key } = fullQueueWithBlockedProducer();
    // A hub sends lifecycle first: gc ahead of the queue's final row, counters and the served wait.
    model.applyEvents('S', key, [
      { type: 'gc', t: 9, q: 1 },
      { type: 'samples', t: 8, rows: [[1, 0, 0, 1, 1, 2]] },
      { type: 'waitEnd', t: 6, q: 1, w: 5, outcome: 'served', ms: 4 },
    ]);
    const q = model.source('S', key)!.queues.get(1)!;
    assert.notEqual(q.collected, undefined);
    assert.equal(q.size, 0, 'its final depth');
    assert.deepEqual(q.waitersAtCollect, [], 'the producer was served before it went');
    assert.deepEqual(q.recentWaits.map((w) => w.outcome), ['served'], 'before: ended as "collected", the real end ignored');
  });

  it("a 'gc' with its final figures: depth, totals and unfinished as the program left them; a role it says nobody waited in is not judged waiting, and a later wait of it is ignored", () => {
    const { model, key } = fullQueueWithBlockedProducer();
    // The producer's end is cut into a later batch; the gc says nobody was blocked.
    model.applyEvents('S', key, [{ type: 'gc', t: 9, q: 1, final: { size: 0, puts: 2, gets: 2, unfinished: 1, blocked: 0, waiting: 0 } }]);
    const q = model.source('S', key)!.queues.get(1)!;
    assert.deepEqual([q.size, q.counters.puts, q.counters.gets, q.unfinished], [0, 2, 2, 1]);
    assert.deepEqual(q.waitersAtCollect, []);
    model.applyEvents('S', key, [{ type: 'wait', t: 8, q: 1, w: 6, role: 'get' }]);
    assert.equal(q.waiters.size, 0, 'no waiter on a collected queue');
    // A malformed final is ignored, not the gc.
    model.applyEvents('S', key, [{ type: 'queue', t: 10, q: 2, name: 'b', kind: 'fifo', maxsize: 0, size: 3 }, { type: 'gc', t: 11, q: 2, final: { size: 'x' } as never }]);
    const b = model.source('S', key)!.queues.get(2)!;
    assert.notEqual(b.collected, undefined);
    assert.equal(b.size, 3);
  });

  it('the collected queues dropped past the bound are the first collected, not the first created (which came back as a live placeholder)', () => {
    const model = new QueueModel({ collectedQueuesPerSource: 3 });
    const key = model.attach('S', attachInfo());
    model.applyEvents('S', key, [{ type: 'queue', t: 0, q: 1, name: 'long-job', kind: 'fifo', maxsize: 0, size: 0 }]);
    for (let i = 2; i <= 5; i++) model.applyEvents('S', key, [{ type: 'queue', t: i, q: i, name: `job-${i}`, kind: 'fifo', maxsize: 0, size: 0 }, { type: 'gc', t: i + 0.5, q: i }]);
    // The long-lived queue goes last, with a wait of its own in the same batch.
    model.applyEvents('S', key, [{ type: 'gc', t: 20, q: 1 }, { type: 'wait', t: 10, q: 1, w: 1, role: 'get' }, { type: 'waitEnd', t: 15, q: 1, w: 1, outcome: 'served', ms: 5 }]);
    const queues = model.source('S', key)!.queues;
    assert.deepEqual([...queues.keys()].sort(), [1, 4, 5]);
    assert.ok([...queues.values()].every((q) => q.collected !== undefined), 'no live placeholder');
    assert.equal(model.summary('S').queues, 0);
  });

  it('a snapshot with malformed entries dropped does not take the queues missing from it for collected', () => {
    const model = new QueueModel();
    const key = model.attach('S', attachInfo({ snapshot: snapshot(1, [queueSnap(1, { name: 'a' }), queueSnap(2, { name: 'b' })]) }));
    model.applySnapshot('S', key, { ...snapshot(5, [queueSnap(1, { name: 'a' })]), skipped: 1 }, { paused: false });
    assert.equal(model.source('S', key)!.queues.get(2)!.collected, undefined, 'b may be the entry dropped');
    model.applySnapshot('S', key, snapshot(6, [queueSnap(1, { name: 'a' })]), { paused: false });
    assert.notEqual(model.source('S', key)!.queues.get(2)!.collected, undefined, 'a whole snapshot without it: gone');
  });

  it('a listener that throws does not break the model or other listeners', () => {
    const warnings: string[] = [];
    const model = new QueueModel({ log: { warn: (m) => warnings.push(m) } });
    let seen = 0;
    model.onDidChange(() => {
      throw new Error('boom');
    });
    model.onDidChange(() => seen++);
    model.openSession('S', 'x');
    assert.equal(seen, 1);
    assert.ok(warnings[0].includes('boom'));
  });

  it('drops timeline samples that go back in time and counts them', () => {
    const { model, key } = setup();
    model.applyEvents('S', key, [{ type: 'samples', t: 50, rows: [[1, 1, 1, 1, 1, 0]] }]);
    model.applyEvents('S', key, [{ type: 'samples', t: 40, rows: [[1, 5, 5, 5, 1, 0]] }]);
    const q = model.queue('S/4242:0/1')!;
    assert.equal(q.timeline.outOfOrder, 1);
    assert.deepEqual(q.timeline.series().depth, [1]);
  });
});

describe('QueueModel: waiters known only from a snapshot', () => {
  it('are retired by a shortWaits count of their role (the hub sends no waitEnd for them); announced ones are not', () => {
    const model = new QueueModel();
    const key = model.attach('S', attachInfo({
      snapshot: snapshot(5, [
        queueSnap(1, {
          waiters: [
            { w: 1, q: 1, role: 'get', since: 1, waitMs: 1 },
            { w: 2, q: 1, role: 'put', since: 2, waitMs: 1 },
          ],
        }),
      ]),
    }));
    const q = model.queue('S/4242:0/1')!;
    assert.equal(q.waiters.get(1)!.fromSnapshot, true);
    // w3 is announced by a drain; a later snapshot keeps it confirmed.
    model.applyEvents('S', key, [{ type: 'wait', t: 6, q: 1, w: 3, role: 'get' }]);
    model.applySnapshot('S', key, snapshot(7, [queueSnap(1, { waiters: [
      { w: 1, q: 1, role: 'get', since: 1, waitMs: 6 },
      { w: 2, q: 1, role: 'put', since: 2, waitMs: 5 },
      { w: 3, q: 1, role: 'get', since: 6, waitMs: 1 },
    ] })]));
    assert.equal(q.waiters.get(3)!.fromSnapshot, false);
    model.applyEvents('S', key, [{ type: 'shortWaits', t: 8, q: 1, role: 'get', count: 5, totalMs: 3, hist: [0, 5, 0, 0, 0, 0, 0] }]);
    assert.deepEqual([...q.waiters.keys()], [2, 3], 'the unannounced consumer ended short; the producer and the announced one stay');
    assert.equal(q.waitStats.get.count, 5);
  });
});

describe('QueueModel.onDidApplyInput', () => {
  function watch() {
    const model = new QueueModel({ now: () => ORIGIN + 1000 });
    const inputs: ModelInput[] = [];
    model.onDidApplyInput((i) => inputs.push(i));
    return { model, inputs };
  }

  it('announces each outermost input once, after it was applied, with its arguments and outcome (not the model calling itself)', () => {
    const { model, inputs } = watch();
    const seenAtAnnounce: (string | undefined)[] = [];
    model.onDidApplyInput((i) => seenAtAnnounce.push(i.kind === 'attach' ? model.source(i.session, i.source)?.state : undefined));
    const info = attachInfo({ snapshot: snapshot(5, [queueSnap(1)]) });
    // attach opens the session implicitly and seeds from its snapshot: addSource, openSession
    // and applySnapshot run inside it and must not be announced on their own.
    const key = model.attach('S', info, 'child-1');
    assert.deepEqual(inputs, [{ kind: 'attach', session: 'S', info, channel: 'child-1', source: key }]);
    assert.equal(seenAtAnnounce[0], 'live', 'announced after the source was added');

    inputs.length = 0;
    const good = batch(1, 10, [{ type: 'queue', t: 9, q: 2, name: 'b', kind: 'fifo', maxsize: 0, size: 0 }]);
    model.applyDrain('S', key, good); // applyEvents runs inside
    model.applyDrain('S', key, good); // stale now: skipped
    assert.deepEqual(inputs, [
      { kind: 'applyDrain', session: 'S', source: key, batch: good, outcome: { applied: true, gap: 0 } },
      { kind: 'applyDrain', session: 'S', source: key, batch: good, outcome: { applied: false, gap: 0 } },
    ]);

    inputs.length = 0;
    const pause = snapshot(20, [queueSnap(1)]);
    model.applySnapshot('S', key, pause); // setSourceState(paused) runs inside
    model.setSourceState('S', key, 'live');
    model.endSession('S', ORIGIN + 30); // setSourceState(ended) per source runs inside
    model.setSourceState('S', key, 'ended');
    model.setSourceState('S', 'nope', 'ended');
    assert.deepEqual(inputs, [
      { kind: 'applySnapshot', session: 'S', source: key, snapshot: pause, paused: true },
      { kind: 'setSourceState', session: 'S', source: key, state: 'live', previous: 'paused', at: ORIGIN + 1000 }, // the model's clock
      { kind: 'endSession', session: 'S', at: ORIGIN + 30, ended: [key] },
      { kind: 'setSourceState', session: 'S', source: key, state: 'ended', previous: 'ended', at: ORIGIN + 1000 },
      { kind: 'setSourceState', session: 'S', source: 'nope', state: 'ended', previous: undefined, at: ORIGIN + 1000 },
    ]);
  });

  it('announces openSession, addSource, applyEvents, a second endSession and removeSession (also from clearEnded)', () => {
    const { model, inputs } = watch();
    model.openSession('R', 'Replay', 'redis', ORIGIN);
    const { snapshot: _s, nextSeq: _n, ...info } = attachInfo();
    const key = model.addSource('R', info, undefined, undefined);
    const events = [{ type: 'queue' as const, t: 1, q: 1, name: 'a', kind: 'fifo' as const, maxsize: 0, size: 0 }];
    model.applyEvents('R', key, events);
    model.endSession('R');
    model.endSession('R');
    model.openSession('T', 'Other');
    assert.equal(model.clearEnded(), 1);
    assert.equal(model.removeSession('gone'), false);
    assert.deepEqual(inputs, [
      { kind: 'openSession', session: 'R', name: 'Replay', origin: 'redis', started: ORIGIN },
      { kind: 'addSource', session: 'R', info, snapshot: undefined, channel: undefined, source: key },
      { kind: 'applyEvents', session: 'R', source: key, events },
      { kind: 'endSession', session: 'R', at: undefined, ended: [key] },
      { kind: 'endSession', session: 'R', at: undefined, ended: [] },
      { kind: 'openSession', session: 'T', name: 'Other', origin: 'debug', started: undefined },
      { kind: 'removeSession', session: 'R', removed: true },
      { kind: 'removeSession', session: 'gone', removed: false },
    ]);
  });

  it('fires after the onDidChange events of the same input; a throwing listener is logged and the model goes on', () => {
    const warnings: string[] = [];
    const model = new QueueModel({ log: { warn: (m) => warnings.push(m) } });
    const order: string[] = [];
    model.onDidChange((c) => order.push(`change:${c.kind}`));
    model.onDidApplyInput(() => {
      throw new Error('boom');
    });
    model.onDidApplyInput((i) => order.push(`input:${i.kind}`));
    model.openSession('S', 'x');
    assert.deepEqual(order, ['change:session', 'input:openSession']);
    assert.ok(warnings.some((w) => w.includes('boom')));
    assert.equal(model.session('S')?.name, 'x');
  });
});
