// A test suite that installs fake timers (sinon, jest: they replace setTimeout, setInterval,
// Date and performance.now on globalThis) after the library loaded, recorded with the
// preload: the recorder's flush and the hub's clock stay on the host's real ones. Before,
// the recorder re-armed through the global setTimeout at each tick, so its timer landed on
// the fake clock: the test's runAll() never ended and the file stopped growing in real time.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureLibraryBuilt, readNdjson, REGISTER, run, tempFile } from './helpers';

// The program: a hand-made fake of what sinon installs, counting the timers it is handed;
// then 400 ms of real time with a queue moving, timed by the setTimeout it saved; then it
// reads its own recording before exiting (a normal exit would flush everything anyway).
const PROGRAM = `
const { Queue } = require(process.env.QUEUESCOPE_LIB);
const real = { setTimeout, Date: Date.now, perf: performance.now.bind(performance) };
let faked = 0;
globalThis.setTimeout = () => { faked++; return { unref() {}, ref() {} }; };
globalThis.setInterval = () => { faked++; return { unref() {}, ref() {} }; };
globalThis.clearInterval = () => {};
Date.now = () => 0;
performance.now = () => 0;
const q = new Queue({ name: 'after-fakes' });
const started = real.perf();
let i = 0;
(function feed() {
  q.putNowait(i++);
  if (real.perf() - started < 400) real.setTimeout(feed, 20);
  else real.setTimeout(report, 250); // past two recorder ticks
})();
function report() {
  const lines = require('fs').readFileSync(process.env.QUEUESCOPE_TRACE_FILE, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l));
  const queue = lines.find((l) => l.type === 'queue' && l.name === 'after-fakes');
  const times = lines.filter((l) => l.type === 'sampleCols' && queue !== undefined && l.q.includes(queue.q)).map((l) => l.t);
  console.log(JSON.stringify({ faked, queued: queue !== undefined, span: queue === undefined ? 0 : Math.max(0, ...times) - queue.t, depth: q.qsize() }));
  process.exit(0);
}
`;

describe('fake timers installed by the program under test', function () {
  this.timeout(30_000);
  before(ensureLibraryBuilt);

  it('neither take the recorder timer nor stop the hub clock', async () => {
    const file = tempFile('fake.qscope');
    const main = path.join(path.dirname(file), 'fake.js');
    fs.writeFileSync(main, PROGRAM);
    const r = await run(['--require', REGISTER, main], { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { faked: number; queued: boolean; span: number; depth: number };
    assert.equal(out.faked, 0, 'no tracer timer went to the fake');
    assert.ok(out.queued, 'the queue made after the fakes reached the file while the program ran');
    assert.ok(out.depth > 10, `the queue moved (${out.depth} items)`);
    // Hub time from the queue's creation to its last sample before the exit: real time (the
    // fake performance.now() says 0 throughout).
    const header = readNdjson(file).find((l) => l.type === 'qscope') as { created: number } | undefined;
    assert.ok(header !== undefined && header.created > 1e12, 'the header has a real date');
    assert.ok(out.span > 300, `samples kept real hub time (${out.span} ms from creation to the last)`);
  });
});
