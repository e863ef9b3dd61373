// The program's slowdown under F5 (issue #17), with the debugger in the loop: what QueueScope
// adds to a program that is already being debugged.
//
//   npm run build && npx tsx bench/live/f5Slowdown.ts [--queues 100,1000,10000] [--rate 40000]
//                                                      [--seconds 12] [--rounds 3] [--push | --formatter]
//
// Each round runs bench/live/program.js twice side by side (one per core), both under
// `node --inspect` with a CDP client that does what js-debug does on attach (Runtime and
// Debugger enabled, async stacks 32 deep):
//   - F5 alone: the hub dormant, nothing polled (a debug session without QueueScope);
//   - F5 + QueueScope: QUEUESCOPE_TRACE=1 (as the extension's launch arms it) and the
//     extension's own SessionPoller with its adaptive interval (the watcher's settings:
//     100 ms base, `adaptive: {}`), polling by evaluate, the default channel; --push hands
//     over to the push channel on a second connection instead (js-debug's proxy shares its
//     session; see hourOfPolling.ts); --formatter reads each drain through the hub's custom
//     formatter on the same session (the extension's default since 2026-12-03).
// The figure is the program's own CPU time per operation in its steady state (from
// STEADY_MS, 3 s here, after its queues exist), F5 + QueueScope against F5 alone: the median
// of the rounds' pairs. js-debug's own work (its CDP traffic, source maps, the extension
// host) is not in either side; what the inspector does for QueueScope's evaluates is.

import * as path from 'node:path';
import * as os from 'node:os';
import { CdpClient, sameSession, startInspected } from '../../test/unit/debugger/cdp';
import { QueueModel } from '../../src/model';
import { SessionPoller } from '../../src/host/sessions/poller';
import { CdpPushSource } from '../../src/host/polling/pushSource';
import { connectCdp } from '../../src/host/polling/cdpSocket';
import { CdpFormatterFetcher } from '../../src/host/polling/formatterFetch';
import { median, option } from '../cli';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'dist/lib/index.js');
const PROGRAM = path.join(__dirname, 'program.js');
const args = process.argv.slice(2);
const QUEUES = option('--queues', '100,1000,10000').split(',').map(Number);
const RATE = option('--rate', 40000);
const SECONDS = option('--seconds', 12);
const ROUNDS = option('--rounds', 3);
const PUSH = args.includes('--push');
const FORMATTER = args.includes('--formatter');
const STEADY_MS = process.env.STEADY_MS ?? '3000';

interface Side {
  opsPerS: number;
  cpuPerS: number;
  drains?: number;
  bytesPerDrain?: number;
  msBetweenDrains?: number;
}

async function run(n: number, traced: boolean): Promise<Side> {
  const env = { ...process.env, QUEUESCOPE_LIB: LIB, N: String(n), RATE: String(RATE), SECONDS: String(SECONDS), STEADY_MS, QUEUESCOPE_TRACE: traced ? '1' : '' };
  const { child, url, output } = await startInspected([PROGRAM], env);
  // With a debugger attached node waits for it to disconnect at exit: the result line is the end.
  const finished = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (output().includes('{"ops"')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
  const cdp = await CdpClient.connect(url);
  await cdp.send('Runtime.enable');
  await cdp.send('Debugger.enable', {});
  await cdp.send('Debugger.setAsyncCallStackDepth', { maxDepth: 32 });
  let poller: SessionPoller | undefined;
  let half: { at: number; drains: number } | undefined;
  let bytes = 0;
  if (traced) {
    const model = new QueueModel();
    const quiet = { info: () => undefined, warn: () => undefined };
    const push = PUSH
      ? new CdpPushSource(
          async () => {
            const conn = await connectCdp(url);
            await conn.send('Runtime.enable');
            return conn;
          },
          { binding: '__queuescopeF5Bench', intervalMs: () => 100, maxBytes: 256 * 1024, leaseMs: 120_000 },
        )
      : undefined;
    const evaluate = async (e: string): Promise<string> => {
      const text = await cdp.evaluateString(e);
      bytes += text.length;
      return text;
    };
    const fetch = FORMATTER ? new CdpFormatterFetcher(async () => sameSession(cdp), { maxBytes: 256 * 1024 }) : undefined;
    poller = new SessionPoller({ evaluate }, model, 'root', 'child', quiet, { intervalMs: () => 100, adaptive: {}, push, fetch });
    poller.start();
    // The pace in the second half of the run (the first has the queues' creation and its many small drains).
    const p = poller;
    setTimeout(() => (half = { at: Date.now(), drains: p.drains }), (SECONDS * 1000) / 2).unref();
  }
  await finished;
  if (poller) {
    poller.stop();
    await poller.whenIdle().catch(() => undefined);
  }
  cdp.close();
  child.kill();
  const line = output().split('\n').find((l) => l.startsWith('{"ops"'));
  if (!line) throw new Error(`program printed no result:\n${output().slice(-1500)}`);
  const p = JSON.parse(line) as { steadyOps: number; steadySeconds: number; steadyCpuMs: number };
  const side: Side = { opsPerS: p.steadyOps / p.steadySeconds, cpuPerS: p.steadyCpuMs / p.steadySeconds };
  if (poller) {
    side.drains = poller.drains;
    side.bytesPerDrain = PUSH || FORMATTER ? undefined : Math.round(bytes / Math.max(1, poller.requests));
    side.msBetweenDrains = half ? Math.round((Date.now() - half.at) / Math.max(1, poller.drains - half.drains)) : undefined;
  }
  return side;
}

async function main(): Promise<void> {
  const loads: number[] = [];
  const rows: string[] = [];
  for (const n of QUEUES) {
    const pairs: { alone: Side; traced: Side }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const [alone, traced] = await Promise.all([run(n, false), run(n, true)]);
      pairs.push({ alone, traced });
      loads.push(os.loadavg()[0]);
      process.stderr.write(`  ${n} queues, round ${r + 1}: CPU ${alone.cpuPerS.toFixed(0)} -> ${traced.cpuPerS.toFixed(0)} ms/s, ${traced.drains} drains\n`);
    }
    const perOp = (s: Side): number => s.cpuPerS / s.opsPerS;
    const slow = median(pairs.map((p) => perOp(p.traced) / perOp(p.alone) - 1));
    const m = (f: (s: Side) => number | undefined, which: 'alone' | 'traced'): number => median(pairs.map((p) => f(p[which]) ?? 0));
    rows.push(
      `| ${n.toLocaleString('en')} | ${(m((s) => s.opsPerS, 'alone') / 1000).toFixed(1)}k -> ${(m((s) => s.opsPerS, 'traced') / 1000).toFixed(1)}k | ${m((s) => s.cpuPerS, 'alone').toFixed(0)} -> ${m((s) => s.cpuPerS, 'traced').toFixed(0)} | ${slow >= 0 ? '+' : ''}${(slow * 100).toFixed(0)}% | ${PUSH || FORMATTER ? '-' : m((s) => s.bytesPerDrain, 'traced').toLocaleString('en')} | ${m((s) => s.msBetweenDrains, 'traced').toLocaleString('en')} |`,
    );
  }
  console.log(`Node ${process.version}, ${os.cpus().length} cores, load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; ${SECONDS} s runs at ${RATE.toLocaleString('en')} ops/s, steady state from ${STEADY_MS} ms, side by side, median of ${ROUNDS}; QueueScope ${PUSH ? 'pushing (binding on a second connection)' : FORMATTER ? 'reading through its formatter' : 'polling by evaluate'} with the poller's adaptive interval.\n`);
  console.log('| queues | ops/s F5 alone -> F5 + QueueScope | CPU ms/s | slowdown (CPU per op, median of pairs) | bytes/drain | ms between drains (second half) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
