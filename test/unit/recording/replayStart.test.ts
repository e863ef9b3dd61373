// A replay starts where the program's data starts. The hub is armed from the program's first
// queue (QUEUESCOPE_TRACE=1) and samples from then on, but the extension attaches later: the
// attach snapshot shows the depth at attach time and the first drain brings the older samples.
// Recorded, saved and opened again, the session must begin at the hub's arming, so the time
// cursor at +0 s shows the program's beginning and the earliest sample is on the timeline.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import type { AttachInfo, DrainBatch } from '../../../src/protocol/wire';
import { cursorState } from '../../../src/recording/cursor';
import { SessionRecorder } from '../../../src/recording/sessionRecorder';
import { Queue } from '../../../src/queue/index';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';
import { replayFile, tempDir } from './fixture';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('replay from the start of the data', () => {
  it('a session attached late starts at the hub\'s arming, live and replayed; +0 s shows the beginning', async () => {
    const hub = new Hub({ ...DEFAULTS, sampleMs: 5 });
    hub.arm(); // QUEUESCOPE_TRACE=1: armed before the first queue
    const q = new Queue<number>({ name: 'frontier' });
    q.setProbe(hub.register(q));
    q.putNowait(1);
    await tick(30); // sampled at depth 1 by the hub's own timer
    for (let i = 0; i < 48; i++) q.putNowait(i);
    const info = JSON.parse(hub.attach()) as AttachInfo; // the extension attaches now: depth 49
    const batch = JSON.parse(hub.drain()) as DrainBatch;

    const live = new QueueModel();
    const { dir, cleanup } = tempDir();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      live.openSession('dbg', 'pipeline');
      const key = live.attach('dbg', info);
      live.applyDrain('dbg', key, batch);
      live.endSession('dbg');
      // The timeline's first point is the queue's creation (size 0); the hub's first row next.
      const [created, firstSample] = live.queuesOf('dbg')[0].timeline.series().t;
      const armed = info.origin + info.armedAt!;
      assert.ok(info.armedAt !== undefined && info.armedAt < info.snapshot.t, 'the attach info says when the hub armed');
      assert.equal(live.session('dbg')!.started, armed, 'the live session starts at the arming');
      assert.ok(firstSample < info.origin + info.snapshot.t, 'the first drain holds samples from before the attach');

      const file = path.join(dir, 'run.qscope');
      await recorder.save('dbg', file);
      const replay = new QueueModel();
      await replayFile(file, replay);
      const s = replay.session('replay')!;
      assert.equal(s.started, armed, 'the replay starts at the arming too');
      const [rq] = replay.queuesOf('replay');
      assert.ok(rq.created <= created, 'the queue exists from its first point on');
      assert.deepEqual(cursorState(replay, 'replay', s.started).queues, [], '+0 s: the program has no queue yet');
      assert.deepEqual(cursorState(replay, 'replay', created).queues.map((x) => x.depth), [0], 'the queue as created');
      assert.deepEqual(cursorState(replay, 'replay', firstSample).queues.map((x) => x.depth), [1], 'the earliest sample is shown');
    } finally {
      await recorder.dispose();
      cleanup();
    }
  });
});
