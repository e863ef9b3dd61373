// Update rows as patches: what the host leaves out, the webview must still hold.

import * as assert from 'node:assert/strict';
import { applyQueuePatch, diffQueueInfo } from '../../../src/protocol/queuePatch';
import type { QueueInfo } from '../../../src/protocol/webview';

const row = (over: Partial<QueueInfo> = {}): QueueInfo => ({
  key: 's/1:0/1',
  name: 'jobs',
  kind: 'fifo',
  maxsize: 10,
  size: 3,
  shutdown: false,
  gone: false,
  source: 'pid 1 main',
  counters: { puts: 10, gets: 7, blockedPuts: 0, waitedGets: 2, timeouts: 0, aborts: 0, highWater: 5, dropped: 0 },
  putRate: 2,
  getRate: 1.5,
  blocked: 0,
  waiting: 0,
  site: { file: '/app/a.js', line: 3, column: 1, fn: 'main' },
  ...over,
});

describe('queue row patches', () => {
  it('sends the whole row first, then only what changed, counters field by field', () => {
    const a = row();
    assert.equal(diffQueueInfo(undefined, a), a);
    const b = row({ size: 4, counters: { ...a.counters, puts: 11, highWater: 5 }, putRate: 2.5 });
    assert.deepEqual(diffQueueInfo(a, b), { key: a.key, size: 4, counters: { puts: 11 }, putRate: 2.5 });
    assert.deepEqual(diffQueueInfo(b, b), { key: a.key }, 'nothing changed: the key alone');
  });

  it('says null for a field that went away, and the webview then drops it', () => {
    const paused = row({ items: ['"a"'], runningSince: 120, counters: { ...row().counters, running: 1, paused: true } });
    const resumed = row({ counters: { ...row().counters, running: 0 } });
    const patch = diffQueueInfo(paused, resumed);
    assert.deepEqual(patch, { key: paused.key, items: null, runningSince: null, counters: { running: 0, paused: null } });
    assert.deepEqual(applyQueuePatch(paused, JSON.parse(JSON.stringify(patch))), resumed);
  });

  it('compares sites, previews and library figures by value', () => {
    const a = row({ stats: { threads: 2 }, items: ['1', '2'] });
    const b = row({ stats: { threads: 2 }, items: ['1', '2'], site: { ...a.site! } });
    assert.deepEqual(diffQueueInfo(a, b), { key: a.key });
    assert.deepEqual(diffQueueInfo(a, row({ stats: { threads: 3 }, items: ['1', '2'] })), { key: a.key, stats: { threads: 3 } });
  });

  it('rebuilds every row a sequence of patches describes, across JSON', () => {
    let held: QueueInfo | undefined;
    let sent: QueueInfo | undefined;
    const steps: QueueInfo[] = [
      row(),
      row({ size: 0, counters: { ...row().counters, gets: 10 }, waitsSampled: 4 }),
      row({ size: 0, counters: { ...row().counters, gets: 10 }, getRate: 0, putRate: 0 }),
      row({ shutdown: true, gone: true, name: 'renamed', maxsize: 0, lib: 'p-queue@8', concurrency: 2 }),
      row({ items: [], counters: { ...row().counters, running: 2, runningSince: 5 } }),
    ];
    for (const next of steps) {
      const patch = JSON.parse(JSON.stringify(diffQueueInfo(sent, next)));
      sent = next;
      held = applyQueuePatch(held, patch);
      assert.deepEqual(held, JSON.parse(JSON.stringify(next)));
    }
  });

  it('drops a partial row it has nothing to apply to, rather than draw it half empty', () => {
    assert.equal(applyQueuePatch(undefined, { key: 'x', size: 3 }), undefined);
    assert.equal(applyQueuePatch(undefined, { key: 'x', name: 'n', kind: 'fifo', size: 3, counters: { puts: 1 } }), undefined);
  });
});
