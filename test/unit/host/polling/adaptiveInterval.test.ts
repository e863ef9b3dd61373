// The poll interval's adaptation (src/host/polling/adaptiveInterval.ts): pure, so every rule
// is checked by feeding drain figures.

import assert from 'node:assert/strict';
import { AdaptiveInterval, type DrainFigures } from '../../../../src/host/polling/adaptiveInterval';

describe('adaptive poll interval', () => {
  const busy = { events: 5, bytes: 1000, debuggeeMs: 0.5, hostMs: 1, more: false };
  const empty = { events: 0, bytes: 120, debuggeeMs: 0.01, hostMs: 0.05, more: false };
  /** The duties drain by drain (the rules below), without the credit of the last test. */
  const noCredit = { dutyCreditMs: 0, hostCreditMs: 0, dutyStartMs: 0, hostStartMs: 0 };

  it('polls at the setting while things change and at once when the hub cut a batch', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100 }));
    assert.equal(a.next(busy), 100);
    assert.equal(a.next({ ...busy, more: true, debuggeeMs: 0.005, hostMs: 0.01 }), 0);
  });

  it('a cut batch is followed at once only within the ceilings: a costly drain left behind is not repeated back to back', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, maxBytesPerSecond: 1_000_000, duty: 50, hostDuty: 10, ...noCredit }));
    assert.equal(a.next({ ...busy, more: true, debuggeeMs: 40 }), 2000); // 2% of the program
    assert.equal(a.next({ ...busy, more: true, bytes: 250_000 }), 250);
    assert.equal(a.next({ ...busy, more: true, hostMs: 20 }), 200);
    assert.equal(a.next({ ...busy, more: true, debuggeeMs: 0.5 }), 25); // cheap: almost at once
  });

  it('backs off by doubling while drains come back empty, up to idleMaxMs, and returns at the first change', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, idleMaxMs: 1000 }));
    a.next(busy); // the program has shown something: its quiet is not its start
    const delays = Array.from({ length: 8 }, () => a.next(empty));
    assert.deepEqual(delays, [100, 100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(a.next(busy), 100);
  });

  it('before the program showed anything, backs off only to startIdleMaxMs: its first queue shows at once', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, idleMaxMs: 2000 }));
    assert.deepEqual(Array.from({ length: 7 }, () => a.next(empty)), [100, 100, 200, 250, 250, 250, 250]);
    assert.equal(a.next(busy), 100);
    assert.deepEqual(Array.from({ length: 7 }, () => a.next(empty)), [100, 100, 200, 400, 800, 1600, 2000]);
    // Attached to a program whose snapshot had queues: idle is quiet from the start.
    const b = new AdaptiveInterval(() => ({ baseMs: 100, idleMaxMs: 2000 }));
    b.sawQueues();
    assert.deepEqual(Array.from({ length: 7 }, () => b.next(empty)), [100, 100, 200, 400, 800, 1600, 2000]);
    // A program that never makes a queue: 250 ms for startIdleDrains empty drains, then the usual cap.
    const c = new AdaptiveInterval(() => ({ baseMs: 100, idleMaxMs: 2000, startIdleDrains: 10 }));
    assert.deepEqual(Array.from({ length: 12 }, () => c.next(empty)), [100, 100, 200, 250, 250, 250, 250, 250, 250, 250, 2000, 2000]);
  });

  it('keeps bytes per second, debuggee time and extension-host time bounded whatever the load', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, maxBytesPerSecond: 1_000_000, duty: 50, hostDuty: 10, ...noCredit }));
    assert.equal(a.next({ ...busy, bytes: 500_000 }), 500); // 0.5 MB at 1 MB/s
    assert.equal(a.next({ ...busy, debuggeeMs: 8 }), 400); // 2% of the program
    assert.equal(a.next({ ...busy, hostMs: 30 }), 300); // 10% of the extension host
  });

  it("keeps the drains' own cost a small share of the program's CPU time, stretching 5 s at most by that rule", () => {
    // Each case a fresh interval: its first drain is its whole history (see the next test).
    const next = (d: Partial<DrainFigures>) => new AdaptiveInterval(() => ({ baseMs: 100, ...noCredit })).next({ ...busy, ...d });
    // 1,000 busy queues: 2.5 ms drains in a program spending 90 ms of CPU a second -> 4% of it.
    assert.equal(next({ debuggeeMs: 2.5, programCpu: 90 }), 694);
    // 100 queues: 0.4 ms drains in a program spending 100 ms a second stay at the setting.
    assert.equal(next({ debuggeeMs: 0.4, programCpu: 100 }), 100);
    assert.equal(next({ debuggeeMs: 0.6, programCpu: 100 }), 150);
    // A near-idle program's cheap drains are not slowed (2 ms a second are always allowed).
    assert.equal(next({ debuggeeMs: 0.1, programCpu: 1 }), 100);
    // No figure from the hub (an older hub): the setting.
    assert.equal(next({ debuggeeMs: 1.5 }), 100);
    // 10,000 queues: this rule alone stretches to 5 s at most; the duty rule may go further.
    assert.equal(next({ debuggeeMs: 30, programCpu: 100 }), 5000);
    assert.equal(next({ debuggeeMs: 120, programCpu: 100 }), 6000);
  });

  it("an isolated dear drain does not hold the next one back; two in a row do; a cheap one after a burst counts at once", () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, ...noCredit }));
    const next = (debuggeeMs: number) => a.next({ ...busy, debuggeeMs, programCpu: 40 });
    // A small program's drains (0.3 ms, 40 ms of CPU a second: 2 ms a second allowed): 150 ms.
    for (let i = 0; i < 5; i++) assert.equal(next(0.3), 150);
    // One drain that a scavenge made 4 ms: 2 s by that drain alone; only the duty rule's 200 ms.
    assert.equal(next(4), 200);
    assert.equal(next(0.3), 150, 'and back at once');
    // The load really grows (4 ms every drain): from the second such drain, 2 s.
    next(0.3);
    assert.equal(next(4), 200);
    assert.equal(next(4), 2000);
    assert.equal(next(4), 2000);
    // A burst ends: the first cheap drain counts (a running mean took ~25 s to come back).
    assert.equal(next(0.3), 150);
  });

  // Found attaching to a 10,000-tenant gateway: its first drain (the queues, and the ends of
  // the 9,796 waits the snapshot listed) cost ~0.4 s, and the duty rule alone then held the
  // next drain back 20 s while each later one cost a tenth of that.
  it('lets a one-off dear drain draw on credit saved while drains were cheap, and holds the long-run duty', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100, duty: 50, hostDuty: 10, dutyCreditMs: 500, hostCreditMs: 1000, dutyStartMs: 500, hostStartMs: 1000 }));
    assert.equal(a.next({ ...busy, debuggeeMs: 400, hostMs: 600 }), 100, 'the first drain finds the credit full');
    // Then cheap drains at the setting; the credit is spent, so a second dear one waits.
    for (let i = 0; i < 3; i++) assert.equal(a.next({ ...busy, debuggeeMs: 2 }), 100);
    assert.ok(a.next({ ...busy, debuggeeMs: 400 }) >= 14_000, 'no credit left for another 0.4 s drain');
    // Steady dear drains: the duty holds drain by drain, credit or not.
    const b = new AdaptiveInterval(() => ({ baseMs: 100, duty: 50, dutyCreditMs: 500, dutyStartMs: 500 }));
    let spent = 0;
    let wall = 0;
    for (let i = 0; i < 200; i++) {
      const delay = b.next({ ...busy, debuggeeMs: 60, hostMs: 1 });
      spent += 60;
      wall += delay + 60;
    }
    assert.ok(spent <= wall / 50 + 500, `${spent} ms of drains in ${wall} ms of wall clock`);
    assert.ok(spent >= wall / 50 - 60, 'and no slower than the duty asks');
  });

  it('lets the first drain after an attach take what it brings (up to 2 s of the debuggee, 3 s of the extension host), then the cap', () => {
    const a = new AdaptiveInterval(() => ({ baseMs: 100 }));
    // Attaching to 10,000 waiting consumers on a loaded machine: 1.2 s and 1.5 s.
    assert.equal(a.next({ ...busy, debuggeeMs: 1225, hostMs: 1488, more: true }), 0);
    assert.equal(a.next({ ...busy, debuggeeMs: 20, hostMs: 40 }), 100, 'the next drains at the setting');
    // From then on the cap (0.5 s) is the most that goes beyond the duty at once.
    assert.ok(a.next({ ...busy, debuggeeMs: 1225 }) >= 30_000);
  });
});
