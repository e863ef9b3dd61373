import assert from 'node:assert/strict';
import { filterEvents, parseAttachInfo, parseDrainBatch, parseSnapshot } from '../../../src/model';
import { attachInfo, batch, queueSnap, snapshot } from './fixtures';

describe('wire parsing', () => {
  it('reads a well-formed attach, drain and snapshot', () => {
    const a = parseAttachInfo(JSON.stringify(attachInfo({ snapshot: snapshot(1, [queueSnap(1)]) })));
    assert.ok(a.ok && a.value.snapshot.queues.length === 1 && a.value.pid === 4242);
    const d = parseDrainBatch(JSON.stringify(batch(3, 9, [{ type: 'gc', t: 1, q: 1 }], { more: true })));
    assert.ok(d.ok && d.value.seq === 3 && d.value.more && d.value.events.length === 1 && d.value.skipped === 0);
    const s = parseSnapshot(JSON.stringify(snapshot(2, [queueSnap(1), queueSnap(2)])));
    assert.ok(s.ok && s.value.queues.length === 2);
  });

  it('never throws: clear errors for non-JSON, wrong shapes and other protocol versions', () => {
    const cases: [string, RegExp][] = [
      ['', /not valid JSON/],
      ['{"v":1,"seq":', /not valid JSON/],
      ['[]', /not an object/],
      ['{"v":1}', /missing seq, t or events/],
      ['{"v":7,"seq":1,"t":1,"events":[]}', /version 7 is not supported/],
      ['{"seq":1,"t":1,"events":[]}', /missing protocol version/],
    ];
    for (const [text, re] of cases) {
      const r = parseDrainBatch(text);
      assert.ok(!r.ok, text);
      assert.match(r.error, re, text);
    }
    const a = parseAttachInfo('{"v":1,"pid":1}');
    assert.ok(!a.ok && /missing pid, threadId/.test(a.error));
  });

  it('keeps the good events of a batch and counts the bad ones by type', () => {
    const r = filterEvents([
      { type: 'gc', t: 1, q: 1 },
      { type: 'gc', t: 1, q: '1' },
      { type: 'samples', t: 1, rows: [[1, 2, 3]] },
      { type: 'later', t: 1 },
      null,
      { type: 'wait', t: 1, q: 1, w: 2, role: 'put', site: { file: 'a.js', line: 1, column: 1, fn: 'f' } },
    ]);
    assert.equal(r.events.length, 2);
    assert.equal(r.skipped, 4);
    assert.deepEqual(r.unknownTypes.sort(), ['gc', 'later', 'object', 'samples']);
  });

  it('drops malformed queues of a snapshot and counts them', () => {
    const s = parseSnapshot(JSON.stringify({ v: 1, t: 1, queues: [queueSnap(1), { q: 2, name: 3 }] }));
    assert.ok(s.ok);
    assert.equal(s.value.queues.length, 1);
    assert.equal(s.value.skipped, 1);
  });
});
