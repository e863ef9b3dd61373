// The debuggee's store of collected scripts under F5 in the real VS Code (issue #17): every
// evaluate poll compiles a script, and V8's inspector keeps the source of each collected one
// unless its Debugger domain was enabled with a limit, which js-debug does not set. The
// extension sets one through js-debug's CDP proxy (src/host/polling/scriptCache.ts). Seen
// here through the proxy too: a collected script larger than the bound must be gone, a small
// one kept; with the setting off, js-debug's unbounded store keeps both.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { connectCdp, proxyUrl, type CdpConnection } from '../../../src/host/polling/cdpSocket';
import { SCRIPT_CACHE_BYTES } from '../../../src/host/polling/scriptCache';
import { activate, debugProgram, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

/** Evaluate `expression` through the proxy, let V8 collect its script, say whether its source is kept. */
async function keptAfterCollection(conn: CdpConnection, expression: string): Promise<boolean> {
  const parsed = new Promise<string>((resolve) => {
    const off = conn.on('Debugger.scriptParsed', (p) => {
      const { scriptId, length } = p as { scriptId: string; length: number };
      if (length !== expression.length) return; // a poll's script, or the program's
      off();
      resolve(scriptId);
    });
  });
  await conn.send('Runtime.evaluate', { expression, returnByValue: true, silent: true });
  const scriptId = await parsed;
  await conn.send('HeapProfiler.collectGarbage');
  try {
    await conn.send('Debugger.getScriptSource', { scriptId });
    return true;
  } catch (err) {
    assert.match(String(err), /No script for id/);
    return false;
  }
}

describe('the debuggee\u2019s script cache under F5', function () {
  this.timeout(60_000);
  let api: QueueScopeApi;
  const big = `'${'x'.repeat(SCRIPT_CACHE_BYTES + 1000)}'.length`;
  const small = `'${'y'.repeat(500)}'.length`;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  async function trial(bound: boolean): Promise<{ big: boolean; small: boolean }> {
    const config = vscode.workspace.getConfiguration('queuescope');
    await config.update('boundDebuggeeScriptCache', bound ? undefined : false, vscode.ConfigurationTarget.Global);
    const program = writeWorkspaceFile(
      'scriptCache/cache-probe.js',
      `const { Queue } = require(${JSON.stringify(libraryPath())});
const q = new Queue({ name: 'jobs' });
setInterval(() => { q.putNowait(1); q.getNowait(); }, 20);
console.log('ready');
`,
    );
    const run = await debugProgram(program);
    let conn: CdpConnection | undefined;
    try {
      await run.output('ready');
      const root = run.parent.id;
      if (!api.services.model.queuesOf(root).some((x) => x.name === 'jobs')) {
        await nextEvent(api.services.model.onDidChange as vscode.Event<unknown>, 'the jobs queue', () => api.services.model.queuesOf(root).some((x) => x.name === 'jobs'));
      }
      const applied = api.services.sessions.scriptCacheBounds.get(run.child.id);
      if (bound) assert.equal(await applied, undefined, 'the extension bounded the cache');
      else assert.equal(applied, undefined, 'the setting is off: nothing sent');
      const address = (await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', run.child.id)) as { host: string; port: number; path?: string };
      conn = await connectCdp(proxyUrl(address));
      await conn.send('JsDebug.subscribe', { events: ['Debugger.scriptParsed'] });
      return { big: await keptAfterCollection(conn, big), small: await keptAfterCollection(conn, small) };
    } finally {
      conn?.close();
      await config.update('boundDebuggeeScriptCache', undefined, vscode.ConfigurationTarget.Global);
      await run.stop();
      // Leave no session behind for the suites after this one (their tree assertions).
      const model = api.services.model;
      if (model.session(run.parent.id) && model.session(run.parent.id)?.state !== 'ended') {
        await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session to end', () => model.session(run.parent.id)?.state === 'ended');
      }
      await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    }
  }

  it('bounded by default: a collected script past 1 MB is dropped, a small one kept', async () => {
    assert.deepEqual(await trial(true), { big: false, small: true });
  });

  it('with queuescope.boundDebuggeeScriptCache off, js-debug keeps every collected script', async () => {
    assert.deepEqual(await trial(false), { big: true, small: true });
  });
});
