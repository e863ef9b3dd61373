// The FIFO storage (src/queue/ring.ts): order across growth from any head position, and the
// backing array's elements kind, which must not change when it grows (a change deoptimises
// every optimised caller once more while the code warms up; issue #13's cold burst).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Ring } from '../../../src/queue/ring';

describe('queue storage: ring buffer', () => {
  it('keeps FIFO order when it grows with its head anywhere, and releases taken items', () => {
    for (let offset = 0; offset < 40; offset++) {
      const r = new Ring<object | number>();
      // Move the head `offset` places, so growth happens with the items wrapped around.
      for (let i = 0; i < offset; i++) r.push(-1);
      for (let i = 0; i < offset; i++) r.shift();
      for (let i = 0; i < 1000; i++) r.push(i % 7 === 0 ? { i } : i);
      assert.equal(r.length, 1000);
      assert.deepEqual(r.at(0), { i: 0 });
      assert.equal(r.at(999), 999);
      for (let i = 0; i < 1000; i++) {
        const v = r.shift();
        assert.deepEqual(v, i % 7 === 0 ? { i } : i, `offset ${offset}, item ${i}`);
      }
      assert.equal(r.length, 0);
      const buf = (r as unknown as { buf: unknown[] }).buf;
      assert.ok(buf.every((x) => x === undefined), 'a taken item is not kept alive');
    }
  });

  it('unshift() puts an item first, across the wrap and through growth', () => {
    for (let offset = 0; offset < 20; offset++) {
      const r = new Ring<number>();
      for (let i = 0; i < offset; i++) r.push(-1);
      for (let i = 0; i < offset; i++) r.shift();
      for (let i = 0; i < 20; i++) r.push(i);
      for (let i = -1; i >= -20; i--) r.unshift(i); // 40 items: grows from the head side
      const out: number[] = [];
      while (r.length > 0) out.push(r.shift());
      assert.deepEqual(out, [...Array.from({ length: 20 }, (_, k) => k - 20), ...Array.from({ length: 20 }, (_, k) => k)], `offset ${offset}`);
    }
  });

  it('insertAt(k) puts an item after the first k, across the wrap and through growth', () => {
    for (let offset = 0; offset < 20; offset++) {
      for (const k of [0, 1, 5, 15, 16]) {
        const r = new Ring<number>();
        for (let i = 0; i < offset; i++) r.push(-1);
        for (let i = 0; i < offset; i++) r.shift();
        for (let i = 0; i < 16; i++) r.push(i); // full: the insert grows it
        r.insertAt(k, 99);
        const out: number[] = [];
        while (r.length > 0) out.push(r.shift());
        const expected = Array.from({ length: 16 }, (_, i) => i);
        expected.splice(k, 0, 99);
        assert.deepEqual(out, expected, `offset ${offset}, k ${k}`);
      }
    }
  });

  it('its backing array keeps the same elements kind (map) through every growth', () => {
    const root = path.resolve(__dirname, '../../..');
    const program = `
      const { Ring } = require('./src/queue/ring');
      const r = new Ring();
      const first = r.buf;
      const same = [];
      r.push(1); r.shift(); r.push(2); r.shift(); // head away from 0
      for (let i = 0; i < 5000; i++) { r.push(i % 3 ? i : { i }); same.push(%HaveSameMap(first, r.buf)); }
      console.log(JSON.stringify({ grown: r.buf !== first, same: same.every(Boolean), holey: %HasHoleyElements(r.buf), objects: %HasObjectElements(r.buf) }));
    `;
    const res = spawnSync(process.execPath, ['--allow-natives-syntax', '--require', 'tsx/cjs', '-e', program], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout.trim()), { grown: true, same: true, holey: true, objects: true });
  });

  it('holds up to 15,000 items in ordinary arrays, below V8\'s large-object size', () => {
    // 16,382 slots of 8 bytes plus the header is V8's largest ordinary object on 64-bit
    // Node; past it, each new backing array went to the large-object space at ~0.5 ms a
    // time (src/queue/ring.ts). Doubling reached 16,384 slots for 10,000 items.
    for (const n of [10_000, 15_000]) {
      const r = new Ring<number>();
      for (let i = 0; i < n; i++) r.push(i);
      const slots = (r as unknown as { buf: unknown[] }).buf.length;
      assert.ok(slots >= n && slots <= 16_382, `${n} items: ${slots} slots`);
      for (let i = 0; i < n; i++) assert.equal(r.shift(), i);
    }
  });
});
