// Blocked/waiting counts as steps: relative to what was sent, corrected for late reports,
// closed when the session ends, and kept per queue for re-inits until the session leaves.
import * as assert from 'node:assert/strict';
import { newStepCursor, SentSteps, stepsSince, type WaitInterval } from '../../../../src/host/panel/waitCountSteps';

const START = 10_000;
const put = (since: number, ended?: number): WaitInterval => ({ role: 'put', since: START + since, ...(ended !== undefined ? { ended: START + ended } : {}) });
const get = (since: number, ended?: number): WaitInterval => ({ role: 'get', since: START + since, ...(ended !== undefined ? { ended: START + ended } : {}) });

describe('wait-count steps', () => {
  it('turns wait intervals into steps, applying simultaneous edges together', () => {
    const cur = newStepCursor();
    const out = stepsSince('q', [put(10, 30), put(20, 30), get(30)], START, cur);
    assert.deepEqual(out, { queue: 'q', t: [10, 20, 30], put: [1, 2, 0], get: [0, 0, 1] });
    assert.deepEqual(cur, { t: 30, put: 0, get: 1 });
    assert.equal(stepsSince('q', [put(10, 30), put(20, 30), get(30)], START, cur), null, 'nothing new');
  });

  it('corrects the level at the cursor when a wait is reported late', () => {
    const cur = newStepCursor();
    stepsSince('q', [put(10)], START, cur);
    // A get that began at 5 shows up only now.
    assert.deepEqual(stepsSince('q', [put(10), get(5)], START, cur), { queue: 'q', t: [10], put: [1], get: [1] });
  });

  // Found on an ingest program whose three workers waited for good: times off the 0.1 ms grid
  // made every later call re-send the level before the last step and the step again.
  it('sends nothing again for waits whose times fall between 0.1 ms marks', () => {
    const cur = newStepCursor();
    const waits = [get(1225.63), get(1252.08), get(1281.73)];
    assert.deepEqual(stepsSince('q', waits, START, cur), { queue: 'q', t: [1225.6, 1252.1, 1281.7], put: [0, 0, 0], get: [1, 2, 3] });
    for (let i = 0; i < 3; i++) assert.equal(stepsSince('q', waits, START, cur), null, `call ${i + 2}: nothing new`);
    // An end and a start within the same 0.1 ms change nothing: no step there.
    assert.deepEqual(stepsSince('q', [...waits, put(1290.01, 1300.04), put(1300.02)], START, cur), { queue: 'q', t: [1290], put: [1], get: [3] });
  });

  it('a time whose edges change nothing sends nothing (a wait within one 0.1 ms); the end rounds like the steps', () => {
    const cur = newStepCursor();
    assert.deepEqual(stepsSince('q', [put(5), put(10.01, 10.04)], START, cur), { queue: 'q', t: [5], put: [1], get: [0] });
    assert.equal(stepsSince('q', [put(5), put(10.01, 10.04), get(12.02, 12.03)], START, cur), null);
    // Ended 0.01 ms after a wait began (50.06 and 50.07 both read 50.1): the wait still shows, and ends with the session.
    assert.deepEqual(stepsSince('q', [put(5, 6), get(50.06)], START, newStepCursor(), 50.07), { queue: 'q', t: [5, 6, 50.1, 50.1], put: [1, 0, 0, 0], get: [0, 0, 1, 0] });
  });

  it('ends the waits still open when the session ended', () => {
    const cur = newStepCursor();
    assert.deepEqual(stepsSince('q', [put(10)], START, cur, 50), { queue: 'q', t: [10, 50], put: [1, 0], get: [0, 0] });
  });

  it('replays what was sent to a fresh cursor, then only new steps', () => {
    const steps = new SentSteps();
    steps.next('s1/1:0/1', [put(10)], START, newStepCursor());
    const again = newStepCursor();
    assert.deepEqual(steps.next('s1/1:0/1', [put(10, 20)], START, again), { queue: 's1/1:0/1', t: [10, 20], put: [1, 0], get: [0, 0] });
    assert.equal(steps.next('s1/1:0/1', [put(10, 20)], START, again), null);
  });

  it('keeps a bounded number of steps, and forgets a session entirely', () => {
    const steps = new SentSteps(4);
    const waits = [put(1, 2), put(3, 4), put(5, 6)];
    steps.next('s1/1:0/1', waits, START, newStepCursor());
    steps.next('s2/1:0/1', waits, START, newStepCursor());
    assert.deepEqual(steps.next('s1/1:0/1', waits, START, newStepCursor())?.t, [3, 4, 5, 6]);
    steps.forgetSession('s1');
    assert.equal(steps.size, 1);
    steps.forgetSession('s2');
    assert.equal(steps.size, 0);
  });
});
