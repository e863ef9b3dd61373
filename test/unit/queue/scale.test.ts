// Scaling: 100,000 blocked getters then 100,000 puts, and mass cancellation from the
// middle of the waiter line, must be linear. A quadratic implementation (Array#shift
// or indexOf-based removal) would take minutes here, so finishing inside mocha's
// timeout is one check; counting the array methods such code goes through is the
// other, and needs no clock. (Throughput figures belong to `npm run bench`.)

import { strict as assert } from 'node:assert';
import { Queue } from '../../../src/queue/index';

/** Run n blocked getters then n puts; returns elapsed ms. Verifies FIFO hand-off. */
async function getThenPut(n: number): Promise<number> {
  const q = new Queue<number>();
  const start = process.hrtime.bigint();
  const getters: Promise<number>[] = new Array(n);
  for (let i = 0; i < n; i++) getters[i] = q.get();
  assert.equal(q.waiters.getters, n);
  for (let i = 0; i < n; i++) q.putNowait(i);
  const got = await Promise.all(getters);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  for (let i = 0; i < n; i++) if (got[i] !== i) assert.fail(`getter ${i} got ${got[i]}`);
  assert.equal(q.waiters.getters, 0);
  assert.equal(q.qsize(), 0);
  return ms;
}

describe('scaling', function () {
  this.timeout(60_000);

  it('100,000 blocked getters then 100,000 puts: each getter gets its item, in order', async () => {
    await getThenPut(100_000);
  });

  it('serving and cancelling waiters does no linear array work (Array#shift/splice/indexOf...)', async () => {
    // The linear-time patterns a waiter line can fall into all go through these methods.
    // Counting their calls is a structural check that does not depend on the clock.
    const names = ['shift', 'unshift', 'splice', 'indexOf', 'lastIndexOf', 'includes', 'findIndex', 'find', 'filter', 'slice'] as const;
    const proto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const saved = names.map((n) => proto[n]);
    let calls = 0;
    names.forEach((n, i) => {
      proto[n] = function (this: unknown, ...args: unknown[]) {
        calls++;
        return saved[i].apply(this, args);
      };
    });
    let result: { calls: number; n: number };
    try {
      const n = 20_000;
      const q = new Queue<number>({ maxsize: 1 });
      const getters: Promise<number>[] = new Array(n);
      for (let i = 0; i < n; i++) getters[i] = q.get();
      const controllers: AbortController[] = new Array(n);
      for (let i = 0; i < n; i++) controllers[i] = new AbortController();
      // Cancel every other getter from the middle of the line, then serve the rest.
      const cancelled: Promise<unknown>[] = new Array(n);
      for (let i = 0; i < n; i++) cancelled[i] = q.get({ signal: controllers[i].signal, timeout: 60_000 }).catch(() => 'cancelled');
      for (let i = 0; i < n; i += 2) controllers[i].abort();
      for (let i = 0; i < n + n / 2; i++) q.putNowait(i);
      // And the producer side: blocked putters, every other one cancelled.
      q.putNowait(-1);
      const putControllers: AbortController[] = new Array(n);
      for (let i = 0; i < n; i++) putControllers[i] = new AbortController();
      const puts: Promise<unknown>[] = new Array(n);
      for (let i = 0; i < n; i++) puts[i] = q.put(i, { signal: putControllers[i].signal, timeout: 60_000 }).catch(() => 'cancelled');
      for (let i = 0; i < n; i += 2) putControllers[i].abort();
      assert.equal(q.waiters.putters, n / 2);
      while (!q.empty()) q.getNowait();
      assert.equal(q.waiters.putters, 0);
      await Promise.all(getters);
      await Promise.all(cancelled);
      await Promise.all(puts);
      result = { calls, n };
    } finally {
      names.forEach((n, i) => (proto[n] = saved[i]));
    }
    // A handful of calls at most, whatever n is; a linear scan per waiter would be >= n.
    assert.ok(result.calls < 100, `${result.calls} array scans/shifts for ${result.n} waiters`);
  });

  it('20,000 blocked putters served in order, with every other one aborted from the middle', async () => {
    const n = 20_000;
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(-1);
    const controllers: AbortController[] = [];
    const puts: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const c = new AbortController();
      controllers.push(c);
      puts.push(q.put(i, { signal: c.signal }).catch(() => undefined));
    }
    for (let i = 1; i < n; i += 2) controllers[i].abort();
    assert.equal(q.waiters.putters, n / 2);
    const out: number[] = [];
    for (let i = 0; i <= n / 2; i++) out.push(q.getNowait());
    await Promise.all(puts);
    assert.equal(out[0], -1);
    for (let k = 1; k < out.length; k++) if (out[k] !== 2 * (k - 1)) assert.fail(`position ${k}: ${out[k]}`);
    assert.equal(q.qsize(), 0);
  });
});
