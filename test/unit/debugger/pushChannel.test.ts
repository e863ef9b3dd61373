// The push channel against a real V8 debugger (issue #17): a `node --inspect` program using
// the built library, the Debugger domain enabled as js-debug enables it, attached by the
// poller through evaluate, then switched to pushed drains (Runtime.addBinding +
// hub.startPush) over the same CDP connection. The model must end with the program's own
// exact counts, and while pushing, the debuggee must compile no script per batch.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import { SessionPoller } from '../../../src/host/sessions/poller';
import { PushChannel, type CdpLink } from '../../../src/host/polling/pushChannel';
import { stopPushExpression } from '../../../src/protocol/hub';
import { CdpPushSource } from '../../../src/host/polling/pushSource';
import { connectCdp, type CdpConnection } from '../../../src/host/polling/cdpSocket';
import { CdpClient, startInspected } from './cdp';
import { handoverProgram, untilExact } from './handover';

const LIB = path.resolve(__dirname, '../../../dist/lib/index.js');

// 50 queues; the test releases a burst of 50 steps per queue (2 puts and a get, or 3 puts).
const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const qs = Array.from({ length: 50 }, (_, i) => new Queue({ name: 'q' + i }));
globalThis.__burst = () => {
  let k = 0;
  const step = () => {
    for (const q of qs) { q.putNowait(k); q.putNowait(k); if (k % 4 !== 3) q.getNowait(); else q.putNowait(k); }
    // ~0.5 s in all: several pushes however long a drain takes (the hub waits 50x a drain's
    // cost between pushes: a 3 ms drain of cold code on a loaded machine means 150 ms).
    if (++k < 50) setTimeout(step, 10);
    else globalThis.__done = true;
  };
  step();
};
setInterval(() => undefined, 1000);
`;

describe('push channel against a real Node debugger (CDP)', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;
  const cleanup: (() => void)[] = [];

  before(() => {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-push-'));
  });
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers exact counters through Runtime.bindingCalled, compiling nothing per batch', async () => {
    const program = path.join(dir, 'app.js');
    fs.writeFileSync(program, PROGRAM);
    const started = await startInspected([program], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    let scripts = 0;
    client.on('Debugger.scriptParsed', () => scripts++);
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {});

    const model = new QueueModel();
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: () => undefined, warn: () => undefined }, { intervalMs: () => 20 });
    poller.start();
    cleanup.push(() => poller.stop());
    await new Promise<void>((resolve) => {
      const sub = model.onDidChange(() => {
        if (model.queuesOf('root').length === 50) {
          sub.dispose();
          resolve();
        }
      });
    });
    const link: CdpLink = {
      send: (method, params) => client.send(method, params ?? {}),
      on: (event, listener) => {
        client.on(event, listener);
        return () => undefined;
      },
    };
    const channel = new PushChannel(link, { binding: '__queuescopePushTest', intervalMs: 20, maxBytes: 64 * 1024, onBatch: (text) => void poller.pushed(text) });
    cleanup.push(() => void channel.stop());
    const first = await channel.start();
    assert.equal(typeof first, 'number');
    poller.setPushing(true);
    await poller.whenIdle();
    const scriptsBefore = scripts;
    const received0 = channel.received;
    const requests0 = poller.requests;

    await client.evaluateString('globalThis.__burst(), "ok"'); // one script of the test's own
    // Every queue: per step k, 2 puts and a get (k % 4 != 3) or a third put (k % 4 == 3).
    const steps = Array.from({ length: 50 }, (_, k) => k);
    const wantPuts = steps.reduce((n, k) => n + (k % 4 === 3 ? 3 : 2), 0);
    const wantGets = steps.reduce((n, k) => n + (k % 4 === 3 ? 0 : 1), 0);
    let depth = 0;
    let wantHigh = 0;
    for (const k of steps) {
      depth += 2; // two puts, then the peak of the step
      wantHigh = Math.max(wantHigh, depth + (k % 4 === 3 ? 1 : 0));
      depth += k % 4 === 3 ? 1 : -1;
    }
    await new Promise<void>((resolve) => {
      const check = (): void => {
        const qs = model.queuesOf('root');
        if (qs.length === 50 && qs.every((q) => q.counters.puts === wantPuts && q.counters.gets === wantGets && q.size === wantPuts - wantGets && q.counters.highWater === wantHigh)) {
          sub.dispose();
          resolve();
        }
      };
      const sub = model.onDidChange(check);
      check();
    });
    const batches = channel.received - received0;
    // Pushes are paced by what they cost the program (src/protocol/drainPace.ts): the burst
    // may arrive in one or two batches. What matters: it arrived pushed, none was evaluated.
    assert.ok(batches >= 1, `${batches} pushed batches`);
    assert.equal(poller.requests, requests0, 'no drain evaluated while pushing');
    // Only the test's own evaluate compiled a script; the pushed batches compiled none.
    assert.ok(scripts - scriptsBefore <= 1 + channel.renewals - 1, `${scripts - scriptsBefore} scripts for ${batches} batches`);
    await channel.stop();
    assert.equal(channel.state, 'closed');
  });

  // A user's pause that lands in a push makes js-debug smart-step through node's timer
  // internals (docs/SCALE.md, "Pauses under push"), so the hub must stop pushing as soon as
  // the extension hears of the pause request, which comes before js-debug's Debugger.pause.
  it('stops the hub pushing the moment the program halts, and the first renewal after restarts it', async () => {
    const program = path.join(dir, 'halt.js');
    fs.writeFileSync(program, `const { Queue } = require(${JSON.stringify(LIB)});
const q = new Queue({ name: 'h' });
setInterval(() => { q.putNowait(1); q.getNowait(); }, 5);
`);
    const started = await startInspected([program], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {});
    const sent: string[] = [];
    const link: CdpLink = {
      send: (method, params) => {
        sent.push(method === 'Runtime.evaluate' ? String((params as { expression?: string }).expression) : method);
        return client.send(method, params ?? {});
      },
      on: (event, listener) => {
        client.on(event, listener);
        return () => undefined;
      },
    };
    let onBatch: (() => void) | undefined;
    const nextBatch = (): Promise<void> => new Promise((resolve) => (onBatch = resolve));
    const channel = new PushChannel(link, { binding: '__queuescopeHaltTest', intervalMs: 20, maxBytes: 64 * 1024, onBatch: () => onBatch?.() });
    cleanup.push(() => void channel.stop());
    const first = nextBatch();
    assert.equal(typeof (await channel.start()), 'number');
    await first;
    const pushing = async (): Promise<boolean> => (await client.evaluateString('String(globalThis[Symbol.for("queuescope.hub")].pusher.active)')) === 'true';
    assert.equal(await pushing(), true);

    const before = sent.length;
    channel.setHalted(true);
    // Written before setHalted returns: no await between the tracker's call and the socket.
    assert.deepEqual(sent.slice(before), [stopPushExpression()]);
    await channel.flush();
    assert.equal(await pushing(), false, 'the hub stopped pushing');
    const received = channel.received;
    await channel.flush();
    assert.equal(channel.received, received, 'nothing pushed while halted');

    const again = nextBatch();
    channel.setHalted(false);
    await again;
    assert.equal(await pushing(), true, 'the renewal restarted pushing');
    await channel.stop();
  });
});

// The poller with a CdpPushSource over a second CDP connection (as js-debug's proxy is a
// connection of its own, beside DAP evaluate): attach by evaluate, hand over, stay exact
// through a pause (flush, then drain and snapshot by evaluate), fall back when the push
// connection goes away.
describe('poller handing over to a CdpPushSource (real Node debugger)', function () {
  this.timeout(30_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let cdp: CdpClient | undefined;
  const cleanup: (() => void)[] = [];

  before(() => {
    if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-push-'));
  });
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
    cdp?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const logs: string[] = [];
  const exact = (model: QueueModel, client: CdpClient): Promise<void> => untilExact(model, client, logs);

  it('pushes after attaching, keeps pauses exact, and falls back to evaluate when the connection closes', async () => {
    const program = path.join(dir, 'handover.js');
    fs.writeFileSync(program, handoverProgram(LIB));
    const started = await startInspected([program], { ...process.env, QUEUESCOPE_TRACE: '1' });
    child = started.child;
    const client = (cdp = await CdpClient.connect(started.url));
    await client.send('Runtime.enable');
    await client.send('Debugger.enable', {});
    const connections: CdpConnection[] = [];
    const source = new CdpPushSource(
      async () => {
        const conn = await connectCdp(started.url);
        await conn.send('Runtime.enable'); // js-debug's own session has it enabled
        connections.push(conn);
        return conn;
      },
      { binding: '__queuescopePushHandover', intervalMs: () => 20, maxBytes: 64 * 1024 },
    );
    const model = new QueueModel({ log: { warn: (m: string) => logs.push(m) } });
    const poller = new SessionPoller({ evaluate: (e) => client.evaluateString(e) }, model, 'root', 'child', { info: (m) => logs.push(m), warn: (m) => logs.push(m) }, { intervalMs: () => 20, push: source });
    poller.start();
    cleanup.push(() => poller.stop());

    await new Promise<void>((resolve) => {
      const sub = model.onDidChange(() => {
        if (poller.mode === 'push') {
          sub.dispose();
          resolve();
        }
      });
    });
    await exact(model, client);
    const requests = poller.requests;
    await exact(model, client);
    assert.equal(poller.requests, requests, 'no drain evaluated while pushing');
    assert.ok(source.stats.received > 0);

    // A pause: the poller flushes the push connection, then drains and snapshots by evaluate.
    const stopped = client.once('Debugger.paused');
    await client.evaluateString('globalThis.__stop()');
    await stopped;
    await poller.stopped();
    assert.equal(poller.state, 'paused');
    const paused = model.queuesOf('root').map((q) => [q.name, q.counters.puts, q.counters.gets]);
    const atPause = JSON.parse(await client.evaluateString('JSON.stringify(globalThis.__truth())')) as [string, number, number, number][];
    assert.deepEqual(paused, atPause.map(([n, p, g]) => [n, p, g]), 'the model holds the program\u2019s counts at the pause');
    await client.evaluateString('globalThis.__go()');
    await client.send('Debugger.resume');
    poller.continued();
    await exact(model, client);
    assert.equal(poller.mode, 'push', 'still pushing after the pause');

    // The push connection goes away (js-debug restarted its proxy, say): evaluate takes over.
    connections[0].close();
    assert.equal(poller.mode, 'evaluate');
    await exact(model, client);
    assert.ok(poller.requests > requests + 2, 'drains are evaluated again');
    assert.ok(logs.some((l) => l.includes('push channel lost')), logs.join('\n'));
  });
});
