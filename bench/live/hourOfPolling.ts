// Debuggee growth over one hour of live polling (issue #17: "the debuggee's RSS over one hour
// of live polling, with the Debugger domain enabled as js-debug enables it, stays flat within
// noise"). A benchmark, not a test: it reports RSS, it asserts nothing about time.
//
//   npm run build && npx tsx bench/live/hourOfPolling.ts [--polls 36000] [--interval 10] [--modes push,evaluate]
//
// One hour at the default 100 ms poll interval is 36,000 drains. They are compressed in time
// (--interval 10 ms: ~6 minutes) but not in number, and the push lease is renewed as often
// per drain as in a real hour (90 renewals: one per 400 drains). Each mode runs the
// extension's own code against a real `node --inspect` program with 100 queues that change
// all the time (so no drain is empty and the hub never slows down):
//   push      SessionPoller + CdpPushSource + connectCdp: attach by evaluate, then drains
//             pushed through a CDP binding on a second connection (in VS Code: js-debug's
//             CDP proxy, which shares js-debug's own session)
//   evaluate  SessionPoller polling by evaluate (what DAP evaluate does in the debuggee)
//   bounded   the same, after boundScriptCache (src/host/polling/scriptCache.ts) on the
//             first connection's session, as the extension does through js-debug's proxy
//             (which shares js-debug's session)
//   formatter SessionPoller + CdpFormatterFetcher on the first connection's session (as
//             js-debug's proxy shares js-debug's), with the script cache bounded as above:
//             each drain a Runtime.getProperties answered by the hub's custom formatter (the
//             default under F5 since 2026-12-03)
// The first connection plays js-debug: Runtime and Debugger enabled, no script-cache limit.
// RSS comes from /proc after a garbage collection (HeapProfiler.collectGarbage compiles
// nothing), every 10% of the run.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CdpClient, sameSession, startInspected } from '../../test/unit/debugger/cdp';
import { QueueModel } from '../../src/model';
import { SessionPoller } from '../../src/host/sessions/poller';
import { CdpPushSource } from '../../src/host/polling/pushSource';
import { connectCdp } from '../../src/host/polling/cdpSocket';
import { boundScriptCache } from '../../src/host/polling/scriptCache';
import { CdpFormatterFetcher } from '../../src/host/polling/formatterFetch';
import { option } from '../cli';

const LIB = path.resolve(__dirname, '../../dist/lib/index.js');
const POLLS = option('--polls', 36000);
const INTERVAL = option('--interval', 10);
const MODES = option('--modes', 'formatter,push,evaluate,bounded').split(',');
/** A real hour renews the lease every 40 s: 90 times in 36,000 drains at 100 ms. */
const RENEWALS_PER_HOUR = 90;
const REAL_POLLS_PER_HOUR = 36_000;

const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const qs = Array.from({ length: 100 }, (_, i) => new Queue({ name: 'q' + i, maxsize: 50 }));
let n = 0;
setInterval(() => { for (const q of qs) { if (q.full()) q.getNowait(); q.putNowait(n++); if (n % 3 === 0) q.getNowait(); } }, 2);
`;

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

async function measure(mode: string): Promise<Record<string, unknown>> {
  if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
  const { child, url } = await startInspected(['-e', PROGRAM], { ...process.env, QUEUESCOPE_TRACE: '1' });
  const cdp = await CdpClient.connect(url);
  let scripts = 0;
  cdp.on('Debugger.scriptParsed', () => scripts++);
  const model = new QueueModel();
  const quiet = { info: () => undefined, warn: (m: string) => console.error(`[${mode}] ${m}`) };
  // Renew as often per drain as a real hour does: the lease is 3 renewal periods.
  const renewEveryMs = (INTERVAL * REAL_POLLS_PER_HOUR) / RENEWALS_PER_HOUR;
  const push =
    mode === 'push'
      ? new CdpPushSource(
          async () => {
            const conn = await connectCdp(url);
            await conn.send('Runtime.enable'); // js-debug's session has it enabled
            return conn;
          },
          { binding: '__queuescopePushBench', intervalMs: () => INTERVAL, maxBytes: 256 * 1024, leaseMs: Math.max(3000, renewEveryMs * 3) },
        )
      : undefined;
  const fetch = mode === 'formatter' ? new CdpFormatterFetcher(async () => sameSession(cdp), { maxBytes: 256 * 1024 }) : undefined;
  const poller = new SessionPoller({ evaluate: (e) => cdp.evaluateString(e) }, model, 'root', 'child', quiet, { intervalMs: () => INTERVAL, push, fetch });
  try {
    await cdp.send('Runtime.enable');
    await cdp.send('Debugger.enable', {}); // as js-debug: no maxScriptsCacheSize
    if (mode === 'bounded' || mode === 'formatter') {
      const why = await boundScriptCache(async () => sameSession(cdp));
      if (why) throw new Error(`could not bound the script cache: ${why}`);
    }
    const settle = async (): Promise<{ rss: number; heap: number }> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const h = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage');
      return { rss: rssKb(child.pid!), heap: h.usedSize };
    };
    const drained = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const goal = poller.drains + n;
        const sub = model.onDidChange(() => {
          if (poller.drains >= goal) {
            sub.dispose();
            resolve();
          }
        });
      });
    poller.start();
    await drained(500); // warm-up: every lazy path compiled, the handover done
    const expected = mode === 'push' || mode === 'formatter' ? mode : 'evaluate';
    if (poller.mode !== expected) throw new Error(`expected mode ${expected}, got ${poller.mode}`);
    const before = await settle();
    const scripts0 = scripts;
    const requests0 = poller.requests;
    const drains0 = poller.drains;
    const t0 = Date.now();
    const samples: number[] = [];
    for (let i = 1; i <= 10; i++) {
      await drained(POLLS / 10);
      samples.push(+((await settle()).rss / 1024).toFixed(1));
      console.error(`[${mode}] ${i * 10}% (${poller.drains - drains0} drains, ${((Date.now() - t0) / 1000).toFixed(0)} s): RSS ${samples[samples.length - 1]} MB`);
    }
    const after = await settle();
    const drains = poller.drains - drains0;
    return {
      mode,
      drains,
      seconds: Math.round((Date.now() - t0) / 1000),
      rssBeforeMB: +(before.rss / 1024).toFixed(1),
      rssAfterMB: +(after.rss / 1024).toFixed(1),
      bytesPerDrain: +(((after.rss - before.rss) * 1024) / drains).toFixed(1),
      heapBeforeMB: +(before.heap / 1048576).toFixed(1),
      heapAfterMB: +(after.heap / 1048576).toFixed(1),
      rssEvery10PercentMB: samples,
      scriptParsed: scripts - scripts0,
      evaluateRequests: poller.requests - requests0,
    };
  } finally {
    poller.stop();
    await poller.whenIdle();
    cdp.close();
    child.kill();
  }
}

async function main(): Promise<void> {
  console.log(`# ${POLLS} drains per mode (one hour at 100 ms = ${REAL_POLLS_PER_HOUR}), every ${INTERVAL} ms, Debugger domain enabled`);
  const rows = await Promise.all(MODES.map((m) => measure(m)));
  for (const r of rows) console.log(JSON.stringify(r));
  console.log('\n| channel | drains | debuggee RSS before -> after | per drain | JS heap | scriptParsed | evaluate requests |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.mode} | ${r.drains} | ${r.rssBeforeMB} -> ${r.rssAfterMB} MB | ${r.bytesPerDrain} B | ${r.heapBeforeMB} -> ${r.heapAfterMB} MB | ${r.scriptParsed} | ${r.evaluateRequests} |`);
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
