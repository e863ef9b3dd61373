// Real libraries (fastq, p-queue latest and 6.x) in real child processes under the file
// recorder: `--require` / `--import queuescope/register`, no change to the programs. Each
// fixture prints, at checkpoints, the library's own numbers next to the hub's snapshot;
// the recording must carry the queue with its lib and a depth history that matches.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureLibraryBuilt, markerLines, readNdjson, REGISTER, REGISTER_ESM, ROOT, run, tempFile } from '../trace/helpers';

interface HubQueue {
  name: string;
  lib?: string;
  size: number;
  running?: number;
  concurrency?: number;
  waiters: string[];
  items: string[];
}
interface Checkpoint {
  at: string;
  lib: { length?: number; size?: number; running?: number; pending?: number; unblocked?: boolean; results?: unknown[] };
  hub: HubQueue[] | null;
}

const FIX = path.join(ROOT, 'test/fixtures/adapters');

function checkpoints(stdout: string): Checkpoint[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Checkpoint);
}

/** Run a fixture traced to a file; returns its checkpoints and the recording's lines. */
async function traced(fixture: string, flag: '--require' | '--import', loader: string[] = []): Promise<{ points: Checkpoint[]; lines: Record<string, unknown>[]; stdout: string; code: number | null; stderr: string }> {
  const file = tempFile('adapters.qscope');
  const r = await run([flag, flag === '--require' ? REGISTER : REGISTER_ESM, ...loader, path.join(FIX, fixture)], { QUEUESCOPE_TRACE_FILE: file });
  return { points: checkpoints(r.stdout), lines: readNdjson(file), stdout: r.stdout, code: r.code, stderr: r.stderr };
}

/** The program's own output with the hub's view removed: what it prints untraced. */
function ownOutput(stdout: string): string {
  return stdout
    .split('\n')
    .map((l) => (l.startsWith('{') ? JSON.stringify({ ...(JSON.parse(l) as object), hub: null }) : l))
    .join('\n');
}

/** Depth history of queue `q` in a recording: [depth, min, max] per sample row. */
function depths(lines: Record<string, unknown>[], q: number): number[][] {
  return lines.filter((l) => l.type === 'samples').flatMap((l) => (l.rows as number[][]).filter((r) => r[0] === q).map((r) => [r[1], r[2], r[3]]));
}

function lastCounters(lines: Record<string, unknown>[], q: number): Record<string, number> {
  const c = lines.filter((l) => l.type === 'counters' && l.q === q).pop();
  return (c?.c ?? {}) as Record<string, number>;
}

/** Every checkpoint's hub view of the queue named `name` from `lib` agrees with the library. */
function assertAgrees(points: Checkpoint[], prefix: string, name: string, libPrefix: string): void {
  const mine = points.filter((p) => p.at.startsWith(prefix));
  assert.ok(mine.length >= 2, `checkpoints of ${prefix}: ${mine.length}`);
  for (const p of mine) {
    const q = (p.hub ?? []).find((h) => h.name === name && h.lib?.startsWith(libPrefix));
    assert.ok(q !== undefined, `${p.at}: no ${name} (${libPrefix}) in ${JSON.stringify(p.hub)}`);
    assert.equal(q.size, p.lib.length ?? p.lib.size, `${p.at}: depth`);
    assert.equal(q.running, p.lib.running ?? p.lib.pending, `${p.at}: running`);
    if (p.lib.unblocked !== undefined) assert.deepEqual(q.waiters, p.lib.unblocked ? [] : ['put'], `${p.at}: blocked producer`);
  }
}

describe('adapters: real libraries under the file recorder', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  // tsx (`--import tsx`, how many TypeScript programs run) hands Node the source of the
  // CommonJS fastq imported from ES modules, so Node's own '.js' loader never runs for it: the
  // adapter hooks Module.prototype._compile (found on an image service under F5).
  for (const [fixture, flag, loader] of [
    ['fastq.cjs', '--require', []],
    ['fastq.mjs', '--import', []],
    ['fastq.mjs', '--require', ['--import', 'tsx']],
  ] as const) {
    it(`fastq (${fixture}, ${flag}${loader.length ? `, ${loader.join(' ')}` : ''}): depth, running, concurrency and items as fastq reports them`, async () => {
      const r = await traced(fixture, flag, [...loader]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assertAgrees(r.points, 'fastq ', 'fastq resize', 'fastq@1.');
      assertAgrees(r.points, 'fastq.promise', 'fastq upload', 'fastq@1.');
      const filled = r.points[0].hub?.find((h) => h.name === 'fastq resize');
      assert.deepEqual([filled?.concurrency, filled?.items], [2, ['2', '3', '4', '5']]);

      const queues = r.lines.filter((l) => l.type === 'queue' && String(l.lib).startsWith('fastq@'));
      assert.deepEqual(
        queues.map((l) => [l.name, l.lib, l.concurrency, l.kind, l.maxsize]),
        [
          ['fastq resize', 'fastq@1.20.3', 2, 'fifo', 0],
          ['fastq upload', 'fastq@1.20.3', 1, 'fifo', 0],
        ],
      );
      // 6 pushes, 2 run at once: depth rose to 4, fell back to 0; all 6 were taken by a
      // worker, the 2 that went straight to one too (before 2026-12-07: 4 gets, a put only for those).
      const resize = queues[0].q as number;
      const hist = depths(r.lines, resize);
      assert.equal(Math.max(...hist.map((d) => d[2])), 4);
      assert.equal(hist[hist.length - 1][0], 0);
      assert.deepEqual([lastCounters(r.lines, resize).puts, lastCounters(r.lines, resize).gets, lastCounters(r.lines, resize).running], [6, 6, 0]);
      if (fixture === 'fastq.cjs') assert.ok(r.lines.some((l) => l.type === 'queue' && l.name === 'own' && l.lib === undefined), "the program's own QueueScope queue is still there");
    });
  }

  for (const [fixture, flag] of [
    ['pqueue.mjs', '--import'],
    ['pqueue.cjs', '--require'],
    ['pqueue.mjs', '--require'],
  ] as const) {
    it(`p-queue latest and 6.x side by side (${fixture}, ${flag}): depth, pending, blocked producers`, async () => {
      const r = await traced(fixture, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assertAgrees(r.points, 'latest', 'PQueue', 'p-queue@10.');
      assertAgrees(r.points, 'v6', 'PQueue', 'p-queue@6.');
      const marks = markerLines(path.join(FIX, 'scenarios.cjs'));
      const siteOf = (l: Record<string, unknown>) => {
        const site = l.site as { file: string; line: number } | undefined;
        return site && `${path.basename(site.file)}:${site.line}`;
      };
      // A queue nothing was added to is there too, from its creation, at its own line.
      const unused = r.lines.filter((l) => l.type === 'queue' && siteOf(l) === `scenarios.cjs:${marks.get('pqueueUnused')}`);
      assert.deepEqual(unused.map((l) => [l.name, l.lib, l.concurrency, l.size]).sort(), [['Spare', 'p-queue@10.0.0', 4, 0], ['Spare', 'p-queue@6.6.2', 4, 0]]);
      const queues = r.lines.filter((l) => l.type === 'queue' && !unused.includes(l));
      assert.deepEqual(queues.map((l) => l.lib).sort(), ['p-queue@10.0.0', 'p-queue@6.6.2']);
      for (const q of queues) {
        const hist = depths(r.lines, q.q as number);
        assert.equal(Math.max(...hist.map((d) => d[2])), 3, `${String(q.lib)} peak depth`);
        assert.equal(hist[hist.length - 1][0], 0);
        const c = lastCounters(r.lines, q.q as number);
        assert.deepEqual([c.puts, c.blockedPuts, c.running], [5, 1, 0], String(q.lib));
        assert.equal(q.concurrency, 2);
        // Registered at its first add(), but created at the `new PQueue` line (the constructor's
        // `concurrency` set is seen), not at the add's.
        assert.equal(siteOf(q), `scenarios.cjs:${marks.get('pqueueNew')}`, String(q.lib));
      }
      // The blocked producer was recorded with the fixture's call site.
      const waits = r.lines.filter((l) => l.type === 'wait' || l.type === 'shortWaits');
      assert.equal(waits.length >= 2, true, JSON.stringify(waits));
    });
  }

  // p-limit's limit is a function with non-configurable properties: the program gets a
  // stand-in for it (a wrapped factory; for the ESM-only majors, through the loader hooks'
  // replaced exports). Its own numbers must be the library's, and its results unchanged.
  // plimit-require.cjs: require() of the ESM-only majors (a TypeScript program compiled to
  // CommonJS), where Node hands the CommonJS hook the module's namespace (Node 20.19+).
  const requireEsm = (process.features as { require_module?: boolean }).require_module === true;
  for (const [fixture, flag] of [
    ['plimit.mjs', '--import'],
    ['plimit.cjs', '--require'],
    ['plimit-require.cjs', '--require'],
  ] as const) {
    it(`p-limit 7, 6, 5, 4 and 3 side by side (${fixture}, ${flag}): depth, running, map(), clearQueue(), limitFunction()`, async function () {
      if (fixture === 'plimit-require.cjs' && !requireEsm) this.skip(); // this Node cannot require() an ES module
      const r = await traced(fixture, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(ownOutput(r.stdout), ownOutput((await run([path.join(FIX, fixture)], {})).stdout), 'the program prints what it prints untraced');
      const majors = fixture === 'plimit.mjs' ? ['latest', 'v6', 'v5', 'v4', 'v3'] : fixture === 'plimit.cjs' ? ['v3', 'latest'] : ['latest', 'v4'];
      const libOf = (label: string) => (label === 'latest' ? 'p-limit@7.3.3' : { v6: 'p-limit@6.2.0', v5: 'p-limit@5.0.0', v4: 'p-limit@4.0.0', v3: 'p-limit@3.1.0' }[label]!);
      for (const label of majors) assertAgrees(r.points, `${label} `, 'pLimit', libOf(label));
      const marks = markerLines(path.join(FIX, 'scenarios.cjs'));
      const queues = r.lines.filter((l) => l.type === 'queue');
      const siteOf = (l: Record<string, unknown>) => `${path.basename((l.site as { file: string }).file)}:${(l.site as { line: number }).line}`;
      const withFunction = majors.filter((m) => m === 'latest' || m === 'v6');
      assert.deepEqual(
        queues.map((l) => [l.name, l.lib, l.concurrency, siteOf(l)]).sort(),
        [
          ...withFunction.map((m) => ['limitFunction lookup', libOf(m), 1, `scenarios.cjs:${marks.get('plimitFunction')}`]),
          ...majors.map((m) => ['pLimit', libOf(m), 2, `scenarios.cjs:${marks.get('plimitNew')}`]),
        ].sort(),
      );
      for (const q of queues) {
        const c = lastCounters(r.lines, q.q as number);
        // Every task that went through the limit arrived once and left once: started, or
        // dropped by clearQueue() (two of them).
        const n = q.name === 'limitFunction lookup' ? 2 : q.lib === 'p-limit@7.3.3' ? 5 + 3 + 4 + 1 : 5 + 4 + 1;
        assert.deepEqual([c.puts, c.gets, c.running], [n, n, 0], `${String(q.name)} ${String(q.lib)}`);
        if (q.name !== 'pLimit') continue;
        // 7.x starts two tasks within the five calls; older majors queue all five and start them a microtask later.
        const label = majors.find((m) => libOf(m) === q.lib)!;
        const called = r.points.find((p) => p.at === `${label} called`)!;
        assert.equal(called.lib.size, q.lib === 'p-limit@7.3.3' ? 3 : 5);
        assert.equal(Math.max(...depths(r.lines, q.q as number).map((d) => d[2])), called.lib.size, `${String(q.lib)} peak depth`);
      }
      assert.deepEqual(r.points.find((p) => p.at === 'latest mapped')?.lib.results, [10, 20, 30]);
    });
  }

  it('p-queue used oddly: a constructor that throws leaves no queue behind, a throwing class name changes nothing', async () => {
    const r = await traced('pqueue-odd.mjs', '--import');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warning, no uncaught exception');
    assert.deepEqual(r.stdout.trim().split('\n'), ['threw TypeError', 'added 1', 'end']);
    // Only the queue that was made: the half-built one is never registered.
    const queues = r.lines.filter((l) => l.type === 'queue');
    assert.deepEqual(queues.map((l) => [l.name, l.lib]), [['PQueue', 'p-queue@10.0.0']]);
    assert.deepEqual([lastCounters(r.lines, queues[0].q as number).puts, lastCounters(r.lines, queues[0].q as number).running], [1, 0]);
  });

  for (const [fixture, flag] of [
    ['async.cjs', '--require'],
    ['async.mjs', '--import'],
  ] as const) {
    it(`async queue, priorityQueue, cargoQueue (${fixture}, ${flag}): depth, running, the program's drain handler kept`, async () => {
      const r = await traced(fixture, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assertAgrees(r.points, 'async.queue ', 'async.queue crop', 'async@3.');
      assertAgrees(r.points, 'async.priorityQueue', 'async.priorityQueue rank', 'async@3.');
      assertAgrees(r.points, 'async.cargoQueue', 'async.cargoQueue pack', 'async@3.');
      const drained = r.points.find((p) => p.at === 'async.queue drained');
      assert.equal((drained?.lib as { drained?: number }).drained, 1, "the program's drain handler ran once");
      const queues = r.lines.filter((l) => l.type === 'queue');
      assert.deepEqual(
        queues.map((l) => [l.name, l.lib, l.kind, l.concurrency]),
        [
          ['async.queue crop', 'async@3.2.6', 'fifo', 2],
          ['async.priorityQueue rank', 'async@3.2.6', 'priority', 1],
          ['async.cargoQueue pack', 'async@3.2.6', 'fifo', 2],
        ],
      );
      const hist = depths(r.lines, queues[0].q as number);
      assert.equal(Math.max(...hist.map((d) => d[2])), 5);
      assert.equal(hist[hist.length - 1][0], 0);
      assert.deepEqual([lastCounters(r.lines, queues[0].q as number).puts, lastCounters(r.lines, queues[0].q as number).running], [5, 0]);
      // A cargo's worker call takes a batch (3, 3, then 2 of 8 tasks): gets count tasks, as puts do.
      const cargo = lastCounters(r.lines, queues[2].q as number);
      assert.deepEqual([cargo.puts, cargo.gets, cargo.running], [8, 8, 0]);
    });
  }

  for (const [fixture, flag] of [
    ['streams.cjs', '--require'],
    ['streams.mjs', '--import'],
  ] as const) {
    it(`streams in pipeline() (${fixture}, ${flag}): writableLength in bytes, a blocked producer until 'drain'`, async () => {
      const r = await traced(fixture, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const names = ['pipeline 1 › #1 Readable readable', 'pipeline 1 › #2 Transform writable', 'pipeline 1 › #2 Transform readable', 'pipeline 1 › #3 Writable writable'];
      for (const p of r.points) {
        assert.deepEqual((p.hub ?? []).map((h) => h.name), names, p.at);
        const sink = (p.hub ?? [])[3] as HubQueue & { maxsize: number; units: string; needDrain?: boolean };
        const own = p.lib as { size: number; needDrain: boolean };
        assert.deepEqual([sink.size, sink.maxsize, sink.units, sink.waiters, sink.running], [own.size, 8, 'bytes', own.needDrain ? ['put'] : [], undefined], p.at);
      }
      const queues = r.lines.filter((l) => l.type === 'queue');
      assert.deepEqual(queues.map((l) => [l.name, l.lib, l.units]), names.map((n) => [n, 'node:stream', 'bytes']));
      // Created at the program's pipeline() call, not inside Node's stream internals.
      for (const q of queues) assert.match(String((q.site as { file?: string } | undefined)?.file), /scenarios\.cjs$/);
      const sinkId = queues[3].q as number;
      const hist = depths(r.lines, sinkId);
      assert.equal(Math.max(...hist.map((d) => d[2])), 9, 'three 3-byte chunks against a highWaterMark of 8');
      assert.equal(hist[hist.length - 1][0], 0);
      const waits = r.lines.filter((l) => l.q === sinkId && (l.type === 'wait' || l.type === 'waitEnd' || l.type === 'shortWaits'));
      assert.ok(waits.length > 0, 'the blocked write is recorded');
      assert.equal(lastCounters(r.lines, sinkId).blockedPuts >= 1, true);
    });
  }

  it("net.Socket and a hand-written Duplex, one by one: each side's buffer, bytes vs objects, blocked until 'drain'", async () => {
    const r = await traced('sockets.cjs', '--require');
    assert.equal(r.code, 0, r.stderr);
    const expect: Record<string, [string, string | undefined]> = {
      'socket blocked': ['pipe › Socket writable', 'bytes'],
      'socket done': ['pipe › Socket writable', 'bytes'],
      'duplex blocked': ['pipeline 1 › #2 Duplex writable', undefined],
      'duplex done': ['pipeline 1 › #2 Duplex writable', undefined],
    };
    assert.deepEqual(r.points.map((p) => p.at), Object.keys(expect));
    for (const p of r.points) {
      const [name, units] = expect[p.at];
      const q = (p.hub ?? []).find((h) => h.name === name) as (HubQueue & { units?: string }) | undefined;
      const own = p.lib as { size: number; needDrain: boolean };
      assert.ok(q !== undefined, `${p.at}: ${name} in ${JSON.stringify(p.hub?.map((h) => h.name))}`);
      assert.deepEqual([q.size, q.units, q.waiters], [own.size, units, own.needDrain ? ['put'] : []], p.at);
    }
    const names = r.lines.filter((l) => l.type === 'queue').map((l) => l.name);
    assert.ok(names.includes('pipe › Socket readable'), 'the server side socket, piped onwards, is a readable buffer');
  });

  for (const [fixture, flag] of [
    ['piscina.cjs', '--require'],
    ['piscina.mjs', '--import'],
  ] as const) {
    it(`piscina 5.x and 4.x side by side (${fixture}, ${flag}): queueSize against maxQueue, running, threads`, async () => {
      const r = await traced(fixture, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      for (const v of ['v4', 'v5']) {
        assertAgrees(r.points, v, 'Piscina', v === 'v4' ? 'piscina@4.' : 'piscina@5.');
        const filled = r.points.find((p) => p.at === `${v} filled`)?.hub?.find((h) => h.lib?.startsWith(`piscina@${v.slice(1)}.`)) as HubQueue & { maxsize: number; stats: Record<string, number> };
        assert.deepEqual([filled.maxsize, filled.concurrency, filled.stats.threads], [10, 2, 2]);
        assert.equal(typeof filled.stats.wait_p50, 'number');
      }
      const queues = r.lines.filter((l) => l.type === 'queue');
      assert.deepEqual(queues.map((l) => l.lib).sort(), ['piscina@4.9.3', 'piscina@5.3.2'], "only the pools: Node's own worker stdio pipes are not the program's");
      for (const q of queues) {
        const hist = depths(r.lines, q.q as number);
        assert.equal(Math.max(...hist.map((d) => d[2])), 3, 'five tasks, two taken by the (starting) threads');
        assert.equal(hist[hist.length - 1][0], 0);
        assert.deepEqual([lastCounters(r.lines, q.q as number).puts, lastCounters(r.lines, q.q as number).running], [5, 0]);
        // Ages and durations from run() to settling (a task's start in its thread is not visible):
        // the oldest running task's age while two block, then 5 done with their p99.
        const counterLines = r.lines.filter((l) => l.type === 'counters' && l.q === q.q).map((l) => l.c as Record<string, number>);
        assert.ok(counterLines.some((c) => c.running > 0 && typeof c.runningSince === 'number'), 'runningSince while tasks run');
        const last = lastCounters(r.lines, q.q as number);
        assert.equal(last.done, 5);
        assert.ok(last.taskP99Ms > 0, `p99 ${last.taskP99Ms}`);
        // Live, not only in snapshots: the counters carry piscina's figures. (How many threads
        // they show depends on when the recorder's drains fell: the whole run may fit between
        // two, and the pool's threads are gone by the last; the snapshot above has the 2.)
        const figures = r.lines.filter((l) => l.type === 'counters' && l.q === q.q).map((l) => (l.c as { stats?: Record<string, number> }).stats);
        assert.ok(figures.some((f) => typeof f?.threads === 'number' && typeof f.utilization === 'number' && typeof f.wait_p50 === 'number'), JSON.stringify(figures));
      }
    });
  }

  it("piscina's utilization is the threads' busy share, in 5.x too (whose own getter reads 1000x low)", async () => {
    const r = await traced('piscina-busy.cjs', '--require');
    assert.equal(r.code, 0, r.stderr);
    for (const v of ['v4', 'v5']) {
      const point = r.points.find((p) => p.at === `${v} busy`)!;
      const pool = point.hub!.find((h) => h.lib?.startsWith(`piscina@${v.slice(1)}.`)) as HubQueue & { stats: Record<string, number> };
      // Two threads busy for the whole run but its start: well above half, never above 1.
      assert.ok(pool.stats.utilization > 0.5 && pool.stats.utilization <= 1, `${v}: ${pool.stats.utilization}`);
      if (v === 'v5') assert.ok((point.lib as { utilization: number }).utilization < 0.01, "piscina 5.3.2's own figure: the bug this works around");
      // The tasks' time in their threads (~15 ms spins), apart from the queue wait that the
      // adapter's own run()-to-settling durations include (40 tasks on 2 threads).
      assert.ok(pool.stats.run_mean >= 10 && pool.stats.run_mean < 60, `${v}: run mean ${pool.stats.run_mean}`);
      assert.ok(pool.stats.run_p99 >= pool.stats.run_mean, `${v}: run p99 ${pool.stats.run_p99}`);
      // The threads' work so far: 44 tasks (4 to start the threads, 40 of ~15 ms) at that mean.
      assert.ok(Math.abs(pool.stats.run_total - 44 * pool.stats.run_mean) < 1e-6 * pool.stats.run_total, `${v}: run total ${pool.stats.run_total}`);
    }
  });

  it('queues made while the hub is dormant are found when it arms (attach), with their depth and running, and tracked after', async () => {
    const r = await run(['--require', REGISTER, path.join(FIX, 'dormant.cjs')], {});
    assert.equal(r.code, 0, r.stderr);
    const [armed, after] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(armed.queues, [
      ['fastq slow', 'fastq@1.20.3', 4, 2],
      ['PQueue', 'p-queue@6.6.2', 2, 1],
    ]);
    assert.deepEqual(armed.streamWrapped, [false, true], 'a piped stream is wrapped only once the hub arms');
    const depth = after.depth as Record<string, number>;
    assert.deepEqual([depth[1], depth[2], after.lib], [0, 0, { fastq: 0, pqueue: 0 }]);
  });

  it('never changes the program: the same output and exit code as untraced', async () => {
    for (const fixture of ['fastq.cjs', 'pqueue.mjs', 'plimit.mjs', 'plimit.cjs', 'async.cjs', 'async.mjs', 'streams.cjs', 'streams.mjs', 'piscina.cjs']) {
      const bare = await run([path.join(FIX, fixture)], {});
      const withTrace = await traced(fixture, fixture.endsWith('.mjs') ? '--import' : '--require');
      assert.equal(withTrace.code, bare.code);
      assert.equal(ownOutput(withTrace.stdout), ownOutput(bare.stdout));
      // Untraced, no hub knows the library's queues (fastq.cjs has its own QueueScope queue).
      assert.ok(checkpoints(bare.stdout).every((p) => (p.hub ?? []).every((q) => q.lib === undefined)));
    }
  });
});

describe('adapters: libraries they do not understand', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  /** A throwaway project with fake packages in its node_modules. */
  function project(files: Record<string, string>): string {
    const dir = path.dirname(tempFile('x'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  }

  async function compare(dir: string, entry: string, flag: '--require' | '--import'): Promise<string[]> {
    const bare = await run([path.join(dir, entry)], {});
    const file = path.join(dir, 'out.qscope');
    const traced = await run([flag, flag === '--require' ? REGISTER : REGISTER_ESM, path.join(dir, entry)], { QUEUESCOPE_TRACE_FILE: file });
    assert.deepEqual([traced.code, traced.stdout], [bare.code, bare.stdout]);
    assert.ok(fs.existsSync(file));
    return traced.stderr.split('\n').filter((l) => l.includes('QueueScope'));
  }

  it('a fake ESM "p-queue" with unexpected shapes: one warning, program unchanged', async () => {
    const dir = project({
      'node_modules/p-queue/package.json': JSON.stringify({ name: 'p-queue', version: '99.0.0', type: 'module', exports: './dist/index.js' }),
      'node_modules/p-queue/dist/index.js': 'export default { add: (fn) => Promise.resolve(fn()), size: "many" };\nexport const extra = 42;\n',
      'app.mjs': "import PQueue, { extra } from 'p-queue';\nconsole.log(await PQueue.add(() => 7), PQueue.size, extra);\nprocess.exitCode = 3;\n",
    });
    const warnings = await compare(dir, 'app.mjs', '--import');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /p-queue@99\.0\.0/);
  });

  // The loader hooks export the adapter's stand-ins for p-limit's factories in place of the
  // library's own: a module of another shape must still export exactly what it exports.
  it('a fake ESM "p-limit" with unexpected shapes: one warning, its exports unchanged', async () => {
    const dir = project({
      'node_modules/p-limit/package.json': JSON.stringify({ name: 'p-limit', version: '99.0.0', type: 'module', exports: './index.js' }),
      // limitFunction only in a comment and a string: the wrapper must not export it.
      'node_modules/p-limit/index.js': '// export function limitFunction() {}\nexport default function pLimit(n) { const f = (fn) => fn(); f.activeCount = "none"; return f; }\nconst s = "export { limitFunction }";\nexport const other = "kept";\n',
      'app.mjs': "import pLimit, * as all from 'p-limit';\nconst limit = pLimit(2);\nconsole.log(limit(() => 7), limit.activeCount, Object.keys(all).sort().join(), all.other);\nprocess.exitCode = 3;\n",
      // No default export at all: importing one stays a SyntaxError.
      'node_modules/p-limit5/package.json': JSON.stringify({ name: 'p-limit', version: '98.0.0', type: 'module', exports: './index.js' }),
      'node_modules/p-limit5/index.js': 'export function limitFunction(fn) { return fn; }\n',
      'nodefault.mjs': "import pLimit from 'p-limit5';\nconsole.log(pLimit);\n",
    });
    const bare = await run([path.join(dir, 'nodefault.mjs')], {});
    const withTrace = await run(['--import', REGISTER_ESM, path.join(dir, 'nodefault.mjs')], { QUEUESCOPE_TRACE_FILE: path.join(dir, 'nodefault.qscope') });
    assert.match(bare.stderr, /SyntaxError: .*does not provide an export named 'default'/);
    assert.deepEqual([withTrace.code, withTrace.stdout], [bare.code, bare.stdout]);
    assert.match(withTrace.stderr, /SyntaxError: .*does not provide an export named 'default'/);
    const warnings = await compare(dir, 'app.mjs', '--import');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /p-limit@99\.0\.0/);
  });

  it('a CommonJS "p-queue" whose getters throw: one warning, program unchanged', async () => {
    const lib = [
      'class PQueue {',
      '  add(fn) { return Promise.resolve().then(fn); }',
      '  get size() { throw new Error("size is broken"); }',
      '  get pending() { throw new Error("pending is broken"); }',
      '}',
      'exports.default = PQueue;',
    ].join('\n');
    const dir = project({
      'node_modules/p-queue/package.json': JSON.stringify({ name: 'p-queue', version: '6.0.0-broken', main: 'dist/index.js' }),
      'node_modules/p-queue/dist/index.js': lib,
      'app.js': [
        "const PQueue = require('p-queue').default;",
        'const q = new PQueue();',
        'q.add(() => 1).then((v) => console.log("task", v));',
        'q.add(() => { throw new Error("task failed"); }).catch((e) => console.log("caught", e.message));',
        'try { q.size; } catch (e) { console.log("own read:", e.message); }',
      ].join('\n'),
    });
    const warnings = await compare(dir, 'app.js', '--require');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /p-queue@6\.0\.0-broken/);
  });
});
