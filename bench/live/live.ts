// `npm run bench:live` (issue #17): the live view at scale, through the real debugger
// protocol. "Real" here is CDP against `node --inspect` (test/unit/debugger/cdp.ts), with the
// Debugger domain enabled as js-debug enables it, and the very expressions and reader the
// extension uses (drainExpression(…, { columns: true }), parseDrainBatch, QueueModel). No
// VS Code or js-debug is in the loop, so their own costs are not in these figures.
//
//   npx tsx bench/live/live.ts [--queues 100,1000,10000] [--rates 20000,50000,100000] [--seconds 6] [--poll 100]
//
// For each N (queues) it runs bench/live/program.js:
//   1. flat out, not debugged (no inspector, hub dormant): the program's own ops/s;
//   2. flat out, armed and polled every --poll ms: ops/s again -> the slowdown;
//   3. at each target rate R, polled, and EVERY poll checked: the drain and the program's
//      own truth are taken in one callback (one instant of the debuggee), the drain goes
//      through the reader into the model, and each queue's puts, gets, depth, high-water
//      mark and waiting consumers must equal the truth.
// It prints, per N: the highest R whose every poll was exact while the program kept up
// (>= 95% of R), bytes/poll, debuggee ms/poll (the hub's own `ms`), extension ms/poll
// (parse + model apply), and the slowdown two ways: the program's CPU per second at that
// rate, plain vs. debugged (each R also runs plain), and its flat-out throughput plain vs.
// armed and polled. Raw rows go to .tmp/bench/live.json.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAttachInfo, parseDrainBatch, QueueModel } from '../../src/model';
import { attachExpression, drainExpression } from '../../src/protocol/hub';
import { CdpClient, startInspected } from '../../test/unit/debugger/cdp';
import { option } from '../cli';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'dist/lib/index.js');
const PROGRAM = path.join(__dirname, 'program.js');
const QUEUES = option('--queues', '100,1000,10000').split(',').map(Number);
const RATES = option('--rates', '20000,50000,100000').split(',').map(Number);
const SECONDS = option('--seconds', 6);
const POLL_MS = option('--poll', 100);
const MAX_BYTES = 256 * 1024;

interface RunFigures {
  queues: number;
  rate: number; // 0 = flat out
  debugged: boolean;
  opsPerSecond: number;
  /** Program CPU ms per second of run (hub included). */
  cpuPerSecond: number;
  polls: number;
  exactPolls: number;
  firstMismatch?: string;
  bytesPerPoll: number;
  maxBytes: number;
  debuggeeMsPerPoll: number;
  extensionMsPerPoll: number;
  strideMax: number;
}

const env = (n: number, rate: number, armed: boolean): NodeJS.ProcessEnv => ({
  ...process.env,
  QUEUESCOPE_LIB: LIB,
  N: String(n),
  RATE: String(rate),
  SECONDS: String(SECONDS),
  ...(armed ? { QUEUESCOPE_TRACE: '1' } : { QUEUESCOPE_TRACE: '' }),
});

/** The program's ops/s and CPU ms per second of its run. */
function parseResult(out: string): { ops: number; cpu: number } {
  const line = out.split('\n').find((l) => l.startsWith('{"ops"'));
  if (!line) throw new Error(`program printed no result:\n${out.slice(-2000)}`);
  const r = JSON.parse(line) as { ops: number; seconds: number; cpuMs: number };
  return { ops: r.ops / r.seconds, cpu: r.cpuMs / r.seconds };
}

/** Not debugged: plain `node program.js`, hub dormant. */
function runPlain(n: number, rate: number): Promise<{ ops: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROGRAM], { env: env(n, rate, false), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      try {
        resolve(parseResult(out));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/** Debugged and polled; with `check`, every poll is compared with the program's truth. */
async function runDebugged(n: number, rate: number, check: boolean): Promise<RunFigures> {
  const started = await startInspected([PROGRAM], env(n, rate, true));
  const cdp = await CdpClient.connect(started.url);
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  const fig: RunFigures = { queues: n, rate, debugged: true, opsPerSecond: 0, cpuPerSecond: 0, polls: 0, exactPolls: 0, bytesPerPoll: 0, maxBytes: 0, debuggeeMsPerPoll: 0, extensionMsPerPoll: 0, strideMax: 1 };
  let bytes = 0;
  let debuggeeMs = 0;
  let extensionMs = 0;
  try {
    await cdp.send('Runtime.enable');
    await cdp.send('Debugger.enable', {}); // as js-debug: no script-cache limit
    const model = new QueueModel();
    let source: string | undefined;
    while (source === undefined) {
      const text = await cdp.evaluateString(attachExpression());
      const info = text === 'null' ? undefined : parseAttachInfo(text);
      if (info?.ok) source = model.attach('S', info.value);
      else await new Promise((r) => setTimeout(r, 20));
    }
    const drain = drainExpression(MAX_BYTES, { columns: true });
    // One instant: the drain, then the program's truth, in the same callback. V8 runs an
    // evaluate at any statement (an interrupt), where the program's truth may be half-way
    // through an operation (a put counted by the queue, not yet by the program's counter),
    // so the checked poll runs at the next macrotask boundary (setImmediate + awaitPromise).
    const checked = `new Promise(function(r){setImmediate(function(){var d=${drain.split('\n')[0]};r(JSON.stringify([d,globalThis.__truth()]))})})`;
    let alive = true;
    void exited.then(() => (alive = false));
    while (alive) {
      const t0 = Date.now();
      let text: string;
      let truth: number[][] | undefined;
      try {
        if (check) {
          const r = await cdp.send<{ result: { value?: string }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression: checked, awaitPromise: true, returnByValue: true, silent: true });
          if (r.exceptionDetails || typeof r.result.value !== 'string') throw new Error('checked poll failed');
          const both = JSON.parse(r.result.value) as [string, number[][]];
          text = both[0];
          truth = both[1];
        } else text = await cdp.evaluateString(drain);
      } catch {
        break; // the program exited mid-request
      }
      const e0 = performance.now();
      const batch = parseDrainBatch(text);
      if (!batch.ok) throw new Error(batch.error);
      model.applyDrain('S', source, batch.value);
      extensionMs += performance.now() - e0;
      fig.polls++;
      bytes += text.length;
      fig.maxBytes = Math.max(fig.maxBytes, text.length);
      debuggeeMs += batch.value.ms ?? 0;
      fig.strideMax = Math.max(fig.strideMax, batch.value.stride ?? 1);
      if (truth) {
        const src = model.source('S', source)!;
        let bad: string | undefined;
        for (const [id, puts, gets, depth, high, waiting] of truth) {
          const q = src.queues.get(id);
          const got = q ? [q.counters.puts, q.counters.gets, q.size, q.counters.highWater, q.liveWaits?.waiting ?? -1] : [];
          const want = [puts, gets, depth, high, waiting];
          if (got.join() !== want.join() && !(q === undefined && puts === 0)) {
            bad = `queue ${id}: model [puts, gets, depth, high, waiting] = [${got.join(', ')}], program [${want.join(', ')}]`;
            break;
          }
        }
        if (bad === undefined) fig.exactPolls++;
        else fig.firstMismatch ??= `poll ${fig.polls}: ${bad}`;
      }
      if (batch.value.more) continue;
      const wait = POLL_MS - (Date.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    cdp.close();
  }
  await exited;
  const result = parseResult(started.output());
  fig.opsPerSecond = result.ops;
  fig.cpuPerSecond = result.cpu;
  fig.bytesPerPoll = Math.round(bytes / Math.max(1, fig.polls));
  fig.debuggeeMsPerPoll = +(debuggeeMs / Math.max(1, fig.polls)).toFixed(2);
  fig.extensionMsPerPoll = +(extensionMs / Math.max(1, fig.polls)).toFixed(2);
  return fig;
}

async function main(): Promise<void> {
  if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
  const rows: RunFigures[] = [];
  const summary: string[] = [];
  for (const n of QUEUES) {
    const plain = await runPlain(n, 0);
    const flat = await runDebugged(n, 0, false);
    rows.push(flat, { ...flat, debugged: false, opsPerSecond: plain.ops, cpuPerSecond: plain.cpu, polls: 0, exactPolls: 0, bytesPerPoll: 0, maxBytes: 0, debuggeeMsPerPoll: 0, extensionMsPerPoll: 0 });
    const flatSlow = (1 - flat.opsPerSecond / plain.ops) * 100;
    console.log(`N=${n}: flat out ${Math.round(plain.ops)} ops/s plain, ${Math.round(flat.opsPerSecond)} ops/s armed+polled (${flatSlow.toFixed(1)}% fewer), ${flat.bytesPerPoll} B/poll, debuggee ${flat.debuggeeMsPerPoll} ms/poll, extension ${flat.extensionMsPerPoll} ms/poll`);
    let best: RunFigures | undefined;
    let bestCpu = '';
    for (const rate of RATES) {
      const base = await runPlain(n, rate);
      const f = await runDebugged(n, rate, true);
      rows.push(f);
      const keptUp = f.opsPerSecond >= 0.95 * rate;
      const exact = f.polls > 0 && f.exactPolls === f.polls;
      const cpu = `${Math.round(base.cpu)} -> ${Math.round(f.cpuPerSecond)} CPU ms/s`;
      console.log(
        `  R=${rate}: ${Math.round(f.opsPerSecond)} ops/s (plain ${Math.round(base.ops)}), ${cpu}, ${f.exactPolls}/${f.polls} polls exact${f.firstMismatch ? ` (${f.firstMismatch})` : ''}, ${f.bytesPerPoll} B/poll (max ${f.maxBytes}), debuggee ${f.debuggeeMsPerPoll} ms/poll, extension ${f.extensionMsPerPoll} ms/poll, wait stride up to ${f.strideMax}`,
      );
      if (exact && keptUp && (best === undefined || rate > best.rate)) {
        best = f;
        bestCpu = cpu;
      }
    }
    summary.push(
      `| ${n} | ${best ? best.rate.toLocaleString('en') : 'none'} | ${best?.bytesPerPoll.toLocaleString('en') ?? '-'} | ${best?.debuggeeMsPerPoll ?? '-'} | ${best?.extensionMsPerPoll ?? '-'} | ${bestCpu || '-'} | ${flatSlow.toFixed(1)}% (${Math.round(plain.ops).toLocaleString('en')} -> ${Math.round(flat.opsPerSecond).toLocaleString('en')} ops/s) |`,
    );
  }
  console.log(`\nPolled every ${POLL_MS} ms over CDP (Debugger domain enabled), ${SECONDS} s per run, drain budget ${MAX_BYTES / 1024} KiB.\n`);
  console.log('| queues | highest rate exact at every poll (ops/s) | bytes/poll | debuggee ms/poll | extension ms/poll | program CPU at that rate (plain -> debugged) | flat out (plain -> armed+polled) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of summary) console.log(s);
  fs.mkdirSync(path.join(ROOT, '.tmp/bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.tmp/bench/live.json'), JSON.stringify(rows, null, 2));
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
