// Waiters that leave between polls stay listed for HOLD_MS, so the list does not blink.
import * as assert from 'node:assert/strict';
import type { WaiterInfo } from '../../../src/protocol/webview';
import { HOLD_MS, WaiterHold } from '../../../src/webview/waiterHold';

const w = (id: string, since = 0): WaiterInfo => ({ id, queue: 'q', role: 'put', since });
const ids = (shown: { info: WaiterInfo; endedAt?: number }[]) => shown.map((s) => `${s.info.id}${s.endedAt !== undefined ? '~' : ''}`);

describe('WaiterHold', () => {
  it('keeps a waiter that left for HOLD_MS, marked as ended', () => {
    const h = new WaiterHold();
    assert.deepEqual(ids(h.update('q', [w('1')], 0, true)), ['1']);
    assert.deepEqual(ids(h.update('q', [], 100, true)), ['1~'], 'left between polls: still listed');
    assert.equal(h.expired(100 + HOLD_MS - 1), false);
    assert.equal(h.expired(100 + HOLD_MS), true);
    assert.deepEqual(ids(h.update('q', [], 100 + HOLD_MS, true)), []);
  });

  it('a producer that blocks again and again stays listed without a gap', () => {
    const h = new WaiterHold();
    const seen: string[][] = [];
    // Each poll (100 ms) sees the producer either blocked (a new wait id) or not.
    const polls = [[w('1')], [], [w('2')], [], [w('3')], [w('3')], []];
    polls.forEach((current, i) => seen.push(ids(h.update('q', current, i * 100, true))));
    assert.ok(seen.every((list) => list.length > 0), `never empty: ${JSON.stringify(seen)}`);
  });

  it('shows exactly the current list while paused or for another queue', () => {
    const h = new WaiterHold();
    h.update('q', [w('1')], 0, true);
    assert.deepEqual(ids(h.update('q', [], 100, false)), [], 'paused: no hold');
    h.update('q', [w('2')], 200, true);
    assert.deepEqual(ids(h.update('other', [], 300, true)), [], 'another queue: nothing carried over');
  });

  it('a held waiter that comes back is current again', () => {
    const h = new WaiterHold();
    h.update('q', [w('1')], 0, true);
    h.update('q', [], 100, true);
    assert.deepEqual(ids(h.update('q', [w('1')], 200, true)), ['1']);
  });
});
