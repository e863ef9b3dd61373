// The hub's sampling timer (docs/PROTOCOL.md, "Sampling under a reader"): it runs until a
// columnar reader (the extension) first drains, then each drain is the sampling tick and no
// timer runs, because under F5 a frequent timer of skipped code made a user's pause take
// seconds longer to reach user code. Timers are seen as what they are, async resources.

import * as assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { parseAttachInfo, parseDrainBatch, QueueModel } from '../../../src/model';
import { Queue } from '../../../src/queue/index';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';

/** One columnar drain of `hub`, read as the extension reads it. */
function drainInto(model: QueueModel, src: string, hub: Hub): void {
  const batch = parseDrainBatch(hub.drain(1 << 20, { columns: true }));
  if (!batch.ok) throw new Error(batch.error);
  model.applyDrain('S', src, batch.value);
}

/** A period no other timer of the test uses, to tell the sampling timer apart. */
const SAMPLE_MS = 7;

describe('trace: the sampling timer', () => {
  it('runs before any reader, and not once a columnar reader drains; each drain still carries every change, band exact', async () => {
    const periods: number[] = [];
    const hook = createHook({
      init(_id, type, _trigger, resource) {
        if (type === 'Timeout') periods.push((resource as { _idleTimeout?: number })._idleTimeout ?? -1);
      },
    }).enable();
    try {
      const hub = new Hub({ ...DEFAULTS, sampleMs: SAMPLE_MS });
      const q = new Queue<number>({ name: 'jobs' });
      q.setProbe(hub.register(q));
      const model = new QueueModel();
      const info = parseAttachInfo(hub.attach());
      assert.ok(info.ok);
      const src = model.attach('S', info.value);
      q.putNowait(0);
      assert.equal(periods.filter((ms) => ms === SAMPLE_MS).length, 1, 'no reader yet: the sampling timer runs');
      drainInto(model, src, hub);

      periods.length = 0;
      // Changes spread over several would-be sampling periods: a burst up to depth 4, then
      // back down to 1, each step a macrotask apart.
      for (const step of [1, 2, 3, -1, -1, -1, -1]) {
        if (step > 0) q.putNowait(step);
        else q.getNowait();
        await new Promise((r) => setTimeout(r, 3 * SAMPLE_MS));
      }
      assert.deepEqual(periods.filter((ms) => ms === SAMPLE_MS), [], 'a columnar reader drains: no sampling timer');
      drainInto(model, src, hub);
      const m = model.queuesOf('S')[0];
      assert.deepEqual([m.size, m.counters.puts, m.counters.gets, m.counters.highWater], [0, 4, 4, 4]);
      const cols = m.timeline.series();
      const n = cols.t.length;
      assert.deepEqual([cols.depth[n - 1], cols.min[n - 1], cols.max[n - 1], cols.puts[n - 1], cols.gets[n - 1]], [0, 0, 4, 3, 4], "the drain's one row spans the whole burst");
    } finally {
      hook.disable();
    }
  });
});
