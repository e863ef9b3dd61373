// How drains reach the extension under F5 in the real VS Code with the real js-debug
// (issue #17): by default through the hub's custom object formatter (a Runtime.getProperties
// through js-debug's CDP proxy), opt-in pushed through a CDP binding. Neither may compile a
// script in the debuggee per drain: seen through the proxy itself (Debugger.scriptParsed,
// which js-debug forwards to subscribers), while the model keeps the program's exact counts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { connectCdp, proxyUrl, type CdpConnection } from '../../../src/host/polling/cdpSocket';
import { activate, debugProgram, evaluate, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

describe('drain channels under F5', function () {
  this.timeout(60_000);
  let api: QueueScopeApi;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  for (const mode of ['formatter', 'push'] as const) {
    it(`${mode}: no script compiled per drain, and the model holds the program\u2019s counts`, async () => {
      const config = vscode.workspace.getConfiguration('queuescope');
      if (mode === 'push') await config.update('pushChannel', true, vscode.ConfigurationTarget.Global);
      const program = writeWorkspaceFile(
        `channels/${mode}.js`,
        `const { Queue } = require(${JSON.stringify(libraryPath())});
const q = new Queue({ name: 'jobs' });
let puts = 0, gets = 0, run = true;
setInterval(() => { if (!run) return; q.putNowait(1); q.putNowait(2); q.getNowait(); puts += 2; gets += 1; }, 5);
// The program's own counts; reading them holds it still until __go().
globalThis.__truth = () => { run = false; return puts + ',' + gets; };
globalThis.__go = () => { run = true; return 'ok'; };
console.log('ready');
`,
      );
      const run = await debugProgram(program);
      let conn: CdpConnection | undefined;
      const model = api.services.model;
      try {
        await run.output('ready');
        const root = run.parent.id;
        const poller = () => api.services.sessions.pollers.get(run.child.id);
        const drains = (n: number): Promise<unknown> => {
          const goal = (poller()?.drains ?? 0) + n;
          return (poller()?.drains ?? 0) >= goal ? Promise.resolve() : nextEvent(model.onDidChange as vscode.Event<unknown>, `${n} drains`, () => (poller()?.drains ?? 0) >= goal, 20_000);
        };
        await nextEvent(model.onDidChange as vscode.Event<unknown>, `the ${mode} channel`, () => poller()?.mode === mode && model.queuesOf(root).some((x) => x.name === 'jobs'), 20_000);

        const address = (await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', run.child.id)) as { host: string; port: number; path?: string };
        conn = await connectCdp(proxyUrl(address));
        await conn.send('JsDebug.subscribe', { events: ['Debugger.scriptParsed'] });
        let scripts = 0;
        conn.on('Debugger.scriptParsed', () => scripts++);
        const requests = poller()!.requests;
        await drains(20);
        assert.equal(poller()!.requests, requests, 'no drain was evaluated');
        assert.equal(scripts, 0, `${scripts} script(s) compiled over 20 drains`);

        // Exact: with the program held still, the model reaches its counts.
        const [puts, gets] = (await evaluate(run.child, 'globalThis.__truth()')).replace(/'/g, '').split(',').map(Number);
        const jobs = () => model.queuesOf(root).find((x) => x.name === 'jobs');
        const exact = () => jobs()?.counters.puts === puts && jobs()?.counters.gets === gets;
        if (!exact()) await nextEvent(model.onDidChange as vscode.Event<unknown>, `puts ${puts}, gets ${gets} (model: ${jobs()?.counters.puts}, ${jobs()?.counters.gets})`, exact, 20_000);
        await evaluate(run.child, 'globalThis.__go()');
        assert.ok(puts > 20, `the program moved items (${puts} puts)`);
      } finally {
        conn?.close();
        await config.update('pushChannel', undefined, vscode.ConfigurationTarget.Global);
        await run.stop();
        const s = model.session(run.parent.id);
        if (s && s.state !== 'ended') await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session to end', () => model.session(run.parent.id)?.state === 'ended');
        await vscode.commands.executeCommand('queuescope.clearEndedSessions');
      }
    });
  }
});
