// Debuggee memory per poll, for each way of reaching the hub (issue #17): a real
// `node --inspect` with the Debugger domain enabled as js-debug enables it (no script-cache
// limit), polled N times back to back; RSS read from /proc before and after, JS heap from
// Runtime.getHeapUsage (neither compiles anything in the debuggee), garbage collected first.
//
//   npx tsx bench/live/pollChannel.ts [--polls 100000] [--modes evaluate,trivial,callFunctionOn,binding,push,formatter]
//                                     [--cap <bytes>] [--no-debugger]
//
// --cap sends a second Debugger.enable({ maxScriptsCacheSize }) on the same session, as the
// extension does through js-debug's proxy (src/host/polling/scriptCache.ts); --no-debugger
// leaves the Debugger domain off (the baseline: nothing kept per script).
//
// Modes:
//   evaluate        Runtime.evaluate of the exact drain expression (what DAP evaluate does)
//   trivial         Runtime.evaluate of '""' (what a compiled script costs, whatever its size)
//   callFunctionOn  Runtime.callFunctionOn of one stable function on the hub's held objectId
//   binding         Runtime.addBinding: each poll is a callFunctionOn that pushes a drain
//                   through the binding (answers as Runtime.bindingCalled)
//   push            one callFunctionOn starts the hub pushing a drain through the binding on
//                   its own timer (~1 ms here); each push counts as a poll
//   formatter       the extension's default read (CdpFormatterFetcher on this session): each
//                   poll a Runtime.getProperties answered by the hub's custom formatter
// (Runtime.compileScript + runScript cannot replace evaluate: V8 forgets a compiled script
// once it has run it: "No script with given id" on the second run.)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CdpClient, sameSession, startInspected } from '../../test/unit/debugger/cdp';
import { CdpFormatterFetcher } from '../../src/host/polling/formatterFetch';
import { drainExpression, HUB_SYMBOL } from '../../src/protocol/hub';
import { option } from '../cli';

const LIB = path.resolve(__dirname, '../../dist/lib/index.js');
const args = process.argv.slice(2);
const POLLS = option('--polls', 100000);
const WINDOW = option('--window', 64);
const MODES = option('--modes', 'evaluate,callFunctionOn,binding,push').split(',');
const CAP = args.includes('--cap') ? option('--cap', 0) : undefined;

// A program with 20 queues that keep changing, so each drain carries data.
const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const qs = Array.from({ length: 20 }, (_, i) => new Queue({ name: 'q' + i, maxsize: 50 }));
let n = 0;
setInterval(() => { for (const q of qs) { if (q.full()) q.getNowait(); q.putNowait(n++); } }, 5);
`;

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

async function measure(mode: string): Promise<Record<string, number | string>> {
  const { child, url } = await startInspected(['-e', PROGRAM], { ...process.env, QUEUESCOPE_TRACE: '1' });
  const cdp = await CdpClient.connect(url);
  let scripts = 0;
  let pushed = 0;
  let bytes = 0;
  cdp.on('Debugger.scriptParsed', () => scripts++);
  try {
    await cdp.send('Runtime.enable');
    if (!args.includes('--no-debugger')) await cdp.send('Debugger.enable', {}); // as js-debug: no maxScriptsCacheSize
    if (CAP !== undefined) await cdp.send('Debugger.enable', { maxScriptsCacheSize: CAP });
    await cdp.send('Runtime.runIfWaitingForDebugger');
    await new Promise((r) => setTimeout(r, 300));
    const hub = await cdp.send<{ result: { objectId: string } }>('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(HUB_SYMBOL)})]` });
    const objectId = hub.result.objectId;
    const settle = async (): Promise<{ rss: number; heap: number }> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const h = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage');
      return { rss: rssKb(child.pid!), heap: h.usedSize };
    };
    // Warm-up: let every lazy path compile, then take the baseline.
    const poll = await poller(mode, cdp, objectId, (n) => (bytes += n), () => pushed++);
    const run = async (n: number): Promise<void> => {
      // Requests are pipelined (WINDOW in flight): a lone round trip waits ~40 ms on the
      // inspector socket's delayed ACK, and memory per poll does not depend on the pace.
      for (let i = 0; i < n; i += WINDOW) await Promise.all(Array.from({ length: Math.min(WINDOW, n - i) }, () => poll()));
    };
    await run(500);
    const before = await settle();
    const scripts0 = scripts;
    const t0 = Date.now();
    await run(POLLS);
    const ms = Date.now() - t0;
    const after = await settle();
    return {
      mode,
      polls: POLLS,
      rssBeforeMB: +(before.rss / 1024).toFixed(1),
      rssAfterMB: +(after.rss / 1024).toFixed(1),
      bytesPerPoll: +(((after.rss - before.rss) * 1024) / POLLS).toFixed(1),
      heapBeforeMB: +(before.heap / 1048576).toFixed(1),
      heapAfterMB: +(after.heap / 1048576).toFixed(1),
      scriptParsed: scripts - scripts0,
      usPerPoll: +((ms * 1000) / POLLS).toFixed(0), // pipelined: throughput, not latency
      answerBytes: Math.round(bytes / Math.max(1, POLLS)),
    };
  } finally {
    cdp.close();
    child.kill();
  }
}

/** One poll of `mode`, resolving when its answer arrived. */
async function poller(mode: string, cdp: CdpClient, objectId: string, got: (n: number) => void, pushed: () => void): Promise<() => Promise<void>> {
  if (mode === 'evaluate') {
    const expr = drainExpression(256 * 1024);
    return async () => got((await cdp.evaluateString(expr)).length);
  }
  if (mode === 'trivial') {
    // The smallest evaluate: what remains per compiled script, whatever its size.
    return async () => got((await cdp.evaluateString('""')).length);
  }
  if (mode === 'callFunctionOn') {
    return async () => {
      const r = await cdp.send<{ result: { value: string } }>('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration: 'function (b) { return this.drain(b); }',
        arguments: [{ value: 256 * 1024 }],
        returnByValue: true,
        silent: true,
      });
      got(r.result.value.length);
    };
  }
  if (mode === 'binding') {
    // One binding; each poll asks the hub (through a function installed once, on the held
    // objectId) to push a drain into it. The request is a callFunctionOn of the SAME text;
    // the answer arrives as Runtime.bindingCalled.
    await cdp.send('Runtime.addBinding', { name: '__queuescopePush' });
    const waiting: (() => void)[] = [];
    cdp.on('Runtime.bindingCalled', (p) => {
      const { payload } = p as { payload: string };
      got(payload.length);
      pushed();
      waiting.shift()?.();
    });
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        void cdp.send('Runtime.callFunctionOn', {
          objectId,
          functionDeclaration: 'function (b) { globalThis.__queuescopePush(this.drain(b)); }',
          arguments: [{ value: 256 * 1024 }],
          silent: true,
        });
      });
  }
  if (mode === 'push') {
    // One request starts the hub pushing a drain through the binding on its own timer;
    // each push is one poll. Nothing is compiled per push.
    await cdp.send('Runtime.addBinding', { name: '__queuescopePush' });
    const waiting: (() => void)[] = [];
    let credit = 0;
    cdp.on('Runtime.bindingCalled', (p) => {
      const { payload } = p as { payload: string };
      got(payload.length);
      pushed();
      if (waiting.length > 0) waiting.shift()!();
      else credit++;
    });
    await cdp.send('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration:
        'function (b) { var h = this; var f = globalThis.__queuescopePush; (function tick() { f(h.drain(b)); setTimeout(tick, 0); })(); }',
      arguments: [{ value: 256 * 1024 }],
      silent: true,
    });
    return () => (credit > 0 ? (credit--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  }
  if (mode === 'formatter') {
    // The extension's default read (src/host/polling/formatterFetch.ts) on this same session,
    // as js-debug's proxy shares js-debug's: each poll is a Runtime.getProperties of the
    // hub's holder, answered by its custom formatter. Nothing is compiled per poll.
    const fetcher = new CdpFormatterFetcher(async () => sameSession(cdp), { maxBytes: 256 * 1024 });
    if (!(await fetcher.start())) throw new Error(`formatter read unavailable: ${fetcher.failure}`);
    return async () => got((await fetcher.drain()).length);
  }
  throw new Error(`unknown mode ${mode}`);
}

async function main(): Promise<void> {
  const rows = [];
  for (const m of MODES) {
    const r = await measure(m);
    console.log(JSON.stringify(r));
    rows.push(r);
  }
  console.log('\n| mode | polls | RSS before | RSS after | bytes/poll | heap before/after | scriptParsed | µs/poll |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.mode} | ${r.polls} | ${r.rssBeforeMB} MB | ${r.rssAfterMB} MB | ${r.bytesPerPoll} | ${r.heapBeforeMB}/${r.heapAfterMB} MB | ${r.scriptParsed} | ${r.usPerPoll} |`);
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
