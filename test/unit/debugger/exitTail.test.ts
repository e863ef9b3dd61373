// A short program's end under a real V8 debugger (CDP, as js-debug drives it), through the
// extension's own SessionPoller at the default 100 ms interval: 20 runs of a short pipeline,
// and in every run the model ends with the program's own totals. Without the exit tail most
// runs end short (the measured figure is in docs/EXTENSION.md, "The last moments").

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import { SessionPoller } from '../../../src/host/sessions/poller';
import type { ExitTailFile } from '../../../src/host/sessions/exitTail';
import { ModelFeed } from '../../../src/recording/modelFeed';
import { readRecordingLines } from '../../../src/recording/reader';
import { CdpClient, startInspected } from './cdp';

const ROOT = path.resolve(__dirname, '../../..');
const LIB = path.join(ROOT, 'dist/lib/index.js');
const PROGRAM = path.join(ROOT, 'test/fixtures/trace/exit-pipeline.js');
const RUNS = 20;

function tailFile(file: string): ExitTailFile {
  return {
    path: file,
    read: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
    remove: () => fs.rmSync(file, { force: true }),
  };
}

type Totals = Record<string, { puts: number; gets: number; size: number }>;

/** Each queue's counters and depth in the model's session. */
function totalsOf(model: QueueModel, session: string): Totals {
  const got: Totals = {};
  for (const q of model.queuesOf(session)) got[q.name] = { puts: q.counters.puts, gets: q.counters.gets, size: q.size };
  return got;
}

/** A recording file (QUEUESCOPE_TRACE_FILE) as a replay ends: the reader and ModelFeed, as the extension opens it. */
async function fileTotals(file: string): Promise<Totals> {
  const { lines, result } = await readRecordingLines(file);
  assert.deepEqual(result.warnings, [], file);
  const replay = new QueueModel();
  const feed = new ModelFeed(replay, 'replay', 'file');
  feed.push(lines);
  feed.finish();
  return totalsOf(replay, 'replay');
}

/**
 * One run: returns [program's totals, model's final state] per queue. With `traceFile` the
 * program also records to that file (QUEUESCOPE_TRACE_FILE), as a CI check's environment
 * left in a launch configuration does: `fromFile` is then the file's final state.
 */
async function oneRun(dir: string, run: number, mode: string, traceFile?: string): Promise<{ want: unknown; got: unknown; fromFile?: unknown; tailUsed: boolean; log: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE: '1', QUEUESCOPE_LIB: LIB, EXIT_MODE: mode, WAIT_FOR_READER: traceFile === undefined ? '1' : 'go' };
  delete env.QUEUESCOPE_TRACE_FILE;
  if (traceFile !== undefined) env.QUEUESCOPE_TRACE_FILE = traceFile;
  delete env.NODE_OPTIONS;
  const started = await startInspected([PROGRAM], env);
  const child = started.child;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const client = await CdpClient.connect(started.url);
  try {
    await client.send('Runtime.enable');
    await client.send('Debugger.enable');
    const model = new QueueModel();
    const file = path.join(dir, `tail-${run}.ndjson`);
    const warnings: string[] = [];
    const infos: string[] = [];
    const file0 = tailFile(file);
    const logged: ExitTailFile = { path: file, read: () => { const t = file0.read(); infos.push(`tail: ${t === undefined ? 'none' : t.split('\n').map((l) => `${l.length}:${l.slice(0, 30)}…${l.slice(-40)}`).join(' | ')}; model expects seq ${model.source('root', poller.sourceKey ?? '')?.nextSeq}`); return t; }, remove: file0.remove };
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: (m) => infos.push(m), warn: (m) => warnings.push(m) }, {
      intervalMs: () => 100,
      noHubBackoffMs: 5,
      exitTail: logged,
    });
    poller.start();
    const gone = client.once('Runtime.executionContextDestroyed');
    if (traceFile !== undefined) {
      // The recorder drains too (the program's readerActive() is no sign of ours): go once ours has.
      while (poller.drains < 1) await new Promise((r) => setTimeout(r, 5));
      await client.evaluateString('globalThis.__go = true');
    }
    // Node keeps the process until the debugger lets go once its context is gone.
    await gone;
    const tailUsed = fs.existsSync(file) && fs.statSync(file).size > 0; // armed empty at attach, written at the end
    client.close();
    await exited;
    await poller.finish();
    assert.equal(fs.existsSync(file), false, 'the tail file is removed once applied');
    assert.deepEqual(warnings.filter((w) => !/failed: .*(closed|Cannot find context|Target closed|Execution context was destroyed)/i.test(w)), []);
    const totals = JSON.parse(/TOTALS (\{.*\})/.exec(started.output())![1]) as { totals: Record<string, { puts: number; gets: number; size: number }> };
    const got = totalsOf(model, 'root');
    const want = Object.fromEntries(Object.entries(totals.totals).map(([k, v]) => [k, { puts: v.puts, gets: v.gets, size: v.size }]));
    return { want, got, fromFile: traceFile === undefined ? undefined : await fileTotals(traceFile), tailUsed, log: [...infos, ...warnings].join('\n') };
  } finally {
    client.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('exit tail under a real debugger (CDP) through the SessionPoller', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-tail-dbg-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`${RUNS} runs of a short pipeline: every run ends with the program's own totals`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const { want, got, tailUsed, log } = await oneRun(dir, run, run % 2 === 0 ? 'natural' : 'process-exit');
      assert.ok(tailUsed, `run ${run}: the program wrote its exit tail`);
      assert.deepEqual(got, want, `run ${run}; the poller said:\n${log}`);
    }
  });

  it('with QUEUESCOPE_TRACE_FILE set too: the debugger and the file each get every event (one outbox, teed)', async () => {
    // Both read the same hub. Before the tee each drain took what it returned: the panel
    // lost every other batch (a warning each) and the file the batches the panel took.
    for (let run = 0; run < 6; run++) {
      const traceFile = path.join(dir, `run-${run}.qscope`);
      const { want, got, fromFile, tailUsed, log } = await oneRun(dir, run, run % 2 === 0 ? 'natural' : 'process-exit', traceFile);
      assert.ok(tailUsed, `run ${run}: the program wrote its exit tail`);
      assert.deepEqual(got, want, `run ${run}: the debugger's model; the poller said:\n${log}`);
      assert.deepEqual(fromFile, want, `run ${run}: the file`);
    }
  });
});
