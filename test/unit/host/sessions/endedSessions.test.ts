// queuescope.maxEndedSessions: the oldest ended debug sessions go first; recordings stay.
import * as assert from 'node:assert/strict';
import { endedSessionsToEvict, type EvictableSession } from '../../../../src/host/sessions/endedSessions';

const s = (id: string, state: EvictableSession['state'], ended?: number, origin: EvictableSession['origin'] = 'debug'): EvictableSession => ({ id, origin, state, started: 0, ...(ended !== undefined ? { ended } : {}) });

describe('endedSessionsToEvict', () => {
  it('keeps the newest `limit` ended debug sessions', () => {
    const sessions = [s('a', 'ended', 30), s('b', 'ended', 10), s('live', 'live'), s('c', 'ended', 20), s('rec', 'ended', 1, 'recording')];
    assert.deepEqual(endedSessionsToEvict(sessions, 1), ['b', 'c']);
    assert.deepEqual(endedSessionsToEvict(sessions, 3), []);
    assert.deepEqual(endedSessionsToEvict(sessions, 0), ['b', 'c', 'a']);
  });
});
