// The exit tail against real processes: a short pipeline whose reader drains every 30 ms, as
// the extension's poller does, ends in every way a program can end. The model rebuilt from
// what the reader received plus the tail the process wrote at its end must hold the program's
// own final totals: every put and get, and the depth each queue was left with.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel, parseAttachInfo, parseDrainBatch } from '../../../src/model';
import { applyExitTail, applyUnattachedTail } from '../../../src/host/sessions/exitTail';
import { endNote } from '../../../src/protocol/endText';
import { ensureLibraryBuilt, finished, fixture, start, type RunResult } from './helpers';

interface Totals {
  [queue: string]: { puts: number; gets: number; size: number };
}

const quiet = { info: () => undefined, warn: (m: string) => assert.fail(`unexpected warning: ${m}`) };

/** The program's own TOTALS lines, by thread id. */
function totalsOf(out: string): Map<number, Totals> {
  const map = new Map<number, Totals>();
  for (const m of out.matchAll(/TOTALS (\{.*\})/g)) {
    const v = JSON.parse(m[1]) as { threadId: number; totals: Totals };
    map.set(v.threadId, v.totals);
  }
  return map;
}

/** Rebuild one realm's model the way the poller does: attach, received batches, then the tail. */
function modelOf(dir: string, threadId: number, useTail: boolean): QueueModel {
  const model = new QueueModel({ log: { warn: (m) => assert.fail(`model warning: ${m}`) } });
  const read = (name: string): string | undefined => {
    const f = path.join(dir, `${name}-${threadId}.ndjson`);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
  };
  const info = parseAttachInfo(read('attach') ?? '');
  assert.ok(info.ok, 'the reader attached');
  model.openSession('s', 'exit');
  const key = model.attach('s', info.value);
  for (const line of (read('received') ?? '').split('\n').filter(Boolean)) {
    const batch = parseDrainBatch(line);
    assert.ok(batch.ok);
    model.applyDrain('s', key, batch.value);
  }
  const tail = read('tail');
  if (useTail) {
    assert.ok(tail !== undefined, 'the realm wrote its exit tail');
    applyExitTail(model, 's', key, tail, quiet);
  }
  return model;
}

function assertFinalState(model: QueueModel, totals: Totals): void {
  const queues = model.sessions[0].sources.values().next().value!.queues;
  for (const [name, want] of Object.entries(totals)) {
    const q = [...queues.values()].find((x) => x.name === name);
    assert.ok(q, `queue ${name} in the model`);
    assert.deepEqual({ puts: q.counters.puts, gets: q.counters.gets, size: q.size }, want, `final state of ${name}`);
  }
}

describe('exit tail: a program ends, its last moments reach the model', function () {
  this.timeout(30_000);
  let dir: string;

  before(ensureLibraryBuilt);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-tail-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function runPipeline(mode: string, signal?: NodeJS.Signals, reader = true): Promise<RunResult> {
    fs.mkdirSync(path.join(dir, 'env'));
    const child = start([...(reader ? ['--require', fixture('tail-reader.js')] : []), fixture('exit-pipeline.js')], {
      QUEUESCOPE_TRACE: '1',
      QUEUESCOPE_EXIT_TAIL_DIR: path.join(dir, 'env'),
      EXIT_MODE: mode,
      TAIL_DIR: dir,
    });
    const result = finished(child);
    if (signal) {
      // Signal once the program says it is done (its own totals are printed).
      await new Promise<void>((resolve) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('TOTALS')) resolve();
        });
      });
      child.kill(signal);
    }
    return result;
  }

  // `died`: what the panel's banner says of the end (endNote of the source's end), if anything.
  // `thrownAt`: the line of the fixture the crash's site names (EndInfo.at), for the banner's link.
  const cases: { mode: string; signal?: NodeJS.Signals; check: (r: RunResult) => void; died?: string; thrownAt?: number }[] = [
    { mode: 'natural', check: (r) => assert.equal(r.code, 0) },
    { mode: 'process-exit', check: (r) => assert.equal(r.code, 3), died: 'exit code 3' },
    { mode: 'uncaught', check: (r) => (assert.equal(r.code, 1), assert.match(r.stderr, /boom after the pipeline/)), died: 'uncaught Error: boom after the pipeline', thrownAt: 88 },
    { mode: 'signal', signal: 'SIGTERM', check: (r) => assert.equal(r.signal, 'SIGTERM'), died: 'killed by SIGTERM' },
    { mode: 'signal', signal: 'SIGINT', check: (r) => assert.equal(r.signal, 'SIGINT'), died: 'killed by SIGINT' },
    // The terminal the program runs in was closed.
    { mode: 'signal', signal: 'SIGHUP', check: (r) => assert.equal(r.signal, 'SIGHUP'), died: 'killed by SIGHUP' },
    // signal-exit loaded (execa, ora…): it waits for its listeners to be the only ones; ours
    // must not count them as the program's handler, or the program outlives the signal.
    ...(['SIGTERM', 'SIGHUP'] as const).map((signal) => ({
      mode: 'signal-exit',
      signal,
      check: (r: RunResult) => (assert.equal(r.signal, signal), assert.match(r.stdout, new RegExp(`signal-exit saw ${signal}`))),
      died: `killed by ${signal}`,
    })),
    { mode: 'handled-signal', signal: 'SIGTERM', check: (r) => (assert.equal(r.code, 0), assert.match(r.stdout, /handled SIGTERM/)) },
  ];
  for (const c of cases) {
    it(`${c.mode}${c.signal ? ` (${c.signal})` : ''}: the model ends with the program's own totals`, async () => {
      const r = await runPipeline(c.mode, c.signal);
      c.check(r);
      const totals = totalsOf(r.stdout).get(0);
      assert.ok(totals, `the program printed its totals:\n${r.stdout}\n${r.stderr}`);
      const model = modelOf(dir, 0, true);
      assertFinalState(model, totals);
      const end = model.sessions[0].sources.values().next().value!.end;
      assert.equal(endNote(end), c.died, 'how it ended');
      assert.deepEqual(end?.at && [end.at.file, end.at.line], c.thrownAt === undefined ? undefined : [fixture('exit-pipeline.js'), c.thrownAt], 'where it was thrown');
      assert.deepEqual(fs.readdirSync(path.join(dir, 'env')), [], "the reader's own tail replaced the environment's");
    });
  }

  it("SIGKILL: no exit hook runs, and the reader's tail stays as the hub armed it when the reader attached, empty", async () => {
    const r = await runPipeline('signal', 'SIGKILL');
    assert.equal(r.signal, 'SIGKILL');
    assert.equal(fs.readFileSync(path.join(dir, 'tail-0.ndjson'), 'utf8'), '', 'armed at attach, never written');
    assert.ok(fs.readFileSync(path.join(dir, 'received-0.ndjson'), 'utf8').length > 0, 'the reader had drained');
  });

  it('a reader attaching once the tail is written (paused in an exit listener) does not arm an empty file, read as an abrupt end', async () => {
    fs.mkdirSync(path.join(dir, 'env'));
    const late = path.join(dir, 'late-tail.ndjson');
    const r = await finished(start([fixture('attach-at-exit.js')], { QUEUESCOPE_TRACE: '1', QUEUESCOPE_EXIT_TAIL_DIR: path.join(dir, 'env'), LATE_TAIL: late }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(late), false, 'no file: that reader concludes nothing');
    const [env] = fs.readdirSync(path.join(dir, 'env'));
    assert.match(fs.readFileSync(path.join(dir, 'env', env), 'utf8'), /"type":"tailEnd","reason":"exit"/, 'the tail written at exit is whole');
  });

  it('two readers attached: each gets the tail, so neither reads an armed, empty file as an abrupt end', async () => {
    const [first, second] = ['first', 'second'].map((n) => path.join(dir, `${n}-tail.ndjson`));
    const r = await finished(start([fixture('two-readers.js')], { QUEUESCOPE_TRACE: '1', FIRST_TAIL: first, SECOND_TAIL: second }));
    assert.equal(r.code, 0, r.stderr);
    for (const f of [first, second]) assert.match(fs.readFileSync(f, 'utf8'), /"type":"tailEnd","reason":"exit"/, f);
  });

  it('a program no reader ever attached to: the environment tail holds all it recorded', async () => {
    const r = await runPipeline('natural', undefined, false);
    assert.equal(r.code, 0);
    const totals = totalsOf(r.stdout).get(0)!;
    const files = fs.readdirSync(path.join(dir, 'env'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^\d+-0\.ndjson$/);
    const model = new QueueModel({ log: { warn: (m) => assert.fail(`model warning: ${m}`) } });
    model.openSession('s', 'exit');
    const key = applyUnattachedTail(model, 's', fs.readFileSync(path.join(dir, 'env', files[0]), 'utf8'), quiet);
    assert.ok(key);
    assert.equal(model.source('s', key)!.state, 'ended');
    assertFinalState(model, totals);
    // The timeline holds the run, not only its end: the frontier was seen full on the way.
    const frontier = model.queuesOf('s').find((q) => q.name === 'frontier')!;
    assert.ok(Math.max(...frontier.timeline.series().max) > 1, 'depth history from the start');
  });

  it('a worker thread that ends: its own tail holds its final state', async () => {
    const r = await runPipeline('worker');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /worker ended/);
    const [[threadId, totals]] = [...totalsOf(r.stdout)];
    assert.notEqual(threadId, 0);
    assertFinalState(modelOf(dir, threadId, true), totals);
  });

  it('without the tail the last moments are missing (what the tail is for)', async () => {
    const r = await runPipeline('natural');
    const totals = totalsOf(r.stdout).get(0)!;
    assert.throws(() => assertFinalState(modelOf(dir, 0, false), totals), /final state/);
  });
});
