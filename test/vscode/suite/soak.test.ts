// Debuggee growth over a long F5 session on the default channel, through the real js-debug
// (issue #17: "the debuggee's RSS over one hour of live polling, with the Debugger domain
// enabled as js-debug enables it, stays flat within noise"). bench/live/hourOfPolling.ts
// measures the same against `node --inspect` in compressed time; this is the real thing in
// real time, so it only exists when asked for:
//
//   QUEUESCOPE_SOAK_MINUTES=60 QUEUESCOPE_SUITE_TIMEOUT=4500000 npm run test:vscode -- --grep soak
//
// The program is hourOfPolling's (100 queues that change all the time, so no drain is empty).
// RSS is read from /proc after a garbage collection asked through js-debug's CDP proxy
// (HeapProfiler.collectGarbage compiles nothing); scripts compiled are counted through the
// same proxy. Nothing here is timed: the figures are printed as one JSON line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { connectCdp, proxyUrl, type CdpConnection } from '../../../src/host/polling/cdpSocket';
import { activate, debugProgram, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

const MINUTES = Number(process.env.QUEUESCOPE_SOAK_MINUTES ?? 0);
const SAMPLES = 12;
/** Flat within noise: what one GC'd reading moves by between two samples of a steady program. */
const GROWTH_LIMIT_MB = 3;

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const round = (x: number): number => Math.round(x * 10) / 10;

if (MINUTES > 0) {
  describe('soak: debuggee memory over a long F5 session', function () {
    this.timeout(MINUTES * 60_000 + 120_000);

    it(`${MINUTES} min on the default channel: no script per drain, RSS flat`, async () => {
      const api = (await activate()).exports as QueueScopeApi;
      const program = writeWorkspaceFile(
        'soak/program.js',
        `const { Queue } = require(${JSON.stringify(libraryPath())});
const qs = Array.from({ length: 100 }, (_, i) => new Queue({ name: 'q' + i, maxsize: 50 }));
let n = 0;
setInterval(() => { for (const q of qs) { if (q.full()) q.getNowait(); q.putNowait(n++); if (n % 3 === 0) q.getNowait(); } }, 2);
console.log('pid ' + process.pid);
`,
      );
      const run = await debugProgram(program);
      let conn: CdpConnection | undefined;
      try {
        const pid = Number(/pid (\d+)/.exec(await run.output(/pid \d+/))![1]);
        const poller = () => api.services.sessions.pollers.get(run.child.id);
        const model = api.services.model;
        await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the formatter channel', () => poller()?.mode === 'formatter', 20_000);

        const address = (await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', run.child.id)) as { host: string; port: number; path?: string };
        conn = await connectCdp(proxyUrl(address));
        await conn.send('JsDebug.subscribe', { events: ['Debugger.scriptParsed'] });
        let scripts = 0;
        conn.on('Debugger.scriptParsed', () => scripts++);
        const gcRss = async (): Promise<number> => {
          await conn!.send('HeapProfiler.collectGarbage');
          return rssMb(pid);
        };

        const drains0 = poller()!.drains;
        const requests0 = poller()!.requests;
        const host0 = process.memoryUsage().rss / 2 ** 20;
        const before = await gcRss();
        const series: number[] = [];
        const started = Date.now();
        for (let i = 1; i <= SAMPLES; i++) {
          const due = started + (MINUTES * 60_000 * i) / SAMPLES;
          await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
          series.push(round(await gcRss()));
          console.log(`[soak] ${Math.round((Date.now() - started) / 60_000)} min: debuggee RSS ${series[series.length - 1]} MB, ${poller()!.drains - drains0} drains, mode ${poller()!.mode}, ${scripts} scripts`);
        }
        const after = series[series.length - 1];
        const figures = {
          minutes: MINUTES,
          mode: poller()!.mode,
          drains: poller()!.drains - drains0,
          evaluateRequests: poller()!.requests - requests0,
          scriptParsed: scripts,
          rssBeforeMB: round(before),
          rssAfterMB: after,
          rssSeriesMB: series,
          extensionHostRssMB: [round(host0), round(process.memoryUsage().rss / 2 ** 20)],
        };
        console.log(`[soak] ${JSON.stringify(figures)}`);
        assert.equal(poller()!.mode, 'formatter', 'the formatter read held for the whole session');
        assert.equal(scripts, 0, `${scripts} script(s) compiled`);
        assert.ok(after - before < GROWTH_LIMIT_MB, `debuggee RSS grew ${round(after - before)} MB (${figures.rssSeriesMB.join(' ')})`);
      } finally {
        conn?.close();
        await run.stop();
      }
    });
  });
}
