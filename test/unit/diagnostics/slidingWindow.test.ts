// SlidingWindow (columns in a ring) against a plain reference over sample objects: the same
// samples in the window, the same first and last, counts, slope and fit, while samples come
// at irregular times, the ring grows and wraps, and the span changes.

import * as assert from 'node:assert/strict';
import type { TickSample } from '../../../src/diagnostics/queueTrack';
import { SlidingWindow } from '../../../src/diagnostics/slidingWindow';
import { seededRandom } from '../../helpers/prng';

/** The definition: every sample within spanMs of the newest, sums recomputed from scratch. */
function reference(all: TickSample[], spanMs: number[]): { kept: TickSample[]; slope: number; fit: number } {
  let kept: TickSample[] = [];
  all.forEach((s, i) => {
    kept.push(s);
    kept = kept.filter((x) => !(x.t < s.t - spanMs[i]));
  });
  const base = all[0].t;
  const n = kept.length;
  let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
  for (const s of kept) {
    const x = (s.t - base) / 1000;
    sx += x; sy += s.size; sxy += x * s.size; sxx += x * x; syy += s.size * s.size;
  }
  const vx = n * sxx - sx * sx;
  const vy = n * syy - sy * sy;
  const cov = n * sxy - sx * sy;
  return { kept, slope: vx <= 0 ? 0 : cov / vx, fit: vx <= 0 || vy <= 0 ? 0 : Math.min(1, (cov * cov) / (vx * vy)) };
}

describe('diagnostics: SlidingWindow', () => {
  it('keeps exactly the samples of its span, with their fields, counts, slope and fit', () => {
    const random = seededRandom(11);
    const win = new SlidingWindow(1000);
    const all: TickSample[] = [];
    const spans: number[] = [];
    let t = 5000;
    for (let i = 0; i < 600; i++) {
      // Irregular ticks (a slow tick now and then empties most of the window); the span changes twice.
      t += random() < 0.05 ? 900 + random() * 400 : 20 + random() * 80;
      if (i === 200) win.spanMs = 3000;
      if (i === 400) win.spanMs = 500;
      const s: TickSample = {
        t,
        size: Math.floor(random() * 50) + (i % 100),
        puts: i * 3,
        gets: i * 2,
        countersT: t - random() * 100,
        oldestAge: random() * 1e4,
        full: random() < 0.3,
        starved: random() < 0.2,
        saturated: random() < 0.1,
        // A pool's cumulative work (ms), or none (NaN): kept as it was pushed.
        work: random() < 0.5 ? NaN : i * 7.5,
      };
      win.push(s);
      all.push(s);
      spans.push(win.spanMs);
      if (i % 37 !== 0 && i !== 599) continue;
      const ref = reference(all, spans);
      assert.deepEqual(win.samples(), ref.kept, `sample ${i}`);
      assert.equal(win.size, ref.kept.length);
      assert.deepEqual([win.first, win.last], [ref.kept[0], ref.kept[ref.kept.length - 1]]);
      assert.deepEqual([win.fullCount, win.starvedCount, win.saturatedCount], ['full', 'starved', 'saturated'].map((k) => ref.kept.filter((x) => x[k as 'full']).length));
      assert.ok(Math.abs(win.slope() - ref.slope) <= 1e-6 * Math.max(1, Math.abs(ref.slope)), `slope ${win.slope()} vs ${ref.slope}`);
      assert.ok(Math.abs(win.fit() - ref.fit) <= 1e-6, `fit ${win.fit()} vs ${ref.fit}`);
    }
  });

  it('is empty before its first sample, and covered once it has seen its whole span', () => {
    const win = new SlidingWindow(1000);
    assert.deepEqual([win.size, win.first, win.last, win.samples(), win.slope(), win.covered(1e9)], [0, undefined, undefined, [], 0, false]);
    for (let t = 0; t <= 1000; t += 100) win.push({ t, size: t / 100, puts: 0, gets: 0, countersT: t, oldestAge: 0, full: false, starved: false, saturated: false, work: NaN });
    assert.equal(win.covered(999), true);
    assert.equal(win.covered(500), false);
    assert.ok(Math.abs(win.slope() - 10) < 1e-9, 'one item every 100 ms');
    assert.ok(win.fit() > 1 - 1e-9, 'a perfect line');
  });
});
