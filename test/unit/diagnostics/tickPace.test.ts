// The live engine's tick pace (src/diagnostics/tickPace.ts): the poll interval while ticks are
// cheap, ten times their cost once they are not, and one dear tick alone changes nothing.
import * as assert from 'node:assert/strict';
import { TickPace } from '../../../src/diagnostics/tickPace';

describe('diagnostics: tick pace', () => {
  it('keeps the poll interval while ticks are cheap, and keeps ticks to a tenth of the time once they are not', () => {
    let base = 100;
    const pace = new TickPace(() => base);
    assert.deepEqual([0.4, 0.6, 3].map((ms) => pace.next(ms)), [100, 100, 100]);
    // 10,000 queues: ticks of 150 ms.
    assert.deepEqual([150, 150, 150].map((ms) => pace.next(ms)), [100, 1500, 1500]);
    base = 2000; // the setting changed
    assert.equal(pace.next(150), 2000);
  });

  it('follows the median of the last three ticks: one dear tick alone does not slow it, two do', () => {
    const pace = new TickPace(() => 100);
    for (let i = 0; i < 3; i++) pace.next(2);
    assert.equal(pace.next(400), 100, 'a garbage collection in one tick');
    assert.equal(pace.next(2), 100);
    assert.equal(pace.next(2), 100);
    assert.equal(pace.next(300), 100);
    assert.equal(pace.next(300), 3000, 'two dear ticks in the last three');
    assert.equal(pace.next(1), 3000);
    assert.equal(pace.next(1), 100, 'cheap again');
  });

  it('reads a clock that went backwards or a non-number as a free tick', () => {
    const pace = new TickPace(() => 100);
    assert.deepEqual([-5, NaN, Infinity].map((ms) => pace.next(ms)), [100, 100, 100]);
  });
});
