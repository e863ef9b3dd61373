// Safe previews of hostile queue items (src/trace/preview.ts), and a snapshot carrying them.

import * as assert from 'node:assert/strict';
import { Queue } from '../../../src/queue/index';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';
import { PREVIEW_LIMITS, previewValue } from '../../../src/trace/preview';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describe('trace: item previews', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['primitives', [1, -0, 'a"b', true, null, undefined, 10n], '[ 1, -0, "a\\"b", true, null, undefined, 10n ]'],
    ['symbols', { s: Symbol('tag'), [Symbol('k')]: 1 }, '{ s: Symbol(tag), [Symbol(k)]: 1 }'],
    ['functions and classes', [function named() {}, () => 1, Point], /^\[ \[Function named\], \[Function \(anonymous\)\], \[class Point\] \]$/],
    ['class instances', new Point(1, 2), 'Point { x: 1, y: 2 }'],
    ['Map and Set', [new Map<unknown, unknown>([['k', { v: 1 }]]), new Set([1, 2])], '[ Map(1) { "k" => { v: 1 } }, Set(2) { 1, 2 } ]'],
    ['Date', new Date(Date.UTC(2020, 0, 2)), '2020-01-02T00:00:00.000Z'],
    ['invalid Date', new Date(NaN), 'Invalid Date'],
    ['Error', new RangeError('too far'), 'RangeError: too far'],
    ['typed arrays', new Uint8Array([1, 2, 3]), 'Uint8Array(3) [ 1, 2, 3 ]'],
    ['a Buffer by its own name, not its base class', Buffer.from([1, 2]), 'Buffer(2) [ 1, 2 ]'],
    ['null prototype', Object.assign(Object.create(null) as object, { a: 1 }), '[Object: null prototype] { a: 1 }'],
    ['sparse arrays', [1, , 3], '[ 1, <empty>, 3 ]'], // eslint-disable-line no-sparse-arrays
    ['deep objects', { a: { b: { c: { d: { e: 1 } } } } }, '{ a: { b: { c: [Object] } } }'],
    ['odd keys', { 'a b': 1, $ok: 2 }, '{ "a b": 1, $ok: 2 }'],
  ];
  for (const [name, value, expected] of cases) {
    it(`renders ${name}`, () => {
      const text = previewValue(value);
      if (typeof expected === 'string') assert.equal(text, expected);
      else assert.match(text, expected);
    });
  }

  it('marks cycles instead of recursing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a];
    assert.equal(previewValue(a), '{ name: "a", self: [Circular], list: [ [Circular] ] }');
  });

  it('truncates huge strings with a count, and long output overall', () => {
    const huge = 'x'.repeat(1_000_000);
    assert.equal(previewValue(huge), `"${'x'.repeat(PREVIEW_LIMITS.maxString)}"… (${1_000_000 - PREVIEW_LIMITS.maxString} more chars)`);
    const wide = Array.from({ length: 10_000 }, (_, i) => ({ i, s: 'y'.repeat(100) }));
    const text = previewValue(wide);
    assert.ok(text.length <= PREVIEW_LIMITS.maxChars + 1, `${text.length}`);
    assert.ok(text.endsWith('…'));
    assert.match(previewValue(Array.from({ length: 20 }, (_, i) => i)), /, … 12 more \]$/);
  });

  it('never runs getters, even throwing ones', () => {
    let calls = 0;
    const obj = {
      get bad(): number {
        calls++;
        throw new Error('getter ran');
      },
      ok: 1,
    };
    assert.equal(previewValue(obj), '{ bad: [Getter], ok: 1 }');
    assert.equal(calls, 0);
  });

  // A review: an item with no constructor name (an anonymous class, a Proxy on its prototype
  // chain) fell back to Object.prototype.toString, which runs a Symbol.toStringTag getter
  // or the Proxy's get trap, during a snapshot of a paused program.
  it('names an object with no constructor name without running a tag getter or a trap on its chain', () => {
    let calls = 0;
    const proto = { constructor: undefined };
    Object.defineProperty(proto, Symbol.toStringTag, {
      get() {
        calls++;
        return 'Sneaky';
      },
    });
    const sneaky = Object.assign(Object.create(proto) as object, { a: 1 });
    const behindProxy = Object.create(
      new Proxy(
        {},
        {
          get: () => {
            calls++;
            return undefined;
          },
        },
      ),
    ) as object;
    const Anon = (() => class {})();
    Object.defineProperty(Anon.prototype, Symbol.toStringTag, { value: 'Tagged' });
    assert.equal(previewValue([sneaky, behindProxy, new Anon()]), '[ { a: 1 }, {}, Tagged {} ]');
    assert.equal(calls, 0);
  });

  it('cuts long error messages, symbol descriptions and strings cleanly, never inside an emoji', () => {
    const long = 'connection refused; '.repeat(10);
    assert.equal(previewValue(new TypeError(long)), `TypeError: ${long.slice(0, 120)}… (${long.length - 120} more chars)`);
    const d = 'x'.repeat(70);
    assert.equal(previewValue(Symbol(d)), `Symbol(${'x'.repeat(60)}… (10 more chars))`);
    const emoji = `a${'😀'.repeat(200)}`;
    const text = previewValue(emoji);
    assert.doesNotMatch(text, /\\ud83d"/, 'no half emoji escaped at the cut');
    const m = /^"(.*)"… \((\d+) more chars\)$/u.exec(text);
    assert.ok(m, text.slice(-40));
    assert.equal(m[1].length + Number(m[2]), emoji.length, 'what is shown and what is counted add up');
  });

  it('shows Proxies without triggering their traps', () => {
    let traps = 0;
    const handler: ProxyHandler<object> = new Proxy(
      {},
      {
        get: () => () => {
          traps++;
          throw new Error('trap');
        },
      },
    );
    const p = new Proxy({ a: 1 }, handler);
    const fnProxy = new Proxy(function f() {}, handler);
    assert.equal(previewValue([p, fnProxy]), '[ Proxy {…}, Proxy {…} ]');
    assert.equal(traps, 0);
  });

  it('does not trust patched prototypes or toString', () => {
    const evil = new Point(1, 2);
    Object.defineProperty(evil, 'toString', { value: () => { throw new Error('no'); } });
    const m = new Map([[1, 2]]);
    m.entries = () => {
      throw new Error('patched');
    };
    assert.equal(previewValue([evil, m]), '[ Point { x: 1, y: 2 }, Map(1) { 1 => 2 } ]');
  });

  it('a snapshot previews hostile items without throwing', () => {
    const hub = new Hub({ ...DEFAULTS });
    hub.arm();
    const q = new Queue<unknown>({ name: 'hostile' });
    q.setProbe(hub.register(q));
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    const items: unknown[] = [cyclic, 12n, Symbol('s'), new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }), 'z'.repeat(5000)];
    for (const item of items) q.putNowait(item);
    const snap = hub.snapshot({ items: 3 });
    assert.equal(snap.queues[0].items.length, 3);
    assert.deepEqual(snap.queues[0].items, ['{ me: [Circular] }', '12n', 'Symbol(s)']);
    const all = JSON.parse(JSON.stringify(hub.snapshot({ items: 100 }))) as typeof snap;
    assert.equal(all.queues[0].items.length, 5);
    assert.equal(all.queues[0].items[3], 'Proxy {…}');
    assert.ok(all.queues[0].items[4].length < 200);
  });
});
