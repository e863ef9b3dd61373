import assert from 'node:assert/strict';
import { BYTES_PER_POINT, DEFAULT_RETENTION, DepthTimeline, maxPointsPerTimeline, QueueModel, retentionFor, TIMELINE_BUDGET_BYTES, type RetentionOptions } from '../../../src/model';
import { attachInfo } from './fixtures';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The retention budget stated in docs/EXTENSION.md: 100 queues, one hour, 10 ms samples. */
const BUDGET_BYTES_100_QUEUES = 24 * 1024 * 1024;

describe('DepthTimeline', () => {
  it('keeps the recent window at full resolution and reads incrementally from a cursor', () => {
    const tl = new DepthTimeline();
    for (let i = 0; i < 5; i++) tl.push(1000 + i * 10, i, i, i, 1, 0);
    const first = tl.readSince(0);
    assert.deepEqual(first.samples.depth, [0, 1, 2, 3, 4]);
    assert.equal(first.cursor, 5);
    assert.equal(first.missed, false);
    tl.push(1050, 7, 4, 9, 3, 0);
    const next = tl.readSince(first.cursor);
    assert.deepEqual(next.samples.t, [1050]);
    assert.deepEqual(next.samples.max, [9]);
    assert.deepEqual(tl.readSince(next.cursor).samples.t, []);
  });

  it('allocates a tier only once a point reaches it: 10,000 new queues cost no timeline memory', () => {
    const tl = new DepthTimeline();
    assert.equal(tl.stats().bytes, 0, 'no point yet');
    tl.push(1000, 1, 0, 1, 1, 0);
    const one = tl.stats().bytes;
    assert.ok(one > 0 && one <= 16 * BYTES_PER_POINT, `one point: ${one} bytes`);
    // Past the recent window, points fold into the first tier, which only then takes room.
    for (let i = 1; i <= 200; i++) tl.push(1000 + i * 1000, i % 5, 0, 5, 1, 0);
    assert.deepEqual(tl.series().depth.slice(-3), [198 % 5, 199 % 5, 200 % 5]);
    assert.ok(tl.stats().bytes > one);
  });

  it('min/max always include the depth at the tick', () => {
    const tl = new DepthTimeline();
    tl.push(1, 5, 7, 2, 0, 0); // a malformed row: min above depth, max below
    const s = tl.series();
    assert.equal(s.min[0], 5);
    assert.equal(s.max[0], 5);
  });

  it('folds old samples into coarser tiers without losing a spike, and conserves puts/gets', () => {
    const r: RetentionOptions = { recentMs: 1000, recentMaxSamples: 1000, tiers: [{ widthMs: 100, capacity: 5 }, { widthMs: 1000, capacity: 4 }] };
    const tl = new DepthTimeline(r);
    let puts = 0;
    for (let t = 0; t <= 20_000; t += 10) {
      const spike = t === 3_330 ? 500 : 0;
      tl.push(t, 1, 0, Math.max(1, spike), 2, 1);
      puts += 2;
    }
    const s = tl.series();
    assert.ok(s.t.length < 200, `retained ${s.t.length}`);
    assert.equal(sum(s.puts), puts, 'folding keeps every put');
    assert.equal(sum(s.gets), puts / 2);
    assert.equal(Math.max(...s.max), 500, 'the spike survives in the envelope');
    // the spike is on the point whose interval covers t = 3330
    const i = s.t.findIndex((t) => t >= 3_330);
    assert.equal(s.max[i], 500);
    for (let k = 1; k < s.t.length; k++) assert.ok(s.t[k] >= s.t[k - 1], 'series is in time order');
    assert.equal(tl.readSince(0).missed, true, 'a cursor older than the raw tier reports missed samples');
  });

  it('the last tier compacts instead of dropping: bounded however long it runs', () => {
    const r: RetentionOptions = { recentMs: 100, recentMaxSamples: 10, tiers: [{ widthMs: 100, capacity: 4 }, { widthMs: 1000, capacity: 8 }] };
    const tl = new DepthTimeline(r);
    let puts = 0;
    for (let t = 0; t < 1_000_000; t += 10) {
      tl.push(t, t % 7, 0, t === 12_340 ? 99 : 7, 1, 0);
      puts++;
    }
    const st = tl.stats();
    assert.ok(st.points <= maxPointsPerTimeline(r), `${st.points} points`);
    const s = tl.series();
    assert.equal(sum(s.puts), puts);
    assert.equal(Math.max(...s.max), 99);
    assert.equal(s.t[s.t.length - 1], 999_990);
  });

  it('refuses samples that go back in time', () => {
    const tl = new DepthTimeline();
    assert.equal(tl.push(10, 1, 1, 1, 0, 0), true);
    assert.equal(tl.push(5, 1, 1, 1, 0, 0), false);
    assert.equal(tl.push(10, 2, 2, 2, 0, 0), true, 'equal times are accepted');
    assert.equal(tl.outOfOrder, 1);
  });

  it('series(from, to) filters by time', () => {
    const tl = new DepthTimeline();
    for (let t = 0; t < 100; t += 10) tl.push(t, t, t, t, 0, 0);
    assert.deepEqual(tl.series(20, 40).t, [20, 30, 40]);
  });
});

describe('retention budget', function () {
  this.timeout(120_000);

  it(`a one-hour session with 100 queues at 10 ms samples stays under ${BUDGET_BYTES_100_QUEUES / 1048576} MiB of timeline memory`, () => {
    const model = new QueueModel();
    const key = model.attach('S', attachInfo());
    const QUEUES = 100;
    const HOUR = 3_600_000;
    const rows: [number, number, number, number, number, number][] = [];
    for (let q = 1; q <= QUEUES; q++) rows.push([q, 0, 0, 0, 0, 0]);
    let putsFed = 0;
    // Each tick is applied as its own event; the rows are reused (the model copies the numbers).
    const event = { type: 'samples' as const, t: 0, rows };
    for (let t = 0; t < HOUR; t += 10) {
      for (const row of rows) {
        const depth = (t / 10 + row[0]) % 50;
        row[1] = depth;
        row[2] = Math.max(0, depth - 1);
        row[3] = row[0] === 1 && t === 600_000 ? 10_000 : depth + 1; // one spike 10 minutes in
        row[4] = 1;
        row[5] = 1;
      }
      event.t = t;
      putsFed++;
      model.applyEvents('S', key, [event]);
    }
    const mem = model.memoryStats();
    const perQueueBound = maxPointsPerTimeline(DEFAULT_RETENTION);
    assert.equal(mem.queues, QUEUES);
    assert.ok(mem.points <= QUEUES * perQueueBound, `${mem.points} points`);
    assert.ok(mem.bytes <= BUDGET_BYTES_100_QUEUES, `${mem.bytes} bytes`);
    // Figures for docs/EXTENSION.md (deterministic: typed-array bytes).
    console.log(`      retained ${mem.points} points (${(mem.points / QUEUES).toFixed(0)}/queue), ${(mem.bytes / 1048576).toFixed(2)} MiB; bound ${((QUEUES * perQueueBound * BYTES_PER_POINT) / 1048576).toFixed(2)} MiB`);
    const q1 = model.queue('S/4242:0/1')!;
    const s = q1.timeline.series();
    assert.equal(Math.max(...s.max), 10_000, 'the spike from 50 minutes ago is still in the envelope');
    assert.equal(sum(s.puts), putsFed, 'every put is still accounted for');
    assert.ok(s.t[0] <= attachInfo().origin + 10_000, 'history reaches back to the start');
    assert.ok(q1.timeline.stats().recent >= 5_000, 'the last minute is at full resolution');
  });
});

describe('retention budget at 10,000 queues (issue #17)', function () {
  this.timeout(300_000);

  it('retentionFor keeps the base up to the budget and shrinks proportionally beyond it, covering the same span', () => {
    assert.equal(retentionFor(100), DEFAULT_RETENTION);
    const r = retentionFor(10_000);
    const bound = 10_000 * maxPointsPerTimeline(r) * BYTES_PER_POINT;
    assert.ok(bound <= TIMELINE_BUDGET_BYTES * 1.15, `${bound} bytes for 10,000 queues`);
    r.tiers.forEach((t, i) => assert.ok(t.widthMs * t.capacity >= DEFAULT_RETENTION.tiers[i].widthMs * DEFAULT_RETENTION.tiers[i].capacity));
  });

  it('a one-hour session with 10,000 queues (one folded sample per queue every 5 s) stays within the timeline budget, keeping spikes and every put', () => {
    const heap0 = process.memoryUsage().heapUsed;
    const model = new QueueModel();
    const key = model.attach('S', attachInfo());
    const QUEUES = 10_000;
    const HOUR = 3_600_000;
    const rows: [number, number, number, number, number, number][] = [];
    for (let q = 1; q <= QUEUES; q++) rows.push([q, 0, 0, 0, 0, 0]);
    const event = { type: 'samples' as const, t: 0, rows };
    let fed = 0;
    for (let t = 0; t < HOUR; t += 5000) {
      for (const row of rows) {
        const depth = (t / 5000 + row[0]) % 50;
        row[1] = depth;
        row[2] = Math.max(0, depth - 1);
        row[3] = row[0] === 7 && t === 600_000 ? 10_000 : depth + 1; // one spike 10 minutes in
        row[4] = 3;
        row[5] = 2;
      }
      event.t = t;
      fed++;
      model.applyEvents('S', key, [event]);
    }
    const mem = model.memoryStats();
    const perQueue = maxPointsPerTimeline(retentionFor(16_384)); // sized for the next power of two x 100
    assert.equal(mem.queues, QUEUES);
    assert.ok(mem.points <= QUEUES * perQueue, `${mem.points} points`);
    assert.ok(mem.bytes <= TIMELINE_BUDGET_BYTES, `${mem.bytes} bytes`);
    const heap = process.memoryUsage().heapUsed - heap0;
    // Figures for docs/EXTENSION.md: timeline bytes are deterministic; the heap figure is indicative.
    console.log(`      10,000 queues x 1 h: ${mem.points} points (${(mem.points / QUEUES).toFixed(0)}/queue), ${(mem.bytes / 1048576).toFixed(2)} MiB of timelines; JS heap grew ${(heap / 1048576).toFixed(0)} MiB`);
    const q7 = model.queue('S/4242:0/7')!;
    const s = q7.timeline.series();
    assert.equal(Math.max(...s.max), 10_000, 'the spike from 50 minutes ago is still in the envelope');
    assert.equal(sum(s.puts), 3 * fed, 'every put is still accounted for');
    assert.equal(sum(s.gets), 2 * fed, 'every get is still accounted for');
    assert.ok(s.t[0] <= attachInfo().origin + HOUR / 4, `history reaches back to the start (oldest point ${s.t[0] - attachInfo().origin} ms in)`);
  });
});
