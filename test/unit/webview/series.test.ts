// Timeline storage and downsampling of the webview (pure code, run in Node).

import * as assert from 'node:assert/strict';
import { DepthSeries, WaitCountSeries, alignOnGrid, countsOnGrid, downsample, withCountSteps } from '../../../src/webview/series';
import { BYTE_STEPS, COUNT_STEPS } from '../../../src/webview/chart';
import { TIME_TICK_STEPS, countOf, formatAxisBytes, formatAxisCount, formatAxisTicks, formatCount, formatDuration, formatRate, formatSessionTime, formatShortBytes, formatShortBytesOf, formatShortCount } from '../../../src/webview/format';

function filled(n: number, f: (i: number) => number, cap?: number): DepthSeries {
  const s = new DepthSeries(cap);
  for (let i = 0; i < n; i++) s.append([i * 100], [f(i)], [f(i)], [f(i)]);
  return s;
}

describe('webview series', () => {
  it('keeps every spike when downsampling to a few buckets', () => {
    const s = filled(36_000, (i) => (i === 12_345 ? 500 : i % 7)); // one hour at 100 ms, one spike
    const d = downsample(s, 0, 3_600_000, 300);
    assert.ok(d.t.length <= 302, `bounded: ${d.t.length}`);
    assert.equal(Math.max(...d.max), 500, 'the spike survives in the envelope');
    assert.equal(Math.min(...d.min), 0);
    assert.ok(d.t.every((t, i) => i === 0 || t >= d.t[i - 1]), 'ascending');
  });

  it('returns raw points (with one neighbour each side) when few are visible', () => {
    const s = filled(100, (i) => i);
    const d = downsample(s, 1000, 2000, 300);
    assert.deepEqual(d.t, [900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100]);
    assert.deepEqual(d.depth.slice(0, 3), [9, 10, 11]);
  });

  it('extends the last depth to "now" only at the live edge', () => {
    const s = filled(10, () => 4);
    const d = downsample(s, 0, 5000, 100, 5000);
    assert.equal(d.t[d.t.length - 1], 5000);
    assert.equal(d.depth[d.depth.length - 1], 4);
    assert.equal(downsample(s, 0, 300, 100, 300).t.at(-1), 400, 'not in a range before the newest sample');
  });

  it('bounds memory by merging the oldest half without losing extremes', () => {
    const s = filled(10_000, (i) => (i === 3 ? 99 : 1), 1024);
    assert.ok(s.length <= 1024, `bounded: ${s.length}`);
    let max = 0;
    for (let i = 0; i < s.length; i++) max = Math.max(max, s.max[i]);
    assert.equal(max, 99);
    assert.equal(s.t[s.length - 1], 999_900, 'newest kept exactly');
    for (let i = 1; i < s.length; i++) assert.ok(s.t[i] >= s.t[i - 1]);
  });

  it('ignores points that go back in time', () => {
    const s = new DepthSeries();
    s.append([10, 5, 20], [1, 2, 3], [1, 2, 3], [1, 2, 3]);
    assert.deepEqual([...s.t.subarray(0, s.length)], [10, 20]);
  });

  it('puts waiter counts on the chart grid, keeping short blocks', () => {
    const c = new WaitCountSeries();
    c.append([0, 150, 160, 400], [0, 2, 0, 1], [1, 1, 1, 0]);
    const g = countsOnGrid(c, [100, 200, 300, 500]);
    // Each value is drawn from its x to the next one.
    assert.deepEqual(g.put, [2, 0, 1, 1], 'the 10 ms block between 100 and 200 shows there');
    assert.deepEqual(g.get, [1, 1, 1, 0]);
    assert.deepEqual(c.at(-5), { put: 0, get: 0 });
    assert.deepEqual(c.at(155), { put: 2, get: 1 });
  });

  // Found on an ingest program under F5: the depth stopped changing at 1.55 s, its three
  // workers began waiting at 1.6-1.7 s, and the chart showed its producer blocked and no
  // consumer waiting until the run's end at 3.5 s.
  it('a queue whose depth stopped changing: its waiters show from when they began, not at the next depth point', () => {
    const depth = new DepthSeries();
    depth.append([0, 1550], [8, 0], [0, 0], [8, 8]);
    const c = new WaitCountSeries();
    c.append([400, 1290, 1600, 1650, 1700], [1, 0, 0, 0, 0], [0, 0, 1, 2, 3]);
    const d = withCountSteps(downsample(depth, 0, 3500, 100, 3500), c, 35);
    assert.deepEqual(d.t, [0, 400, 1290, 1550, 1600, 1650, 1700, 3500], 'a point at each step, none closer than 35 ms');
    assert.deepEqual(d.depth, [8, 8, 8, 0, 0, 0, 0, 0], 'holding the depth before it');
    assert.deepEqual([d.min, d.max], [[0, 0, 0, 0, 0, 0, 0, 0], [8, 8, 8, 8, 0, 0, 0, 0]], "the envelope of the sample after it (the band covers the sample's whole interval)");
    const g = countsOnGrid(c, d.t);
    assert.deepEqual(g.put, [0, 1, 0, 0, 0, 0, 0, 0], 'the producer blocked from 400 to 1290 only');
    assert.deepEqual(g.get, [0, 0, 0, 0, 1, 2, 3, 3], 'the workers waiting from 1600 on');
    // Steps closer than minGap share one point; the highest level between two points shows.
    // The hold of the steps skipped after a point ends one minGap later (500, 2050).
    const coarse = withCountSteps(downsample(depth, 0, 3500, 100, 3500), c, 500);
    assert.deepEqual(coarse.t, [0, 500, 1290, 1550, 2050, 3500]);
    assert.deepEqual(countsOnGrid(c, coarse.t).put, [1, 1, 0, 0, 0, 0]);
    assert.deepEqual(countsOnGrid(c, coarse.t).get, [0, 0, 0, 3, 3, 3]);
  });

  // From the review: a step too close to a point shares it, and was then held until the next
  // depth point (here the line's end, 1.5 s later).
  it('a short block right after a point is held one bucket, not until the next depth point', () => {
    const depth = new DepthSeries();
    depth.append([0, 1000], [1, 1], [1, 1], [1, 1]);
    const c = new WaitCountSeries();
    c.append([1000.1, 1000.5], [1, 0], [0, 0]);
    const d = withCountSteps(downsample(depth, 0, 3500, 100, 3500), c, 35);
    assert.deepEqual(d.t, [0, 1000, 1035, 3500]);
    assert.deepEqual(countsOnGrid(c, d.t).put, [0, 1, 0, 0], 'shown from 1000 to 1035 only');
    // Skipped steps followed by one far enough away: the hold still ends one bucket on.
    c.append([2000], [1], [0]);
    const e = withCountSteps(downsample(depth, 0, 3500, 100, 3500), c, 35);
    assert.deepEqual(e.t, [0, 1000, 1035, 2000, 3500]);
    assert.deepEqual(countsOnGrid(c, e.t).put, [0, 1, 0, 1, 1]);
  });

  it('formats times with sensible units', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(999.6), '999 ms');
    assert.equal(formatShortCount(9999), '9,999');
    assert.equal(formatShortCount(16384), '16.4k');
    assert.equal(formatShortCount(16000), '16k');
    assert.equal(formatShortCount(128_000), '128k');
    assert.equal(formatShortCount(2_100_000), '2.1M');
    // Byte streams' buffers, in Node's units (a highWaterMark of 16 KiB).
    assert.deepEqual([0, 1023, 2916, 16384, 16000, 1.5 * 2 ** 20, 200 * 2 ** 20, 3 * 2 ** 30].map(formatShortBytes), ['0 B', '1023 B', '2.8 KiB', '16 KiB', '15.6 KiB', '1.5 MiB', '200 MiB', '3 GiB']);
    assert.deepEqual([[2916, 16384], [512, 16384], [0, 16384], [20 * 2 ** 20, 16384]].map(([a, b]) => formatShortBytesOf(a, b)), ['2.8 / 16 KiB', '512 B / 16 KiB', '0 B / 16 KiB', '20 MiB / 16 KiB']);
    assert.equal(formatDuration(-5), '0 ms');
    assert.equal(formatDuration(4200), '4.2 s');
    assert.equal(formatDuration(185_000), '3 min 05 s');
    assert.equal(formatDuration(3_720_000), '1 h 02 min');
    assert.equal(formatSessionTime(0), '+0 s');
    assert.equal(formatSessionTime(12_500), '+12.5 s');
    assert.equal(formatSessionTime(185_000), '+3:05');
    assert.equal(formatSessionTime(3_727_000), '+1:02:07');
    assert.deepEqual(formatAxisTicks([0.1, 0.2], 1), ['100 ms', '200 ms']);
    assert.deepEqual(formatAxisTicks([10, 15], 10), ['10 s', '15 s']);
    assert.deepEqual(formatAxisTicks([600, 900], 3600), ['10:00', '15:00']);
    // One unit along an axis, and no value rounded up into the next unit.
    assert.deepEqual(formatAxisTicks([0, 30, 60, 90], 200), ['0:00', '0:30', '1:00', '1:30']);
    assert.deepEqual(formatAxisTicks([3630], 7200), ['1:00:30']);
    assert.equal(formatSessionTime(59_960), '+59.9 s');
    assert.equal(formatSessionTime(999.6), '+999 ms');
    assert.equal(formatDuration(59_960), '59.9 s');
    assert.deepEqual([formatRate(9_999.4), formatRate(9_999.6), formatRate(10_000)], ['9999', '10.0k', '10.0k']);
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1200), '1,200');
    assert.equal(formatCount(12_345), '12,345');
    assert.equal(formatCount(1_234_567.4), '1,234,567');
    assert.deepEqual([countOf(1, 'abort'), countOf(0, 'abort'), countOf(2480, 'put')], ['1 abort', '0 aborts', '2,480 puts']);
    assert.equal(formatRate(0), '0');
    assert.equal(formatRate(2.5), '2.5');
    assert.equal(formatRate(41.5), '42');
    assert.equal(formatRate(12_345), '12.3k');
  });
});

describe('axis and short number formats (review, 2026-12-06)', () => {
  it('time ticks: the clock once the axis reaches a minute, whatever the span; the decimals the step needs, cut', () => {
    // A 2-hour session's last minute read "7180 s".
    assert.deepEqual(formatAxisTicks([7140, 7155, 7170, 7185], 60), ['1:59:00', '1:59:15', '1:59:30', '1:59:45']);
    assert.deepEqual(formatAxisTicks([7180, 7180.5, 7181], 2), ['1:59:40.0', '1:59:40.5', '1:59:41.0']);
    assert.deepEqual(formatAxisTicks([125.25, 125.5], 1), ['2:05.25', '2:05.50']);
    // Ticks 2.5 s apart read "3 s, 5 s, 8 s" (rounded to whole seconds).
    assert.deepEqual(formatAxisTicks([0, 2.5, 5, 7.5], 10), ['0.0 s', '2.5 s', '5.0 s', '7.5 s']);
    assert.deepEqual(formatAxisTicks([0, 5, 10], 30), ['0 s', '5 s', '10 s']);
    assert.deepEqual(formatAxisTicks([7.4999999], 30), ['7 s'], 'cut, never rounded');
    assert.deepEqual(formatAxisTicks([59.96], 100), ['59 s'], 'never rounded up into the next unit');
    assert.deepEqual(formatAxisTicks([0.25, 0.5], 1), ['250 ms', '500 ms']);
    // Whole-second steps from a second on, and the steps a clock reads.
    for (const s of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]) assert.ok(TIME_TICK_STEPS.includes(s), String(s));
    assert.ok(!TIME_TICK_STEPS.includes(2.5));
  });

  it('counts: "1M", not "1000k"; axes in the short form, byte axes in one unit', () => {
    assert.equal(formatShortCount(999_950), '1M');
    assert.equal(formatShortCount(999_499), '999k');
    assert.equal(formatShortCount(99_960), '100k');
    assert.equal(formatShortCount(999_950_000), '1G');
    assert.deepEqual([0, 250_000, 500_000, 1_000_000, 1_500_000, 9_999, 0.5].map(formatAxisCount), ['0', '250k', '500k', '1M', '1.5M', '9,999', '0.5']);
    assert.deepEqual(formatAxisBytes([0, 2 * 2 ** 20, 4 * 2 ** 20]), ['0 MiB', '2 MiB', '4 MiB']);
    assert.deepEqual(formatAxisBytes([0, 256, 512]), ['0 B', '256 B', '512 B']);
    assert.deepEqual(formatAxisBytes([0, 8192, 16384]), ['0 KiB', '8 KiB', '16 KiB']);
  });

  it('huge figures: "1T", not "1000G", units past it, and axis steps for any finite value (they stopped at 5e12 and 512 GiB)', () => {
    assert.equal(formatShortCount(1e12), '1T');
    assert.equal(formatShortCount(999_950_000_000), '1T');
    assert.equal(formatShortCount(1e14), '100T');
    assert.equal(formatShortCount(2.5e15), '2.5P');
    assert.equal(formatShortCount(1e18), '1E');
    assert.equal(formatShortCount(1e21), '1e21');
    assert.equal(formatShortCount(Number.MAX_VALUE), '1.8e308');
    assert.deepEqual([0, 5e13, 1e14].map(formatAxisCount), ['0', '50T', '100T']);
    assert.deepEqual(formatAxisBytes([0, 2 ** 40, 2 ** 41]), ['0 TiB', '1 TiB', '2 TiB']);
    assert.deepEqual(formatAxisBytes([0, 2 ** 60]), ['0 EiB', '1 EiB']);
    assert.equal(formatShortBytes(3 * 2 ** 50), '3 PiB');
    assert.equal(formatShortBytes(1536 * 2 ** 30), '1.5 TiB');
    // A step at least as large as any finite depth, every step finite and ascending.
    for (const [name, steps] of [['count', COUNT_STEPS], ['byte', BYTE_STEPS]] as const) {
      assert.ok(steps.every((x, i) => Number.isFinite(x) && (i === 0 || x > steps[i - 1]!)), `${name} steps ascend`);
      for (const v of [1e14, 1e100, Number.MAX_VALUE]) assert.ok(steps.some((x) => x >= v / 10), `${name} step near ${v}`);
    }
  });
});

describe('alignOnGrid: columns on one grid, broken at gaps', () => {
  it('holds each column on the union of times and puts a null row inside each gap', () => {
    const { xs, values } = alignOnGrid(
      [
        { t: [0, 1000, 6000], v: [5, 7, 4] },
        { t: [500, 6000], v: [1, 2] },
      ],
      [{ from: 2000, to: 5000 }],
      0,
      10_000,
    );
    assert.deepEqual(xs, [0, 500, 1000, 2000, 3500, 5000, 6000]);
    assert.deepEqual(values[0], [5, 5, 7, 7, null, 7, 4], 'the value before the gap holds to its start, nothing inside it, and resumes at its end');
    assert.deepEqual(values[1], [null, 1, 1, 1, null, 1, 2], 'null before its first point');
  });

  it('ignores gaps outside the visible range and empty ones', () => {
    const { xs } = alignOnGrid([{ t: [0, 10], v: [1, 2] }], [{ from: 20, to: 30 }, { from: 5, to: 5 }], 0, 15);
    assert.deepEqual(xs, [0, 10]);
  });
});
