// RecentDurations.p99: the nearest-rank p99 of the durations kept, by selection, checked
// against its definition (sort, take index ceil(0.99 n) - 1) on random and adversarial data.

import * as assert from 'node:assert/strict';
import { RecentDurations } from '../../../src/protocol/recentDurations';
import { seededRandom } from '../../helpers/prng';

function byDefinition(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

describe('RecentDurations', () => {
  it('p99 equals the nearest-rank definition for every ring size, with ties, and after the ring wraps', () => {
    const random = seededRandom(7);
    for (const kept of [1, 2, 3, 50, 99, 100, 101, 256, 512]) {
      const d = new RecentDurations(kept);
      const kept_: number[] = [];
      assert.equal(d.p99(), 0, 'none yet');
      for (let i = 0; i < 3 * kept + 5; i++) {
        // Few distinct values (ties at the rank) half the time, wide ones otherwise.
        const v = i % 2 === 0 ? Math.floor(random() * 4) : random() * 10_000;
        d.add(v);
        kept_.push(v);
        if (kept_.length > kept) kept_.shift();
        assert.equal(d.p99(), byDefinition(kept_), `kept ${kept}, after ${i + 1} adds`);
      }
    }
  });

  it('p99 of sorted, reversed and constant input', () => {
    for (const values of [
      Array.from({ length: 512 }, (_, i) => i),
      Array.from({ length: 512 }, (_, i) => 512 - i),
      Array.from({ length: 512 }, () => 5),
    ]) {
      const d = new RecentDurations(512);
      for (const v of values) d.add(v);
      assert.equal(d.p99(), byDefinition(values));
    }
  });
});
