// Bounding the debuggee's store of collected scripts (issue #17): against a real V8
// inspector (`node --inspect`), with the Debugger domain enabled as js-debug enables it (no
// limit). `boundScriptCache` is given a connection to that same inspector session, as
// js-debug's CDP proxy is in VS Code (test/vscode/suite/scriptCache.test.ts goes through the
// real proxy). Whether V8 still keeps a collected script shows in Debugger.getScriptSource.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { boundScriptCache, SCRIPT_CACHE_BYTES } from '../../../src/host/polling/scriptCache';
import { CdpClient, sameSession, startInspected } from './cdp';

interface Parsed {
  scriptId: string;
  length: number;
}

describe('bounding the debuggee script cache (real node --inspect)', function () {
  this.timeout(30_000);
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;

  afterEach(() => {
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  /** Evaluate `expression`, let V8 collect its script, and say whether its source is still kept. */
  async function keptAfterCollection(client: CdpClient, expression: string): Promise<boolean> {
    const parsed = client.once<Parsed>('Debugger.scriptParsed');
    await client.evaluateString(expression);
    const { scriptId } = await parsed;
    await client.send('HeapProfiler.collectGarbage');
    try {
      const { scriptSource } = await client.send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
      assert.equal(scriptSource, expression);
      return true;
    } catch (err) {
      assert.match(String(err), /No script for id/);
      return false;
    }
  }

  async function debuggee(bound: boolean): Promise<{ client: CdpClient; lent?: ReturnType<typeof sameSession> }> {
    const started = await startInspected(['-e', 'setInterval(() => undefined, 1000)'], process.env);
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {}); // as js-debug: no maxScriptsCacheSize
    if (!bound) return { client };
    const lent = sameSession(client);
    assert.equal(await boundScriptCache(async () => lent), undefined);
    return { client, lent };
  }

  // A collected script bigger than the bound is dropped at once; a small one stays.
  const big = `'${'x'.repeat(SCRIPT_CACHE_BYTES + 1000)}'.length`;
  const small = `'${'y'.repeat(500)}'.length`;

  it('bounded: a collected script past the bound is dropped, a small one kept; the connection is closed', async () => {
    const { client, lent } = await debuggee(true);
    assert.equal(lent!.closes, 1);
    assert.equal(await keptAfterCollection(client, big), false);
    assert.equal(await keptAfterCollection(client, small), true);
  });

  it('unbounded (js-debug alone): V8 keeps every collected script', async () => {
    const { client } = await debuggee(false);
    assert.equal(await keptAfterCollection(client, big), true);
    assert.equal(await keptAfterCollection(client, small), true);
  });

  it('says why when there is no connection, and never rejects', async () => {
    assert.equal(await boundScriptCache(async () => undefined), 'no CDP connection');
    assert.match((await boundScriptCache(() => Promise.reject(new Error('js-debug gave no CDP proxy address'))))!, /no CDP proxy/);
    const failing = { ...sameSession(undefined as unknown as CdpClient), send: () => Promise.reject(new Error('Debugger.enable: the CDP connection is closed')) };
    assert.match((await boundScriptCache(async () => failing))!, /connection is closed/);
  });
});
