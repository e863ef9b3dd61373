// The hub's hand-written JSON of 'wait' and 'waitEnd' must be exactly JSON.stringify's.

import * as assert from 'node:assert/strict';
import type { CallSite, WireEvent } from '../../../src/protocol/wire';
import { eventJson, shortWaitsJson } from '../../../src/trace/eventJson';

describe('trace: eventJson', () => {
  it('writes wait and waitEnd events exactly as JSON.stringify, and any other event through it', () => {
    const site: CallSite = { file: 'C:\\work\\"quoted" app.js', line: 12, column: 3, fn: 'consumer\u2028' };
    const events: WireEvent[] = [
      { type: 'wait', t: 1234.5678, q: 7, w: 99, role: 'get', site },
      { type: 'wait', t: 1234.5678, q: 7, w: 100, role: 'get', site }, // the same site again (cached)
      { type: 'wait', t: 0, q: 1, w: 2, role: 'put', site: undefined },
      { type: 'wait', t: 3e-7, q: 1, w: 3, role: 'put', site, adopted: true },
      { type: 'waitEnd', t: 1e21, q: 7, w: 99, outcome: 'timeout', ms: 50.000001 },
      { type: 'waitEnd', t: -0, q: 7, w: 100, outcome: 'served', ms: NaN },
      { type: 'gc', t: 5, q: 3 },
    ];
    for (const ev of events) assert.equal(eventJson(ev), JSON.stringify(ev));
  });

  it('writes shortWaits events exactly as JSON.stringify', () => {
    const cases: [number, number, 'put' | 'get', number, number, number[]][] = [
      [1234.5678, 7, 'get', 3, 0.25, [1, 2, 0, 0]],
      [0, 1, 'put', 1, 1e21, [0, 0, 0, 1]],
      [-0, 2, 'get', 2, NaN, [2]],
      [5, 3, 'put', 0, Infinity, []],
    ];
    for (const [t, q, role, count, totalMs, hist] of cases) {
      assert.equal(shortWaitsJson(t, q, role, count, totalMs, hist), JSON.stringify({ type: 'shortWaits', t, q, role, count, totalMs, hist }));
    }
  });
});
