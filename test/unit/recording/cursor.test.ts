import * as assert from 'node:assert/strict';
import { PanelFeed } from '../../../src/host/panel/feed';
import { QueueModel } from '../../../src/model';
import type { HostMessage, InitMessage } from '../../../src/protocol/webview';
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

describe('replay wait counts from the recording', () => {
  it('the panel feed draws waiter counts from every recorded wait, not only the recent ones', () => {
    const lines = syntheticRecording({ sources: 1, queues: 1, ticks: 300, seed: 4 });
    const model = new QueueModel({ recentWaitsPerQueue: 4 });
    const feed = new ModelFeed(model, 'r', 'r.qscope');
    const waits = new WaitIndex();
    feed.push(lines);
    waits.push(lines);
    feed.finish();
    const initOf = (options: ConstructorParameters<typeof PanelFeed>[2]): InitMessage => {
      const sent: HostMessage[] = [];
      const panel = new PanelFeed(model, (m) => sent.push(m), { mode: 'replay', ...options });
      panel.ready('r');
      panel.dispose();
      return sent.find((m): m is InitMessage => m.type === 'init')!;
    };
    const key = 'r/4000:0/1';
    const withHistory = initOf({ waitHistory: (k) => (k === key ? waits.ofQueue('4000:0/1') : undefined) });
    const without = initOf({});
    const steps = (m: InitMessage) => m.session!.waitCounts.find((c) => c.queue === key)!;
    // The first wait of the recording shows up only with the history.
    const first = lines.find((l) => l.type === 'wait')!;
    const firstT = 1_700_000_000_000 + (first as { t: number }).t;
    const sessionStart = withHistory.sessions.find((s) => s.id === 'r')!.start;
    assert.equal(steps(withHistory).t[0], Math.round((firstT - sessionStart) * 10) / 10);
    assert.ok(steps(without).t[0] > steps(withHistory).t[0], 'without the history the early waits are missing');
    assert.ok(steps(withHistory).t.length > steps(without).t.length * 5);
  });
});
