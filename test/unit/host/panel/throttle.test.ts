// The panel feed's one timer: at most one message per interval, earliest wake-up wins.
import * as assert from 'node:assert/strict';
import { Throttle } from '../../../../src/host/panel/throttle';
import { ManualClock } from '../../../helpers/manualClock';

function setup(intervalMs = 50) {
  const clock = new ManualClock(1000);
  const fired: number[] = [];
  const throttle = new Throttle(intervalMs, clock.scheduler, () => fired.push(clock.now));
  return { clock, fired, throttle };
}

describe('Throttle', () => {
  it('fires at once when nothing was sent lately, then keeps the gap after a send', () => {
    const h = setup();
    h.throttle.request();
    h.clock.runUntil(1000);
    assert.deepEqual(h.fired, [1000]);
    h.throttle.sent();
    h.throttle.request();
    h.clock.runUntil(1049);
    assert.deepEqual(h.fired, [1000]);
    h.clock.runUntil(1050);
    assert.deepEqual(h.fired, [1000, 1050]);
  });

  it('waits longer after a large message (the gap it was sent with), then the interval again', () => {
    const h = setup();
    h.throttle.sent(200); // e.g. an update carrying 1,000 queues
    h.throttle.request();
    h.clock.runUntil(1199);
    assert.deepEqual(h.fired, []);
    h.clock.runUntil(1200);
    assert.deepEqual(h.fired, [1200]);
    h.throttle.sent(10); // small: never below the interval
    h.throttle.request();
    h.clock.runUntil(1249);
    assert.deepEqual(h.fired, [1200]);
    h.clock.runUntil(1250);
    assert.deepEqual(h.fired, [1200, 1250]);
  });

  it('coalesces requests into one pending timer', () => {
    const h = setup();
    h.throttle.sent();
    for (let i = 0; i < 10; i++) h.throttle.request();
    assert.equal(h.clock.pending, 1);
    h.clock.runUntil(2000);
    assert.deepEqual(h.fired, [1050]);
  });

  it('lets an earlier wake-up replace a later one, never the other way round', () => {
    const h = setup();
    h.throttle.wakeIn(500);
    h.throttle.wakeIn(100);
    h.throttle.wakeIn(300);
    assert.equal(h.clock.pending, 1);
    h.clock.runUntil(2000);
    assert.deepEqual(h.fired, [1100]);
  });

  it('cancel drops the pending timer', () => {
    const h = setup();
    h.throttle.wakeIn(10);
    h.throttle.cancel();
    assert.equal(h.clock.pending, 0);
    h.clock.runUntil(2000);
    assert.deepEqual(h.fired, []);
  });
});
