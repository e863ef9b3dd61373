// RecordingCheck: lines of a realm whose `source` line is missing are counted, not dropped
// silently (a review: `sed '2d'` on a recording, a flipped byte in its source line, or two
// processes writing one path all checked as "no findings", exit 0).

import * as assert from 'node:assert/strict';
import { RecordingCheck } from '../../../src/diagnostics/recordingCheck';
import { checkNotes } from '../../../src/diagnostics/report';
import type { RecordingLine } from '../../../src/protocol/wire';

const ORIGIN = 1_796_449_640_494;
const header: RecordingLine = { type: 'qscope', v: 2, created: ORIGIN, writer: 'hub' };
const source = (pid: number): RecordingLine => ({
  type: 'source',
  src: `${pid}:0`,
  info: { v: 1, pid, threadId: 0, isMainThread: true, title: 'node', argv: [], origin: ORIGIN, now: 1, sampleInterval: 10 },
  snapshot: { v: 1, t: 1, queues: [] },
});
/** A queue left with an item at exit: a warning when its realm is known. */
const leftover = (pid: number): RecordingLine[] => [
  { type: 'queue', src: `${pid}:0`, t: 2, q: 1, name: `jobs-${pid}`, kind: 'fifo', maxsize: 0, size: 0 },
  { type: 'samples', src: `${pid}:0`, t: 3, rows: [[1, 1, 0, 1, 1, 0]] },
  { type: 'end', src: `${pid}:0`, t: 500, reason: 'exit', code: 0 },
];

describe('RecordingCheck: lines without their source line', () => {
  it('counts them per realm, keeps them out of the model, and the notes say so', () => {
    const check = new RecordingCheck();
    // Process 2 truncated the file: process 1's later lines have no source line.
    check.push([header, source(2), ...leftover(1), ...leftover(2)]);
    const records = check.finish();
    assert.deepEqual(check.orphans, [{ src: '1:0', lines: 3 }]);
    assert.equal(check.realmCount, 1);
    assert.deepEqual(records.map((r) => r.finding.queues[0].name), ['jobs-2'], 'the realm with its source line is checked');
    assert.deepEqual(checkNotes(check, { warnings: [] }), ['3 lines of realm 1:0 were skipped: no source line (the file may have been truncated by another process writing the same path)']);
  });

  it('a recording whose only source line was lost: nothing could be checked', () => {
    const check = new RecordingCheck();
    check.push([header, ...leftover(1)]);
    assert.deepEqual(check.finish(), []);
    assert.equal(check.realmCount, 0);
    assert.deepEqual(checkNotes(check, { warnings: [] }), [
      '3 lines of realm 1:0 were skipped: no source line (the file may have been truncated by another process writing the same path)',
      'nothing could be checked: no realm in the file has its source line',
    ]);
  });

  it('a header alone: nothing was recorded', () => {
    const check = new RecordingCheck();
    check.push([header]);
    check.finish();
    assert.equal(check.realmCount, 0);
    assert.deepEqual(check.orphans, []);
    assert.match(checkNotes(check, { warnings: [] }).join('\n'), /^nothing was recorded: /);
  });
});
