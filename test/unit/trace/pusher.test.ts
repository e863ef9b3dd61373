// The hub's pusher paces itself like the poller (src/protocol/drainPace.ts): a drain's cost
// stays a small share of the CPU time the program itself spends, so a busy program with
// costly drains is pushed to less often, and a program whose drains are cheap keeps the pace.

import * as assert from 'node:assert/strict';
import { Pusher, type PushDrain } from '../../../src/trace/pusher';

/** Pushes made within `ms` by a pusher whose every drain reports `drain` (and whose binding takes `sendMs`). */
async function pushesWithin(ms: number, drain: Omit<PushDrain, 'text'>, sendMs = 0): Promise<number> {
  let sent = 0;
  const pusher = new Pusher(() => ({ text: '{}', ...drain }));
  const send = () => {
    sent++;
    for (const end = performance.now() + sendMs; performance.now() < end; ) {
      // the binding serialising a large batch
    }
  };
  pusher.start(send, { intervalMs: 20, maxBytes: 1024, leaseMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, ms));
  pusher.stop();
  return sent;
}

describe('trace: the pusher paces by the program CPU time', () => {
  it("a 3 ms drain in a program spending 50 ms of CPU a second waits ~1.5 s; the same drain with no CPU figure only the duty's 150 ms", async () => {
    const paced = await pushesWithin(800, { empty: false, more: false, ms: 3, cpu: 50 });
    const unpaced = await pushesWithin(800, { empty: false, more: false, ms: 3 });
    assert.equal(paced, 1, `${paced} pushes in 800 ms`);
    assert.ok(unpaced >= 3, `${unpaced} pushes in 800 ms`);
  });

  it('counts the binding call in a push\'s cost: a 3 ms send paces like a 3 ms drain', async () => {
    const paced = await pushesWithin(800, { empty: false, more: false, ms: 0, cpu: 50 }, 3);
    assert.equal(paced, 1, `${paced} pushes in 800 ms`);
  });

  it('cheap drains keep the reader interval whatever the CPU figure', async () => {
    const n = await pushesWithin(600, { empty: false, more: false, ms: 0.05, cpu: 500 });
    assert.ok(n >= 5, `${n} pushes in 600 ms at a 20 ms interval`);
  });
});
