// Timeouts, abort signals and the races between them and arriving items/slots: nothing
// is lost or duplicated, and no timer or listener outlives the call that needed it.

import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { Queue, QueueShutDown, QueueTimeout } from '../../../src/queue/index';
import { rejection, tick, track } from './helpers';

/** Count setTimeout/clearTimeout calls made through globalThis while `fn` runs. */
async function countTimers<R>(fn: () => Promise<R> | R): Promise<{ result: R; created: number[]; cleared: number }> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const created: number[] = [];
  let cleared = 0;
  globalThis.setTimeout = ((cb: () => void, ms?: number) => {
    created.push(ms ?? 0);
    return realSet(cb, ms);
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((h: Parameters<typeof clearTimeout>[0]) => {
    cleared++;
    realClear(h);
  }) as typeof clearTimeout;
  try {
    return { result: await fn(), created, cleared };
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

/**
 * Let the realm's shared timer go idle. A timer armed by an earlier test, for a wait served
 * since, would otherwise serve this test's wait too, and fire early and re-arm after the
 * test's own setTimeout: the race under test would then go the other way.
 */
async function idleSharedTimer(): Promise<void> {
  assert.ok((await rejection(new Queue<number>().get({ timeout: 1 }))) instanceof QueueTimeout);
}

describe('cancellation races (same tick)', () => {
  it('getter aborted just before its item arrives: the item stays in the queue', async () => {
    const q = new Queue<string>();
    const c = new AbortController();
    const g = track(q.get({ signal: c.signal }));
    c.abort(new Error('stop'));
    q.putNowait('x');
    await tick();
    assert.equal((g.error as Error).message, 'stop');
    assert.equal(q.getNowait(), 'x');
  });

  it('getter aborted just after its item arrives: the get returns the item, none is duplicated', async () => {
    const q = new Queue<string>();
    const c = new AbortController();
    const g = track(q.get({ signal: c.signal }));
    q.putNowait('x');
    c.abort();
    await tick();
    assert.ok(g.fulfilled);
    assert.equal(g.value, 'x');
    assert.equal(q.qsize(), 0);
  });

  it('getter aborted in the same tick: the item goes to the next waiter in line', async () => {
    const q = new Queue<string>();
    const c = new AbortController();
    const g1 = track(q.get({ signal: c.signal }));
    const g2 = track(q.get());
    c.abort();
    q.putNowait('x');
    await tick();
    assert.ok(g1.settled && !g1.fulfilled);
    assert.equal(g2.value, 'x');
    assert.equal(q.qsize(), 0);
  });

  it('getter timing out in the same timer phase as the put: the item stays queued', async () => {
    await idleSharedTimer();
    const q = new Queue<string>();
    const g = track(q.get({ timeout: 5 }));
    // Same delay, created later: Node runs it right after the get's timer, same phase.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        q.putNowait('x');
        resolve();
      }, 5),
    );
    await tick();
    assert.ok(g.error instanceof QueueTimeout);
    assert.equal(q.getNowait(), 'x');
  });

  it('put landing in the same timer phase just before the getter times out: the get wins the item', async () => {
    const q = new Queue<string>();
    const put = new Promise<void>((resolve) =>
      setTimeout(() => {
        q.putNowait('x');
        resolve();
      }, 5),
    );
    const g = track(q.get({ timeout: 5 }));
    await put;
    await tick();
    assert.ok(g.fulfilled, String(g.error));
    assert.equal(g.value, 'x');
    assert.equal(q.qsize(), 0);
  });

  it('putter aborted just before a slot frees: its item never enters', async () => {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait('a');
    const c = new AbortController();
    const p = track(q.put('b', { signal: c.signal }));
    c.abort();
    assert.equal(q.getNowait(), 'a');
    await tick();
    assert.ok(p.settled && !p.fulfilled);
    assert.equal(q.qsize(), 0);
  });

  it('putter aborted just after a slot frees: its item is in, exactly once', async () => {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait('a');
    const c = new AbortController();
    const p = track(q.put('b', { signal: c.signal }));
    assert.equal(q.getNowait(), 'a');
    c.abort();
    await tick();
    assert.ok(p.fulfilled);
    assert.equal(q.getNowait(), 'b');
    assert.equal(q.qsize(), 0);
  });

  it('putter timing out in the same timer phase as the get: no item left behind', async () => {
    await idleSharedTimer();
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait('a');
    const p = track(q.put('b', { timeout: 5 }));
    let got: string | undefined;
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        got = q.getNowait();
        resolve();
      }, 5),
    );
    await tick();
    assert.equal(got, 'a');
    assert.ok(p.error instanceof QueueTimeout);
    assert.equal(q.qsize(), 0);
  });

  it('an aborted putter in the middle keeps the line order of the others', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(0);
    const c = new AbortController();
    const p1 = track(q.put(1));
    const p2 = track(q.put(2, { signal: c.signal }));
    const p3 = track(q.put(3));
    c.abort();
    assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [0, 1, 3]);
    await tick();
    assert.ok(p1.fulfilled && p3.fulfilled && !p2.fulfilled);
  });
});

describe('timers and listeners', () => {
  it('no timer is created for a put/get with a timeout that does not block', async () => {
    const { created } = await countTimers(async () => {
      const q = new Queue<number>({ maxsize: 2 });
      await q.put(1, { timeout: 50 });
      await q.put(2, { timeout: 50 });
      assert.equal(await q.get({ timeout: 50 }), 1);
      assert.equal(await q.get({ timeout: 50 }), 2);
      const waiting = q.get(); // no timeout: no timer either
      await q.put(3, { timeout: 50 }); // hands over to the waiter
      assert.equal(await waiting, 3);
    });
    assert.deepEqual(created, []);
  });

  it('a blocked get({timeout}) starts one timer and clears it when served', async () => {
    const { created, cleared } = await countTimers(async () => {
      const q = new Queue<number>();
      const g = q.get({ timeout: 60_000 });
      q.putNowait(7);
      assert.equal(await g, 7);
    });
    assert.deepEqual(created, [60_000]);
    assert.equal(cleared, 1);
  });

  it('a timeout above setTimeout’s 2^31-1 ms limit does not fire early', async () => {
    const q = new Queue<number>();
    const { created } = await countTimers(() => {
      const g = track(q.get({ timeout: 3e9 }));
      return g;
    });
    assert.ok(created.every((ms) => ms <= 0x7fffffff), String(created));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(q.waiters.getters, 1);
    q.putNowait(1);
    assert.equal(q.waiters.getters, 0);
  });

  it('the abort listener is removed once the call settles (served, timed out, shut down)', async () => {
    const c = new AbortController();
    const q = new Queue<number>({ maxsize: 1 });
    const g = q.get({ signal: c.signal });
    assert.equal(getEventListeners(c.signal, 'abort').length, 1);
    q.putNowait(1);
    await g;
    assert.equal(getEventListeners(c.signal, 'abort').length, 0);

    await rejection(q.get({ signal: c.signal, timeout: 1 }));
    assert.equal(getEventListeners(c.signal, 'abort').length, 0);

    q.putNowait(1);
    const p = q.put(2, { signal: c.signal });
    assert.equal(getEventListeners(c.signal, 'abort').length, 1);
    q.shutdown();
    assert.ok((await rejection(p)) instanceof QueueShutDown);
    assert.equal(getEventListeners(c.signal, 'abort').length, 0);
  });

  it('no abort listener is added for a call that does not block', async () => {
    const c = new AbortController();
    const q = new Queue<number>();
    await q.put(1, { signal: c.signal });
    assert.equal(await q.get({ signal: c.signal }), 1);
    assert.equal(getEventListeners(c.signal, 'abort').length, 0);
  });

  it('an already-aborted signal rejects with its reason without touching the queue', async () => {
    const reason = new Error('already');
    const signal = AbortSignal.abort(reason);
    const q = new Queue<number>({ maxsize: 1 });
    assert.equal(await rejection(q.put(1, { signal })), reason);
    assert.equal(q.qsize(), 0);
    assert.equal(q.unfinishedTasks, 0);
    q.putNowait(5);
    assert.equal(await rejection(q.get({ signal })), reason);
    assert.equal(q.qsize(), 1);
    // Also when the call would have blocked, and on a shut-down queue.
    assert.equal(await rejection(q.put(2, { signal })), reason);
    assert.equal(q.waiters.putters, 0);
    q.shutdown({ immediate: true });
    assert.equal(await rejection(q.get({ signal })), reason);
  });

  it('a signal with no reason (the abort-controller polyfill) rejects with an AbortError, not undefined', async () => {
    // The polyfill's shape: aborted, listeners, and no `reason` property at all.
    const listeners = new Set<() => void>();
    const signal = {
      aborted: false,
      addEventListener: (_t: 'abort', l: () => void) => listeners.add(l),
      removeEventListener: (_t: 'abort', l: () => void) => listeners.delete(l),
    };
    const q = new Queue<number>();
    const blocked = rejection(q.get({ signal }));
    signal.aborted = true;
    for (const l of listeners) l();
    const err = (await blocked) as Error;
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AbortError');
    const early = (await rejection(q.put(1, { signal }))) as Error;
    assert.equal(early.name, 'AbortError');
    assert.equal(q.qsize(), 0);
  });

  it('a signal from AbortSignal.timeout rejects with its TimeoutError and takes nothing', async () => {
    const q = new Queue<number>();
    const err = (await rejection(q.get({ signal: AbortSignal.timeout(5) }))) as Error;
    assert.equal(err.name, 'TimeoutError');
    assert.equal(q.waiters.getters, 0);
    q.putNowait(1);
    assert.equal(q.getNowait(), 1);
  });

  it('invalid timeouts and signals reject with TypeError whether or not the call would block', async () => {
    const q = new Queue<number>();
    for (const timeout of [NaN, '10', null, {}]) {
      const bad = { timeout } as unknown as { timeout: number };
      assert.ok((await rejection(q.get(bad))) instanceof TypeError, String(timeout));
      assert.ok((await rejection(q.put(1, bad))) instanceof TypeError, String(timeout));
    }
    assert.equal(q.qsize(), 0); // the puts did not add
    q.putNowait(1);
    assert.ok((await rejection(q.get({ timeout: NaN }))) instanceof TypeError);
    assert.ok((await rejection(q.get({ signal: {} as AbortSignal }))) instanceof TypeError);
    assert.equal(q.qsize(), 1); // the gets did not take
    assert.equal(q.waiters.getters, 0);
  });

  it('timeout 0 or negative means "do not wait": rejects only if the call would block', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    assert.ok((await rejection(q.get({ timeout: 0 }))) instanceof QueueTimeout);
    await q.put(1, { timeout: 0 });
    assert.ok((await rejection(q.put(2, { timeout: -5 }))) instanceof QueueTimeout);
    assert.equal(await q.get({ timeout: -1 }), 1);
    assert.deepEqual(q.waiters, { getters: 0, putters: 0 });
  });
});

describe('process lifetime', () => {
  it('a settled get({timeout}) does not keep the process alive', async function () {
    this.timeout(30_000);
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const entry = path.resolve(__dirname, '../../../src/queue/index.ts');
    // Served while blocked, and served at once: both must leave no timer behind.
    const program = `
      const { Queue } = require(${JSON.stringify(entry)});
      const q = new Queue();
      const waiting = q.get({ timeout: 600000 });
      setImmediate(() => q.putNowait('late'));
      waiting.then(async (v) => {
        q.putNowait('now');
        const w = await q.get({ timeout: 600000 });
        const p = new Queue({ maxsize: 1 });
        p.putNowait(1);
        const put = p.put(2, { timeout: 600000 });
        p.getNowait();
        await put;
        console.log(v + ',' + w);
      });`;
    const started = Date.now();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', program], { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(watchdog);
    assert.equal(out.trim(), 'late,now');
    assert.equal(code, 0, 'the child was killed: a timer kept it alive');
    assert.ok(Date.now() - started < 25_000);
  });
});

describe('a signal that keeps its listener (removeEventListener ignored)', () => {
  // Served waiters are reused, by any queue of the realm; an abort listener the signal failed
  // to drop must not reach the waiter's next wait.
  it('aborting it after its wait was served leaves the reused waiter waiting on the other queue', async () => {
    const listeners: Array<() => void> = [];
    const sticky = { aborted: false, reason: new Error('late abort'), addEventListener: (_: 'abort', l: () => void) => listeners.push(l), removeEventListener: () => undefined };
    const a = new Queue<number>();
    const first = a.get({ signal: sticky });
    a.putNowait(1);
    assert.equal(await first, 1);
    const b = new Queue<number>();
    const other = track(b.get()); // takes the waiter the first get used
    sticky.aborted = true;
    for (const l of listeners) l();
    await tick();
    assert.equal(other.settled, false, 'the other queue’s wait is untouched');
    assert.deepEqual(b.waiters, { getters: 1, putters: 0 });
    b.putNowait(2);
    await tick();
    assert.deepEqual([other.settled, other.value], [true, 2]);
  });
});
