// The hub's view of another library's queue (src/trace/adapters/target.ts) when the library
// misbehaves in the pool-state reads: a getter that throws turns the adapter off for that
// queue with one warning per library, every read then gives nothing, and nothing is thrown
// to the caller (the hub, at a drain or a snapshot).

import * as assert from 'node:assert/strict';
import { AdaptedQueue } from '../../../src/trace/adapters/target';

describe('adapters: AdaptedQueue with a library whose state reads throw', () => {
  let warnings: string[] = [];
  const original = process.emitWarning;
  beforeEach(() => {
    warnings = [];
    process.emitWarning = ((w: string | Error) => void warnings.push(String(w))) as typeof process.emitWarning;
  });
  afterEach(() => {
    process.emitWarning = original;
  });

  const broken = (lib: string, what: 'paused' | 'runningSince' | 'runningItems'): AdaptedQueue =>
    new AdaptedQueue({
      name: 'odd',
      kind: 'fifo',
      maxsize: 0,
      lib,
      size: () => 1,
      running: () => 1,
      paused: () => (what === 'paused' ? (null as unknown as { x: boolean }).x : false),
      runningSince: () => {
        if (what === 'runningSince') throw new Error('no clock');
        return 5;
      },
      runningItems: () => {
        if (what === 'runningItems') throw new Error('workersList is broken');
        return ['x'];
      },
    });

  for (const what of ['paused', 'runningSince', 'runningItems'] as const) {
    it(`${what} throws: nothing thrown, one warning, the queue reads as empty facts from then on`, () => {
      const q = broken(`odd-lib@${what}`, what);
      const first = what === 'runningItems' ? q.runningItems(10) : q.poolState();
      assert.deepEqual(first, what === 'runningItems' ? undefined : {});
      assert.equal(q.disabled, true);
      assert.deepEqual(q.poolState(), {});
      assert.equal(q.runningItems(10), undefined);
      assert.equal(q.qsize(), 0, 'a disabled adapter reads nothing more');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], new RegExp(`not showing odd-lib@${what} queues`));
    });
  }

  it('a healthy library: the facts it has, none it lacks', () => {
    const q = new AdaptedQueue({ name: 'ok', kind: 'fifo', maxsize: 0, lib: 'fine@1.0.0', size: () => 0, running: () => 2, paused: () => true, runningSince: () => 12.5 });
    assert.deepEqual(q.poolState(), { paused: true, runningSince: 12.5 });
    assert.equal(q.runningItems(5), undefined, 'no runningItems in the spec: the snapshot has none');
    assert.deepEqual(warnings, []);
  });
});
