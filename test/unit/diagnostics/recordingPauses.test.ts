// A debugger's pause in a recording (the extension's session recorder writes `pause` and
// `resume` lines): `queuescope check` and replays count no wait or quiet time across it, as
// the live engine does. A producer blocked 11.9 s, 10 s of them paused, with nothing else
// moving: without the pause lines that reads as a deadlock.

import * as assert from 'node:assert/strict';
import { RecordingCheck } from '../../../src/diagnostics/recordingCheck';
import { QueueModel } from '../../../src/model';
import type { RecordingLine } from '../../../src/protocol/wire';
import { ModelFeed } from '../../../src/recording/modelFeed';

const ORIGIN = 1_800_000_000_000;
const SRC = '41:0';
const site = { file: '/app/app.js', line: 12, column: 5, fn: 'produce' };

function recording(pauses: boolean, snapshotAfterPause = false): RecordingLine[] {
  const lines: RecordingLine[] = [
    { type: 'qscope', v: 2, created: ORIGIN, writer: 'extension', label: 'app' },
    { type: 'source', src: SRC, info: { v: 1, pid: 41, threadId: 0, isMainThread: true, title: 'node', argv: [], origin: ORIGIN, now: 0, sampleInterval: 10 } },
    { type: 'queue', src: SRC, t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 1, site: { ...site, line: 3, fn: '' } },
    { type: 'wait', src: SRC, t: 100, q: 1, w: 1, role: 'put', site },
  ];
  for (let t = 500; t < 12_000; t += 500) {
    if (pauses && t === 1000) lines.push({ type: 'pause', src: SRC, t: 1000 });
    // The extension's own file: the pause snapshot announces the source again, after the
    // drains that followed the stop, so later than the pause it comes with (dated from the stop).
    if (snapshotAfterPause && t === 2500) {
      const info = (lines[1] as Extract<RecordingLine, { type: 'source' }>).info;
      lines.push({ type: 'source', src: SRC, info: { ...info, now: 2500 }, snapshot: { v: 1, t: 2500, queues: [{ q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 1, shutdown: false, unfinished: 1, site: { ...site, line: 3, fn: '' }, counters: { puts: 1, gets: 0, blockedPuts: 1, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 1, dropped: 0 }, items: ['0'], waiters: [{ w: 1, q: 1, role: 'put', since: 100, waitMs: 2400, site }] }] } });
    }
    if (pauses && t === 11_000) lines.push({ type: 'resume', src: SRC, t: 11_000 });
    lines.push({ type: 'samples', src: SRC, t, rows: [[1, 1, 1, 1, 0, 0]] });
  }
  lines.push({ type: 'waitEnd', src: SRC, t: 12_000, q: 1, w: 1, outcome: 'served', ms: 11_900 });
  lines.push({ type: 'end', src: SRC, t: 12_100, reason: 'exit', code: 0 });
  return lines;
}

function rulesRaised(lines: RecordingLine[]): string[] {
  const check = new RecordingCheck();
  check.push(lines);
  return check.finish().map((r) => r.finding.rule);
}

describe('diagnostics: pauses in a recording', () => {
  it('a put blocked across a 10 s debugger pause is no deadlock; the same wait unpaused reads as one', () => {
    // Nothing moves for 12 s with the producer blocked: the whole-program rule calls that a
    // deadlock. 10 s of it were a breakpoint, as the live engine knew.
    assert.deepEqual(rulesRaised(recording(false)).filter((r) => r !== 'exit-work-left'), ['deadlock']);
    assert.deepEqual(rulesRaised(recording(true)).filter((r) => r !== 'exit-work-left'), []);
  });

  it("the pause snapshot's source line, later than its pause line, does not end the pause (only a resume does)", () => {
    assert.deepEqual(rulesRaised(recording(true, true)).filter((r) => r !== 'exit-work-left'), []);
    const model = new QueueModel();
    const feed = new ModelFeed(model, 'replay', 'app');
    const lines = recording(true, true);
    const resume = lines.findIndex((l) => l.type === 'resume');
    feed.push(lines.slice(0, resume));
    assert.equal(model.session('replay')?.state, 'paused');
  });

  it('a replay marks the source paused between the lines, and running again after', () => {
    const model = new QueueModel();
    const feed = new ModelFeed(model, 'replay', 'app');
    const lines = recording(true);
    const at = (type: string) => lines.findIndex((l) => l.type === type);
    feed.push(lines.slice(0, at('pause') + 1));
    assert.equal(model.session('replay')?.state, 'paused');
    feed.push(lines.slice(at('pause') + 1, at('resume') + 1));
    assert.equal(model.session('replay')?.state, 'live');
    feed.push(lines.slice(at('resume') + 1));
    feed.finish();
    assert.equal(model.session('replay')?.state, 'ended');
  });
});
