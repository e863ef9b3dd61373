// The BullMQ adapter on a real redis-server: a program with one producer and two workers
// (test/fixtures/adapters/bullmqScenario.cjs), CommonJS and ES module entries, run with
// `--require queuescope/register` under the file recorder. At three still moments the
// program reads getJobCounts() before and after the adapter read Redis: every recorded
// jobCounts in between must equal it. Redis MONITOR sees every command the adapter's own
// connection sends: read-only, at most one counts request per queue per second, none on the
// program's connections. A worker killed with -9 while holding a job shows the stall; a
// dormant hub reads nothing, and the adapter stops when the reader goes away.

import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { readRecording } from '../../../src/recording/reader';
import { RedisServer } from '../../helpers/redisServer';
import { childEnv, ensureLibraryBuilt, expandedLine, REGISTER, REGISTER_ESM, ROOT, run, tempFile } from '../trace/helpers';

const FIX = path.join(ROOT, 'test/fixtures/adapters');
type Line = Record<string, unknown> & { type: string; t: number; q?: number };

function readLines(file: string): Line[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .flatMap((l) => expandedLine(JSON.parse(l) as Line));
}

/** A traced child with an IPC channel; messages are queued until awaited. */
const children = new Set<ChildProcess>();

class Program {
  readonly child: ChildProcess;
  private readonly inbox: Record<string, unknown>[] = [];
  private wake: (() => void) | null = null;
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(this.child);
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdout?.resume();
    this.child.on('message', (m) => {
      this.inbox.push(m as Record<string, unknown>);
      this.wake?.();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  async next(key: string): Promise<Record<string, unknown>> {
    for (;;) {
      const i = this.inbox.findIndex((m) => key in m);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      if (this.child.exitCode !== null) throw new Error(`program exited waiting for ${key}: ${this.stderr}`);
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  send(m: object): void {
    this.child.send(m);
  }
}

/** Every command Redis executes, with the client address that sent it. */
class Monitor {
  readonly commands: Array<{ at: number; source: string; args: string[] }> = [];
  private constructor(private readonly client: Redis) {}

  static async start(port: number): Promise<Monitor> {
    const client = new Redis({ port, host: '127.0.0.1' });
    const mon = await client.monitor();
    const m = new Monitor(mon as unknown as Redis);
    mon.on('monitor', (time: string, args: string[], source: string) => m.commands.push({ at: Number(time) * 1000, source, args: args.map(String) }));
    client.disconnect();
    return m;
  }

  /** The addresses that named themselves `name` (CLIENT SETNAME). */
  sourcesNamed(name: string): Set<string> {
    return new Set(this.commands.filter((c) => c.args[0].toLowerCase() === 'client' && c.args[1]?.toLowerCase() === 'setname' && c.args[2] === name).map((c) => c.source));
  }

  stop(): void {
    this.client.disconnect();
  }
}

/** Poll the recording until `pred` holds for its lines (the recorder flushes every 100 ms). */
async function until(file: string, pred: (lines: Line[]) => boolean, what: string, ms = 15_000): Promise<Line[]> {
  const end = Date.now() + ms;
  for (;;) {
    const lines = readLines(file);
    if (pred(lines)) return lines;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const READ_ONLY = new Set(['client', 'info', 'llen', 'zcard', 'lindex', 'hmget', 'xread', 'xrevrange', 'select', 'auth', 'hello']);

describe('adapters: BullMQ on a real redis-server', function () {
  this.timeout(90_000);
  let server: RedisServer;

  before(async () => {
    await ensureLibraryBuilt();
    server = await RedisServer.start();
  });
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.clear();
  });
  after(async () => {
    await server?.stop();
  });

  for (const [entry, flag] of [
    ['bullmq.cjs', '--require'],
    ['bullmq.mjs', '--import'],
  ] as const) {
    it(`producer + 2 workers (${entry}, ${flag}): counts equal getJobCounts(), workers' running jobs, failures; ≤1 read-only counts request per queue per second on an own connection`, async () => {
      const queue = `orders-${entry.replace('.', '-')}`;
      const file = tempFile('bullmq.qscope');
      const monitor = await Monitor.start(server.port);
      const p = new Program([flag, flag === '--require' ? REGISTER : REGISTER_ESM, path.join(FIX, entry)], {
        QUEUESCOPE_TRACE_FILE: file,
        REDIS_PORT: String(server.port),
        QUEUE: queue,
      });
      await p.next('ready');
      const ids = (lines: Line[]): Map<string, number> => new Map(lines.filter((l) => l.type === 'queue').map((l) => [String(l.name), l.q as number]));

      for (const step of [1, 2, 3]) {
        p.send({ step });
        const cp = (await p.next('checkpoint')) as { counts: Record<string, number>; t: number; running: { w1: string[]; w2: string[] } };
        // Wait until the adapter read Redis after that moment, for the Queue and both Workers.
        const seen = await until(
          file,
          (lines) => {
            const q = ids(lines);
            return [queue, `${queue} worker w1`, `${queue} worker w2`].every((n) => q.has(n) && lines.some((l) => l.q === q.get(n) && (l.type === 'jobCounts' || l.type === 'workers') && l.t > cp.t));
          },
          `a read after checkpoint ${step}`,
        );
        p.send({ confirm: step });
        const after = (await p.next('after')) as { counts: Record<string, number>; t: number };
        assert.deepEqual(after.counts, cp.counts, `Redis stayed still around checkpoint ${step}`);
        const q = ids(seen);
        // The recorded counts at that moment are BullMQ's own.
        const lines = readLines(file);
        for (const name of [queue, `${queue} worker w1`, `${queue} worker w2`]) {
          const last = lines.filter((l) => l.type === 'jobCounts' && l.q === q.get(name) && l.t <= after.t).pop();
          assert.ok(last !== undefined, `${name}: jobCounts by checkpoint ${step}`);
          assert.deepEqual(last.counts, cp.counts, `${name} at checkpoint ${step}`);
          const between = lines.filter((l) => l.type === 'jobCounts' && l.q === q.get(name) && l.t > cp.t && l.t < after.t);
          for (const l of between) assert.deepEqual(l.counts, cp.counts, `${name}: a jobCounts between the two reads of checkpoint ${step}`);
        }
        // Each Worker lists the jobs it runs, as the program knows them.
        for (const w of ['w1', 'w2'] as const) {
          const ev = lines.filter((l) => l.type === 'workers' && l.q === q.get(`${queue} worker ${w}`) && l.t > cp.t).pop() as unknown as { workers: Array<{ name: string; concurrency: number; jobs: Array<{ id: string; attempts: number }> }> };
          assert.ok(ev !== undefined, `${w}: workers event after checkpoint ${step}`);
          assert.equal(ev.workers[0].name, w);
          assert.equal(ev.workers[0].concurrency, 2);
          assert.deepEqual(ev.workers[0].jobs.map((j) => j.id).sort(), [...cp.running[w]].sort(), `${w}'s running jobs at checkpoint ${step}`);
        }
      }

      p.send({ end: true });
      const exit = await p.exited;
      // The adapter's connection keeps nothing alive: the program ends by itself, untouched.
      assert.deepEqual(exit, { code: 0, signal: null }, p.stderr);
      assert.equal(p.stderr, '');
      const lines = readLines(file);
      const q = ids(lines);
      const queues = lines.filter((l) => l.type === 'queue');
      assert.deepEqual(
        queues.map((l) => [l.name, l.lib, l.concurrency, l.site]),
        [
          // No creation site: from inside BullMQ's constructors it would point into BullMQ.
          [queue, 'bullmq@6.7.0', undefined, undefined],
          [`${queue} worker w1`, 'bullmq@6.7.0', 2, undefined],
          [`${queue} worker w2`, 'bullmq@6.7.0', 2, undefined],
        ],
      );
      // The failing job: failed and retries exhausted, with its name (known from the worker that ran it).
      const notices = lines.filter((l) => l.type === 'jobEvent' && l.q === q.get(queue)).map((l) => [l.event, l.name]);
      assert.deepEqual(notices, [
        ['failed', 'doomed'],
        ['retries-exhausted', 'doomed'],
      ]);
      // Depth (the ready backlog) reached 3 (2 waiting + 1 prioritized) and the Worker's running count 2.
      const rows = lines.filter((l) => l.type === 'samples').flatMap((l) => (l.rows as number[][]).filter((r) => r[0] === q.get(queue)));
      assert.equal(Math.max(...rows.map((r) => r[3])), 3);
      const running = lines.filter((l) => l.type === 'counters' && l.q === q.get(`${queue} worker w1`)).map((l) => (l.c as { running?: number }).running);
      assert.equal(Math.max(...running.map(Number)), 2);
      // The stuck rule's inputs for a Worker: its oldest running job's start while it runs
      // jobs, and the jobs it saw from start to end with their p99 (a hung job was not found
      // for a minute without them).
      const w1 = lines.filter((l) => l.type === 'counters' && l.q === q.get(`${queue} worker w1`)).map((l) => l.c as { running?: number; runningSince?: number; done?: number; taskP99Ms?: number });
      assert.ok(w1.some((c) => Number(c.running) > 0 && typeof c.runningSince === 'number'), 'runningSince while jobs run');
      const lastW1 = w1[w1.length - 1];
      assert.ok(Number(lastW1.done) >= 1 && typeof lastW1.taskP99Ms === 'number', JSON.stringify(lastW1));

      // Read back as the extension and `queuescope check` read a recording: every BullMQ line
      // kept (until 2026-12-04 the reader skipped jobCounts, jobEvent and workers as unknown).
      const kept = new Map<string, number>();
      const read = await readRecording(file, { onLines: (batch) => batch.forEach((l) => kept.set(l.type, (kept.get(l.type) ?? 0) + 1)) });
      assert.equal(read.unknownLines, 0);
      assert.deepEqual(read.warnings, []);
      for (const type of ['jobCounts', 'jobEvent', 'workers']) assert.equal(kept.get(type), lines.filter((l) => l.type === type).length, type);

      // MONITOR: the adapter's own connection, read-only, one counts request per queue per second.
      monitor.stop();
      const ours = monitor.sourcesNamed('queuescope:counts');
      assert.equal(ours.size, 1, 'one own connection for the three objects of one queue');
      const mine = monitor.commands.filter((c) => ours.has(c.source));
      const verbs = new Set(mine.map((c) => c.args[0].toLowerCase()));
      for (const v of verbs) assert.ok(READ_ONLY.has(v), `the adapter sent ${v}`);
      assert.ok(!mine.some((c) => c.args[0].toLowerCase() === 'client' && c.args[1]?.toLowerCase() !== 'setname' && c.args[1]?.toLowerCase() !== 'setinfo'));
      const reads = mine.filter((c) => c.args[0].toLowerCase() === 'llen' && c.args[1].endsWith(`:${queue}:wait`)).map((c) => c.at);
      assert.ok(reads.length >= 3, `counts reads: ${reads.length}`);
      for (let i = 1; i < reads.length; i++) assert.ok(reads[i] - reads[i - 1] >= 900, `two counts requests ${Math.round(reads[i] - reads[i - 1])} ms apart`);
      // The program's own connections never carry the adapter's reads.
      // (BullMQ's own Lua scripts, source 'lua', read the same keys for getJobCounts().)
      const theirs = monitor.commands.filter((c) => !ours.has(c.source) && c.source !== 'lua');
      const stray = theirs.filter((c) => ['xrevrange', 'lindex', 'zcard'].includes(c.args[0].toLowerCase()));
      assert.deepEqual(stray, [], 'an adapter read on a program connection');
    });
  }

  it('jobs added before the adapter first read Redis count in its puts (the stream is read from when the object was armed)', async () => {
    const queue = 'early';
    const file = tempFile('bullmq-early.qscope');
    const r = await run(['--require', REGISTER, path.join(FIX, 'bullmqEarly.cjs')], { QUEUESCOPE_TRACE_FILE: file, REDIS_PORT: String(server.port), QUEUE: queue });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'added 25');
    const lines = readLines(file);
    const q = lines.find((l) => l.type === 'queue' && l.name === queue)?.q;
    const added = lines.filter((l) => l.type === 'jobCounts' && l.q === q).reduce((n, l) => n + (l.flow as { added: number }).added, 0);
    // Before: the first read only found where the stream ended, and the 25 were not counted.
    assert.equal(added, 25);
    const last = lines.filter((l) => l.type === 'counters' && l.q === q).pop();
    assert.equal((last?.c as { puts?: number } | undefined)?.puts, 25);
  });

  it('a worker killed with -9 while holding a job: the traced program shows the stall', async () => {
    const queue = 'stall';
    const file = tempFile('bullmq-stall.qscope');
    // An untraced worker takes the job and hangs on it; its lock lasts 1 s.
    const victim = spawn(process.execPath, [path.join(ROOT, 'test/redis/fixtures/worker.js')], {
      cwd: ROOT,
      env: childEnv({ REDIS_PORT: String(server.port), QUEUE: queue, WORKER_NAME: 'victim', HANG: '1', LOCK_MS: '1000', STALLED_MS: '500' }),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    children.add(victim);
    const victimMsgs: Record<string, unknown>[] = [];
    const victimActive = new Promise<string>((resolve) =>
      victim.on('message', (m: Record<string, unknown>) => {
        victimMsgs.push(m);
        if (m.active !== undefined) resolve(String(m.active));
      }),
    );
    await new Promise<void>((resolve) => victim.on('message', (m: Record<string, unknown>) => m.ready && resolve()));
    const p = new Program(['--require', REGISTER, path.join(FIX, 'bullmqStall.cjs')], { QUEUESCOPE_TRACE_FILE: file, REDIS_PORT: String(server.port), QUEUE: queue });
    await p.next('ready');
    // The adapter's first read marks where its stream reading starts (history is not replayed).
    await until(file, (ls) => ls.some((l) => l.type === 'jobCounts'), 'the first read');
    p.send({ add: true });
    const jobId = await victimActive;
    victim.kill('SIGKILL');
    p.send({ work: true }); // the traced program's own worker (stalledInterval 500 ms) finds the stall
    const done = (await p.next('completed')) as { completed: string };
    assert.equal(done.completed, jobId);
    const lines = await until(file, (ls) => ls.some((l) => l.type === 'jobEvent' && l.event === 'stalled'), 'the stalled event');
    const q = lines.find((l) => l.type === 'queue' && l.name === queue)?.q;
    // BullMQ's stalled check writes 'waiting' (prev active: requeued) and 'stalled' for the job.
    const events = lines.filter((l) => l.type === 'jobEvent' && l.q === q).map((l) => `${String(l.event)} ${String(l.jobId)}`);
    assert.deepEqual(events.sort(), [`requeued ${jobId}`, `stalled ${jobId}`]);
    const stalledFlow = lines.filter((l) => l.type === 'jobCounts' && l.q === q).reduce((n, l) => n + (l.flow as { stalled: number }).stalled, 0);
    assert.equal(stalledFlow, 1);
    p.send({ end: true });
    assert.deepEqual(await p.exited, { code: 0, signal: null }, p.stderr);
  });

  // A review of BullMQ programs (2026-12-04): a plain processor that throws left its jobs
  // running for good (a stuck warning), another realm's promise read as done at once, and a
  // reader back after its idle time (a breakpoint held 11 s) got every event again.
  it('a processor that throws or returns a foreign promise, and a reader gone for a while: running, durations and flow as BullMQ has them', async () => {
    const queue = 'odd';
    const r = await run(['--require', REGISTER, path.join(FIX, 'bullmqOdd.cjs')], { REDIS_PORT: String(server.port), QUEUE: queue, QUEUESCOPE_BULLMQ_IDLE_MS: '1000' });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { added: number; counts: { completed: number; failed: number }; midRender: number; executions: number; inserted: number; events: Line[] };
    assert.deepEqual(out.counts, { completed: 5, failed: 5 });
    // A lazy thenable's then() (a query builder's insert) runs once per job, as untraced.
    assert.deepEqual([out.inserted, out.executions], [4, 4]);
    const idOf = (name: string) => out.events.find((e) => e.type === 'queue' && e.name === name)?.q;
    const validator = idOf(`${queue}-sync worker validator`);
    const renderer = idOf(`${queue}-thenable worker renderer`);
    assert.ok(validator !== undefined && renderer !== undefined, JSON.stringify(out.events.filter((e) => e.type === 'queue')));
    const countersOf = (q: number, events: Line[]) => events.filter((e) => e.type === 'counters' && e.q === q).map((e) => e.c as { running?: number; done?: number; taskP99Ms?: number });
    // The jobs that threw are over: nothing runs at the end, and no worker lists them.
    assert.equal(countersOf(validator, out.events).pop()?.running, 0);
    const lastWorkers = out.events.filter((e) => e.type === 'workers' && e.q === validator).pop() as unknown as { workers: Array<{ jobs: unknown[] }> };
    assert.deepEqual(lastWorkers.workers.flatMap((w) => w.jobs), []);
    // The renders ran 600 ms each: running while they ran, and that long.
    assert.equal(countersOf(renderer, out.events.slice(0, out.midRender)).pop()?.running, 3);
    const rendered = countersOf(renderer, out.events).pop()!;
    assert.deepEqual([rendered.running, rendered.done], [0, 3]);
    assert.ok(Number(rendered.taskP99Ms) >= 500, `p99 ${rendered.taskP99Ms} ms`);
    // Every job added counted once, the reader's absence notwithstanding; each failure told once.
    const sync = idOf(`${queue}-sync`);
    const flow = out.events.filter((e) => e.type === 'jobCounts' && e.q === sync).reduce((n, e) => n + (e.flow as { added: number }).added, 0);
    assert.equal(flow, out.added);
    const failed = out.events.filter((e) => e.type === 'jobEvent' && e.q === sync && e.event === 'failed').map((e) => e.jobId);
    assert.equal(failed.length, 5);
    assert.equal(new Set(failed).size, 5);
  });

  it('a dormant hub reads nothing; armed and drained it reads; when the reader goes away it stops and disconnects', async () => {
    const queue = 'dormant';
    const monitor = await Monitor.start(server.port);
    const admin = new Redis({ port: server.port, host: '127.0.0.1' });
    const ourClients = async (): Promise<number> => String(await admin.client('LIST')).split('\n').filter((l) => l.includes('name=queuescope:counts')).length;
    try {
      const p = new Program(['--require', REGISTER, path.join(FIX, 'bullmqDormant.cjs')], { REDIS_PORT: String(server.port), QUEUE: queue, QUEUESCOPE_BULLMQ_IDLE_MS: '1500' });
      await p.next('ready');
      // Dormant: jobs flow for 2.5 s, no connection of ours.
      p.send({ busy: 2500 });
      await p.next('idle');
      assert.equal(await ourClients(), 0);
      assert.equal(monitor.sourcesNamed('queuescope:counts').size, 0);
      // Armed and drained every 200 ms for 3 s (as a debugger would): the adapter reads.
      p.send({ drain: 3000 });
      const drained = (await p.next('drained')) as { events: Array<{ type: string }> };
      assert.ok(drained.events.some((e) => e.type === 'jobCounts'), 'jobCounts reached the reader');
      assert.ok(monitor.sourcesNamed('queuescope:counts').size >= 1, 'the adapter connected once armed');
      const stoppedAt = Date.now();
      // Nobody drains any more: after the idle time the connection closes and nothing more is sent.
      let n = 1;
      for (let i = 0; i < 50 && n > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        n = await ourClients();
      }
      assert.equal(n, 0, 'the adapter disconnected once the reader was gone');
      const ours = monitor.sourcesNamed('queuescope:counts');
      const last = Math.max(...monitor.commands.filter((c) => ours.has(c.source)).map((c) => c.at));
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok(!monitor.commands.some((c) => ours.has(c.source) && c.at > last), 'a command after the stop');
      assert.ok(last - stoppedAt < 3500, `last read ${Math.round(last - stoppedAt)} ms after the last drain`);
      p.send({ end: true });
      assert.deepEqual(await p.exited, { code: 0, signal: null }, p.stderr);
    } finally {
      monitor.stop();
      admin.disconnect();
    }
  });
});

describe('adapters: a "bullmq" it does not understand', function () {
  this.timeout(60_000);
  before(ensureLibraryBuilt);

  async function compare(files: Record<string, string>): Promise<string[]> {
    const dir = path.dirname(tempFile('x'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const bare = await run([path.join(dir, 'app.js')], {});
    const traced = await run(['--require', REGISTER, path.join(dir, 'app.js')], { QUEUESCOPE_TRACE_FILE: path.join(dir, 'out.qscope') });
    assert.deepEqual([traced.code, traced.stdout], [bare.code, bare.stdout]);
    return traced.stderr.split('\n').filter((l) => l.includes('QueueScope'));
  }

  const pkg = (version: string): string => JSON.stringify({ name: 'bullmq', version, main: 'dist/cjs/index.js' });
  const index = "exports.Queue = require('./classes/queue').Queue;\nexports.Worker = require('./classes/worker').Worker;\n";
  const app = [
    "const { Queue, Worker } = require('bullmq');",
    "const q = new Queue('jobs');",
    "const w = new Worker('jobs', async (job) => job.n * 2);",
    'q.add("a", { n: 1 }).then((r) => console.log("added", r));',
    'w.callProcessJob?.({ n: 21 }).then((r) => console.log("ran", r));',
    'setTimeout(() => console.log("end"), 1500);',
  ].join('\n');

  it('classes of another shape (no createBackend / run): one warning, program unchanged', async () => {
    const warnings = await compare({
      'node_modules/bullmq/package.json': pkg('99.0.0'),
      'node_modules/bullmq/dist/cjs/index.js': index,
      'node_modules/bullmq/dist/cjs/classes/queue.js': 'exports.Queue = class Queue { constructor(n) { this.name = n; } async add(name) { return name; } };\n',
      'node_modules/bullmq/dist/cjs/classes/worker.js': 'exports.Worker = class Worker { constructor(n, fn) { this.fn = fn; } callProcessJob(job) { return this.fn(job); } };\n',
      'app.js': app,
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /bullmq@99\.0\.0/);
  });

  it('a connection that is not ioredis: one warning, program unchanged', async () => {
    const base = [
      'class Base {',
      '  constructor(name) { this.name = name; this.keys = { "": `bull:${name}:`, wait: `bull:${name}:wait`, events: `bull:${name}:events` }; this.createBackend(); }',
      '  createBackend() { this.backend = { client: Promise.resolve({ sendCommand() {} }) }; }',
      '  getBackend() { return this.backend; }',
      '}',
    ].join('\n');
    const warnings = await compare({
      'node_modules/bullmq/package.json': pkg('98.0.0'),
      'node_modules/bullmq/dist/cjs/index.js': index,
      'node_modules/bullmq/dist/cjs/classes/queue.js': `${base}\nexports.Queue = class Queue extends Base { async add(name) { return name; } };\n`,
      'node_modules/bullmq/dist/cjs/classes/worker.js': `${base}\nexports.Worker = class Worker extends Base { constructor(n, fn) { super(n); this.fn = fn; this.concurrency = 1; this.run(); } async run() {} callProcessJob(job) { return this.fn(job); } };\n`,
      'app.js': app,
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /bullmq@98\.0\.0.*not an ioredis client/);
  });
});
