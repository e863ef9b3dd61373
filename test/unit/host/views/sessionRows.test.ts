// Quick-pick rows for sessions: several runs of one program must read differently.
import * as assert from 'node:assert/strict';
import { plural, sessionRow } from '../../../../src/host/views/sessionRows';

const time = (t: number) => `T${t}`;

describe('session rows', () => {
  it('pluralises', () => {
    assert.equal(plural(1, 'queue'), '1 queue');
    assert.equal(plural(0, 'queue'), '0 queues');
    assert.equal(plural(3, 'queue'), '3 queues');
  });

  it('tells runs of one program apart by start time and duration', () => {
    const a = sessionRow({ name: 'App: pipeline', origin: 'debug', state: 'ended', started: 1000, ended: 4200, queueCount: 1 }, 9999, time);
    const b = sessionRow({ name: 'App: pipeline', origin: 'debug', state: 'ended', started: 5000, ended: 5900, queueCount: 3 }, 9999, time);
    assert.deepEqual(a, { label: 'App: pipeline', description: 'ended', detail: '1 queue · started T1000 · ran 3.2 s' });
    assert.equal(b.detail, '3 queues · started T5000 · ran 900 ms');
    assert.notEqual(a.detail, b.detail);
  });

  it('measures a running session up to now, and names recordings', () => {
    assert.equal(sessionRow({ name: 'x', origin: 'debug', state: 'live', started: 0, queueCount: 2 }, 2500, time).detail, '2 queues · started T0 · running for 2.5 s');
    assert.equal(sessionRow({ name: 'x.qscope', origin: 'recording', state: 'ended', started: 0, ended: 10, queueCount: 2 }, 0, time).description, 'recording');
  });
});
