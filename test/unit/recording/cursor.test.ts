import * as assert from 'node:assert/strict';
import { QueueModel } from '../../../src/model';
import { cursorState } from '../../../src/recording/cursor';
import { ModelFeed } from '../../../src/recording/modelFeed';
import { WaitIndex } from '../../../src/recording/waitIndex';
import { syntheticRecording } from './fixture';

describe('time cursor', () => {
  const lines = syntheticRecording({ sources: 1, queues: 2, ticks: 200, seed: 11 });
  const model = new QueueModel();
  const feed = new ModelFeed(model, 'r', 'r.qscope');
  const waits = new WaitIndex();
  feed.push(lines);
  waits.push(lines);
  feed.finish();
  const origin = 1_700_000_000_000;

  it('gives each queue\'s depth at the last sample before the instant, with the enclosing interval\'s min/max', () => {
    const rows = lines.flatMap((l) => (l.type === 'samples' ? l.rows.map((r) => ({ t: origin + l.t, r })) : []));
    for (const at of [origin + 55, origin + 100, origin + 1234.5, origin + 1990]) {
      const state = cursorState(model, 'r', at, waits);
      for (const q of [1, 2]) {
        const mine = rows.filter((x) => x.r[0] === q);
        const before = mine.filter((x) => x.t <= at).at(-1)!;
        const holding = mine.find((x) => x.t >= at)!;
        const got = state.queues.find((c) => c.key === `r/4000:0/${q}`);
        assert.deepEqual(got, { key: `r/4000:0/${q}`, depth: before.r[1], min: holding.r[2], max: holding.r[3] }, `queue ${q} at ${at - origin}`);
      }
    }
  });

  it('lists the waits in progress at the instant, keyed by model queue', () => {
    let at = origin + 1000;
    while (!waits.at(at).length) at += 10;
    const state = cursorState(model, 'r', at, waits);
    assert.deepEqual(
      state.waiters.map((w) => `${w.queue}#${w.w}`),
      waits.at(at).map((w) => `r/${w.queue}#${w.w}`),
    );
    assert.ok(state.waiters.length > 0);
    for (const w of state.waiters) assert.ok(w.since <= at);
  });

  it('leaves out queues not yet created at the instant', () => {
    assert.deepEqual(cursorState(model, 'r', origin + 0.7, waits).queues.map((q) => q.key), ['r/4000:0/1']);
  });
});
