// Pool state of other libraries' queues (issue #14), on the real packages in a child process
// under the file recorder: p-queue 10 and 6 paused and rate-limited, the oldest running
// task's start (a fastq worker that never calls back, a p-queue task that never settles),
// async's workersList() previews. Each fixture checkpoint prints the library's own view
// next to the hub's snapshot (test/fixtures/adapters/poolstate.cjs); the recording's last
// counters must carry the state the program ends in. Bad input: a library whose new
// getters throw gets one warning and runs unchanged.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDrainBatch } from '../../../src/model/parse';
import { poolFacts } from '../../../src/model/poolFacts';
import { poolStateTexts } from '../../../src/protocol/libText';
import type { WireEvent } from '../../../src/protocol/wire';
import { libraryOldestStart } from '../../../src/trace/adapters/pQueue';
import { RunningAges } from '../../../src/trace/adapters/running';
import { clockOrigin, useClockForTests } from '../../../src/trace/clock';
import { previewValue } from '../../../src/trace/preview';
import { ensureLibraryBuilt, readNdjson, REGISTER, ROOT, run, tempFile } from '../trace/helpers';

interface HubQueue {
  name: string;
  lib?: string;
  size: number;
  t: number;
  running?: number;
  paused?: boolean;
  rateLimited?: boolean;
  runningSince?: number;
  runningItems?: string[];
}
interface Checkpoint {
  at: string;
  lib: Record<string, unknown> & { before?: number; started?: number };
  hub: HubQueue[];
}

const FIXTURE = path.join(ROOT, 'test/fixtures/adapters/poolstate.cjs');

describe('adapters: pool state (paused, rate-limited, oldest running, running previews)', function () {
  this.timeout(60000);
  let points: Checkpoint[] = [];
  let lines: Record<string, unknown>[] = [];
  const at = (name: string): Checkpoint => {
    const p = points.find((c) => c.at === name);
    assert.ok(p !== undefined, `no checkpoint ${name}`);
    return p;
  };
  /** The n-th queue (creation order) of a library in a checkpoint. */
  const nth = (p: Checkpoint, lib: string, n: number): HubQueue => {
    const q = p.hub.filter((h) => h.lib?.startsWith(lib))[n];
    assert.ok(q !== undefined, `${p.at}: no queue ${n} of ${lib}`);
    return q;
  };

  before(async () => {
    await ensureLibraryBuilt();
    const file = tempFile('poolstate.qscope');
    const r = await run(['--require', REGISTER, FIXTURE], { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    points = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Checkpoint);
    lines = readNdjson(file);
  });

  for (const [label, lib] of [
    ['v6', 'p-queue@6.'],
    ['latest', 'p-queue@10.'],
  ] as const) {
    it(`p-queue ${lib.slice(8)}x: paused as isPaused says, through start() and pause()`, () => {
      for (const name of ['paused', 'paused again', 'started']) {
        const p = at(`${label} ${name}`);
        const q = nth(p, lib, 0);
        assert.deepEqual([q.paused, q.size, q.running], [p.lib.isPaused, p.lib.size, p.lib.pending], p.at);
      }
    });

    it(`p-queue ${lib.slice(8)}x: rate-limited while the interval cap holds tasks back, not after clear()`, () => {
      const limited = at(`${label} rate-limited`);
      const cleared = at(`${label} rate limit cleared`);
      // The library's own truth: tasks wait although a concurrency slot is free (and p-queue 8+ says so itself).
      assert.equal(limited.lib.heldBack, true);
      assert.equal(cleared.lib.heldBack, false);
      if (label === 'latest') assert.deepEqual([limited.lib.isRateLimited, cleared.lib.isRateLimited], [true, false]);
      assert.deepEqual([nth(limited, lib, 1).rateLimited, nth(limited, lib, 1).size], [true, 2]);
      assert.deepEqual([nth(cleared, lib, 1).rateLimited, nth(cleared, lib, 1).size], [false, 0]);
      assert.equal(nth(limited, lib, 0).rateLimited, false, 'a queue without an interval cap is never rate-limited');
    });

    it(`p-queue ${lib.slice(8)}x: the oldest running task is the one that never settles, while quick tasks finish around it`, () => {
      let prevAge = -1;
      for (let i = 0; i < 3; i++) {
        const p = at(`${label} stuck ${i}`);
        const q = nth(p, lib, 2);
        assert.equal(q.running, p.lib.pending, p.at);
        assert.ok(q.runningSince !== undefined && q.runningSince >= p.lib.before! && q.runningSince <= p.lib.started!, `${p.at}: ${q.runningSince} within [${p.lib.before}, ${p.lib.started}]`);
        const age = q.t - q.runningSince;
        assert.ok(age > prevAge, `${p.at}: the age grows (${age} after ${prevAge})`);
        prevAge = age;
      }
    });

    // Found trying p-queue's `timeout`: the task it gave up on never settled, and stayed "the
    // oldest running" (3 s) while 100 ms tasks ran in its slot.
    it(`p-queue ${lib.slice(8)}x: a task past its timeout is not the oldest running one`, () => {
      const p = at(`${label} timed out`);
      const q = nth(p, lib, 3);
      assert.deepEqual([q.running, p.lib.pending], [1, 1]);
      // 10.x answers from p-queue's own list here (whole ms by Date.now): up to 1 ms early.
      const early = label === 'latest' ? 1 : 0;
      assert.ok(q.runningSince !== undefined && q.runningSince >= p.lib.before! - early && q.runningSince <= p.lib.started!, `${p.at}: ${q.runningSince} within [${p.lib.before}, ${p.lib.started}]`);
    });

    // From the review: a task p-queue still counts keeps its own start, though the adapter's
    // clock has passed a deadline (10.x: `timeout: undefined` in add() is none; 6.x: the timer
    // starts after a 60 ms synchronous head). Dropped, it read as running since the arming.
    it(`p-queue ${lib.slice(8)}x: a task p-queue has not timed out keeps its start`, () => {
      const p = at(`${label} not timed out`);
      const q = nth(p, lib, 4);
      assert.deepEqual([q.running, p.lib.pending], [1, 1]);
      // 10.x answers from p-queue's own list here (whole ms by Date.now): up to 1 ms early.
      const early = label === 'latest' ? 1 : 0;
      assert.ok(q.runningSince !== undefined && q.runningSince >= p.lib.before! - early && q.runningSince <= p.lib.started!, `${p.at}: ${q.runningSince} within [${p.lib.before}, ${p.lib.started}]`);
    });
  }

  it('fastq: a worker that never calls back is the oldest running task, and its age grows', () => {
    let prevAge = -1;
    for (let i = 0; i < 3; i++) {
      const p = at(`fastq stuck ${i}`);
      const q = p.hub.find((h) => h.name === 'fastq lost');
      assert.ok(q !== undefined, `${p.at}: ${JSON.stringify(p.hub.map((h) => h.name))}`);
      assert.equal(q.running, p.lib.running);
      assert.equal(q.running, 1);
      assert.ok(q.runningSince !== undefined && q.runningSince >= p.lib.before! && q.runningSince <= p.lib.started!, `${p.at}: ${q.runningSince}`);
      const age = q.t - q.runningSince;
      assert.ok(age > prevAge, `${p.at}: the age grows`);
      prevAge = age;
    }
  });

  it("async.queue: the running tasks' previews are workersList()'s data, and their oldest start", () => {
    for (const name of ['async running', 'async one done', 'async done']) {
      const p = at(name);
      const q = p.hub.find((h) => h.name === 'async.queue work');
      assert.ok(q !== undefined, `${name}: ${JSON.stringify(p.hub.map((h) => h.name))}`);
      assert.equal(q.running, p.lib.running, name);
      assert.deepEqual(q.runningItems, (p.lib.data as unknown[]).map((d) => previewValue(d)), name);
    }
    const first = at('async running');
    const q = first.hub.find((h) => h.name === 'async.queue work')!;
    assert.ok(q.runningSince! >= first.lib.before! && q.runningSince! <= first.lib.started!, `${q.runningSince} within [${first.lib.before}, ${first.lib.started}]`);
    assert.equal(at('async done').hub.find((h) => h.name === 'async.queue work')!.runningSince, undefined, 'nothing runs: no oldest');
  });

  it('async.cargoQueue and priorityQueue: the running batch and the running task, as workersList() has them', () => {
    const p = at('async batches');
    const own = p.lib as unknown as Record<'cargo' | 'priority', { running: number; data: unknown[] }>;
    for (const [name, key] of [
      ['async.cargoQueue pack', 'cargo'],
      ['async.priorityQueue rank', 'priority'],
    ] as const) {
      const q = p.hub.find((h) => h.name === name);
      assert.ok(q !== undefined, name);
      assert.deepEqual([q.running, q.runningItems], [own[key].running, own[key].data.map((d) => previewValue(d))], name);
    }
    assert.deepEqual(own.cargo.data, ['a', 'b'], 'one worker call holds two tasks');
  });

  it("the recording ends with each pool's state: the paused p-queues, the stuck tasks' start", () => {
    const queues = lines.filter((l) => l.type === 'queue');
    const last = (q: unknown): Record<string, unknown> => (lines.filter((l) => l.type === 'counters' && l.q === q).pop()?.c ?? {}) as Record<string, unknown>;
    for (const lib of ['p-queue@6.6.2', 'p-queue@10.0.0']) {
      const mine = queues.filter((l) => l.lib === lib);
      assert.equal(mine.length, 5, lib); // paused, rate-limited, stuck, timed out, not timed out
      assert.deepEqual([last(mine[0].q).paused, last(mine[1].q).rateLimited, last(mine[2].q).running], [true, false, 1], lib);
      assert.equal(typeof last(mine[2].q).runningSince, 'number', lib);
    }
    const lost = queues.find((l) => l.name === 'fastq lost');
    const c = last(lost?.q);
    const end = points.find((p) => p.at === 'fastq stuck 0')!;
    assert.deepEqual([c.running, c.runningSince], [1, end.hub.find((h) => h.name === 'fastq lost')!.runningSince]);
    // The tasks seen from start to end (the three quick ones), with the p99 of their durations:
    // the stuck rule's history for this pool.
    assert.equal(c.done, 3);
    assert.ok(typeof c.taskP99Ms === 'number' && c.taskP99Ms >= 0 && c.taskP99Ms < 1000, String(c.taskP99Ms));
  });
});

describe('adapters: pool state of a library that misbehaves', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  it('a "p-queue" whose isPaused and isRateLimited getters throw: one warning, same output and exit code', async () => {
    const dir = path.dirname(tempFile('x'));
    const files: Record<string, string> = {
      'node_modules/p-queue/package.json': JSON.stringify({ name: 'p-queue', version: '8.0.0-odd', main: 'dist/index.js' }),
      'node_modules/p-queue/dist/index.js': [
        'class PQueue {',
        '  constructor() { this.n = 0; this.p = 0; }',
        '  add(fn) { this.p++; return Promise.resolve().then(fn).finally(() => { this.p--; }); }',
        '  get size() { return 0; }',
        '  get pending() { return this.p; }',
        '  get concurrency() { return 1; }',
        '  get isPaused() { throw new Error("isPaused is broken"); }',
        '  get isRateLimited() { throw new Error("isRateLimited is broken"); }',
        '  pause() { this.n++; }',
        '}',
        'exports.default = PQueue;',
      ].join('\n'),
      'app.js': [
        "const PQueue = require('p-queue').default;",
        'const q = new PQueue();',
        'q.pause();',
        'Promise.all([q.add(() => 1), q.add(() => 2)]).then((v) => console.log("results", v, q.n));',
        'try { q.isPaused; } catch (e) { console.log("own read:", e.message); }',
        'process.exitCode = 4;',
      ].join('\n'),
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const bare = await run([path.join(dir, 'app.js')], {});
    const file = path.join(dir, 'out.qscope');
    const traced = await run(['--require', REGISTER, path.join(dir, 'app.js')], { QUEUESCOPE_TRACE_FILE: file });
    assert.deepEqual([traced.code, traced.stdout], [bare.code, bare.stdout]);
    assert.equal(bare.code, 4);
    const warnings = traced.stderr.split('\n').filter((l) => l.includes('QueueScope'));
    assert.equal(warnings.length, 1, traced.stderr);
    assert.match(warnings[0], /p-queue@8\.0\.0-odd/);
    assert.ok(readNdjson(file).some((l) => l.type === 'queue' && l.lib === 'p-queue@8.0.0-odd'), 'the queue was seen before the adapter gave up');
  });
});

type Pool = { lib?: string; running?: number; runningSince?: number; runningAdopted?: boolean };

describe('adapters: a task already running when the hub armed (an attach)', function () {
  this.timeout(60000);

  it('counts its age from the arming time and says so (runningAdopted), through the columns, the model and the views, until it ends', async () => {
    await ensureLibraryBuilt();
    // No QUEUESCOPE_TRACE: the hub is dormant until the fixture arms it, as an attach does.
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/adopted.cjs')], {});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { beforeArm: number; afterArm: number; beforeLate: number; armed: Pool[]; after: Pool[]; drained: string[] };
    const atArm = (p: Pool, what: string): void => {
      assert.equal(p.running, 1, what);
      assert.ok(p.runningSince! >= out.beforeArm && p.runningSince! <= out.afterArm, `${what}: ${p.runningSince} in [${out.beforeArm}, ${out.afterArm}]`);
      assert.equal(p.runningAdopted, true, `${what}: started before the arming, a lower bound`);
    };
    // Creation order: fastq "early", fastq "ends", piscina, fastq "late".
    const [early, ends, pis, late] = out.armed;
    atArm(early, 'fastq early');
    atArm(ends, 'fastq ends');
    // A run() queued behind the held thread after the arming does not hide the task running since before it.
    assert.equal(pis.lib?.startsWith('piscina@'), true);
    atArm(pis, 'piscina');
    assert.equal(late.running, 1);
    assert.ok(late.runningSince! >= out.beforeLate, 'the late task has its own start');
    assert.equal(late.runningAdopted, undefined, 'seen starting: no flag');
    // The dormant task of "ends" ended unseen: the pool is read again until it is gone.
    assert.deepEqual(out.after[1], { lib: ends.lib, running: 0 });
    assert.equal(out.after[0].runningAdopted, true, 'the stuck one still runs');

    // The columnar drains, as the poller reads them, and the model's view of them.
    const countersOf = (text: string) => {
      const parsed = parseDrainBatch(text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      return parsed.value.events.filter((e): e is Extract<WireEvent, { type: 'counters' }> => e.type === 'counters');
    };
    const first = countersOf(out.drained[0]);
    const byStart = (since: number | undefined) => first.find((e) => e.c.runningSince === since)!.c;
    assert.equal(byStart(early.runningSince).runningAdopted, true);
    assert.equal(byStart(late.runningSince).runningAdopted, undefined);
    const endsQ = first.find((e) => e.c.runningSince === ends.runningSince)!.q;
    const second = countersOf(out.drained[1]).find((e) => e.q === endsQ);
    assert.ok(second !== undefined, 'the next drain reports the pool whose unseen task ended');
    assert.equal(second.c.running, 0);
    assert.equal(second.c.runningSince, undefined);
    assert.equal(second.c.runningAdopted, undefined);
    const facts = poolFacts(byStart(early.runningSince), 1_000_000);
    assert.equal(facts.counters.runningAdopted, true);
    assert.deepEqual(poolStateTexts({ counters: facts.counters, runningSince: 10_000 }, 22_000), ['oldest running ≥ 12.0 s']);
    assert.deepEqual(poolStateTexts({ counters: poolFacts(byStart(late.runningSince), 0).counters, runningSince: 10_000 }, 22_000), ['oldest running 12.0 s']);
  });
});

describe('adapters: p-queue 10 after an attach', function () {
  this.timeout(60000);

  it("dates a task started before the arming by p-queue's own runningTasks (exact, no \u2265), and reads it gone once it ends unseen", async () => {
    await ensureLibraryBuilt();
    const r = await run(['--require', REGISTER, path.join(ROOT, 'test/fixtures/adapters/adopted-pqueue.mjs')], {});
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { beforeStuck: number; beforeArm: number; armed: Pool[]; after: Pool[]; timedOut: string; drained: string; idle: string };
    const [stuck, ends] = out.armed;
    for (const [p, what] of [[stuck, 'stuck'], [ends, 'ends']] as const) {
      assert.equal(p.running, 1, what);
      // Date.now() is whole ms: up to 1 ms before the performance.now() read before add().
      assert.ok(p.runningSince! >= out.beforeStuck - 1 && p.runningSince! < out.beforeArm - 20, `${what}: ${p.runningSince} is its own start, before the arming at ${out.beforeArm}`);
      assert.equal(p.runningAdopted, undefined, `${what}: exact, not a lower bound`);
    }
    assert.deepEqual(out.after[1], { running: 0 }, 'ended unseen, read gone');
    const rows = (text: string) => {
      const parsed = parseDrainBatch(text);
      assert.ok(parsed.ok);
      return parsed.value.events.filter((e): e is Extract<WireEvent, { type: 'counters' }> => e.type === 'counters');
    };
    // Beside the task from before the arming, one that p-queue gave up on at its timeout
    // (the adapter still keeps it): the oldest is still the one from before, by p-queue's list.
    const beside = rows(out.timedOut).map((e) => e.c);
    assert.deepEqual(beside.map((c) => [c.running, c.runningSince]), [[1, ends.runningSince]]);
    // It ends: the next drain reports that pool gone (its count moved), not the stuck one (unchanged).
    assert.deepEqual(rows(out.drained).map((e) => [e.c.running, e.c.runningSince]), [[0, undefined]]);
    assert.deepEqual(rows(out.idle), [], 'nothing moved: no pool reported, so an idle program\'s drains back off');
  });
});

describe('RunningAges: tasks not seen starting', () => {
  it('are adopted only when they were running as the hub armed, not when the library counts a task just before calling it', () => {
    const ages = new RunningAges();
    ages.arm();
    // p-limit 7 counts a task in limit() and calls it a microtask later: a read in between.
    assert.equal(ages.oldestSince(0), undefined);
    assert.equal(ages.adopted(1), false, 'nothing ran at the arming (a read saw the pool idle)');
    assert.ok(ages.oldestSince(1)! > 0, 'dated now, not at the arming');
    // An attach to a pool running 2 tasks: both adopted until they end, whatever starts later.
    const busy = new RunningAges();
    busy.arm();
    assert.equal(busy.adopted(2), true);
    const id = busy.start();
    assert.equal(busy.adopted(3), true);
    assert.equal(busy.adopted(2), true, 'one of the two ended unseen');
    assert.equal(busy.adopted(1), false, 'both ended: the one running was seen starting');
    busy.end(id);
    assert.equal(busy.adopted(1), false, 'they never come back');
    assert.equal(new RunningAges().adopted(1), false, 'a pool made while armed has no task from before');
  });

  it("asks the library's own starts (doubtful) only while a task from before the arming may still run", () => {
    let t = 1000;
    const restore = useClockForTests(() => t);
    try {
      // Every counted task was seen starting; one timed out for the library (counts differ):
      // ours are right, the library's (perhaps taken on a frozen clock) are not needed.
      const seen = new RunningAges();
      seen.arm();
      seen.oldestSince(0); // a read while idle: nothing from before the arming
      seen.start();
      seen.start(5);
      t += 10;
      assert.equal(seen.doubtful(1), false);
      // X from before the arming beside Y started after it and timed out for the library: the
      // counts agree (1 and 1), yet X may be the one counted.
      const attached = new RunningAges();
      attached.arm();
      assert.equal(attached.doubtful(1), true, 'X, unseen');
      attached.start(5); // Y
      assert.equal(attached.doubtful(2), true);
      t += 10; // Y past its deadline: the library counts X only
      assert.equal(attached.doubtful(1), true, 'the counts agree, but Y is overdue');
      assert.equal(attached.doubtful(0), false, 'X ended');
      assert.equal(attached.doubtful(1), false, 'and never comes back');
    } finally {
      restore();
    }
  });
});

describe("p-queue 10's own starts (libraryOldestStart)", () => {
  it('reads the oldest start on the hub clock, and none when the program replaced Date.now (fake timers) or the list is odd', () => {
    const realNow = Date.now;
    const start = realNow() - 1500;
    const q = (tasks: unknown[]) => ({ size: 0, pending: tasks.length, concurrency: 2, runningTasks: tasks as { startTime?: unknown }[] });
    const at = libraryOldestStart(q([{ startTime: start + 500 }, { startTime: start }]))!;
    assert.ok(Math.abs(at + clockOrigin() - start) < 1, 'the oldest, as hub ms');
    assert.equal(libraryOldestStart(q([])), undefined);
    assert.equal(libraryOldestStart(q([{ startTime: 'x' }])), undefined);
    for (const fake of [() => realNow() - 3000, () => 0, () => realNow() + 60_000]) {
      Date.now = fake; // a frozen, epoch-0 or future clock: p-queue's starts are not the hub's
      try {
        assert.equal(libraryOldestStart(q([{ startTime: fake() }])), undefined, String(fake()));
      } finally {
        Date.now = realNow;
      }
    }
  });
});
