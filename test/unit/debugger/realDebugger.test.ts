// The poller against a real V8 debugger: a Node process using the built library
// (dist/lib/index.js) with QUEUESCOPE_TRACE=1, debugged over the Chrome DevTools Protocol.
// Every request is a Runtime.evaluate in the global scope of the EXACT expressions the
// extension sends (src/protocol/hub.ts, through SessionPoller), like js-debug's DAP
// `evaluate` without frameId.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel, type ModelSession } from '../../../src/model';
import { SessionPoller, type EvaluateTarget } from '../../../src/host/sessions/poller';
import { attachExpression, boundedExpression, DEFAULT_DRAIN_BYTES, drainExpression, POLL_SOURCE_URL, snapshotExpression } from '../../../src/protocol/hub';
import { CdpClient, startInspected } from './cdp';

const LIB = path.resolve(__dirname, '../../../dist/lib/index.js');

// The debuggee: steps are released by the test through globalThis.__release.
const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const until = (n) => new Promise((r) => { const t = setInterval(() => { if (globalThis.__release >= n) { clearInterval(t); r(); } }, 2); });
async function main() {
  const jobs = new Queue({ maxsize: 2, name: 'jobs' });
  const results = new Queue({ name: 'results' });
  await jobs.put({ id: 1 });
  await jobs.put({ id: 2 });
  const blocked = jobs.put({ id: 3 });            // PRODUCER_LINE: a blocked producer
  const waiting = results.get();                   // CONSUMER_LINE: a waiting consumer
  await until(1);
  await jobs.get();
  await blocked;
  results.putNowait('done');
  await waiting;
  await until(2);
  debugger;                                        // BREAK_LINE
  await until(3);
}
main();
`;
const lineOf = (marker: string): number => PROGRAM.split('\n').findIndex((l) => l.includes(marker)) + 1;

/** Resolve when `predicate(model)` holds, checking after every model change. */
function until(model: QueueModel, predicate: (m: QueueModel) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(model)) return resolve();
    const sub = model.onDidChange(() => {
      if (!predicate(model)) return;
      sub.dispose();
      resolve();
    });
  });
}

describe('poller against a real Node debugger (CDP)', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;

  before(function () {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-debugger-'));
  });

  afterEach(() => {
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    cdp = undefined;
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Write `source` to `file` and debug it: `node --inspect`, Runtime enabled (and Debugger,
   * as js-debug enables it, unless `debuggerDomain` is false), armed unless `env` says
   * otherwise. Sets `child` and `cdp` for afterEach.
   */
  async function debug(file: string, source: string, options: { env?: NodeJS.ProcessEnv; debuggerDomain?: boolean } = {}): Promise<CdpClient> {
    const program = path.join(dir, file);
    fs.writeFileSync(program, source);
    const started = await startInspected([program], options.env ?? { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    await client.send('Runtime.enable');
    if (options.debuggerDomain !== false) await client.send('Debugger.enable');
    return client;
  }

  it('queues appear, waiters appear and end, a breakpoint pause yields the snapshot with items', async () => {
    const client = await debug('app.js', PROGRAM);

    const sent: string[] = [];
    let onSent = (): void => undefined;
    const target: EvaluateTarget = {
      evaluate: async (expression) => {
        sent.push(expression);
        const answer = await client.evaluateString(expression);
        onSent();
        return answer;
      },
    };
    /** Resolve once `n` more requests have been answered. */
    const answered = (n: number): Promise<void> => {
      const goal = sent.length + n;
      return new Promise((resolve) => {
        onSent = () => {
          if (sent.length >= goal) resolve();
        };
      });
    };
    const warnings: string[] = [];
    const model = new QueueModel({ log: { warn: (m) => warnings.push(m) } });
    const poller = new SessionPoller(target, model, 'root', 'child', { info: () => undefined, warn: (m) => warnings.push(m) }, {
      intervalMs: () => 20,
      itemPreviewCount: () => 5,
      noHubBackoffMs: 50,
    });
    poller.start();

    // Queues and waiters appear.
    await until(model, (m) => m.summary('root').blocked === 1 && m.summary('root').waiting === 1);
    const queues = model.queuesOf('root');
    assert.deepEqual(queues.map((q) => q.name).sort(), ['jobs', 'results']);
    const jobs = queues.find((q) => q.name === 'jobs')!;
    assert.equal(jobs.maxsize, 2);
    const producer = [...jobs.waiters.values()][0];
    assert.equal(producer.role, 'put');
    assert.equal(producer.site?.line, lineOf('PRODUCER_LINE'));
    assert.ok(producer.site?.file.endsWith('app.js'), producer.site?.file);
    const consumer = [...queues.find((q) => q.name === 'results')!.waiters.values()][0];
    assert.equal(consumer.site?.line, lineOf('CONSUMER_LINE'));
    const src = model.source('root', poller.sourceKey!)!;
    assert.equal(src.info.pid, child!.pid);

    // Waiters end.
    await client.evaluateString('globalThis.__release = 1');
    await until(model, (m) => m.summary('root').blocked === 0 && m.summary('root').waiting === 0 && jobs.recentWaits.length === 1);
    assert.equal(jobs.recentWaits[0].outcome, 'served');
    await until(model, () => jobs.timeline.series().max.some((d) => d === 2));

    // A breakpoint pause: the tracker would call stopped(); drain + snapshot run while paused.
    const paused = client.once<{ reason: string; callFrames: { location: { lineNumber: number } }[] }>('Debugger.paused');
    await client.evaluateString('globalThis.__release = 2');
    const stop = await paused;
    assert.equal(stop.callFrames[0].location.lineNumber + 1, lineOf('BREAK_LINE'));
    poller.pauseRequested();
    const before = sent.length;
    await poller.stopped();
    // Long answers come in parts: the poller's expressions are wrapped (boundedExpression).
    const asked = (e: string): string => boundedExpression(e, 4 * DEFAULT_DRAIN_BYTES);
    // The pause snapshot carries how long ago the stop came (the pause is dated from it).
    const leads: number[] = [];
    const pauseSnapshot = (e: string): boolean => {
      const lead = /"pausedMs":(\d+)/.exec(e);
      if (lead === null || e !== asked(snapshotExpression({ items: 5, paused: true, pausedMs: Number(lead[1]) }))) return false;
      leads.push(Number(lead[1]));
      return true;
    };
    assert.deepEqual(sent.slice(before).map((e) => (e === asked(drainExpression(256 * 1024, { columns: true })) ? 'drain' : pauseSnapshot(e) ? 'snapshot' : e)), ['drain', 'snapshot']);
    assert.ok(leads[0] >= 1 && leads[0] < 10_000, `paused ${leads[0]} ms before the snapshot (the drain came first)`);
    assert.equal(poller.state, 'paused');
    assert.equal(src.state, 'paused');
    assert.equal(model.session('root')!.state, 'paused' satisfies ModelSession['state']);
    assert.deepEqual(jobs.items, ['{ id: 2 }', '{ id: 3 }']);
    assert.equal(jobs.size, 2);
    assert.ok(jobs.itemsAt !== undefined);

    // Resume: live again.
    await client.send('Debugger.resume');
    poller.continued();
    await answered(3);
    assert.equal(src.state, 'live');

    // The program ends; the model keeps the recording.
    const exited = new Promise((r) => child!.once('exit', r));
    const gone = client.once('Runtime.executionContextDestroyed');
    await client.evaluateString('globalThis.__release = 3');
    await gone; // Node then waits for the debugger to disconnect before it exits
    poller.stop();
    client.close();
    await exited;
    await poller.whenIdle();
    model.endSession('root');
    assert.equal(model.session('root')!.state, 'ended');
    assert.equal(model.queuesOf('root').length, 2);

    // Only the three hub expressions were ever sent, each tagged with the poll sourceURL.
    const allowed = new Set([attachExpression(), drainExpression(256 * 1024, { columns: true })].map(asked));
    assert.ok(sent.every((e) => (allowed.has(e) || pauseSnapshot(e)) && e.endsWith(POLL_SOURCE_URL)));
    assert.deepEqual(warnings.filter((w) => !/failed: .*(closed|Cannot find context|Target closed)/i.test(w)), []);
  });

  it('attaching to an unarmed program that is already stuck shows who is blocked (adopted waiters)', async () => {
    // No QUEUESCOPE_TRACE: the hub stays dormant until the poller's attach() arms it, as when
    // a debugger attaches to a running process. The producer blocked long before that.
    const env = { ...process.env };
    delete env.QUEUESCOPE_TRACE;
    delete env.QUEUESCOPE_TRACE_FILE;
    const client = await debug(
      'stuck.js',
      `const { Queue } = require(${JSON.stringify(LIB)});
       const q = new Queue({ maxsize: 1, name: 'stuck' });
       globalThis.stuckQueue = q;
       q.putNowait('first');
       q.put('second').then(() => console.log('unblocked')); // blocks: nobody reads
       setInterval(() => {}, 1000);`,
      { env, debuggerDomain: false },
    );
    const model = new QueueModel();
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: () => undefined, warn: () => undefined }, { intervalMs: () => 20, noHubBackoffMs: 30 });
    poller.start();
    await until(model, (m) => m.queuesOf('root').some((q) => q.name === 'stuck' && q.waiters.size === 1));
    const q = model.queuesOf('root').find((x) => x.name === 'stuck')!;
    const [w] = [...q.waiters.values()];
    assert.deepEqual([w.role, w.adopted, w.site, q.size], ['put', true, undefined, 1]);
    // Its end is reported like any other wait once the program reads.
    await client.evaluateString('String(globalThis.stuckQueue.getNowait())');
    await until(model, (m) => m.queuesOf('root').some((x) => x.name === 'stuck' && x.waiters.size === 0 && x.recentWaits.some((e) => e.id === w.id && e.outcome === 'served')));
    poller.stop();
    await poller.whenIdle();
  });

  it('a program without the library answers NO_HUB quietly, and attaches once its first queue exists', async () => {
    const client = await debug(
      'late.js',
      `const until = (n) => new Promise((r) => { const t = setInterval(() => { if (globalThis.__release >= n) { clearInterval(t); r(); } }, 2); });
       (async () => { await until(1); const { Queue } = require(${JSON.stringify(LIB)}); const q = new Queue({ name: 'late' }); q.putNowait(1); await until(2); })();`,
      { debuggerDomain: false },
    );
    const answers: string[] = [];
    const warnings: string[] = [];
    const model = new QueueModel();
    const poller = new SessionPoller(
      { evaluate: async (e) => { const a = await client.evaluateString(e); answers.push(a); return a; } },
      model, 'root', 'child', { info: () => undefined, warn: (m) => warnings.push(m) },
      { intervalMs: () => 20, noHubBackoffMs: 30 },
    );
    poller.start();
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (answers.length >= 2) { clearInterval(t); resolve(); } }, 5); });
    assert.deepEqual(answers.slice(0, 2), ['null', 'null']);
    assert.equal(poller.state, 'attaching');
    await client.evaluateString('globalThis.__release = 1');
    await until(model, (m) => m.queuesOf('root').some((q) => q.name === 'late' && q.size === 1));
    assert.deepEqual(warnings, []);
    poller.stop();
    await poller.whenIdle();
  });

  it('6,000 queues: the attach snapshot and the drains come in parts, each evaluate answer bounded, no queue or name lost', async () => {
    const client = await debug(
      'tenants.js',
      `const { Queue } = require(${JSON.stringify(LIB)});
       const qs = [];
       for (let i = 0; i < 6000; i++) { const q = new Queue({ name: 'tenant-' + i + '/inbox', maxsize: 50 }); qs.push(q); (async () => { for (;;) await q.get(); })(); }
       globalThis.__ready = true;
       let n = 0;
       setInterval(() => { for (let k = 0; k < 600; k++) qs[(n++ * 7919) % qs.length].putNowait(n); }, 10);`,
    );
    // Attach only once every queue exists: the attach answer then holds all 6,000 (~2.7 MB).
    while ((await client.evaluateString('String(globalThis.__ready === true)')) !== 'true') await new Promise((r) => setTimeout(r, 20));
    const lengths: number[] = [];
    const warnings: string[] = [];
    const model = new QueueModel();
    const poller = new SessionPoller(
      { evaluate: async (e) => { const a = await client.evaluateString(e); lengths.push(a.length); return a; } },
      model, 'root', 'child', { info: () => undefined, warn: (m) => warnings.push(m) },
      { intervalMs: () => 100 },
    );
    poller.start();
    await until(model, (m) => m.queuesOf('root').length >= 6000 && poller.drains >= 3);
    poller.stop();
    await poller.whenIdle();
    const qs = model.queuesOf('root');
    assert.equal(qs.length, 6000);
    assert.deepEqual(qs.filter((q) => !/^tenant-\d+\/inbox$/.test(q.name) || q.maxsize !== 50).map((q) => q.name).slice(0, 5), [], 'every name and maxsize from the program');
    assert.ok(Math.max(...lengths) <= 4 * DEFAULT_DRAIN_BYTES, `every evaluate answer within ${4 * DEFAULT_DRAIN_BYTES} characters (longest ${Math.max(...lengths)})`);
    assert.ok(lengths.length > poller.requests - 1 && lengths.filter((n) => n > 4 * DEFAULT_DRAIN_BYTES - 100).length >= 2, 'the attach was read in parts');
    assert.deepEqual(warnings, []);
  });
});
