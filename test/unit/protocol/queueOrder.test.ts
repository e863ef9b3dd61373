// The orders shared by the panel's overview and the Queues tree: natural name order and the
// trouble score behind "most troubled first".

import * as assert from 'node:assert/strict';
import { compareNames, NaturalKeys, naturalKey, troubleScore } from '../../../src/protocol/queueOrder';

describe('queue order', () => {
  it('orders names naturally: numbers as numbers, case ignored, ties on the name itself', () => {
    const names = ['shard-10', 'shard-2', 'Shard-1', 'shard-1a', 'conn-7', 'conn-007', 'v1.10', 'v1.9', 'x', 'x0', 'job', 'jobs', 'a99', 'a100', 'q-00000000000000000000000001', 'q-2'];
    const sorted = [...names].sort((a, b) => compareNames(a, b));
    assert.deepEqual(sorted, ['a99', 'a100', 'conn-007', 'conn-7', 'job', 'jobs', 'q-00000000000000000000000001', 'q-2', 'Shard-1', 'shard-1a', 'shard-2', 'shard-10', 'v1.9', 'v1.10', 'x', 'x0']);
    // The cached keys give the same order as fresh ones.
    const keys = new NaturalKeys(4); // small, so the cache is cleared along the way
    assert.deepEqual([...names].sort((a, b) => compareNames(a, b, keys)), sorted);
    assert.equal(naturalKey('conn-0042'), naturalKey('conn-42'));
    assert.notEqual(naturalKey('conn-42'), naturalKey('conn-420'));
  });

  it('scores blocked producers above full, full above waiting consumers, then how full', () => {
    const q = (blocked: number, waiting: number, size: number, maxsize: number) => troubleScore({ blocked, waiting, size, maxsize });
    const ranked = [q(0, 0, 0, 0), q(0, 0, 5, 10), q(0, 1, 0, 10), q(0, 3, 0, 10), q(0, 0, 10, 10), q(1, 0, 10, 10), q(2, 0, 3, 10)];
    assert.deepEqual([...ranked].sort((a, b) => a - b), ranked);
    assert.equal(q(0, 0, 0, 0), 0, 'an idle queue is no trouble');
    assert.equal(q(0, 0, 50, 0), 0, 'an unbounded queue is never full');
  });
});
