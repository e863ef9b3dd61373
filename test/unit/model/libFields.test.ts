// Queues of other libraries on the wire (lib, concurrency, units, counters.running and
// snapshot stats): the parser accepts them, the model keeps the well-formed ones, the tree
// and the panel's labels show them, and queues without them read exactly as before.

import assert from 'node:assert/strict';
import { QueueModel } from '../../../src/model';
import { parseDrainBatch } from '../../../src/model/parse';
import { queueNode } from '../../../src/host/views/queueNodes';
import { kindLabel, unitSuffix } from '../../../src/protocol/libText';
import { attachInfo, batch, counters, queueSnap, snapshot } from './fixtures';

function model(): { m: QueueModel; key: string } {
  const m = new QueueModel();
  m.openSession('S', 'app');
  const key = m.attach('S', attachInfo({ snapshot: snapshot(5, [queueSnap(1, { name: 'own', maxsize: 2, size: 1 })]) }), 'c');
  return { m, key };
}

describe('model: queues of other libraries', () => {
  it('parses and keeps lib, concurrency, units and running; old events read as before', () => {
    const text = JSON.stringify(
      batch(1, 30, [
        { type: 'queue', t: 10, q: 2, name: 'fastq resize', kind: 'fifo', maxsize: 0, size: 0, lib: 'fastq@1.20.3', concurrency: 2 },
        { type: 'queue', t: 11, q: 3, name: 'pipeline 1 › Gzip writable', kind: 'fifo', maxsize: 16384, size: 0, lib: 'node:stream', units: 'bytes' },
        { type: 'counters', t: 20, q: 2, c: { ...counters({ puts: 6, gets: 4 }), running: 2 }, unfinished: 0 },
      ]),
    );
    const parsed = parseDrainBatch(text);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.skipped, 0);
    const { m, key } = model();
    m.applyDrain('S', key, parsed.value);
    const pool = m.queue('S/4242:0/2')!;
    assert.deepEqual([pool.lib, pool.concurrency, pool.units, pool.counters.running], ['fastq@1.20.3', 2, undefined, 2]);
    const stream = m.queue('S/4242:0/3')!;
    assert.deepEqual([stream.lib, stream.units], ['node:stream', 'bytes']);
    const own = m.queue('S/4242:0/1')!;
    assert.deepEqual([own.lib, own.concurrency, own.units, own.counters.running], [undefined, undefined, undefined, undefined]);

    assert.equal(queueNode(pool).description, '0/∞ · fastq@1.20.3 · running 2/2');
    assert.equal(queueNode(stream).description, '0/16384 B · node:stream');
    assert.equal(queueNode(own).description, '1/2');
    assert.match(String(queueNode(own).tooltip), /^own \(fifo, maxsize 2\)/);
    assert.equal(kindLabel('priority', { lib: 'p-queue@10.0.0', concurrency: 4, counters: { running: 3 } }), 'priority · p-queue@10.0.0 · running 3/4');
    assert.equal(kindLabel('fifo', { counters: {} }), 'FIFO');
    assert.equal(unitSuffix({ units: 'bytes' }), ' B');
  });

  it('ignores malformed library fields instead of losing the queue, and keeps snapshot stats', () => {
    const { m, key } = model();
    m.applyDrain('S', key, batch(1, 30, [{ type: 'queue', t: 10, q: 2, name: 'odd', kind: 'fifo', maxsize: 0, size: 0, lib: 42, concurrency: 'many', units: 'parsecs' } as never]));
    const q = m.queue('S/4242:0/2')!;
    assert.deepEqual([q.name, q.lib, q.concurrency, q.units], ['odd', undefined, undefined, undefined]);
    m.applySnapshot('S', key, snapshot(40, [queueSnap(2, { name: 'Piscina', lib: 'piscina@5.3.2', stats: { threads: 2, wait_p50: 1.5, bad: 'x' } } as never)]), { paused: true });
    assert.deepEqual([m.queue('S/4242:0/2')!.lib, m.queue('S/4242:0/2')!.stats], ['piscina@5.3.2', { threads: 2, wait_p50: 1.5 }]);
  });
});
