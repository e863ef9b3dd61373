// QUEUESCOPE_TRACE_FILE recording in real child processes: the file survives SIGTERM and
// uncaught exceptions, and the program's exit status and signal handling do not change.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { RecordingSourceLine } from '../../../src/protocol/wire';
import { REGISTER, ensureLibraryBuilt, finished, fixture, readNdjson, start, tempFile, type RunResult } from './helpers';

/** Start the record.js fixture; resolve once it printed 'ready'. */
function startRecorded(mode: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; done: Promise<RunResult> } {
  const args = env.QUEUESCOPE_TRACE_FILE !== undefined ? ['--require', REGISTER, fixture('record.js'), mode] : [fixture('record.js'), mode];
  const child = start(args, env);
  const ready = new Promise<void>((resolve) => {
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('ready\n')) resolve();
    });
  });
  return { child, ready, done: finished(child) };
}

async function runMode(mode: string, env: Record<string, string>, signal: NodeJS.Signals = 'SIGTERM'): Promise<RunResult> {
  const r = startRecorded(mode, env);
  await r.ready;
  if (mode === 'signal' || mode === 'handled' || mode === 'reraise') r.child.kill(signal);
  return r.done;
}

function checkRecording(file: string, endReason: string, detail: { code?: number; error?: string; at?: unknown } = {}): void {
  const lines = readNdjson(file);
  assert.equal(lines[0].type, 'qscope');
  assert.equal(lines[0].writer, 'hub');
  const source = lines[1] as unknown as RecordingSourceLine;
  assert.equal(source.type, 'source');
  const src = source.src;
  const queue = lines.find((l) => l.type === 'queue' && l.name === 'recorded');
  assert.ok(queue !== undefined && queue.src === src, 'the queue is recorded');
  const rows = lines.filter((l) => l.type === 'samples' && l.src === src);
  assert.ok(rows.length > 3, 'samples recorded');
  assert.ok(lines.some((l) => l.type === 'counters' && l.src === src));
  const last = lines[lines.length - 1];
  assert.deepEqual([last.type, last.src, last.reason, last.code, last.error, last.at], ['end', src, endReason, detail.code, detail.error, detail.at]);
  assert.equal(lines.filter((l) => l.type === 'end').length, 1);
}

describe('trace: file recording (QUEUESCOPE_TRACE_FILE)', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`survives ${sig}; the process still dies of the signal`, async () => {
      const plain = await runMode('signal', {}, sig);
      const file = tempFile('signal.qscope');
      const traced = await runMode('signal', { QUEUESCOPE_TRACE_FILE: file }, sig);
      assert.deepEqual([traced.code, traced.signal], [plain.code, plain.signal]);
      assert.equal(traced.signal, sig);
      checkRecording(file, sig);
    });
  }

  it("keeps the program's own SIGTERM handler in charge", async () => {
    const plain = await runMode('handled', {});
    const file = tempFile('handled.qscope');
    const traced = await runMode('handled', { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(plain.code, 7);
    assert.deepEqual([traced.code, traced.signal, traced.stdout], [plain.code, plain.signal, plain.stdout]);
    checkRecording(file, 'exit', { code: 7 });
  });

  it('a program that cleans up on SIGTERM and then signals itself again still dies of the signal', async () => {
    const plain = await runMode('reraise', {});
    assert.equal(plain.signal, 'SIGTERM');
    const file = tempFile('reraise.qscope');
    const traced = await runMode('reraise', { QUEUESCOPE_TRACE_FILE: file });
    // Before: our listener caught the second SIGTERM, and with nothing left to run the
    // program exited 0 before it ran.
    assert.deepEqual([traced.code, traced.signal], [plain.code, plain.signal]);
    checkRecording(file, 'SIGTERM');
  });

  it('the same when it signals its own process group (process.kill(0))', async () => {
    // Detached: the child leads a process group of its own, so kill(0) reaches only it.
    const run = async (env: Record<string, string>): Promise<RunResult> => {
      const args = env.QUEUESCOPE_TRACE_FILE !== undefined ? ['--require', REGISTER, fixture('record.js'), 'reraise-group'] : [fixture('record.js'), 'reraise-group'];
      const child = start(args, env, { detached: true });
      const done = finished(child);
      await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      child.kill('SIGTERM');
      return done;
    };
    const plain = await run({});
    assert.equal(plain.signal, 'SIGTERM');
    const file = tempFile('reraise-group.qscope');
    const traced = await run({ QUEUESCOPE_TRACE_FILE: file });
    assert.deepEqual([traced.code, traced.signal], [plain.code, plain.signal]);
    checkRecording(file, 'SIGTERM');
  });

  it('survives an uncaught exception with exit code and stderr unchanged', async () => {
    const plain = await runMode('throw', {});
    const file = tempFile('throw.qscope');
    const traced = await runMode('throw', { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(plain.code, 1);
    assert.equal(traced.code, 1);
    assert.match(traced.stderr, /Error: boom/);
    assert.equal(traced.stderr.replace(/\n+Node\.js.*$/s, ''), plain.stderr.replace(/\n+Node\.js.*$/s, ''));
    // The error's first line, for the panel's "The program ended: uncaught Error: boom", and
    // where it was thrown: the fixture's line, not Node's timer code below it.
    checkRecording(file, 'uncaughtException', { error: 'Error: boom', at: { file: fixture('record.js'), line: 30, column: 50, fn: 'Timeout._onTimeout' } });
  });

  it('records process.exit(5) and keeps the code', async () => {
    const file = tempFile('exit.qscope');
    const traced = await runMode('exit', { QUEUESCOPE_TRACE_FILE: file });
    assert.equal(traced.code, 5);
    checkRecording(file, 'exit', { code: 5 });
  });

  it('a relative QUEUESCOPE_TRACE_FILE stays one file when the program changes folder', async () => {
    const file = tempFile('relative.qscope');
    const child = start(['--require', REGISTER, fixture('record.js'), 'chdir'], { QUEUESCOPE_TRACE_FILE: 'relative.qscope' }, { cwd: path.dirname(file) });
    const r = await finished(child);
    assert.equal(r.code, 5, r.stderr);
    const moved = JSON.parse(/moved (.*)/.exec(r.stdout)![1]) as { dir: string; file: string };
    assert.equal(moved.file, file, 'made absolute in the environment, for child processes and workers');
    assert.deepEqual(fs.readdirSync(moved.dir), [], 'nothing written in the new folder (before: the rest of the recording, headless)');
    checkRecording(file, 'exit', { code: 5 });
  });

  for (const withRegister of [true, false]) {
    it(`worker threads record as their own source (${withRegister ? '--require register' : 'environment only'})`, async () => {
      const file = tempFile('workers.qscope');
      const args = withRegister ? ['--require', REGISTER, fixture('workers.js')] : [fixture('workers.js')];
      const result = await finished(start(args, { QUEUESCOPE_TRACE_FILE: file }));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'worker exited 0\n');
      const lines = readNdjson(file);
      assert.equal(lines.filter((l) => l.type === 'qscope').length, 1, 'one header');
      const sources = lines.filter((l) => l.type === 'source') as unknown as RecordingSourceLine[];
      assert.equal(sources.length, 2);
      const main = sources.find((s) => s.info.isMainThread);
      const worker = sources.find((s) => !s.info.isMainThread);
      assert.ok(main !== undefined && worker !== undefined);
      assert.notEqual(main.info.threadId, worker.info.threadId);
      assert.equal(main.info.pid, worker.info.pid);
      const queueOf = (src: string) => lines.filter((l) => l.type === 'queue' && l.src === src).map((l) => l.name);
      assert.deepEqual(queueOf(main.src), ['main-queue']);
      assert.deepEqual(queueOf(worker.src), ['worker-queue']);
      for (const s of [main, worker]) {
        assert.ok(lines.some((l) => l.type === 'end' && l.src === s.src), `end line of ${s.src}`);
        const rows = lines.filter((l) => l.type === 'samples' && l.src === s.src).flatMap((l) => l.rows as number[][]);
        assert.deepEqual(rows.map((r) => r.slice(1)), [[1, 0, 2, 2, 1]], 'depth 1 after 2 puts and 1 get');
      }
      fs.rmSync(file);
    });
  }
});
