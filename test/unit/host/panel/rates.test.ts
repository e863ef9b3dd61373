// Throughput over the last RATE_WINDOW_MS of samples, decaying to zero when samples stop.
import * as assert from 'node:assert/strict';
import { RATE_WINDOW_MS, RateWindow } from '../../../../src/host/panel/rates';

describe('RateWindow', () => {
  it('averages puts and gets per second over the window', () => {
    const r = new RateWindow();
    r.add({ t: [100, 200, 300], puts: [2, 2, 2], gets: [1, 0, 0] });
    assert.equal(r.update(300), true);
    assert.deepEqual([r.putRate, r.getRate], [(6 * 1000) / RATE_WINDOW_MS, (1 * 1000) / RATE_WINDOW_MS]);
    assert.equal(r.moving, true);
    assert.equal(r.update(300), false, 'same window, same rates');
  });

  it('forgets samples that left the window, down to zero', () => {
    const r = new RateWindow();
    r.add({ t: [100, 1500], puts: [4, 2], gets: [0, 0] });
    r.update(1500);
    assert.equal(r.putRate, 3);
    assert.equal(r.update(100 + RATE_WINDOW_MS), true);
    assert.equal(r.putRate, 1);
    r.update(1500 + RATE_WINDOW_MS);
    assert.deepEqual([r.putRate, r.getRate, r.moving], [0, 0, false]);
  });
});
