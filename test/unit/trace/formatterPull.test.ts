// The hub's side of the formatter read (issue #17): a holder whose marker drains each time a
// debugger describes it through `globalThis.devtoolsFormatters`, here called as V8 calls it
// (header(obj) for every object described). The real inspector path is
// test/unit/debugger/formatterFetch.test.ts; this pins the formatter's own rules.
import * as assert from 'node:assert/strict';
import { Hub } from '../../../src/trace/hub';
import { DEFAULTS } from '../../../src/trace/config';
import { pullHolder } from '../../../src/trace/formatterPull';
import { formatterPullExpression, HUB_SYMBOL, PULL_TAG } from '../../../src/protocol/hub';
import { drainFromHeader } from '../../../src/host/polling/formatterFetch';
import { Queue } from '../../../src/queue';

type Formatter = { header(o: unknown): unknown; hasBody(): boolean };
const g = globalThis as { devtoolsFormatters?: unknown } & Record<symbol, unknown>;
const KEY = Symbol.for(HUB_SYMBOL);

/** What V8 does for one described object: the first non-null header, JSON-stringified. */
function describe_(obj: unknown): string | undefined {
  for (const f of g.devtoolsFormatters as Formatter[]) {
    const h = f.header(obj);
    if (h !== null && h !== undefined) return JSON.stringify(h);
  }
  return undefined;
}

describe('trace: the formatter read', () => {
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    saved = Object.getOwnPropertyDescriptor(globalThis, 'devtoolsFormatters');
    delete g.devtoolsFormatters;
  });
  afterEach(() => {
    delete g.devtoolsFormatters;
    if (saved) Object.defineProperty(globalThis, 'devtoolsFormatters', saved);
  });

  it('drains afresh each time the marker is described, and answers for nothing else', () => {
    let n = 0;
    const holder = pullHolder(() => `batch ${++n}`);
    assert.equal(typeof holder, 'object');
    const h = holder as { drain: object };
    assert.deepEqual(Object.keys(h), ['drain']);
    assert.equal(Object.getPrototypeOf(h), null, 'no prototype for the debugger to describe too');
    assert.equal(drainFromHeader(describe_(h.drain)), 'batch 1');
    assert.equal(drainFromHeader(describe_(h.drain)), 'batch 2');
    assert.equal(describe_({}), undefined);
    assert.equal(describe_(h), undefined);
    assert.equal(describe_(Object.create(null)), undefined);
    assert.equal(n, 2, 'describing other objects drained nothing');
    assert.ok(!Object.keys(globalThis).includes('devtoolsFormatters'), 'the list it made is not enumerable');
  });

  it('never throws: a failing drain describes as nothing', () => {
    const holder = pullHolder(() => {
      throw new Error('boom');
    }) as { drain: object };
    assert.equal(describe_(holder.drain), undefined);
  });

  it('goes first in the program\u2019s own list, keeps the program\u2019s formatters, and is listed once', () => {
    const mine: Formatter = { header: () => ['span', {}, 'mine'], hasBody: () => false };
    g.devtoolsFormatters = [mine];
    const a = pullHolder(() => 'a') as { drain: object };
    const b = pullHolder(() => 'b') as { drain: object };
    const list = g.devtoolsFormatters as Formatter[];
    assert.equal(list.length, 2);
    assert.equal(list[1], mine);
    assert.equal(drainFromHeader(describe_(a.drain)), 'a');
    assert.equal(drainFromHeader(describe_(b.drain)), 'b');
    assert.equal(describe_({}), '["span",{},"mine"]');
  });

  it('refuses, with a reason, a devtoolsFormatters that is not a list it can add to', () => {
    g.devtoolsFormatters = 'not a list';
    assert.match(pullHolder(() => '') as string, /not an array/);
    g.devtoolsFormatters = Object.freeze([]);
    assert.match(pullHolder(() => '') as string, /not an array/);
  });

  it('the reader\u2019s expression gives the hub\u2019s holder, whose drains are columnar batches in seq order', () => {
    const saved = g[KEY];
    const hub = new Hub({ ...DEFAULTS });
    g[KEY] = hub;
    try {
      const holder = (0, eval)(formatterPullExpression(64 * 1024)) as { drain: object };
      const q = new Queue({ name: 'jobs' });
      q.putNowait(1);
      type Batch = { seq: number; events: { type: string; name?: string }[] };
      const first = JSON.parse(drainFromHeader(describe_(holder.drain)) as string) as Batch;
      const second = JSON.parse(drainFromHeader(describe_(holder.drain)) as string) as Batch;
      assert.equal(second.seq, first.seq + 1);
      assert.ok(first.events.some((e) => e.type === 'queue' && e.name === 'jobs'), 'the new queue is announced');
      assert.ok(first.events.some((e) => e.type === 'counterCols'), 'the columnar summary');
    } finally {
      if (saved === undefined) delete g[KEY];
      else g[KEY] = saved;
    }
  });

  it('a header that is not the hub\u2019s is refused with a reason, never taken for a batch', () => {
    assert.match(String(drainFromHeader(undefined)), /no custom preview/);
    assert.match(String(drainFromHeader('{')), /not JSON/);
    assert.match(String(drainFromHeader('["span",{},"x"]')), /not the hub/);
    assert.match(String(drainFromHeader(JSON.stringify([PULL_TAG, {}, 5]))), /not the hub/);
    assert.equal(drainFromHeader(JSON.stringify([PULL_TAG, {}, '{"v":1}'])), '{"v":1}');
  });
});
