// Storage variants, errors, options, shutdown bookkeeping and async iteration.

import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown, QueueTimeout } from '../../../src/queue/index';
import { rejection, tick, track } from './helpers';

describe('LifoQueue and PriorityQueue', () => {
  it('LifoQueue: last in, first out, also when a blocked producer moves in', async () => {
    const q = new LifoQueue<number>({ maxsize: 3 });
    for (const i of [1, 2, 3]) q.putNowait(i);
    const p = track(q.put(4));
    assert.equal(q.getNowait(), 3); // frees a slot; 4 moves in on top
    await tick();
    assert.ok(p.fulfilled);
    assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [4, 2, 1]);
  });

  it('PriorityQueue: smallest first, equal keys keep insertion order', () => {
    const q = new PriorityQueue<[number, string]>({ compare: (a, b) => a[0] - b[0] });
    const input: [number, string][] = [];
    for (let i = 0; i < 200; i++) input.push([(i * 7919) % 5, `item${i}`]);
    for (const x of input) q.putNowait(x);
    const out: [number, string][] = [];
    while (!q.empty()) out.push(q.getNowait());
    // A stable sort of the input is the only correct answer.
    const expected = input.slice().sort((a, b) => a[0] - b[0]);
    assert.deepEqual(out, expected);
  });

  it('PriorityQueue: [priority, data] tuples without a comparator order like Python tuples', () => {
    const q = new PriorityQueue<[number, string]>();
    const input: [number, string][] = [[10, 'low'], [2, 'high'], [-1, 'urgent'], [2, 'again'], [-5, 'first'], [3, 'normal']];
    for (const x of input) q.putNowait(x);
    const out: string[] = [];
    while (!q.empty()) out.push(q.getNowait()[1]);
    // Numbers compare as numbers (not as the strings "10,low" < "2,high"), then the next element.
    assert.deepEqual(out, ['first', 'urgent', 'again', 'high', 'normal', 'low']);
    const nested = new PriorityQueue<unknown[]>();
    for (const x of [[1, [2, 'b']], [1, [2]], [1, [10, 'a']], [0]]) nested.putNowait(x);
    assert.deepEqual([nested.getNowait(), nested.getNowait(), nested.getNowait(), nested.getNowait()], [[0], [1, [2]], [1, [2, 'b']], [1, [10, 'a']]]);
  });

  it('PriorityQueue: stability survives interleaved puts and gets', () => {
    const q = new PriorityQueue<{ k: number; seq: number }>({ compare: (a, b) => a.k - b.k });
    let seq = 0;
    const out: { k: number; seq: number }[] = [];
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 5; i++) q.putNowait({ k: (round + i) % 3, seq: seq++ });
      out.push(q.getNowait(), q.getNowait());
    }
    while (!q.empty()) out.push(q.getNowait());
    assert.equal(out.length, seq);
    // Whatever comes out among equal keys must come out in put order.
    const lastSeqByKey = new Map<number, number>();
    for (const x of out) {
      const last = lastSeqByKey.get(x.k) ?? -1;
      assert.ok(x.seq > last, `key ${x.k}: ${x.seq} after ${last}`);
      lastSeqByKey.set(x.k, x.seq);
    }
  });

  it('PriorityQueue: custom compare (largest first) and the default a < b for strings', () => {
    const maxFirst = new PriorityQueue<number>({ compare: (a, b) => b - a });
    for (const i of [5, 1, 9, 3]) maxFirst.putNowait(i);
    assert.deepEqual([1, 2, 3, 4].map(() => maxFirst.getNowait()), [9, 5, 3, 1]);
    const words = new PriorityQueue<string>();
    for (const w of ['pear', 'apple', 'fig']) words.putNowait(w);
    assert.deepEqual([words.getNowait(), words.getNowait(), words.getNowait()], ['apple', 'fig', 'pear']);
  });

  it('PriorityQueue: a non-function compare is a TypeError', () => {
    assert.throws(() => new PriorityQueue({ compare: 3 as unknown as () => number }), TypeError);
  });

  it('PriorityQueue: a blocked producer’s item is ordered by priority when it moves in', async () => {
    const q = new PriorityQueue<number>({ maxsize: 2 });
    q.putNowait(5);
    q.putNowait(3);
    const p = q.put(1);
    assert.equal(q.getNowait(), 3);
    await p;
    assert.deepEqual([q.getNowait(), q.getNowait()], [1, 5]);
  });
});

describe('errors', () => {
  const cases: [new () => Error, string][] = [
    [QueueEmpty, 'QueueEmpty'],
    [QueueFull, 'QueueFull'],
    [QueueShutDown, 'QueueShutDown'],
    [QueueTimeout, 'TimeoutError'],
  ];
  for (const [E, name] of cases) {
    it(`${E.name}: instanceof Error and itself, name "${name}", has a message and stack`, () => {
      const e = new E();
      assert.ok(e instanceof Error);
      assert.ok(e instanceof E);
      assert.equal(e.name, name);
      assert.ok(e.message.length > 0);
      assert.match(String(e.stack), new RegExp(name));
    });
  }

  it('each failing operation throws the right class', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    assert.throws(() => q.getNowait(), (e: unknown) => e instanceof QueueEmpty && !(e instanceof QueueFull));
    q.putNowait(1);
    assert.throws(() => q.putNowait(2), QueueFull);
    const t = await rejection(q.put(2, { timeout: 1 }));
    assert.ok(t instanceof QueueTimeout);
    assert.equal((t as Error).name, 'TimeoutError');
    q.shutdown();
    assert.throws(() => q.putNowait(2), QueueShutDown);
  });
});

describe('options', () => {
  it('maxsize: negative, zero, NaN-free floats, Infinity', () => {
    assert.equal(new Queue({ maxsize: -3 }).maxsize, 0);
    assert.ok(!new Queue({ maxsize: -3 }).full());
    const unbounded = new Queue<number>({ maxsize: -1 });
    for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
    assert.equal(unbounded.qsize(), 1000);
    assert.equal(new Queue({ maxsize: Infinity }).maxsize, 0);
    assert.equal(new Queue().maxsize, 0);
    assert.throws(() => new Queue({ maxsize: NaN }), TypeError);
    assert.throws(() => new Queue({ maxsize: '3' as unknown as number }), TypeError);
  });

  it("options that are not an object are a TypeError naming the fix, not a silent unbounded queue", () => {
    // asyncio's Queue(2) is positional; here it would read no maxsize from the number.
    assert.throws(() => new Queue(2 as unknown as object), { name: 'TypeError', message: /new Queue\(\{ maxsize: 2 \}\); got number/ });
    assert.throws(() => new LifoQueue(8 as unknown as object), { name: 'TypeError', message: /new LifoQueue\(\{ maxsize: 8 \}\)/ });
    assert.throws(() => new PriorityQueue(4 as unknown as object), { name: 'TypeError', message: /new PriorityQueue\(\{ maxsize: 4 \}\)/ });
    assert.throws(() => new Queue(null as unknown as object), { name: 'TypeError', message: /got null/ });
    assert.throws(() => new PriorityQueue(null as unknown as object), { name: 'TypeError', message: /got null/ });
    assert.throws(() => new Queue('jobs' as unknown as object), { name: 'TypeError', message: /got string/ });
    assert.equal(new Queue(undefined).maxsize, 0);
    // new PriorityQueue(fn): the hint names `compare`, the option the caller meant.
    assert.throws(() => new PriorityQueue(((a: number, b: number) => a - b) as unknown as object), { name: 'TypeError', message: /new PriorityQueue\(\{ compare: yourFunction \}\); got function/ });
  });

  it('a value of the wrong type is shown quoted when it is a string (an env var, typically)', async () => {
    assert.throws(() => new Queue({ maxsize: '5' as unknown as number }), { name: 'TypeError', message: 'maxsize must be a number, got "5" (a string)' });
    const q = new Queue<number>();
    await assert.rejects(q.get({ timeout: '100' as unknown as number }), { name: 'TypeError', message: 'timeout must be a number of milliseconds, got "100" (a string)' });
    await assert.rejects(q.get({ timeout: NaN }), { message: 'timeout must be a number of milliseconds, got NaN' });
  });

  it("a positional timeout or immediate flag is a TypeError, not a wait forever or a graceful shutdown", async () => {
    const q = new Queue<number>({ maxsize: 1 });
    await assert.rejects(q.get(50 as unknown as object), { name: 'TypeError', message: /\{ timeout: 50 \}; got number/ });
    q.putNowait(1);
    await assert.rejects(q.put(2, 50 as unknown as object), { name: 'TypeError', message: /got number/ });
    await assert.rejects(q.get(null as unknown as object), { name: 'TypeError', message: /got null/ });
    assert.deepEqual(q.waiters, { getters: 0, putters: 0 }, 'nothing was left waiting');
    assert.throws(() => q.shutdown(true as unknown as object), { name: 'TypeError', message: /shutdown\(\{ immediate: true \}\); got boolean/ });
    assert.equal(q.isShutdown, false, 'a refused call changes nothing');
    assert.equal(q.qsize(), 1);
  });

  it('name: default queue-<id>, unique ids, custom names', () => {
    const a = new Queue();
    const b = new Queue();
    assert.match(a.name, /^queue-\d+$/);
    assert.notEqual(a.name, b.name);
    assert.equal(new Queue({ name: 'jobs' }).name, 'jobs');
    assert.throws(() => new Queue({ name: 5 as unknown as string }), TypeError);
  });

  it('kind reflects the storage discipline', () => {
    assert.equal(new Queue().kind, 'fifo');
    assert.equal(new LifoQueue().kind, 'lifo');
    assert.equal(new PriorityQueue().kind, 'priority');
  });
});

describe('shutdown bookkeeping', () => {
  it('immediate shutdown counts every dropped item as done for join()', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 5; i++) q.putNowait(i);
    const taken = [q.getNowait(), q.getNowait()]; // 2 taken, not yet done; 3 queued
    const join = track(q.join());
    q.shutdown({ immediate: true });
    assert.equal(q.unfinishedTasks, 2);
    await tick();
    assert.ok(!join.settled);
    q.taskDone();
    await tick();
    assert.ok(!join.settled);
    q.taskDone();
    await tick();
    assert.ok(join.fulfilled);
    assert.deepEqual(taken, [0, 1]);
    assert.throws(() => q.taskDone(), RangeError);
  });

  it('immediate shutdown after a graceful one still drops what is left', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown();
    assert.equal(await q.get(), 1);
    q.shutdown({ immediate: true });
    assert.equal(q.qsize(), 0);
    assert.equal(q.unfinishedTasks, 1);
    assert.ok((await rejection(q.get())) instanceof QueueShutDown);
  });

  it('close() is a graceful shutdown', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.close();
    assert.ok(q.isShutdown);
    assert.equal(await q.get(), 1);
    assert.ok((await rejection(q.get())) instanceof QueueShutDown);
  });

  it('graceful shutdown fails every blocked producer and waiting consumer, in both roles', async () => {
    const full = new Queue<number>({ maxsize: 1 });
    full.putNowait(0);
    const puts = [track(full.put(1)), track(full.put(2))];
    const empty = new Queue<number>();
    const gets = [track(empty.get()), track(empty.get({ timeout: 60_000 }))];
    full.shutdown();
    empty.shutdown();
    await tick();
    for (const t of [...puts, ...gets]) assert.ok(t.error instanceof QueueShutDown);
    assert.equal(full.getNowait(), 0);
    assert.deepEqual(full.waiters, { getters: 0, putters: 0 });
    assert.deepEqual(empty.waiters, { getters: 0, putters: 0 });
  });
});

describe('async iteration', () => {
  it('yields in order and ends after shutdown once drained', async () => {
    const q = new Queue<number>();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const x of q) seen.push(x);
      return 'ended';
    })();
    for (let i = 0; i < 5; i++) await q.put(i);
    q.putNowait(5);
    q.shutdown();
    assert.equal(await consumer, 'ended');
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  });

  it('ends at once on an immediate shutdown, dropping the rest', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    const seen: number[] = [];
    for await (const x of q) {
      seen.push(x);
      q.shutdown({ immediate: true });
    }
    assert.deepEqual(seen, [1]);
  });

  it('breaking out leaves the remaining items in the queue', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 3; i++) q.putNowait(i);
    for await (const x of q) if (x === 0) break;
    assert.equal(q.qsize(), 2);
  });

  it('return() cancels the get it has pending: the next item stays for the next consumer', async () => {
    const q = new Queue<string>();
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    assert.deepEqual(q.waiters, { getters: 1, putters: 0 });
    assert.deepEqual(await it.return!(), { value: undefined, done: true });
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.deepEqual(q.waiters, { getters: 0, putters: 0 });
    q.putNowait('e2');
    assert.equal(await q.get({ timeout: 1000 }), 'e2');
    assert.deepEqual(await it.next(), { value: undefined, done: true }, 'an ended iterator yields nothing more');
  });

  it('a destroyed Readable.from(queue) loses no item', async () => {
    const { Readable } = await import('node:stream');
    const q = new Queue<string>();
    const stream = Readable.from(q);
    q.putNowait('e1');
    const [first] = (await once(stream, 'data')) as [string];
    assert.equal(first, 'e1');
    stream.destroy();
    await once(stream, 'close');
    await tick();
    q.putNowait('e2');
    assert.equal(q.qsize(), 1);
    assert.equal(q.getNowait(), 'e2');
  });

  for (const [label, make, order] of [
    ['Queue', () => new Queue<string>(), ['a', 'b']],
    ['LifoQueue', () => new LifoQueue<string>(), ['b', 'a']], // the get was owed the newest: b
    ['PriorityQueue', () => new PriorityQueue<string>(), ['a', 'b']],
  ] as const) {
    it(`${label}: an item served in the job before return() goes back, first in line and unfinished`, async () => {
      const q = make();
      const it = q[Symbol.asyncIterator]();
      const pending = it.next();
      q.putNowait('a'); // served to the iterator's get; its promise settles one job later
      q.putNowait('b');
      await it.return!();
      assert.deepEqual(await pending, { value: undefined, done: true });
      assert.equal(q.unfinishedTasks, 2);
      assert.deepEqual([q.getNowait(), q.getNowait()], order);
    });
  }

  for (const [label, make] of [
    ['Queue', () => new Queue<string>()],
    ['LifoQueue', () => new LifoQueue<string>()],
    ['PriorityQueue', () => new PriorityQueue<string>({ compare: () => 0 })], // all equal: insertion order
  ] as const) {
    it(`${label}: items given back in one job keep the order they were served in`, async () => {
      // The order a get takes them in, with nobody iterating: the reference.
      const plain = make();
      for (const x of ['a', 'b', 'c', 'd']) plain.putNowait(x);
      const expected = ['a', 'b', 'c', 'd'].map(() => plain.getNowait());
      const q = make();
      const its = [q[Symbol.asyncIterator](), q[Symbol.asyncIterator]()];
      const pending = [its[0].next(), its[1].next(), its[0].next()];
      for (const x of ['a', 'b', 'c', 'd']) q.putNowait(x); // three served, one stored
      for (const it of its) await it.return!();
      for (const p of pending) assert.deepEqual(await p, { value: undefined, done: true });
      assert.equal(q.unfinishedTasks, 4);
      assert.deepEqual(['a', 'b', 'c', 'd'].map(() => q.getNowait()), expected);
    });
  }

  it('PriorityQueue: an item given back goes ahead of the items that compare equal to it', async () => {
    const q = new PriorityQueue<{ p: number; name: string }>({ compare: (a, b) => a.p - b.p });
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    for (const name of ['first', 'second', 'third']) q.putNowait({ p: 1, name });
    await it.return!();
    await pending;
    assert.deepEqual([q.getNowait().name, q.getNowait().name, q.getNowait().name], ['first', 'second', 'third']);
  });

  it('PriorityQueue: a comparator that refuses the given-back item: next() rejects with its error, and the item counts as done', async () => {
    let refuse = false;
    const q = new PriorityQueue<number>({
      compare: (a, b) => {
        if (refuse) throw new Error('compare failed');
        return a - b;
      },
    });
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    q.putNowait(5);
    q.putNowait(7);
    refuse = true;
    await it.return!();
    await assert.rejects(pending, /compare failed/);
    refuse = false;
    assert.deepEqual([q.qsize(), q.unfinishedTasks], [1, 1]);
    q.getNowait();
    q.taskDone();
    await q.join(); // resolves: the refused item is not waited for
  });

  it('the give-back is no public method', () => {
    const q = new Queue<number>();
    assert.equal((q as unknown as Record<string, unknown>).putBack, undefined);
    assert.ok(!Object.getOwnPropertyNames(Queue.prototype).some((k) => /back/i.test(k) && k !== '_putBack'));
  });

  it('an item given back after an immediate shutdown is dropped and counted done', async () => {
    const q = new Queue<string>();
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    q.putNowait('a');
    const joined = track(q.join());
    q.shutdown({ immediate: true });
    await it.return!();
    await pending;
    await tick();
    assert.equal(q.qsize(), 0);
    assert.equal(q.unfinishedTasks, 0);
    assert.ok(joined.fulfilled);
  });

  it('an item given back goes to a consumer already waiting', async () => {
    const q = new Queue<string>();
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    q.putNowait('a');
    const other = q.get();
    await it.return!();
    await pending;
    assert.equal(await other, 'a');
    assert.equal(q.unfinishedTasks, 1);
  });
});

describe('taskDone/join', () => {
  it('join() resolves only after the last taskDone(), for every joiner', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    const j1 = track(q.join());
    const j2 = track(q.join());
    q.getNowait();
    q.getNowait();
    q.taskDone();
    await tick();
    assert.ok(!j1.settled && !j2.settled);
    q.taskDone();
    await tick();
    assert.ok(j1.fulfilled && j2.fulfilled);
  });

  it('an item handed straight to a waiting getter counts as a task', async () => {
    const q = new Queue<number>();
    const g = q.get();
    q.putNowait(1);
    await g;
    assert.equal(q.unfinishedTasks, 1);
    const j = track(q.join());
    await tick();
    assert.ok(!j.settled);
    q.taskDone();
    await tick();
    assert.ok(j.fulfilled);
  });
});
