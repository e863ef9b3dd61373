// The pause race on its own: when a lost pause is re-sent, when it is not, and when the
// poller gives up waiting for a stop (docs/EXTENSION.md, "The pause race").
import * as assert from 'node:assert/strict';
import { PauseRace } from '../../../../src/host/sessions/pauseRace';
import { deferred, ManualClock, MemoryLog } from './doubles';

function setup(o: { canPause?: boolean } = {}) {
  const clock = new ManualClock();
  const log = new MemoryLog();
  const state = { waiting: true, pauses: 0, gaveUp: 0 };
  const race = new PauseRace(
    {
      clock,
      log,
      channel: 'child',
      awaitingStop: () => state.waiting,
      pauser: () => (o.canPause === false ? undefined : async () => void state.pauses++),
      giveUp: () => {
        state.gaveUp++;
        state.waiting = false;
      },
    },
    { repauseMs: 300, pauseGraceMs: 5000 },
  );
  return { clock, log, state, race };
}

describe('PauseRace', () => {
  it('re-sends the pause once, repauseMs after the request in flight ended', async () => {
    const h = setup();
    const inFlight = deferred<void>();
    assert.equal(h.race.requested(inFlight.promise), true);
    await h.clock.advance(1000);
    assert.equal(h.state.pauses, 0, 'not while our request is in flight');
    inFlight.resolve();
    await h.clock.advance(299);
    assert.equal(h.state.pauses, 0);
    await h.clock.advance(1);
    assert.deepEqual([h.state.pauses, h.race.repauses], [1, 1]);
    assert.match(h.log.infos.join('\n'), /lost in a poll in flight/);
    // The tracker reports our own pause as a request: it is not the user's, nothing restarts.
    assert.equal(h.race.requested(Promise.resolve()), false);
    await h.clock.advance(1000);
    assert.equal(h.state.pauses, 1, 'only once');
  });

  it('does not re-send when the stop came, or when the debugger showed life', async () => {
    const stopped = setup();
    stopped.race.requested(Promise.resolve());
    stopped.race.settled();
    await stopped.clock.advance(10_000);
    assert.deepEqual([stopped.state.pauses, stopped.state.gaveUp], [0, 0]);

    const busy = setup();
    busy.race.requested(Promise.resolve());
    busy.race.debuggerBusy();
    await busy.clock.advance(1000);
    assert.equal(busy.state.pauses, 0);
  });

  it('gives up waiting after pauseGraceMs with no sign of life; each sign of life re-arms it', async () => {
    const h = setup({ canPause: false });
    h.race.requested(Promise.resolve());
    await h.clock.advance(4000);
    h.race.debuggerBusy();
    await h.clock.advance(4999);
    assert.equal(h.state.gaveUp, 0);
    await h.clock.advance(1);
    assert.equal(h.state.gaveUp, 1);
  });

  it('a newer request makes the timers of an older one do nothing', async () => {
    const h = setup();
    const first = deferred<void>();
    h.race.requested(first.promise);
    h.race.requested(Promise.resolve());
    first.resolve();
    await h.clock.advance(300);
    assert.equal(h.state.pauses, 1, 'one re-send, for the newer request');
  });
});
