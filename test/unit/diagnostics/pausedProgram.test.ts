// A paused program is not deadlocked: a real Node process under the V8 debugger (CDP), read
// by the extension's poller into the model, judged by the engine. The program is the
// deadlock sample's healthy twin: the sender is blocked on a full `records` and the receiver
// waits on `headers`, but a timer sends each header, so it always moves on. It is stopped at
// a `debugger` statement in that timer, and the engine is ticked while 3 s pass on its clock
// (a virtual offset: no sleeping): no deadlock, and no wait grows. Once resumed, the program
// moves and still nothing is reported.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiagnosticsEngine } from '../../../src/diagnostics/engine';
import { resolveThresholds } from '../../../src/diagnostics/thresholds';
import { SessionPoller } from '../../../src/host/sessions/poller';
import { QueueModel } from '../../../src/model';
import { CdpClient, startInspected } from '../debugger/cdp';

const LIB = path.resolve(__dirname, '../../../dist/lib/index.js');

const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const records = new Queue({ name: 'records', maxsize: 3 });
const headers = new Queue({ name: 'headers' });
async function sender() { for (let i = 0; ; i++) await records.put(i); }
async function receiver() {
  for (;;) {
    const n = await headers.get();
    for (let k = 0; k < n; k++) await records.get();
  }
}
sender();
receiver();
setInterval(() => {
  if (globalThis.__pause === 1) {
    globalThis.__pause = 2;
    debugger; // PAUSE_LINE
  }
  headers.putNowait(3);
}, 150);
`;

/** Resolve when `predicate()` holds, checking after every model change. */
function until(model: QueueModel, predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    const sub = model.onDidChange(() => {
      if (!predicate()) return;
      sub.dispose();
      resolve();
    });
  });
}

describe('diagnostics: a paused program is not deadlocked (real debugger)', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  before(() => {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-diag-pause-'));
  });

  after(() => {
    if (timer) clearInterval(timer);
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('raises no deadlock and ages no wait while stopped at a breakpoint, nor after resuming', async () => {
    const program = path.join(dir, 'twin.js');
    fs.writeFileSync(program, PROGRAM);
    const started = await startInspected([program], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    cdp = await CdpClient.connect(started.url);
    const client = cdp;
    await client.send('Runtime.enable');
    await client.send('Debugger.enable');

    const model = new QueueModel();
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: () => undefined, warn: () => undefined }, { intervalMs: () => 50, itemPreviewCount: () => 0, noHubBackoffMs: 50 });
    // Long blocks as hints from 100 ms, so the waits' ages are visible in findings.
    const engine = new DiagnosticsEngine(model, { thresholds: resolveThresholds({ longBlockPutMs: 100, longBlockGetMs: 100 }) });
    let offset = 0; // the engine's clock: wall time plus what the test lets pass while paused
    const clock = (): number => Date.now() + offset;
    timer = setInterval(() => engine.tick(clock()), 50);
    poller.start();

    // A history of healthy cycles first (the partial-knowledge rule needs one).
    const records = (): ReturnType<QueueModel['queuesOf']>[number] | undefined => model.queuesOf('root').find((q) => q.name === 'records');
    await until(model, () => (records()?.counters.gets ?? 0) >= 30);
    assert.deepEqual(engine.findings().filter((f) => f.severity !== 'hint'), []);

    // Stop in the timer: the sender is blocked on the full `records`, the receiver waits on `headers`.
    const paused = client.once('Debugger.paused');
    await client.evaluateString('globalThis.__pause = 1');
    await paused;
    poller.pauseRequested();
    await poller.stopped();
    assert.equal(model.session('root')?.state, 'paused');
    const q = records();
    assert.ok(q && q.size === 3 && [...q.waiters.values()].some((w) => w.role === 'put'), 'the sender is blocked');
    engine.tick(clock());
    const atPause = engine.findings();
    offset += 3000;
    engine.tick(clock());
    assert.deepEqual(engine.findings(), atPause, 'findings are frozen while paused');
    assert.deepEqual(engine.findings().filter((f) => f.rule === 'deadlock'), []);

    // Resume: the header arrives and everything moves again; still no deadlock, no warning.
    await client.send('Debugger.resume');
    poller.continued();
    const before = q.counters.gets;
    await until(model, () => q.counters.gets >= before + 9);
    engine.tick(clock());
    assert.deepEqual(engine.findings().filter((f) => f.severity === 'warning'), []);
    const history = engine.history().filter((r) => r.finding.rule === 'deadlock');
    assert.deepEqual(history, []);
    // No wait seen by any finding ever exceeded what really passed unpaused.
    for (const r of engine.history()) for (const w of r.finding.waiters) assert.ok(w.waitedMs < 2500, `${r.finding.message}: ${w.waitedMs}`);
    poller.stop();
    await poller.whenIdle();
  });
});
