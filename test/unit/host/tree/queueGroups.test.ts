// Grouping a realm's queues for the tree (src/host/tree/queueGroups.ts).

import assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model';
import { groupQueues } from '../../../../src/host/tree/queueGroups';
import { attachInfo, snapshot, queueSnap } from '../../model/fixtures';

function modelWith(n: number) {
  const model = new QueueModel();
  const queues = Array.from({ length: n }, (_, i) => queueSnap(i + 1, { name: `conn-${i}`, maxsize: 4, size: 0 }));
  const key = model.attach('S', attachInfo({ snapshot: snapshot(5, queues) }));
  return { model, src: model.source('S', key)! };
}

describe('queue groups for the tree', () => {
  it('lists few queues directly', () => {
    const { src } = modelWith(30);
    const listing = groupQueues([...src.queues.values()]);
    assert.equal(listing.kind, 'flat');
  });

  it('puts 10,000 queues in ranges of 100 by name, the troubled ones first', () => {
    const { src } = modelWith(10_000);
    const qs = [...src.queues.values()];
    qs[4321].size = 4; // full
    qs[77].liveWaits = { blocked: 2, waiting: 0 }; // blocked producers: the most troubled
    qs[9000].liveWaits = { blocked: 0, waiting: 1 };
    const listing = groupQueues(qs);
    assert.ok(listing.kind === 'grouped');
    const [first, ...ranges] = listing.groups;
    assert.deepEqual(first.queues.map((q) => q.name), ['conn-77', 'conn-4321', 'conn-9000']);
    assert.equal(ranges.length, 100);
    assert.ok(ranges.every((g) => g.queues.length === 100));
    assert.equal(ranges[0].label, 'conn-0 … conn-99'); // numeric name order, not conn-0, conn-1, conn-10…
    assert.equal(ranges[0].description, '100 queues · 2 blocked');
    assert.equal(new Set(ranges.flatMap((g) => g.queues)).size, 10_000, 'every queue in exactly one range');
  });
});
