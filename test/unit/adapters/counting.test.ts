// Puts and gets of the adapted libraries when tasks leave other than by starting: aborted
// while they wait, dropped by kill()/remove(), refused by add(), written in batches, or
// written to a stream that is gone (the review of 2026-12-04, .tmp/review-adapters/). Real
// libraries in real child processes under the preload with the hub armed (QUEUESCOPE_TRACE=1);
// each fixture drains the hub itself at its checkpoints (test/fixtures/adapters/counting-hub.cjs)
// and prints the library's own numbers next to the hub's: the depth the adapter reported
// must be the library's, and puts/gets must say what came and went.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureLibraryBuilt, REGISTER, REGISTER_ESM, ROOT, run } from '../trace/helpers';

interface HubQueue {
  name: string;
  lib?: string;
  /** Depth as the adapter last reported it (samples). */
  depth?: number;
  /** Depth read from the library at the snapshot. */
  size: number;
  puts: number;
  gets: number;
  running?: number;
  waiters: string[];
}
interface Point {
  at: string;
  lib: Record<string, unknown>;
  hub: HubQueue[] | null;
}

const FIX = path.join(ROOT, 'test/fixtures/adapters');

/** Run a fixture traced (the hub armed unless `env` says otherwise); its checkpoints, and its output untraced must be the same but for `hub`. */
async function traced(fixture: string, env: Record<string, string> = { QUEUESCOPE_TRACE: '1' }): Promise<Map<string, Point & { q: HubQueue }>> {
  const esm = fixture.endsWith('.mjs');
  const r = await run([esm ? '--import' : '--require', esm ? REGISTER_ESM : REGISTER, path.join(FIX, fixture)], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no warning');
  const bare = await run([path.join(FIX, fixture)], {});
  assert.equal(bare.code, 0, bare.stderr);
  const points = (stdout: string): Point[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Point);
  const mine = points(r.stdout);
  assert.deepEqual(
    points(bare.stdout),
    mine.map((p) => ({ ...p, hub: null })),
    'the program prints what it prints untraced',
  );
  const out = new Map<string, Point & { q: HubQueue }>();
  for (const p of mine) {
    assert.equal(p.hub?.length, 1, `${p.at}: one queue in ${JSON.stringify(p.hub)}`);
    out.set(p.at, { ...p, q: p.hub![0] });
  }
  return out;
}

/** [depth reported, library's size, puts, gets] at a checkpoint. */
function counts(p: { q: HubQueue }): number[] {
  return [p.q.depth!, p.q.size, p.q.puts, p.q.gets];
}

describe('adapters: what leaves a queue without starting', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  // pq-abort.mjs: a request's 50 tasks cancelled with its AbortSignal while they waited;
  // p-queue's size 0, the hub's depth 50 forever. pq1.mjs: add() with an aborted signal or
  // `priority: NaN` queues nothing, yet counted a put.
  it('p-queue 10: a task aborted while it waits is one get; an add() that queues nothing is no put; 6.x ignores the signal', async () => {
    const p = await traced('counting-pqueue.mjs');
    // Every checkpoint: the depth reported is p-queue's size, and puts - gets too (p-queue's
    // adapter counts a start as a get).
    for (const [at, point] of p) {
      assert.equal(point.q.depth, point.lib.size, `${at}: depth`);
      assert.equal(point.q.puts - point.q.gets, point.lib.size, `${at}: puts - gets`);
    }
    assert.deepEqual(counts(p.get('v10 queued')!), [50, 50, 51, 1]);
    assert.deepEqual(counts(p.get('v10 aborted')!), [0, 0, 51, 51], '50 aborted while waiting: 50 gets');
    assert.equal(p.get('v10 aborted')!.lib.listeners, 0, 'no listener left on the aborted signal');
    assert.deepEqual(p.get('v10 refused')!.lib.refused, ['AbortError', 'TypeError']);
    assert.deepEqual(counts(p.get('v10 refused')!), [0, 0, 51, 51], 'nothing queued, nothing counted');
    assert.deepEqual(counts(p.get('v10 half aborted')!), [10, 10, 71, 61]);
    // Cleared, then their signal aborted: counted once, by clear().
    assert.deepEqual(counts(p.get('v10 cleared, then aborted')!), [0, 0, 73, 73]);
    assert.deepEqual(counts(p.get('v10 end')!), [0, 0, 75, 75], 'a task aborted after it started, or after it finished, is no second get');
    assert.equal(p.get('v10 end')!.lib.listeners, 0, 'no listener left on the signal of a task that started');
    // Six queues sharing one signal: p-queue's six listeners, none of the adapter's (the
    // fixture's stderr stays empty: no MaxListenersExceededWarning).
    assert.equal(p.get('v10 shared signal')!.lib.listeners, 6);
    // Program listeners that add a task before the adapter's 'next' runs (a review).
    assert.deepEqual(counts(p.get('v10 topped up on next')!), [0, 0, 5, 5]);
    assert.deepEqual(counts(p.get('v10 refilled on clear')!), [0, 0, 7, 7]);
    assert.deepEqual(counts(p.get('v6 aborted')!), [4, 4, 5, 1], 'p-queue 6: the abort changes nothing, `priority: NaN` is queued');
    assert.deepEqual([...counts(p.get('v6 end')!), p.get('v6 end')!.lib.ran], [0, 0, 5, 5, 4]);
    // 6.x: a clear() in an 'active' listener; a task that throws at once (a review).
    assert.deepEqual(counts(p.get('v6 cleared on active')!), [0, 0, 3, 3]);
    assert.deepEqual([...counts(p.get('v6 thrown at once')!), p.get('v6 thrown at once')!.lib.thrown], [0, 0, 1, 1, 'Error']);
  });

  // A task's start is seen after a dormant hub arms (a debugger attaching later): so is its abort.
  it('p-queue 10: a task added with a signal while the hub is dormant and aborted once it is armed is one get', async () => {
    const p = await traced('counting-pqueue-dormant.mjs', {});
    for (const [at, point] of p) assert.equal(point.q.depth, point.lib.size, `${at}: depth`);
    assert.deepEqual(counts(p.get('armed')!), [5, 5, 0, 0]);
    assert.deepEqual(counts(p.get('aborted')!), [0, 0, 0, 5]);
  });

  // fq-kad.cjs, fq-abort.cjs: the drain handler (or a dropped task's callback) pushed again
  // inside killAndDrain()/abort(); the hub read more gets than puts and depth 0 while items waited.
  it('fastq: kill()/killAndDrain()/abort() count what they dropped; what the program pushes back from inside them stays', async () => {
    const p = await traced('counting-fastq.cjs');
    for (const [at, point] of p) {
      assert.equal(point.q.depth, point.lib.length, `${at}: depth`);
      assert.equal(point.q.puts - point.q.gets, point.lib.length, `${at}: puts - gets`);
    }
    // A task that starts at once (here the first of each queue) is a put and a get: before
    // 2026-12-07 it was a put only, and a pool whose workers kept up read 0 gets/s.
    assert.deepEqual(counts(p.get('killAndDrain refilled')!), [3, 3, 7, 4], '3 dropped, 3 pushed back by drain');
    assert.deepEqual(counts(p.get('killAndDrain end')!), [0, 0, 7, 7]);
    assert.deepEqual(counts(p.get('abort requeued')!), [2, 2, 6, 4], '3 dropped, 2 pushed back by their callbacks');
    assert.deepEqual(counts(p.get('abort end')!), [0, 0, 6, 6]);
    assert.deepEqual(counts(p.get('kill')!), [0, 0, 5, 5]);
  });

  // async-drift.cjs: a remove() of 4 counted 1 get, a remove() of none 1, kill() of 5 1, push([]) a put.
  it('async: remove() and kill() count one get per task dropped, none when none was; push([]) counts nothing', async () => {
    const p = await traced('counting-async.cjs');
    for (const [at, point] of p) {
      assert.equal(point.q.depth, point.lib.length, `${at}: depth`);
      assert.equal(point.q.puts - point.q.gets, point.lib.length, `${at}: puts - gets`);
    }
    assert.deepEqual(counts(p.get('removed 4')!), [5, 5, 10, 5]);
    assert.deepEqual(counts(p.get('removed none, pushed none')!), [5, 5, 10, 5]);
    assert.deepEqual(counts(p.get('killed')!), [0, 0, 10, 10]);
  });

  // st-dead.cjs: a heartbeat written to a destroyed socket; write() returns false with an
  // error, no 'drain' will ever come, and the hub showed a blocked producer for good.
  it('streams: a write() to a destroyed or errored Writable starts no blocked producer; one to a destroyed one counts no put', async () => {
    const p = await traced('counting-streams.cjs');
    const dead = p.get('destroyed, written')!;
    assert.deepEqual([dead.lib.returned, dead.lib.errors, dead.lib.needDrain], [false, ['ERR_STREAM_DESTROYED'], false]);
    assert.deepEqual(dead.q.waiters, [], 'nobody waits for a drain that never comes');
    assert.deepEqual(counts(dead), [0, 0, 1, 1], "the write that failed buffered nothing: 'hello' came and went");
    // A write the implementation fails returns false too, though nothing needs draining; this
    // stream emits no 'close' that would end a wait.
    const refused = p.get('refused')!;
    assert.deepEqual([refused.lib.returned, refused.lib.errors, refused.lib.needDrain, refused.lib.destroyed], [false, ['refused'], false, true]);
    assert.deepEqual(refused.q.waiters, [], 'nobody waits on an errored stream');
  });

  // st-writev.cjs: a Writable with _writev (fs.WriteStream, net.Socket, `writev:`) counted
  // one get per batch: 200 puts, 25 gets for 200 chunks written.
  it('streams: a Writable that writes batches (_writev) counts one get per chunk', async () => {
    const p = await traced('counting-streams.cjs');
    const custom = p.get('writev option')!;
    assert.deepEqual([custom.lib.chunks, custom.lib.batched], [100, true], 'Node handed it batches');
    assert.deepEqual(counts(custom), [0, 0, 100, 100]);
    const file = p.get('fs.WriteStream')!;
    assert.equal(file.lib.bytes, 200 * 1024);
    assert.deepEqual(counts(file), [0, 0, 200, 200]);
  });
});
