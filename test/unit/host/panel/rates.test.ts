// Throughput over the last RATE_WINDOW_MS of samples, decaying to zero when samples stop.
import * as assert from 'node:assert/strict';
import { asShown, RATE_MAX_LAG_MS, RATE_WINDOW_MS, rateEdge, RateWindow } from '../../../../src/host/panel/rates';
import { formatRate } from '../../../../src/webview/format';

describe('RateWindow', () => {
  it('averages puts and gets per second over the window', () => {
    const r = new RateWindow();
    r.add({ t: [100, 200, 300], puts: [2, 2, 2], gets: [1, 0, 0] });
    assert.equal(r.update(300), true);
    assert.deepEqual([r.putRate, r.getRate], [(6 * 1000) / RATE_WINDOW_MS, (1 * 1000) / RATE_WINDOW_MS]);
    assert.equal(r.moving, true);
    assert.equal(r.update(300), false, 'same window, same rates');
  });

  it('keeps the precision the overview shows, and calls a change it would not show no change', () => {
    for (const x of [0.04, 0.05, 3.14159, 9.96, 36.4, 36.6, 999.5, 9_999.4, 12_345, 98_765.4]) assert.equal(formatRate(asShown(x)), formatRate(x), String(x));
    assert.deepEqual([asShown(3.14159), asShown(36.4), asShown(12_345)], [3.1, 36, 12_300]);
    const r = new RateWindow();
    r.add({ t: [1000], puts: [73], gets: [73] });
    assert.equal(r.update(1000), true);
    assert.equal(r.putRate, 37, '36.5 a second is shown as 37');
    r.add({ t: [1050], puts: [0], gets: [0] });
    assert.equal(r.update(1050), false, 'still shown as 37: nothing to send');
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

  it('ends the window at the data the extension has, not at the clock, so transport lag does not under-read (issue #17)', () => {
    // 10 puts per 100 ms sample for 4 s: 100 puts/s. The last drain carried data up to t=4000,
    // read 700 ms later (a slow poll at 1,000 queues).
    const r = new RateWindow();
    const t = Array.from({ length: 40 }, (_, i) => 100 * (i + 1));
    r.add({ t, puts: t.map(() => 10), gets: t.map(() => 10) });
    r.update(4700, 4000);
    assert.equal(r.putRate, 100, 'the whole window of data, not 1.3 s of it');
    // No data for longer than a window: the window ends at the clock and the rate decays.
    assert.equal(rateEdge(4000 + RATE_MAX_LAG_MS + 1, 4000), 4000 + RATE_MAX_LAG_MS + 1);
    r.update(4000 + RATE_MAX_LAG_MS + 1, 4000);
    assert.equal(r.putRate, 0);
    // Data ahead of the clock (clock skew) never moves the edge past now.
    assert.equal(rateEdge(1000, 1500), 1000);
  });

  it('reads rates at the last drain while drains come paced further apart than the fixed lag, and decays when they stop (10,000 queues)', () => {
    // Drains every 9.5 s, each one folded row of 38 puts a queue: 4 puts/s.
    const r = new RateWindow();
    for (let k = 1; k <= 3; k++) r.add({ t: [9500 * k], puts: [38], gets: [38] }, 9500);
    const last = 3 * 9500;
    r.update(last + 8000, last, 9500);
    assert.equal(r.putRate, 4, '8 s after the last drain of a source refreshed every 9.5 s: still its rate, not 0');
    // Without the source's interval, 8 s is past the fixed lag: the old reading of 0.
    assert.equal(rateEdge(last + 8000, last), last + 8000);
    // Two intervals without a drain: the program stopped being read; decay.
    r.update(last + 2 * 9500 + 1, last, 9500);
    assert.equal(r.putRate, 0);
  });

  it('counts a folded sample only for the part of its interval inside the window (issue #17)', () => {
    // One folded row per drain, every 500 ms, 4 puts each: 8 puts/s. The window (2500, 4500]
    // holds the samples at 3000..4500 whole and nothing of the one at 2500.
    const r = new RateWindow();
    const t = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500];
    r.add({ t, puts: t.map(() => 4), gets: t.map(() => 0) });
    r.update(4500);
    assert.equal(r.putRate, 8);
    // Window (2250, 4250]: half of the 2500 sample's interval, all of 3000..4000 (whole: 8).
    const r2 = new RateWindow();
    r2.add({ t, puts: t.map(() => 4), gets: t.map(() => 0) });
    r2.update(4250);
    assert.equal(r2.putRate, ((2 + 12) * 1000) / RATE_WINDOW_MS);
  });

  it('a sample spans at most the source\'s drain interval: right at 10,000 queues (drains 2.4 s apart), and for a quiet queue (issue #17)', () => {
    // 4 puts/s, one folded row per drain every 2.4 s: 9.6 puts each.
    const t = [2400, 4800, 7200, 9600];
    const paced = new RateWindow();
    paced.add({ t, puts: t.map(() => 9.6), gets: t.map(() => 9.6) }, 2400);
    paced.update(9600);
    assert.deepEqual([paced.putRate, paced.getRate], [4, 4]);
    // Read as points (what a sample further apart than the window was): every rate 20% high.
    const points = new RateWindow();
    points.add({ t, puts: t.map(() => 9.6), gets: t.map(() => 9.6) });
    points.update(9600);
    assert.equal(points.putRate, 4.8);
    // A quiet queue: one put, 30 s after its previous sample, in a realm drained every 100 ms.
    // It happened within the last 100 ms, inside the window: counted whole, not 2/30 of it.
    const quiet = new RateWindow();
    quiet.add({ t: [1000, 31_000], puts: [1, 1], gets: [0, 0] }, 100);
    quiet.update(31_000);
    assert.equal(quiet.putRate, 0.5);
  });
});
