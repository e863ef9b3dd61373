// Scaling: 100,000 blocked getters then 100,000 puts, and mass cancellation from the
// middle of the waiter line, must be linear. A quadratic implementation (Array#shift
// or indexOf-based removal) would take minutes here, so finishing inside mocha's
// timeout is itself the check; the loose size ratio below catches milder blow-ups.
// (Throughput figures belong to `npm run bench`, not here.)

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

  it('8x the waiters costs far less than 64x the time (linear, not quadratic)', async () => {
    const best = async (n: number) => Math.min(await getThenPut(n), await getThenPut(n), await getThenPut(n));
    await getThenPut(25_000); // warm up the JIT
    const small = await best(25_000);
    const large = await best(200_000);
    // Linear is ~8x; quadratic would be ~64x. 30x leaves room for GC and a noisy machine.
    assert.ok(large / small < 30, `25k: ${small.toFixed(1)} ms, 200k: ${large.toFixed(1)} ms`);
  });

  it('100,000 blocked putters served in order, with every other one aborted from the middle', async () => {
    const n = 100_000;
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
