// The formatter channel against a real V8 debugger (issue #17): a `node --inspect` program
// using the built library, the Debugger domain enabled as js-debug enables it, attached by
// the poller through evaluate, then read through the hub's custom object formatter over a
// second CDP connection (as js-debug's proxy is). The model must keep the program's exact
// counts, no drain may compile a script, a pause still drains and snapshots by evaluate,
// and every way the channel can fail sends the poller back to evaluate, still exact.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import { SessionPoller } from '../../../src/host/sessions/poller';
import { CdpFormatterFetcher } from '../../../src/host/polling/formatterFetch';
import { connectCdp, type CdpConnection } from '../../../src/host/polling/cdpSocket';
import { CdpClient, startInspected } from './cdp';
import { handoverProgram, untilExact } from './handover';

const LIB = path.resolve(__dirname, '../../../dist/lib/index.js');

const PROGRAM = handoverProgram(LIB);

describe('poller reading drains through the hub\u2019s custom formatter (real Node debugger)', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;
  const cleanup: (() => void)[] = [];
  const logs: string[] = [];

  before(() => {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-formatter-'));
  });
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    logs.length = 0;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const exact = (model: QueueModel, client: CdpClient): Promise<void> => untilExact(model, client, logs);

  /** The program under `node --inspect`, a debugger session as js-debug's, and a poller with a formatter fetcher on a second connection. */
  async function setUp(source = PROGRAM): Promise<{ client: CdpClient; model: QueueModel; poller: SessionPoller; fetcher: CdpFormatterFetcher; connections: CdpConnection[]; scripts: () => number }> {
    const program = path.join(dir, `app-${Date.now()}.js`);
    fs.writeFileSync(program, source);
    const started = await startInspected([program], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    let scripts = 0;
    client.on('Debugger.scriptParsed', () => scripts++);
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {});
    const connections: CdpConnection[] = [];
    const fetcher = new CdpFormatterFetcher(async () => {
      const conn = await connectCdp(started.url);
      await conn.send('Runtime.enable'); // js-debug's own session has it enabled
      connections.push(conn);
      return conn;
    }, { maxBytes: 64 * 1024 });
    const model = new QueueModel({ log: { warn: (m: string) => logs.push(m) } });
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: (m) => logs.push(m), warn: (m) => logs.push(m) }, { intervalMs: () => 20, fetch: fetcher });
    poller.start();
    cleanup.push(() => poller.stop());
    await new Promise<void>((resolve) => {
      const sub = model.onDidChange(() => {
        if (poller.mode === 'formatter' && poller.fetches > 0) {
          sub.dispose();
          resolve();
        }
      });
    });
    return { client, model, poller, fetcher, connections, scripts: () => scripts };
  }

  it('stays exact with no script compiled per drain, and a pause still drains and snapshots by evaluate', async () => {
    const { client, model, poller, fetcher, scripts } = await setUp();
    await exact(model, client);
    const requests = poller.requests;
    const fetches = poller.fetches;
    const scripts0 = scripts();
    await new Promise<void>((resolve) => {
      const sub = model.onDidChange(() => {
        if (poller.fetches >= fetches + 10) {
          sub.dispose();
          resolve();
        }
      });
    });
    assert.equal(poller.requests, requests, 'no drain evaluated while the formatter reads them');
    assert.equal(scripts() - scripts0, 0, `${scripts() - scripts0} scripts compiled for ${poller.fetches - fetches} drains`);
    assert.equal(fetcher.fetches, poller.fetches);
    await exact(model, client);

    const stopped = client.once('Debugger.paused');
    await client.evaluateString('globalThis.__stop()');
    await stopped;
    await poller.stopped();
    assert.equal(poller.state, 'paused');
    const fetchesAtPause = poller.fetches;
    const atPause = JSON.parse(await client.evaluateString('JSON.stringify(globalThis.__truth())')) as [string, number, number][];
    assert.deepEqual(
      model.queuesOf('root').map((q) => [q.name, q.counters.puts, q.counters.gets]),
      atPause.map(([n, p, g]) => [n, p, g]),
      'the model holds the program\u2019s counts at the pause',
    );
    assert.equal(poller.fetches, fetchesAtPause);
    await client.evaluateString('globalThis.__go()');
    await client.send('Debugger.resume');
    poller.continued();
    await exact(model, client);
    assert.equal(poller.mode, 'formatter', 'still reading through the formatter after the pause');
    assert.ok(poller.fetches > fetchesAtPause);
  });

  it('answers only for its own marker: other objects described by the debugger get no custom preview', async () => {
    const { client, connections } = await setUp();
    // The fetcher's session has custom formatters on; describe an ordinary object there.
    const r = (await connections[0].send('Runtime.evaluate', { expression: '({ a: 1 })' })) as { result: { customPreview?: unknown; objectId?: string } };
    assert.equal(r.result.customPreview, undefined);
    assert.equal(await client.evaluateString('String(Object.keys(globalThis).includes("devtoolsFormatters"))'), 'false', 'the global list is not enumerable');
  });

  it('falls back to evaluate, still exact, when the connection closes', async () => {
    const { client, model, poller, connections } = await setUp();
    await exact(model, client);
    connections[0].close();
    await exact(model, client);
    assert.equal(poller.mode, 'evaluate');
    const requests = poller.requests;
    await exact(model, client);
    assert.ok(poller.requests > requests, 'drains are evaluated again');
    assert.ok(logs.some((l) => l.includes('formatter channel lost')), logs.join('\n'));
  });

  it('falls back to evaluate, still exact, when another formatter answers for the marker first', async () => {
    const { client, model, poller } = await setUp();
    await exact(model, client);
    // A catch-all formatter put in front of ours after the fetcher started.
    await client.evaluateString('globalThis.devtoolsFormatters.unshift({ header: () => ["span", {}, "mine"], hasBody: () => false }), "ok"');
    await exact(model, client);
    assert.equal(poller.mode, 'evaluate');
    assert.ok(logs.some((l) => l.includes('not the hub')), logs.join('\n'));
  });

  it('is not used where the program made devtoolsFormatters something else: evaluate from the start', async () => {
    const program = `globalThis.devtoolsFormatters = 'not a list';\n${PROGRAM}`;
    const file = path.join(dir, 'odd.js');
    fs.writeFileSync(file, program);
    const started = await startInspected([file], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {});
    const sent: string[] = [];
    const fetcher = new CdpFormatterFetcher(async () => {
      const conn = await connectCdp(started.url);
      await conn.send('Runtime.enable');
      const send = conn.send.bind(conn);
      conn.send = (method: string, params?: object) => {
        sent.push(`${method}${method.startsWith('Runtime.setCustom') ? ` ${JSON.stringify(params)}` : ''}`);
        return send(method, params);
      };
      return conn;
    }, { maxBytes: 64 * 1024 });
    const model = new QueueModel();
    // The fetcher is offered the realm after the first attach, so the model can be exact
    // before its start has failed: wait for the poller to say it gave up on it.
    let refused!: () => void;
    const gaveUp = new Promise<void>((resolve) => (refused = resolve));
    const log = (m: string): void => {
      logs.push(m);
      if (m.includes('formatter channel unavailable')) refused();
    };
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: log, warn: log }, { intervalMs: () => 20, fetch: fetcher });
    poller.start();
    cleanup.push(() => poller.stop());
    await gaveUp;
    await exact(model, client);
    assert.equal(poller.mode, 'evaluate');
    assert.equal(poller.fetches, 0);
    assert.match(fetcher.failure ?? '', /devtoolsFormatters is not an array/);
    // In VS Code the connection is js-debug's own session: formatters go off again.
    assert.deepEqual(sent.filter((m) => m.startsWith('Runtime.setCustom')), ['Runtime.setCustomObjectFormatterEnabled {"enabled":true}', 'Runtime.setCustomObjectFormatterEnabled {"enabled":false}']);
    assert.ok(logs.some((l) => l.includes('formatter channel unavailable')), logs.join('\n'));
  });
});
