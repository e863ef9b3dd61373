// Waiter reuse (issue #13): served waiters go to a realm-wide pool of 64, then to their
// queue's own spare slot, and come back with the state of a new waiter.

import { strict as assert } from 'node:assert';
import { recycleWaiter, SPARE, takeWaiter, Waiter, WaiterList, type WaiterOwner } from '../../../src/queue/waiters';

function owner(): WaiterOwner {
  return { [SPARE]: null, expireWaiter: () => {}, takeClaim: () => undefined };
}

/** Empty the realm's pool, which other tests leave waiters in: it holds at most 64. */
function drainPool(): void {
  const o = owner();
  for (let i = 0; i <= 64; i++) takeWaiter('get', o);
}

describe('waiter reuse', () => {
  it('pools 64 served waiters realm-wide, then one per owner; hands them back reset, newest first', () => {
    drainPool();
    const a = owner();
    const served = Array.from({ length: 70 }, () => new Waiter<unknown>('get'));
    for (const w of served) {
      w.item = 'x';
      w.timeoutMs = 50;
      w.trace = 7;
      w.owner = a;
      recycleWaiter(w, a);
    }
    assert.equal(a[SPARE], served[64], "the first one past the pool is its owner's spare");
    const b = owner();
    const again = Array.from({ length: 64 }, (_, i) => takeWaiter<unknown>(i % 2 ? 'put' : 'get', b));
    assert.deepEqual(again, served.slice(0, 64).reverse());
    for (const [i, w] of again.entries()) {
      assert.equal(w.role, i % 2 ? 'put' : 'get');
      assert.deepEqual([w.item, w.timeoutMs, w.trace, w.owner, w.next, w.linked], [undefined, 0, undefined, null, null, false]);
    }
    // The pool is empty: an owner's own spare comes next, then a new waiter.
    assert.equal(takeWaiter('get', a), served[64]);
    assert.equal(a[SPARE], null);
    const fresh = takeWaiter('get', a);
    assert.ok(!served.includes(fresh as Waiter<unknown>));
  });

  it('never keeps a waiter still in a list', () => {
    drainPool();
    const o = owner();
    const list = new WaiterList<unknown>();
    const w = new Waiter<unknown>('get');
    list.append(w);
    recycleWaiter(w, o);
    assert.notEqual(takeWaiter('get', o), w);
    list.remove(w);
    recycleWaiter(w, o);
    assert.equal(takeWaiter('get', o), w);
  });
});
