// A burst after an idle spell is recorded with when it started (SampleRow.firstChange, in a
// columnar drain's `first` column): saved and opened again, the timeline holds the depth
// until then exactly as the live one did.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseAttachInfo, parseDrainBatch, QueueModel } from '../../../src/model';
import { SessionRecorder } from '../../../src/recording/sessionRecorder';
import { Queue } from '../../../src/queue/index';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';
import { replayFile, tempDir } from './fixture';
import { driveClock } from '../../helpers/hubClock';

describe('recording: a burst after an idle spell', () => {
  it('keeps when the burst started through save and replay', async () => {
    let T = performance.now() + 1000;
    const restore = driveClock(() => T);
    const live = new QueueModel();
    const { dir, cleanup } = tempDir();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      const start = T;
      const hub = new Hub({ ...DEFAULTS, sampleMs: 10 });
      hub.arm();
      const q = new Queue<number>({ name: 'bursty' });
      q.setProbe(hub.register(q));
      live.openSession('dbg', 'bursty');
      const info = parseAttachInfo(hub.attach());
      assert.ok(info.ok);
      const key = live.attach('dbg', info.value);
      const drain = () => {
        const batch = parseDrainBatch(hub.drain(256 * 1024, { columns: true }));
        assert.ok(batch.ok);
        live.applyDrain('dbg', key, batch.value);
      };
      drain();
      T = start + 5;
      q.putNowait(1);
      T = start + 100;
      drain();
      T = start + 2900; // 2.8 s with nothing happening
      q.putNowait(2);
      T = start + 3100;
      drain();
      live.endSession('dbg');
      const series = (m: QueueModel, s: string) => {
        const x = m.queuesOf(s)[0];
        const c = x.timeline.series();
        return { at: c.t.map((t) => Math.round(t - x.created)), depth: c.depth, min: c.min, max: c.max };
      };
      const seen = series(live, 'dbg');
      assert.deepEqual(seen, { at: [0, 100, 2900, 3100], depth: [0, 1, 1, 2], min: [0, 0, 1, 1], max: [0, 1, 1, 2] });

      const file = path.join(dir, 'run.qscope');
      await recorder.save('dbg', file);
      const replay = new QueueModel();
      await replayFile(file, replay);
      assert.deepEqual(series(replay, 'replay'), seen, 'the replay holds the depth until the burst, as live');
    } finally {
      restore();
      await recorder.dispose();
      cleanup();
    }
  });
});
