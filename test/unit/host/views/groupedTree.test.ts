// The Queues tree of a realm with 10,000 queues (issue #17): the source lists "Most troubled"
// then 100 name ranges instead of 10,000 children; every queue is in exactly one range; a
// troubled queue is also in "Most troubled" under ids of its own (VS Code refuses a tree with
// duplicate ids), down to its waiters and creation site.

import assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model';
import { groupChildren, inGroupCopy, queueChildren, sourceChildren, type NodeSpec } from '../../../../src/host/views/queueNodes';
import { attachInfo, queueSnap, snapshot } from '../../model/fixtures';

const site = (line: number) => ({ file: '/app/server.js', line, column: 3, fn: 'handle' });

function sourceWith(n: number, troubled: Record<number, Partial<Parameters<typeof queueSnap>[1]>> = {}) {
  const model = new QueueModel();
  const queues = Array.from({ length: n }, (_, i) => queueSnap(i + 1, { name: `conn-${i}`, maxsize: 4, size: 0, site: site(10), ...troubled[i] }));
  const key = model.attach('S', attachInfo({ snapshot: snapshot(5, queues) }));
  return model.source('S', key)!;
}

/** The whole tree under a source, as the adapter walks it (queuesTree.ts getChildren). */
function walk(nodes: NodeSpec[], now: number, out: NodeSpec[] = []): NodeSpec[] {
  for (const n of nodes) {
    out.push(n);
    if (n.kind === 'group' && n.group) walk(groupChildren(n.group), now, out);
    else if (n.kind === 'queue' && n.queue) walk(queueChildren(n.queue, now, true).map((c) => inGroupCopy(c, n)), now, out);
  }
  return out;
}

describe('the Queues tree with many queues (groups)', () => {
  it('50 queues: the queues themselves, as before', () => {
    const children = sourceChildren(sourceWith(50));
    assert.equal(children.length, 50);
    assert.ok(children.every((c) => c.kind === 'queue'));
  });

  it('10,000 queues: "Most troubled" first, then 100 ranges of 100; unique ids down to waiters', () => {
    const src = sourceWith(10_000, {
      77: { size: 4, waiters: [{ w: 1, q: 78, role: 'put', since: 1, waitMs: 4, site: site(20) }] },
      4321: { size: 4 },
      9000: { size: 0, waiters: [{ w: 2, q: 9001, role: 'get', since: 1, waitMs: 4 }] },
    });
    const children = sourceChildren(src);
    assert.equal(children.length, 101);
    const [troubled, ...ranges] = children;
    assert.deepEqual([troubled.kind, troubled.label, troubled.description, troubled.icon.id], ['group', 'Most troubled', '3 of 10000', 'warning']);
    assert.deepEqual(
      groupChildren(troubled.group!).map((q) => [q.label, q.description]),
      [
        ['conn-77', '4/4 · 1 blocked'],
        ['conn-4321', '4/4'],
        ['conn-9000', '0/4 · 1 waiting'],
      ],
    );
    assert.deepEqual(
      ranges.slice(0, 2).map((r) => [r.label, r.description]),
      [
        ['conn-0 … conn-99', '100 queues · 1 blocked'],
        ['conn-100 … conn-199', '100 queues'],
      ],
    );
    assert.equal(ranges[99].label, 'conn-9900 … conn-9999');

    const all = walk(children, 1_700_000_000_000);
    const ids = all.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'tree ids are unique');
    const inRanges = ranges.flatMap((r) => groupChildren(r.group!));
    assert.equal(inRanges.length, 10_000);
    assert.equal(new Set(inRanges.map((q) => q.queue)).size, 10_000, 'every queue in exactly one range');
    // The blocked producer is reachable both ways, each under its own id.
    const producers = all.filter((n) => n.kind === 'waiter' && n.label.startsWith('producer blocked'));
    assert.equal(producers.length, 2);
    assert.notEqual(producers[0].id, producers[1].id);
    // Ids stay stable across refreshes (expansion state survives a poll).
    assert.deepEqual(sourceChildren(src).map((c) => c.id), children.map((c) => c.id));
  });
});
