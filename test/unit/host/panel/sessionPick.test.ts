// Which session the panel shows when the user has not picked one.
import * as assert from 'node:assert/strict';
import { pickSession, type PickableSession } from '../../../../src/host/panel/sessionPick';

const s = (id: string, state: PickableSession['state']): PickableSession => ({ id, state });

describe('pickSession', () => {
  it('shows nothing when there are no sessions', () => {
    assert.equal(pickSession([], null, false), null);
    assert.equal(pickSession([], 'gone', true), null);
  });

  it('keeps the selected session while it runs or is paused', () => {
    assert.equal(pickSession([s('a', 'paused'), s('b', 'live')], 'a', false), 'a');
  });

  it('moves from an ended session to the newest one still running, unless pinned', () => {
    const sessions = [s('a', 'ended'), s('b', 'live'), s('c', 'live'), s('d', 'ended')];
    assert.equal(pickSession(sessions, 'a', false), 'c');
    assert.equal(pickSession(sessions, 'a', true), 'a');
  });

  it('stays on an ended selection when nothing runs, else takes the newest', () => {
    assert.equal(pickSession([s('a', 'ended'), s('b', 'ended')], 'a', false), 'a');
    assert.equal(pickSession([s('a', 'ended'), s('b', 'ended')], null, false), 'b');
    assert.equal(pickSession([s('a', 'ended')], 'removed', true), 'a');
  });
});
