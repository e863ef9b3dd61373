// Mistakes a program makes with the API, found in a review of the library against asyncio:
// each one used to be accepted and then misbehave (an unbounded queue, a wait with no
// timeout, a graceful shutdown asked for as immediate, a scrambled priority order, an item
// lost to a half-made signal), and a signal shared by many blocked calls.

import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { LifoQueue, PriorityQueue, Queue } from '../../../src/queue/index';
import { rejection, tick } from './helpers';

describe('queue: misuse gets a clear error', () => {
  it('a misspelled constructor option throws and names the option meant', () => {
    assert.throws(() => new Queue({ maxSize: 2 } as never), { name: 'TypeError', message: /unknown option 'maxSize' \(did you mean 'maxsize'\?\)/ });
    assert.throws(() => new LifoQueue({ max_size: 2 } as never), /'max_size'.*'maxsize'/);
    assert.throws(() => new Queue({ capacity: 2 } as never), /'capacity'.*'maxsize'/);
    assert.throws(() => new PriorityQueue({ comparator: (a: number, b: number) => a - b } as never), /'comparator'.*'compare'/);
    assert.throws(() => new PriorityQueue({ nmae: 'x' } as never), /'nmae'.*'name'/);
  });

  it('an option unlike any of ours is left to the subclass that passes it through', () => {
    class Retrying<T> extends Queue<T> {
      readonly retries: number;
      constructor(options: { maxsize?: number; retries: number }) {
        super(options);
        this.retries = options.retries;
      }
    }
    const q = new Retrying<number>({ maxsize: 2, retries: 3 });
    assert.deepEqual([q.maxsize, q.retries], [2, 3]);
  });

  it('a misspelled wait option rejects the call instead of waiting forever', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    assert.match(String(await rejection(q.get({ timout: 10 } as never))), /TypeError: options: unknown option 'timout' \(did you mean 'timeout'\?\)/);
    q.putNowait(1);
    assert.match(String(await rejection(q.put(2, { sigal: new AbortController().signal } as never))), /'sigal'.*'signal'/);
    assert.equal(q.qsize(), 1);
    assert.equal(await q.get({}), 1, 'an empty options object is no mistake');
  });

  it('shutdown() refuses a misspelled option and an immediate that is not a boolean', () => {
    const q = new Queue<number>();
    q.putNowait(1);
    assert.throws(() => q.shutdown({ immediat: true } as never), /'immediat'.*'immediate'/);
    for (const bad of [1, 'true', {}]) {
      assert.throws(() => q.shutdown({ immediate: bad } as never), { name: 'TypeError', message: /immediate must be true or false/ });
    }
    assert.equal(q.isShutdown, false, 'refused calls change nothing');
    q.shutdown({ immediate: false });
    assert.deepEqual([q.isShutdown, q.qsize()], [true, 1]);
  });

  it('maxsize cannot be changed after construction', () => {
    const q = new Queue<number>({ maxsize: 1 });
    assert.throws(() => {
      (q as { maxsize: number }).maxsize = 3;
    }, TypeError);
    assert.equal(q.maxsize, 1);
    q.putNowait(1);
    assert.equal(q.full(), true);
    assert.deepEqual(Object.keys(q).includes('maxsize'), true, 'still an own, enumerable property');
  });

  it('a signal without removeEventListener is refused up front, and nothing is lost', async () => {
    const q = new Queue<string>();
    const halfSignal = { aborted: false, addEventListener() {} };
    assert.match(String(await rejection(q.get({ signal: halfSignal } as never))), /TypeError: signal must be an AbortSignal/);
    q.putNowait('x');
    assert.equal(q.qsize(), 1);
  });

  it('a comparator that returns a boolean or NaN fails the call, and the queue keeps its order', async () => {
    const q = new PriorityQueue<{ p: number }>({ compare: ((a: { p: number }, b: { p: number }) => a.p > b.p) as never });
    q.putNowait({ p: 5 });
    assert.throws(() => q.putNowait({ p: 3 }), { name: 'TypeError', message: /compare must return a number.*returned true \(write \(a, b\) => a - b, not a > b\)|returned false/ });
    assert.equal(q.qsize(), 1, 'the refused item is not in the queue');
    const nan = new PriorityQueue<number>({ compare: () => NaN });
    nan.putNowait(1);
    assert.match(String(await rejection(nan.put(2))), /compare must return a number.*NaN/);
  });

  it('a BigInt maxsize is named as one', () => {
    assert.throws(() => new Queue({ maxsize: 1n as never }), { message: 'maxsize must be a number, got 1n (a BigInt)' });
  });
});

describe('queue: one abort signal shared by many blocked calls', () => {
  it('holds one listener on the signal whatever the number of calls, and drops it with the last', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const ac = new AbortController();
      const q = new Queue<number>();
      const gets = Array.from({ length: 50 }, () => q.get({ signal: ac.signal }));
      assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
      for (let i = 0; i < 49; i++) q.putNowait(i);
      assert.deepEqual(await Promise.all(gets.slice(0, 49)), Array.from({ length: 49 }, (_, i) => i));
      assert.equal(getEventListeners(ac.signal, 'abort').length, 1, 'one call still waits');
      ac.abort(new Error('stop'));
      assert.equal(String(await rejection(gets[49])), 'Error: stop');
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
      const served = new AbortController();
      const p = q.get({ signal: served.signal });
      q.putNowait(7);
      assert.equal(await p, 7);
      assert.equal(getEventListeners(served.signal, 'abort').length, 0, 'served: the listener is gone');
      await tick();
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('an abort fails every call blocked on it, on several queues, and none of the others', async () => {
    const ac = new AbortController();
    const a = new Queue<number>();
    const b = new Queue<number>({ maxsize: 1 });
    b.putNowait(0);
    const getsA = Array.from({ length: 20 }, () => a.get({ signal: ac.signal }));
    const putsB = Array.from({ length: 20 }, (_, i) => b.put(i + 1, { signal: ac.signal }));
    const other = a.get();
    ac.abort();
    const outcomes = await Promise.allSettled([...getsA, ...putsB]);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'AbortError'));
    a.putNowait(9);
    assert.equal(await other, 9, 'the call without the signal still waits and is served');
    assert.deepEqual([a.qsize(), b.qsize()], [0, 1]);
  });
});
