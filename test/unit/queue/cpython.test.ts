// Ports of CPython's Lib/test/test_asyncio/test_queues.py (3.13+, with the shutdown
// tests). Each title names the CPython test it ports. Cancelling an asyncio task maps
// to aborting the call's AbortSignal; asyncio.sleep(0) maps to tick().
//
// One deliberate difference: a put hands its item straight to the longest-waiting
// getter (and a get moves a blocked producer's item in), so an abort that arrives
// after a waiter was served is a no-op instead of a CancelledError. The ports of the
// "cancel race" tests check what those tests protect: no item is lost or duplicated.

import { strict as assert } from 'node:assert';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown } from '../../../src/queue/index';
import { rejection, tick, track } from './helpers';

type AnyQueueClass = typeof Queue | typeof LifoQueue | typeof PriorityQueue;
const classes: [string, AnyQueueClass][] = [
  ['Queue', Queue],
  ['LifoQueue', LifoQueue],
  ['PriorityQueue', PriorityQueue],
];

describe('CPython test_queues ports', () => {
  describe('QueueBasicTests', () => {
    it('test_repr / test_str: shows the class, waiters and items count', async () => {
      const q = new Queue<number>();
      assert.ok(String(q).startsWith('<Queue'), String(q));
      const g = track(q.get());
      await tick();
      assert.match(String(q), /getters\[1\]/);
      q.putNowait(0);
      assert.equal(await g.promise, 0);
      assert.doesNotMatch(String(q), /getters/);

      const p = new Queue<number>({ maxsize: 1 });
      p.putNowait(1);
      const put = track(p.put(2));
      await tick();
      assert.match(String(p), /putters\[1\]/);
      p.getNowait();
      await tick();
      assert.ok(put.fulfilled);
      assert.match(String(p), /qsize=1/);
    });

    it('test_empty', async () => {
      const q = new Queue<number>();
      assert.ok(q.empty());
      await q.put(1);
      assert.ok(!q.empty());
      assert.equal(await q.get(), 1);
      assert.ok(q.empty());
    });

    it('test_full', async () => {
      assert.ok(!new Queue().full());
      const q = new Queue<number>({ maxsize: 1 });
      await q.put(1);
      assert.ok(q.full());
    });

    it('test_order', async () => {
      const q = new Queue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      const items = [await q.get(), await q.get(), await q.get()];
      assert.deepEqual(items, [1, 3, 2]);
    });

    it('test_maxsize: a producer blocks after maxsize items and resumes when one is taken', async () => {
      const q = new Queue<number>({ maxsize: 2 });
      assert.equal(q.maxsize, 2);
      const havePut: number[] = [];
      const producer = track(
        (async () => {
          for (let i = 0; i < 3; i++) {
            await q.put(i);
            havePut.push(i);
          }
          return true;
        })(),
      );
      await tick();
      assert.deepEqual(havePut, [0, 1]);
      assert.equal(await q.get(), 0);
      await tick();
      assert.deepEqual(havePut, [0, 1, 2]);
      assert.equal(await q.get(), 1);
      assert.equal(await q.get(), 2);
      assert.ok(producer.fulfilled);
      assert.equal(producer.value, true);
    });
  });

  describe('QueueGetTests', () => {
    it('test_blocking_get', async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      assert.equal(await q.get(), 1);
    });

    it('test_get_with_putters: a get releases the blocked producer', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      await q.put(1);
      const put = track(q.put(2));
      await tick();
      assert.ok(!put.settled);
      assert.equal(await q.get(), 1);
      await tick();
      assert.ok(put.fulfilled);
      assert.equal(put.value, undefined);
      assert.equal(q.getNowait(), 2);
    });

    it('test_blocking_get_wait: get waits until an item arrives later', async () => {
      const q = new Queue<number>();
      let finished = false;
      const getter = (async () => {
        const res = await q.get();
        finished = true;
        return res;
      })();
      await tick();
      assert.ok(!finished);
      setTimeout(() => q.putNowait(1), 10);
      assert.equal(await getter, 1);
      assert.ok(finished);
    });

    it('test_nonblocking_get', () => {
      const q = new Queue<number>();
      q.putNowait(1);
      assert.equal(q.getNowait(), 1);
    });

    it('test_nonblocking_get_exception', () => {
      assert.throws(() => new Queue().getNowait(), QueueEmpty);
    });

    it('test_get_cancelled_race: an aborted getter does not take the next item', async () => {
      const q = new Queue<string>();
      const c1 = new AbortController();
      const t1 = track(q.get({ signal: c1.signal }));
      const t2 = track(q.get());
      await tick();
      c1.abort();
      await tick();
      assert.ok(t1.settled && !t1.fulfilled);
      await q.put('a');
      await tick();
      assert.equal(t2.value, 'a');
    });

    it('test_get_with_waiting_putters', async () => {
      const q = new Queue<string>({ maxsize: 1 });
      void q.put('a');
      void q.put('b');
      assert.equal(await q.get(), 'a');
      assert.equal(await q.get(), 'b');
    });

    it('test_why_are_getters_waiting: producer and consumer on maxsize 1 both finish', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const got: number[] = [];
      await Promise.all([
        (async () => {
          for (let i = 0; i < 5; i++) await q.put(i);
        })(),
        (async () => {
          for (let i = 0; i < 5; i++) got.push(await q.get());
        })(),
      ]);
      assert.deepEqual(got, [0, 1, 2, 3, 4]);
    });

    it('test_cancelled_getters_not_being_held_in_self_getters', async () => {
      const q = new Queue<number>({ maxsize: 5 });
      const err = await rejection(q.get({ timeout: 5 }));
      assert.equal((err as Error).name, 'TimeoutError');
      assert.equal(q.waiters.getters, 0);
    });
  });

  describe('QueuePutTests', () => {
    it('test_blocking_put', async () => {
      const q = new Queue<number>();
      await q.put(1);
      assert.equal(await q.get(), 1);
    });

    it('test_blocking_put_wait', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      let finished = false;
      const producer = (async () => {
        await q.put(1);
        await q.put(2);
        finished = true;
      })();
      await tick();
      assert.ok(!finished);
      setTimeout(() => q.getNowait(), 10);
      await producer;
      assert.ok(finished);
      assert.equal(q.getNowait(), 2);
    });

    it('test_nonblocking_put', () => {
      const q = new Queue<number>();
      q.putNowait(1);
      assert.equal(q.getNowait(), 1);
    });

    it('test_get_cancel_drop_one_pending_reader: aborting a served reader drops nothing', async () => {
      const q = new Queue<number>();
      const c = new AbortController();
      let reader = q.get({ signal: c.signal });
      await tick();
      q.putNowait(1);
      q.putNowait(2);
      c.abort();
      let result: number;
      try {
        result = await reader;
      } catch {
        reader = q.get();
        result = await reader;
      }
      // 2 would mean 1 got dropped.
      assert.equal(result, 1);
      assert.equal(q.getNowait(), 2);
    });

    it('test_get_cancel_drop_many_pending_readers', async () => {
      const q = new Queue<number>();
      const c1 = new AbortController();
      const r1 = track(q.get({ signal: c1.signal }));
      const r2 = track(q.get());
      const r3 = track(q.get());
      await tick();
      q.putNowait(1);
      q.putNowait(2);
      c1.abort();
      await tick();
      const received = [r1, r2, r3].filter((r) => r.fulfilled).map((r) => r.value);
      const left: number[] = [];
      while (!q.empty()) left.push(q.getNowait());
      // Every item is either received or still queued, exactly once.
      assert.deepEqual([...received, ...left].sort(), [1, 2]);
      // Whoever is still waiting gets the next item.
      q.putNowait(3);
      await tick();
      assert.ok([r1, r2, r3].every((r) => r.settled));
    });

    it('test_put_cancel_drop: aborting a served writer leaves its item exactly once', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      const c = new AbortController();
      let writer = q.put(2, { signal: c.signal });
      await tick();
      assert.equal(q.getNowait(), 1);
      c.abort();
      try {
        await writer;
      } catch {
        writer = q.put(2);
        await writer;
      }
      assert.equal(q.getNowait(), 2);
      assert.equal(q.qsize(), 0);
    });

    it('test_nonblocking_put_exception', () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      assert.throws(() => q.putNowait(2), QueueFull);
    });

    it('test_float_maxsize: 1.3 holds two items, as in asyncio', async () => {
      const q = new Queue<number>({ maxsize: 1.3 });
      q.putNowait(1);
      q.putNowait(2);
      assert.ok(q.full());
      assert.throws(() => q.putNowait(3), QueueFull);

      const r = new Queue<number>({ maxsize: 1.3 });
      await r.put(1);
      await r.put(2);
      assert.ok(r.full());
    });

    it('test_put_cancelled: a put on an unbounded queue completes', async () => {
      const q = new Queue<number>();
      const t = track(
        (async () => {
          await q.put(1);
          return true;
        })(),
      );
      assert.equal(await q.get(), 1);
      await tick();
      assert.ok(t.fulfilled);
      assert.equal(t.value, true);
    });

    it('test_put_cancelled_race: an aborted blocked put leaves no item', async () => {
      const q = new Queue<string>({ maxsize: 1 });
      const c = new AbortController();
      const putA = track(q.put('a'));
      const putB = track(q.put('b'));
      const putC = track(q.put('X', { signal: c.signal }));
      await tick();
      assert.ok(putA.fulfilled);
      assert.ok(!putB.settled);
      c.abort();
      await tick();
      assert.ok(putC.settled && !putC.fulfilled);
      assert.equal(q.getNowait(), 'a');
      await tick();
      assert.equal(q.getNowait(), 'b');
      await putB.promise;
      assert.ok(q.empty());
    });

    it('test_put_with_waiting_getters', async () => {
      const q = new Queue<string>();
      const t = q.get();
      await tick();
      await q.put('a');
      assert.equal(await t, 'a');
    });

    it('test_why_are_putters_waiting: four putters on maxsize 2 all finish', async () => {
      const q = new Queue<number>({ maxsize: 2 });
      const getter = (async () => {
        await tick();
        const n = q.qsize();
        for (let i = 0; i < n; i++) q.getNowait();
      })();
      await Promise.all([getter, q.put(0), q.put(1), q.put(2), q.put(3)]);
      assert.deepEqual([q.getNowait(), q.getNowait()], [2, 3]);
    });

    it('test_cancelled_puts_not_being_held_in_self_putters', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      const c = new AbortController();
      const put = q.put(1, { signal: c.signal });
      await tick();
      assert.equal(q.waiters.putters, 1);
      c.abort();
      await rejection(put);
      assert.equal(q.waiters.putters, 0);
    });

    it('test_cancelled_put_silence_value_error_exception: abort after being served is harmless', async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      const c = new AbortController();
      const put = track(q.put(2, { signal: c.signal }));
      await tick();
      q.getNowait(); // serves the blocked put: its item moves in
      c.abort(); // must not throw, and must not take the item back out
      await tick();
      assert.ok(put.fulfilled);
      assert.equal(q.qsize(), 1);
      assert.equal(q.getNowait(), 2);
    });
  });

  describe('LifoQueueTests / PriorityQueueTests', () => {
    it('LifoQueueTests.test_order', async () => {
      const q = new LifoQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      assert.deepEqual([await q.get(), await q.get(), await q.get()], [2, 3, 1]);
    });

    it('PriorityQueueTests.test_order', async () => {
      const q = new PriorityQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      assert.deepEqual([await q.get(), await q.get(), await q.get()], [1, 2, 3]);
    });

    // Not a CPython test; CPython's behaviour: a woken getter takes the queue's next item on
    // its next turn, so items put in one go before then compete (heapq / list.pop order).
    it('a waiting worker gets the smallest (or newest) of a batch put in one go, not the first put', async () => {
      const pq = new PriorityQueue<number>();
      const lq = new LifoQueue<string>();
      const workers = [pq.get(), pq.get()];
      const lifoWorker = lq.get();
      for (const n of [5, 1, 3]) pq.putNowait(n);
      for (const x of ['a', 'b', 'c']) lq.putNowait(x);
      assert.equal(pq.qsize(), 1, 'the two items owed to the served workers are not in the queue');
      assert.deepEqual(pq.peek(5), [5]);
      assert.deepEqual(await Promise.all(workers), [1, 3]);
      assert.equal(await lifoWorker, 'c');
      assert.deepEqual([pq.getNowait(), lq.getNowait(), lq.getNowait()], [5, 'b', 'a']);
      assert.equal(pq.unfinishedTasks, 3);
    });

    it('an immediate shutdown keeps the items owed to served getters and drops the rest', async () => {
      const q = new PriorityQueue<number>();
      const worker = q.get();
      for (const n of [4, 2, 9]) q.putNowait(n);
      q.shutdown({ immediate: true });
      assert.equal(await worker, 2);
      assert.equal(q.qsize(), 0);
      assert.equal(q.unfinishedTasks, 1, 'the two dropped items count as done; the served one is not');
    });

    it('a comparator that throws fails the put or get and loses nothing (a heap half-sifted kept one item twice)', async () => {
      type Job = { pri: number; name: string };
      const bad = (j: Job) => j.name === 'x';
      const q = new PriorityQueue<Job>({
        compare: (a, b) => {
          if ((bad(a) && b.name === 'a') || (bad(b) && a.name === 'a')) throw new TypeError(`cannot compare ${a.name} and ${b.name}`);
          return a.pri - b.pri;
        },
      });
      for (const [pri, name] of [[1, 'a'], [5, 'b'], [6, 'c'], [7, 'd']] as const) q.putNowait({ pri, name });
      assert.throws(() => q.putNowait({ pri: 2, name: 'x' }), /cannot compare x and a/);
      assert.equal(q.qsize(), 4);
      assert.equal(q.unfinishedTasks, 4, 'a failed put is not a task');
      // A pop whose sift meets the comparator's error: the get fails and the heap is whole.
      let refuse = false;
      const q2 = new PriorityQueue<Job>({
        compare: (a, b) => {
          if (refuse && ((bad(a) && b.name === 'd') || (bad(b) && a.name === 'd'))) throw new TypeError('cannot compare');
          return a.pri - b.pri;
        },
      });
      // The sift moves c up one level, then meets the error comparing x with d.
      const names = ['a', 'c', 'b', 'd', 'e', 'f', 'g', 'x'];
      [1, 5, 6, 8, 9, 10, 11, 12].forEach((pri, k) => q2.putNowait({ pri, name: names[k] }));
      refuse = true;
      assert.throws(() => q2.getNowait(), /cannot compare/);
      refuse = false;
      assert.equal(q2.qsize(), 8);
      assert.deepEqual([...Array(8)].map(() => q2.getNowait().name), names);
      assert.deepEqual([...Array(4)].map(() => q.getNowait().name), ['a', 'b', 'c', 'd']);
    });

    it('a comparator that throws: put() and get() reject (they threw, out of reach of .catch())', async () => {
      let refuse = false;
      const q = new PriorityQueue<number>({ compare: (a, b) => { if (refuse) throw new TypeError('cmp'); return a - b; } });
      for (const n of [1, 2, 3]) q.putNowait(n);
      refuse = true;
      let put: Promise<void> | undefined;
      let get: Promise<number> | undefined;
      assert.doesNotThrow(() => (put = q.put(4)));
      assert.doesNotThrow(() => (get = q.get()));
      await assert.rejects(put!, /cmp/);
      await assert.rejects(get!, /cmp/);
      refuse = false;
      assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [1, 2, 3], 'nothing taken, nothing added');
    });

    it('an immediate shutdown with items owed to served getters never throws, loses or makes up an item, even when the comparator refuses', async () => {
      let refuse = false;
      const q = new PriorityQueue<number>({ compare: (a, b) => { if (refuse) throw new Error('cmp'); return a - b; } });
      const [g1, g2] = [q.get(), q.get()];
      for (const n of [1, 2, 3, 0]) q.putNowait(n); // 1 and 2 served (owed), 3 and 0 stored
      assert.equal(q.qsize(), 2);
      refuse = true;
      assert.doesNotThrow(() => q.shutdown({ immediate: true }));
      refuse = false;
      const got = await Promise.all([g1, g2]);
      assert.equal(got.length, 2);
      assert.ok(got.every((v) => [0, 1, 2, 3].includes(v)) && new Set(got).size === 2, `two distinct items: ${got}`);
      assert.equal(q.qsize(), 0);
      assert.equal(q.unfinishedTasks, 2, 'the two dropped count as done; the two owed do not');
    });

    it('a comparator that ends the waiting getter (aborts it) while its item is stored: the item stays queued, counted', async () => {
      const ctl = new AbortController();
      let hook = false;
      const q = new PriorityQueue<number>({ compare: (a, b) => { if (hook) { hook = false; ctl.abort(new Error('aborted')); } return a - b; } });
      q.putNowait(5);
      q.getNowait();
      q.taskDone();
      const first = q.get();
      q.putNowait(1); // owed to `first`
      const second = q.get({ signal: ctl.signal });
      hook = true;
      q.putNowait(2); // its compare aborts `second`: before, the item was owed to an already-rejected getter and lost
      assert.equal(await first, 1);
      await assert.rejects(second, /aborted/);
      assert.equal(q.qsize(), 1);
      assert.deepEqual(q.peek(5), [2]);
      assert.equal(q.unfinishedTasks, 2);
    });

    it('a blocked producer whose item the comparator refuses fails its put; the get that freed the slot keeps its item, the next producer gets in', async () => {
      type Job = { pri: number; name: string };
      const q = new PriorityQueue<Job>({
        maxsize: 2,
        compare: (a, b) => {
          if (a.name === 'x' || b.name === 'x') throw new TypeError('cannot compare x');
          return a.pri - b.pri;
        },
      });
      q.putNowait({ pri: 1, name: 'a' });
      q.putNowait({ pri: 2, name: 'b' });
      const refused = track(q.put({ pri: 0, name: 'x' }));
      const next = track(q.put({ pri: 3, name: 'c' }));
      assert.equal(q.getNowait().name, 'a');
      assert.equal(await rejection(refused.promise).then((e) => (e as Error).message), 'cannot compare x');
      await next.promise;
      assert.deepEqual(q.peek(5).map((j) => (j as Job).name), ['b', 'c']);
      assert.equal(q.unfinishedTasks, 3, 'a, b and c were put; x was not');
      assert.deepEqual(q.waiters, { getters: 0, putters: 0 });
    });
  });

  for (const [label, Q] of classes) {
    describe(`${label}JoinTests (_QueueJoinTestMixin)`, () => {
      it('test_task_done_underflow', () => {
        assert.throws(() => new Q().taskDone(), RangeError);
      });

      it('test_task_done: two workers, join() waits for all 100 items', async () => {
        const q = new Q<number>();
        for (let i = 0; i < 100; i++) q.putNowait(i);
        let sum = 0;
        let running = true;
        const worker = async () => {
          while (running) {
            const item = await q.get();
            sum += item;
            q.taskDone();
          }
        };
        const workers = [worker(), worker()];
        await q.join();
        assert.equal(sum, 4950);
        running = false;
        q.putNowait(0);
        q.putNowait(0);
        await Promise.all(workers);
      });

      it('test_join_empty_queue', async () => {
        const q = new Q();
        await q.join();
        await q.join();
      });

      it('test_format: tasks count in the debug string', () => {
        const q = new Q<number>();
        assert.match(String(q), /maxsize=0/);
        assert.doesNotMatch(String(q), /tasks=/);
        q.putNowait(1);
        q.putNowait(2);
        assert.match(String(q), /tasks=2/);
      });
    });

    describe(`${label}ShutdownTests (_QueueShutdownTestMixin)`, () => {
      it('test_format', () => {
        const q = new Q();
        q.shutdown();
        assert.match(String(q), /maxsize=0 .*shutdown/);
      });

      it('test_shutdown_empty', async () => {
        const q = new Q<string>();
        const getter = track(q.get());
        await tick();
        q.shutdown();
        assert.equal(q.qsize(), 0);
        await q.join();
        await tick();
        assert.ok(getter.settled);
        assert.ok(getter.error instanceof QueueShutDown);
        assert.ok((await rejection(q.put('data'))) instanceof QueueShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        assert.ok((await rejection(q.get())) instanceof QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
      });

      it('test_shutdown_nonempty', async () => {
        const q = new Q<string>({ maxsize: 1 });
        q.putNowait('data');
        const join = track(q.join());
        const put = track(q.put('data2'));
        await tick();
        assert.ok(!put.settled);
        q.shutdown();
        assert.equal(q.qsize(), 1);
        await tick();
        assert.ok(put.error instanceof QueueShutDown);
        assert.equal(await q.get(), 'data');
        await tick();
        assert.ok(!join.settled);
        assert.ok((await rejection(q.put('data'))) instanceof QueueShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        assert.ok((await rejection(q.get())) instanceof QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        q.taskDone();
        await tick();
        assert.ok(join.fulfilled);
        assert.throws(() => q.taskDone(), RangeError);
      });

      it('test_shutdown_immediate', async () => {
        const q = new Q<string>();
        q.putNowait('data');
        const join = track(q.join());
        q.shutdown({ immediate: true });
        assert.equal(q.qsize(), 0);
        await tick();
        assert.ok(join.fulfilled);
        assert.ok((await rejection(q.put('data'))) instanceof QueueShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        assert.ok((await rejection(q.get())) instanceof QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        assert.throws(() => q.taskDone(), RangeError);
      });

      it('test_shutdown_immediate_with_unfinished', async () => {
        const q = new Q<string>();
        q.putNowait('data');
        q.putNowait('data');
        const join = track(q.join());
        assert.equal(await q.get(), 'data');
        q.shutdown({ immediate: true });
        assert.equal(q.qsize(), 0);
        await tick();
        assert.ok(!join.settled);
        assert.ok((await rejection(q.put('data'))) instanceof QueueShutDown);
        assert.throws(() => q.putNowait('data'), QueueShutDown);
        assert.ok((await rejection(q.get())) instanceof QueueShutDown);
        assert.throws(() => q.getNowait(), QueueShutDown);
        q.taskDone();
        assert.throws(() => q.taskDone(), RangeError);
        await tick();
        assert.ok(join.fulfilled);
      });
    });
  }
});
