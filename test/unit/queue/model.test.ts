// Model-based test: thousands of seeded random interleavings of put/get/putNowait/
// getNowait/timeout/abort/shutdown/taskDone/join, run against the library and against
// a plain reference model. Every call's outcome must match the model (which serves
// items and waiters strictly in order), sizes must match after every step, and an
// independent ledger checks that no item is ever lost or duplicated. A LIFO or priority
// getter served by a put takes its item when its promise settles (the storage's next item
// then, as asyncio's woken getter does), so the model resolves those claims at each await.
//
// Timers are replaced by a fake at the globalThis edge so a "timeout" fires exactly
// when the test says; everything else is the real library.

import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { LifoQueue, PriorityQueue, Queue } from '../../../src/queue/index';
import { track, type Tracked } from './helpers';
import { seededRandom } from '../../helpers/prng';

type Kind = 'fifo' | 'lifo' | 'priority';
const keyOf = (item: number): number => item % 5; // priority key with many ties

interface FakeTimer {
  cb: () => void;
  ms: number;
  cleared: boolean;
  fired: boolean;
}

/** Expected outcome of one blocking call, as the model predicts it. */
interface Call {
  id: number;
  role: 'put' | 'get';
  item?: number;
  tracked: Tracked<unknown>;
  controller?: AbortController;
  timer?: FakeTimer;
  expect: { state: 'pending' } | { state: 'resolved'; value: unknown } | { state: 'rejected'; name: string; reason?: unknown };
}

/** The reference: arrays and linear scans, obviously correct rather than fast. */
class Model {
  items: number[] = []; // in insertion order
  getters: Call[] = [];
  putters: Call[] = [];
  unfinished = 0;
  shut = false;
  /** LIFO/priority getters served by a put, owed an item when the promise job runs (in order). */
  claims: Call[] = [];
  constructor(
    readonly kind: Kind,
    readonly maxsize: number,
  ) {}
  /** Items not owed to a served getter: what qsize() reports. */
  size(): number {
    return this.items.length - this.claims.length;
  }
  full(): boolean {
    return this.maxsize > 0 && this.size() >= this.maxsize;
  }
  /** A put found a waiting getter. */
  serve(g: Call, item: number): void {
    this.unfinished++;
    if (this.kind === 'fifo') {
      g.expect = { state: 'resolved', value: item };
      return;
    }
    this.store(item);
    this.claims.push(g);
  }
  /** The delivery job ran: each claim takes the storage's next item, in the order served. */
  settleClaims(): void {
    for (const g of this.claims.splice(0)) g.expect = { state: 'resolved', value: this.take() };
  }
  /** An immediate shutdown: the items owed to served getters stay; the rest are dropped. */
  dropUnclaimed(): void {
    const owed: number[] = [];
    for (let k = 0; k < this.claims.length; k++) owed.push(this.take());
    this.unfinished -= this.items.length;
    // Stored again so that take() returns them in the same order.
    this.items = this.kind === 'lifo' ? owed.reverse() : owed;
  }
  store(item: number): void {
    this.items.push(item);
  }
  take(): number {
    if (this.kind === 'fifo') return this.items.shift() as number;
    if (this.kind === 'lifo') return this.items.pop() as number;
    let best = 0; // first inserted among the smallest keys
    for (let i = 1; i < this.items.length; i++) if (keyOf(this.items[i]) < keyOf(this.items[best])) best = i;
    return this.items.splice(best, 1)[0];
  }
  /** A slot was freed: the longest-blocked producer's item moves in. */
  admitPutter(): void {
    const p = this.putters.shift();
    if (p === undefined) return;
    this.store(p.item as number);
    this.unfinished++;
    p.expect = { state: 'resolved', value: undefined };
  }
}

function makeQueue(kind: Kind, maxsize: number): Queue<number> {
  if (kind === 'lifo') return new LifoQueue<number>({ maxsize });
  if (kind === 'priority') return new PriorityQueue<number>({ maxsize, compare: (a, b) => keyOf(a) - keyOf(b) });
  return new Queue<number>({ maxsize });
}

async function runEpisode(kind: Kind, seed: number, steps: number, timers: FakeTimer[]): Promise<number> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const maxsize = pick([0, 1, 2, 3, 8]);
  const q = makeQueue(kind, maxsize);
  const m = new Model(kind, maxsize);
  const calls: Call[] = [];
  const joins: { tracked: Tracked<void>; expectDone: boolean }[] = [];
  // Ledger, built from what the library actually did (not from the model).
  const accepted: number[] = [];
  const received: number[] = [];
  const dropped: number[] = [];
  let nextItem = 0;
  let ops = 0;

  const waitOptions = (c: Call): { timeout?: number; signal?: AbortSignal } | undefined => {
    const r = rand();
    if (r < 0.3) return undefined;
    const opts: { timeout?: number; signal?: AbortSignal } = {};
    if (r < 0.75) opts.timeout = rand() < 0.1 ? pick([0, -1]) : 1 + Math.floor(rand() * 1000);
    if (r >= 0.55) {
      c.controller = new AbortController();
      opts.signal = c.controller.signal;
    }
    return opts;
  };
  const noteTimer = (c: Call, before: number, opts: { timeout?: number } | undefined) => {
    const made = timers.length - before;
    const blocked = c.expect.state === 'pending';
    const wantsTimer = blocked && opts?.timeout !== undefined && opts.timeout > 0;
    assert.equal(made, wantsTimer ? 1 : 0, `call ${c.id}: ${made} timers for a ${blocked ? 'blocking' : 'non-blocking'} call`);
    if (made === 1) {
      c.timer = timers[timers.length - 1];
      assert.equal(c.timer.ms, opts?.timeout);
    }
  };

  for (let step = 0; step < steps; step++) {
    const r = rand();
    ops++;
    if (r < 0.22) {
      // put
      const item = nextItem++;
      const c: Call = { id: calls.length, role: 'put', item, tracked: undefined as never, expect: { state: 'pending' } };
      const opts = waitOptions(c);
      const before = timers.length;
      if (m.shut) c.expect = { state: 'rejected', name: 'QueueShutDown' };
      else if (m.getters.length > 0) {
        m.serve(m.getters.shift() as Call, item);
        c.expect = { state: 'resolved', value: undefined };
      } else if (!m.full()) {
        m.store(item);
        m.unfinished++;
        c.expect = { state: 'resolved', value: undefined };
      } else if (opts?.timeout !== undefined && opts.timeout <= 0) c.expect = { state: 'rejected', name: 'TimeoutError' };
      else m.putters.push(c);
      c.tracked = track(q.put(item, opts));
      c.tracked.promise.then(() => accepted.push(item), () => undefined);
      calls.push(c);
      noteTimer(c, before, opts);
    } else if (r < 0.44) {
      // get
      const c: Call = { id: calls.length, role: 'get', tracked: undefined as never, expect: { state: 'pending' } };
      const opts = waitOptions(c);
      const before = timers.length;
      if (m.size() > 0) {
        c.expect = { state: 'resolved', value: m.take() };
        m.admitPutter();
      } else if (m.shut) c.expect = { state: 'rejected', name: 'QueueShutDown' };
      else if (opts?.timeout !== undefined && opts.timeout <= 0) c.expect = { state: 'rejected', name: 'TimeoutError' };
      else m.getters.push(c);
      c.tracked = track(q.get(opts));
      c.tracked.promise.then((v) => received.push(v as number), () => undefined);
      calls.push(c);
      noteTimer(c, before, opts);
    } else if (r < 0.52) {
      const item = nextItem++;
      let expected: string | null = null;
      if (m.shut) expected = 'QueueShutDown';
      else if (m.getters.length > 0) m.serve(m.getters.shift() as Call, item);
      else if (m.full()) expected = 'QueueFull';
      else {
        m.store(item);
        m.unfinished++;
      }
      let thrown: string | null = null;
      try {
        q.putNowait(item);
        accepted.push(item);
      } catch (e) {
        thrown = (e as Error).name;
      }
      assert.equal(thrown, expected, `putNowait #${step}`);
    } else if (r < 0.6) {
      let expected: number | string;
      if (m.size() > 0) {
        expected = m.take();
        m.admitPutter();
      } else expected = m.shut ? 'QueueShutDown' : 'QueueEmpty';
      let got: number | string;
      try {
        got = q.getNowait();
        received.push(got);
      } catch (e) {
        got = (e as Error).name;
      }
      assert.equal(got, expected, `getNowait #${step}`);
    } else if (r < 0.7) {
      // a timer fires
      const withTimer = calls.filter((c) => c.timer !== undefined && !c.timer.fired);
      if (withTimer.length === 0) continue;
      const c = pick(withTimer);
      const t = c.timer as FakeTimer;
      const list = c.role === 'put' ? m.putters : m.getters;
      const at = list.indexOf(c);
      if (at >= 0) {
        assert.ok(!t.cleared, `call ${c.id}: timer cleared while still waiting`);
        list.splice(at, 1);
        c.expect = { state: 'rejected', name: 'TimeoutError' };
      } else assert.ok(t.cleared, `call ${c.id}: settled but its timer was left running`);
      t.fired = true;
      t.cb(); // a cleared timer's callback would never run; running it anyway must be harmless
    } else if (r < 0.8) {
      const withSignal = calls.filter((c) => c.controller !== undefined && !c.controller.signal.aborted);
      if (withSignal.length === 0) continue;
      const c = pick(withSignal);
      const ctl = c.controller as AbortController;
      const list = c.role === 'put' ? m.putters : m.getters;
      const at = list.indexOf(c);
      const reason = new Error(`abort ${c.id}`);
      if (at >= 0) {
        list.splice(at, 1);
        c.expect = { state: 'rejected', name: 'Error', reason };
      } else assert.equal(getEventListeners(ctl.signal, 'abort').length, 0, `call ${c.id}: listener left after settling`);
      ctl.abort(reason);
    } else if (r < 0.86) {
      let expected: string | null = null;
      if (m.unfinished === 0) expected = 'RangeError';
      else m.unfinished--;
      let thrown: string | null = null;
      try {
        q.taskDone();
      } catch (e) {
        thrown = (e as Error).name;
      }
      assert.equal(thrown, expected, `taskDone #${step}`);
      if (m.unfinished === 0) for (const j of joins) j.expectDone = true;
    } else if (r < 0.89) {
      joins.push({ tracked: track(q.join()), expectDone: m.unfinished === 0 });
    } else if (r < 0.996) {
      await (rand() < 0.5 ? Promise.resolve() : new Promise<void>((resolve) => setImmediate(resolve)));
      m.settleClaims();
    } else {
      const immediate = rand() < 0.5;
      m.shut = true;
      if (immediate) {
        dropped.push(...q.peek(q.qsize()).map(Number));
        m.dropUnclaimed();
        if (m.unfinished === 0) for (const j of joins) j.expectDone = true;
      }
      for (const c of [...m.putters, ...m.getters]) c.expect = { state: 'rejected', name: 'QueueShutDown' };
      m.putters = [];
      m.getters = [];
      q.shutdown({ immediate });
    }
    assert.equal(q.qsize(), m.size(), `qsize after step ${step}`);
    if (maxsize > 0) assert.ok(q.qsize() <= maxsize, 'size above maxsize');
    assert.deepEqual(q.waiters, { getters: m.getters.length, putters: m.putters.length }, `waiters after step ${step}`);
    assert.equal(q.unfinishedTasks, m.unfinished, `unfinished after step ${step}`);
  }

  // Settle everything still pending, then compare every call with the model.
  const leftInQueue = q.peek(q.qsize()).map(Number);
  m.settleClaims(); // the claimed items are not in the preview, and the shutdown keeps them
  for (const c of [...m.putters, ...m.getters]) c.expect = { state: 'rejected', name: 'QueueShutDown' };
  q.shutdown({ immediate: true });
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (const c of calls) {
    const t = c.tracked;
    const e = c.expect;
    assert.ok(t.settled, `call ${c.id} (${c.role}) never settled`);
    if (e.state === 'resolved') {
      assert.ok(t.fulfilled, `call ${c.id} (${c.role}) rejected with ${String(t.error)}, expected ${String(e.value)}`);
      assert.equal(t.value, e.value, `call ${c.id} (${c.role}) value`);
    } else if (e.state === 'rejected') {
      assert.ok(!t.fulfilled, `call ${c.id} (${c.role}) resolved, expected ${e.name}`);
      assert.equal((t.error as Error).name, e.name, `call ${c.id} (${c.role}) error`);
      if (e.reason !== undefined) assert.equal(t.error, e.reason);
    }
    if (c.timer !== undefined) assert.ok(c.timer.cleared || c.timer.fired, `call ${c.id}: timer never cleared`);
    if (c.controller !== undefined) assert.equal(getEventListeners(c.controller.signal, 'abort').length, 0);
  }
  for (const j of joins) assert.equal(j.tracked.settled, j.expectDone, 'join() state');
  // Independent ledger: every accepted item was received, dropped or left, exactly once.
  const out = [...received, ...dropped, ...leftInQueue].sort((a, b) => a - b);
  assert.deepEqual(out, accepted.slice().sort((a, b) => a - b), 'items lost or duplicated');
  return ops;
}

describe('model-based random interleavings', function () {
  this.timeout(60_000);
  let realSet: typeof setTimeout;
  let realClear: typeof clearTimeout;
  const timers: FakeTimer[] = [];

  beforeEach(() => {
    realSet = globalThis.setTimeout;
    realClear = globalThis.clearTimeout;
    timers.length = 0;
    globalThis.setTimeout = ((cb: () => void, ms: number) => {
      const t: FakeTimer = { cb, ms, cleared: false, fired: false };
      timers.push(t);
      return t;
    }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((t: FakeTimer) => {
      t.cleared = true;
    }) as unknown as typeof clearTimeout;
  });
  afterEach(() => {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  });

  for (const kind of ['fifo', 'lifo', 'priority'] as Kind[]) {
    it(`${kind}: 40 seeded episodes of 250 operations match the model`, async () => {
      let total = 0;
      for (let seed = 1; seed <= 40; seed++) {
        try {
          total += await runEpisode(kind, seed * 7919 + kind.length, 250, timers);
        } catch (err) {
          (err as Error).message = `[${kind} seed ${seed}] ${(err as Error).message}`;
          throw err;
        }
      }
      assert.ok(total >= 10_000);
    });
  }
});
