// Issue #13's structural guarantees, checked by counting rather than timing (timing belongs
// to `npm run bench`): a consumer in lockstep with its producer stops blocking, timed waits
// share one host timer, timeouts still fire in deadline order, and a process is kept alive
// by a pending timed call but not by a settled one.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Queue, QueueTimeout } from '../../../src/queue/index';
import { deadlines } from '../../../src/queue/deadlines';
import { rejection } from './helpers';

/** Count the queue's blocked calls while `fn` runs (wraps the private block()). */
async function countBlocks(fn: () => Promise<void>): Promise<number> {
  const proto = Queue.prototype as unknown as { block: (...args: unknown[]) => unknown };
  const real = proto.block;
  let n = 0;
  proto.block = function (this: unknown, ...args: unknown[]) {
    n++;
    return real.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.block = real;
  }
  return n;
}

/** Consumers start first; each side awaits every call. */
async function lockstep(q: Queue<number>, items: number, producers: number, consumers: number, slowProducer = false, timeout?: number): Promise<number[]> {
  const got: number[] = [];
  const tasks: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) {
    tasks.push(
      (async () => {
        for (let k = 0; k < items / consumers; k++) got.push(await q.get(timeout === undefined ? undefined : { timeout }));
      })(),
    );
  }
  for (let p = 0; p < producers; p++) {
    tasks.push(
      (async () => {
        for (let k = 0; k < items / producers; k++) {
          await q.put(p + producers * k);
          if (slowProducer) await null;
        }
      })(),
    );
  }
  await Promise.all(tasks);
  return got;
}

const childEnv = { ...process.env, QUEUESCOPE_TRACE: '', QUEUESCOPE_TRACE_FILE: '' };

/** Run a program against src/queue in a child; resolves with its stdout and exit code. */
function runChild(program: string): Promise<{ out: string; code: number | null; ms: number }> {
  const root = path.resolve(__dirname, '../../..');
  const started = Date.now();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', program], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 25_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      resolve({ out: out.trim(), code, ms: Date.now() - started });
    }),
  );
}

describe('speed: lockstep producers and consumers (issue #13)', () => {
  for (const [label, maxsize, producers, consumers] of [
    ['1P/1C maxsize 100', 100, 1, 1],
    ['1P/1C unbounded', 0, 1, 1],
    ['4P/4C maxsize 64', 64, 4, 4],
    ['hand-off, maxsize 1', 1, 1, 1],
  ] as const) {
    it(`${label}, consumers first: only the first get blocks, and every item arrives in order`, async () => {
      const q = new Queue<number>({ maxsize });
      let got: number[] = [];
      const blocks = await countBlocks(async () => {
        got = await lockstep(q, 4000, producers, consumers);
      });
      assert.ok(blocks <= consumers + producers, `${blocks} blocked calls for 4000 items`);
      assert.equal(got.length, 4000);
      if (producers === 1) assert.deepEqual(got, [...got].sort((a, b) => a - b));
      assert.deepEqual(new Set(got).size, 4000);
    });
  }

  it('a consumer faster than its producer blocks on every item (the case the shared timer is for)', async () => {
    const q = new Queue<number>({ maxsize: 100 });
    const blocks = await countBlocks(async () => {
      await lockstep(q, 1000, 1, 1, true);
    });
    assert.ok(blocks >= 999, String(blocks));
  });
});

/**
 * Hand `n` items one at a time to a consumer that is always back in get() first (a consumer
 * faster than its producer). Per item: was the consumer's promise settled later (a delivery
 * job: the producer's next statement after one await runs first) or directly?
 */
async function deliveries(q: Queue<number>, n: number): Promise<boolean[]> {
  const log: string[] = [];
  const consumer = (async () => {
    for (let i = 0; i < n; i++) log.push(`c${await q.get()}`);
  })();
  const deferred: boolean[] = [];
  for (let i = 0; i < n; i++) {
    q.putNowait(i);
    await null;
    deferred.push(!log.includes(`c${i}`));
    for (let k = 0; k < 4; k++) await null; // the consumer is back in get() before the next item
  }
  await consumer;
  return deferred;
}

describe('speed: deferred delivery backs off when it cannot help (issue #13, W6n)', () => {
  it('a consumer faster than its producer: the deferral is retried ever more rarely, and again at once after an item is stored', async () => {
    const q = new Queue<number>();
    const first = await deliveries(q, 4000);
    const count = (xs: boolean[]) => xs.filter(Boolean).length;
    // It starts by deferring (8 misses), then retries after runs of 56, 112, ... 3584 hand-offs:
    // ~8 x 7 attempts in 4,000 items. A fixed run of 56 would defer one item in eight (~500).
    assert.deepEqual(first.slice(0, 8), Array(8).fill(true));
    assert.equal(first[8], false);
    assert.ok(count(first) >= 40 && count(first) <= 80, `deferred ${count(first)} of 4000`);
    // The last 1,000 fall inside the longest run.
    assert.ok(count(first.slice(3000)) <= 8, `deferred ${count(first.slice(3000))} of the last 1000`);
    // An item stored (the producer got ahead once): the next hand-offs try deferring again.
    q.putNowait(-1);
    assert.equal(await q.get(), -1);
    const again = await deliveries(q, 8);
    assert.deepEqual(again, Array(8).fill(true));
  });
});

describe('speed: served waiters settle in the order they were served', () => {
  it('40 waiting getters served in a row settle in line order, whether delivered later or directly', async () => {
    const q = new Queue<number>();
    const order: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) all.push(q.get().then((v) => void order.push(v)));
    for (let i = 0; i < 40; i++) q.putNowait(i); // 40 hand-offs in a row: past the streak that switches to direct
    await Promise.all(all);
    assert.deepEqual(order, [...Array(40).keys()]);
    // And after the switch, with nothing pending: a direct hand-off still delivers the item.
    const g = q.get();
    q.putNowait(99);
    assert.equal(await g, 99);
  });

  it('blocked putters released by getNowait settle in line order', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(-1);
    const order: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) all.push(q.put(i).then(() => void order.push(i)));
    const got: number[] = [];
    for (let i = 0; i < 31; i++) got.push(q.getNowait());
    await Promise.all(all);
    assert.deepEqual(order, [...Array(30).keys()]);
    assert.deepEqual(got, [-1, ...Array(30).keys()]);
  });
});

/**
 * A queue whose spare waiter is still in the deadline scheduler's queue: a get({ timeout })
 * that waited behind the shared timer (armed by `armer`, a 5 ms wait that will time out)
 * and was served in this macrotask.
 */
async function servedBehindArmedTimer(timeout: number): Promise<{ armer: Promise<unknown>; q: Queue<number> }> {
  const armer = rejection(new Queue<number>().get({ timeout: 5 }));
  const q = new Queue<number>();
  const first = q.get({ timeout }); // queued behind the armer's timer
  q.putNowait(1);
  assert.equal(await first, 1);
  return { armer, q };
}

describe('speed: one timer for every timed wait', () => {
  it('10,000 timed gets that each block and are served arm at most two host timers', async () => {
    assert.ok(deadlines.accepts(60_000), 'setTimeout was replaced since load: the shared timer is not in use');
    const before = deadlines.armed;
    const q = new Queue<number>({ maxsize: 100 });
    const got = await lockstep(q, 10_000, 1, 1, true, 60_000);
    assert.equal(got.length, 10_000);
    assert.ok(deadlines.armed - before <= 2, `${deadlines.armed - before} timers`);
  });

  it('waits of several lengths, some served early, time out in deadline order', async () => {
    const q = new Queue<number>();
    const order: string[] = [];
    const start = (name: string, timeout: number) =>
      q.get({ timeout }).then(
        (v) => order.push(`${name}=${v}`),
        (e: unknown) => order.push(`${name}:${(e as Error).name}`),
      );
    const all = [start('a40', 40), start('b10', 10), start('c25', 25), start('d10', 10), start('e25', 25)];
    q.putNowait(1); // served: a40, the first in line; its deadline must be skipped, not fire
    await Promise.all(all);
    assert.deepEqual(order, ['a40=1', 'b10:TimeoutError', 'd10:TimeoutError', 'c25:TimeoutError', 'e25:TimeoutError']);
    assert.deepEqual(q.waiters, { getters: 0, putters: 0 });
  });

  it('a timed-out call never fires before its timeout (checked on the clock)', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(0);
    const t0 = performance.now();
    const err = await rejection(q.put(1, { timeout: 30 }));
    assert.ok(err instanceof QueueTimeout);
    // Node itself may fire a timer up to ~1 ms early against performance.now().
    assert.ok(performance.now() - t0 >= 29, String(performance.now() - t0));
    assert.equal(q.qsize(), 1);
  });

  it('waits queued behind an armed timer time out in deadline order, a reused waiter stamped again included', async () => {
    const order: string[] = [];
    const note = (name: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(`${name}=served`),
        (e: unknown) => order.push(`${name}:${(e as Error).name}`),
      );
    // Arms the shared timer for a 10 ms wait: later waits of 40 ms are queued, not listed.
    const armer = note('armer', new Queue<number>().get({ timeout: 10 }));
    const qa = new Queue<number>();
    const first = [qa.get({ timeout: 40 }), qa.get({ timeout: 40 })];
    qa.putNowait(1);
    qa.putNowait(2);
    // Served: both waiters are spares of the realm now, still queued for listing; the
    // second one served is taken first.
    assert.deepEqual(await Promise.all(first), [1, 2]);
    const x = note('x', new Queue<number>().get({ timeout: 40 })); // the second waiter, already last
    // The first waiter, queued before x, is reused by the filler: stamped again, it must move
    // behind x. 16 more arrivals close x's generation, so qa's next wait (that same waiter
    // again) gets a later stamp than x.
    const filler = new Queue<number>();
    for (let i = 0; i < 16; i++) {
      const p = filler.get({ timeout: 40 });
      filler.putNowait(i);
      await p;
    }
    const w = note('w', qa.get({ timeout: 40 }));
    await Promise.all([armer, x, w]);
    assert.deepEqual(order, ['armer:TimeoutError', 'x:TimeoutError', 'w:TimeoutError']);
  });

  it('a reused waiter whose next wait has no timeout never times out', async () => {
    const { armer, q } = await servedBehindArmedTimer(20);
    const untimed = q.get(); // the spare it was served with, same macrotask, no timeout: must not be listed
    let settled = false;
    void untimed.then(
      () => (settled = true),
      () => (settled = true),
    );
    assert.ok((await armer) instanceof QueueTimeout);
    await new Promise((resolve) => setTimeout(resolve, 40)); // past the first wait's deadline
    assert.equal(settled, false);
    q.putNowait(2);
    assert.equal(await untimed, 2);
  });

  it('a waiter served on one queue and reused by another times out on that other queue only', async () => {
    const { armer, q } = await servedBehindArmedTimer(20); // its waiter is the realm's spare now, still queued
    const other = new Queue<number>();
    const err = await rejection(other.get({ timeout: 30 }));
    assert.ok(err instanceof QueueTimeout);
    assert.match((err as Error).message, /get\(\) timed out after 30 ms/);
    assert.deepEqual([other.waiters, q.waiters], [{ getters: 0, putters: 0 }, { getters: 0, putters: 0 }]);
    q.putNowait(3);
    assert.equal(q.getNowait(), 3);
    assert.ok((await armer) instanceof QueueTimeout);
  });

  it('consumers served twice in one macrotask, in reverse order the second time, are listed without reordering', async () => {
    const armer = rejection(new Queue<number>().get({ timeout: 5 })); // timed waits from now on are queued
    const N = 3000;
    const qs = Array.from({ length: N }, () => new Queue<number>());
    const consumers = qs.map(async (q) => {
      for (;;) if ((await q.get({ timeout: 60_000 })) < 0) return;
    });
    await new Promise((resolve) => setImmediate(resolve)); // every consumer waits, listed
    const before = deadlines.reordered;
    for (const q of qs) q.putNowait(1);
    for (let i = 0; i < 5; i++) await null; // each takes its item and blocks again (reused waiter, queued)
    for (let i = N - 1; i >= 0; i--) qs[i].putNowait(2); // served again, in the other order
    for (let i = 0; i < 5; i++) await null; // blocked once more: stamped later than the others queued after them
    await new Promise((resolve) => setImmediate(resolve)); // listed at the end of the macrotask
    // Each re-queued waiter moved to the end of the queue: listing appends, nothing walks back
    // (with waiters left in their first slot, ~N^2/2 steps).
    assert.equal(deadlines.reordered - before, 0);
    for (const q of qs) q.putNowait(-1);
    await Promise.all(consumers);
    assert.ok((await armer) instanceof QueueTimeout);
  });

  it('a reused waiter that blocks again under a fake setTimeout returning undefined stays on its own timer', async () => {
    const { armer, q } = await servedBehindArmedTimer(50);
    const realSetTimeout = globalThis.setTimeout;
    let fakeTimers = 0;
    globalThis.setTimeout = ((): undefined => {
      fakeTimers++; // a stub that never fires and returns nothing (sinon.stub, jest's mockImplementation(() => {}))
    }) as unknown as typeof setTimeout;
    let again: Promise<number>;
    try {
      again = q.get({ timeout: 100 }); // the same waiter, still in the scheduler's queue
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.equal(fakeTimers, 1, 'the wait took a timer of its own');
    await new Promise((resolve) => setImmediate(resolve)); // the listing must leave it alone (and not throw)
    assert.ok((await armer) instanceof QueueTimeout);
    // The shared timer still serves other waits.
    assert.ok((await rejection(new Queue<number>().get({ timeout: 10 }))) instanceof QueueTimeout);
    q.putNowait(2);
    assert.equal(await again, 2);
  });

  it('a shorter timeout arriving after a longer one still fires first', async () => {
    const q = new Queue<number>();
    const long = q.get({ timeout: 5_000 });
    const t0 = performance.now();
    assert.ok((await rejection(q.get({ timeout: 20 }))) instanceof QueueTimeout);
    assert.ok(performance.now() - t0 < 2_000, 'the 20 ms wait waited for the 5 s timer');
    q.putNowait(1);
    assert.equal(await long, 1);
  });
});

describe('speed: process lifetime with the shared timer', function () {
  this.timeout(30_000);

  it('a pending get({timeout}) keeps the process up until it times out, then lets it exit', async () => {
    const entry = JSON.stringify(path.resolve(__dirname, '../../../src/queue/index.ts'));
    const { out, code, ms } = await runChild(`
      const { Queue } = require(${entry});
      const q = new Queue();
      const t0 = Date.now();
      q.get({ timeout: 300 }).catch((e) => console.log(e.name + ' ' + (Date.now() - t0 >= 290)));`);
    assert.equal(out, 'TimeoutError true');
    assert.equal(code, 0);
    assert.ok(ms < 20_000);
  });

  it("a wait queued behind an armed, unref'd timer keeps the process up until it times out", async () => {
    const entry = JSON.stringify(path.resolve(__dirname, '../../../src/queue/index.ts'));
    // The first wait arms the timer and is served, so the idle check unrefs it; the second,
    // longer wait is only queued behind it: listing it must ref the timer again.
    const { out, code } = await runChild(`
      const { Queue } = require(${entry});
      const q = new Queue();
      q.get({ timeout: 200 }).then(() => {});
      q.putNowait(1);
      setTimeout(() => {
        const t0 = Date.now();
        q.get({ timeout: 300 }).catch((e) => console.log(e.name + ' ' + (Date.now() - t0 >= 290)));
      }, 20);`);
    assert.equal(out, 'TimeoutError true');
    assert.equal(code, 0);
  });

  it('many served timed waits, then nothing: the process exits at once', async () => {
    const entry = JSON.stringify(path.resolve(__dirname, '../../../src/queue/index.ts'));
    const { out, code, ms } = await runChild(`
      const { Queue } = require(${entry});
      const q = new Queue({ maxsize: 10 });
      (async () => {
        const consumer = (async () => { for (let i = 0; i < 1000; i++) await q.get({ timeout: 600000 }); })();
        for (let i = 0; i < 1000; i++) { await q.put(i, { timeout: 600000 }); await null; }
        await consumer;
        console.log('done');
      })();`);
    assert.equal(out, 'done');
    assert.equal(code, 0);
    assert.ok(ms < 20_000, `${ms} ms: a timer kept the process alive`);
  });
});
