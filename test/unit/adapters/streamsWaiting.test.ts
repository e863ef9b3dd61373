// The waiting consumer of a piped Readable (issue #14): pipe()'s reader found the buffer
// empty and waits for the producer behind _read(). The fixture holds each chunk until it
// says so (test/fixtures/adapters/streams-waiting.cjs) and prints the stream's own state
// next to the hub's snapshot: a 'get' waiter exactly while nothing is buffered, the stream
// flows and a read is pending; none once it ended. Output as untraced.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureLibraryBuilt, readNdjson, REGISTER, ROOT, run, tempFile } from '../trace/helpers';

const FIXTURE = path.join(ROOT, 'test/fixtures/adapters/streams-waiting.cjs');

interface Point {
  at: string;
  lib: { length: number; flowing: boolean | null; ended: boolean; readPending: number };
  hub: { size: number; waiters: string[]; waitedGets: number } | null;
}

describe('adapters: the waiting consumer of a piped Readable', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  it("shows a 'get' waiter while pipe()'s reader waits for data, none after the end; counts every wait", async () => {
    const file = tempFile('streams-waiting.qscope');
    const r = await run(['--require', REGISTER, FIXTURE], { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const points = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Point);
    const states = points.filter((p) => p.at !== 'got');
    assert.deepEqual(states.map((p) => p.at), ['upstream empty', 'one read, empty again', 'ended']);
    for (const p of states) {
      const waiting = p.lib.length === 0 && p.lib.flowing === true && !p.lib.ended && p.lib.readPending > 0;
      assert.deepEqual([p.hub?.size, p.hub?.waiters], [p.lib.length, waiting ? ['get'] : []], p.at);
    }
    assert.deepEqual(states.map((p) => p.hub?.waitedGets), [1, 2, 3], 'three reads found the buffer empty: two chunks and the end');
    const lines = readNdjson(file);
    const q = lines.find((l) => l.type === 'queue' && l.name === 'pipe › Readable readable')?.q;
    const seen = lines.filter((l) => l.q === q && l.type === 'wait').length + lines.filter((l) => l.q === q && l.type === 'shortWaits').reduce((n, l) => n + (l.count as number), 0);
    assert.equal(seen, 3, 'every wait is in the recording, long or short');
    const bare = await run([FIXTURE], {});
    assert.equal(r.stdout.split('\n').at(-2), bare.stdout.split('\n').at(-2));
    assert.equal(bare.code, 0);
  });

  // Found under F5 (a log shipper fed by a timer): the Readable row read ~10 gets/s against
  // ~195 puts/s with depth 0, since Node hands such chunks to the reader without read().
  it('counts a chunk handed straight to a flowing reader as a put and a get, and the end as neither', async () => {
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/streams-flowing.cjs')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { objectMode: boolean; received: number; hub: unknown });
    assert.deepEqual(lines, [
      { objectMode: true, received: 20, hub: { size: 0, puts: 20, gets: 20 } },
      { objectMode: false, received: 20, hub: { size: 0, puts: 20, gets: 20 } },
    ]);
  });

  // Found under F5 on a gzip log pipeline into a slow sink: a run that ended normally read
  // "1 abort" on its Readable. pipe() pauses the source from inside the push() that handed
  // the waiting reader its chunk, and the reader started one more wait after push(null).
  it('ends a wait served when pipe() pauses the source for backpressure, and starts none after push(null)', async () => {
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/streams-backpressure.cjs')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { case: string; hub: { waitedGets: number; aborts: number; waiters: number } });
    const sink = lines.find((l) => l.case === 'slow sink');
    assert.ok(sink, r.stdout);
    assert.equal(sink?.hub.aborts, 0, 'backpressure is not an abort');
    assert.ok(sink.hub.waitedGets >= 10, `the reader waited for each of the 10 chunks: ${sink.hub.waitedGets}`);
    assert.equal(sink.hub.waiters, 0);
    // A reader that stops waiting with no chunk (unpipe) still reads as an abort.
    assert.deepEqual(lines.find((l) => l.case === 'unpiped')?.hub, { waitedGets: 1, aborts: 1, waiters: 0 });
    // So does one whose stream refused the value pushed (destroyed inside push()).
    assert.deepEqual(lines.find((l) => l.case === 'refused')?.hub, { waitedGets: 1, aborts: 1, waiters: 0 });
  });
});

describe("adapters: Node's own streams", function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  // Found under F5 on `node --test`: every test file's panel listed node:test's TestsStream
  // ("0 / 9007199254740991", "1 waiting") and a Duplexify around stdout, which Node's runner
  // pipes through its internal pipeline(); the status bar read "1 waiting".
  it("leaves out what node:test's reporter pipes, keeps the program's pipe() and compose(), and reads a huge highWaterMark as unbounded", async () => {
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/streams-node-test.cjs')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stderr.split('\n').find((l) => l.startsWith('QUEUES '));
    assert.ok(line, r.stderr);
    assert.deepEqual(JSON.parse(line.slice('QUEUES '.length)), [
      ['pipe › Readable readable', 0],
      ['pipe › Writable writable', 16384],
      // The program's compose(): Node's helpers pipe its stages for it, so they count.
      ['pipe › Upper readable', 16384],
      ['pipe › Upper writable', 16384],
      ['pipe › Readable readable', 1],
      ['pipe › Duplex writable', 16384],
      ['pipe › Duplex readable', 16384],
      ['pipe › Writable writable', 16384],
    ]);
  });
});

describe('adapters: installed part by part', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  // Found by a review: one throw in installAdapters() skipped every part after it.
  it("still adapts the program's streams on a Node whose module.register() throws", async () => {
    const fixture = (name: string) => path.join(ROOT, 'test/fixtures/adapters', name);
    const r = await run(['--require', fixture('register-throws.cjs'), '--require', REGISTER, fixture('streams-plain.cjs')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'QUEUES ["pipe › Readable readable","pipe › Writable writable"]');
  });
});

describe('adapters: pipeline() stage names', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  // Found under F5 on a log shipper: its parse and enrich Transforms were both
  // "pipeline 1 › Transform writable", and the panel could not tell them apart.
  it("names each pipeline() stage by its place in the call's arguments, in every pipeline() form", async () => {
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/streams-stages.cjs')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    const names = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
    assert.deepEqual(names, [
      'pipeline 1 › #1 Readable readable',
      'pipeline 1 › #2 Transform writable',
      'pipeline 1 › #2 Transform readable',
      'pipeline 1 › #3 Transform writable',
      'pipeline 1 › #3 Transform readable',
      'pipeline 1 › #4 Writable writable',
      'pipeline 2 › #1 Readable readable',
      'pipeline 2 › #2 Transform writable',
      'pipeline 2 › #2 Transform readable',
      'pipeline 2 › #3 Writable writable',
      // The generator's output: fed by write(), shown since 2026-12-04.
      'pipeline 3 › #2 Transform writable',
      'pipeline 3 › #2 Transform readable',
      'pipeline 3 › #3 Writable writable',
      // Beside a function stage in the middle (since 2026-12-04: only the piped pair was
      // shown). Those sides register when pipeline() is called, before its pipe()s.
      'pipeline 4 › #2 Transform readable',
      'pipeline 4 › #4 Writable writable',
      'pipeline 4 › #1 Readable readable',
      'pipeline 4 › #2 Transform writable',
      'pipeline 5 › #1 Readable readable',
      'pipeline 5 › #3 Writable writable',
    ]);
  });
});
