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
import { CdpClient, startInspected } from './cdp';

const LIB = path.resolve(__dirname, '../../../dist/lib/index.js');

// 50 queues; the test releases a burst of 50 steps per queue (2 puts and a get, or 3 puts).
const PROGRAM = `
const { Queue } = require(${JSON.stringify(LIB)});
const qs = Array.from({ length: 50 }, (_, i) => new Queue({ name: 'q' + i }));
globalThis.__burst = () => {
  let k = 0;
  const step = () => {
    for (const q of qs) { q.putNowait(k); q.putNowait(k); if (k % 4 !== 3) q.getNowait(); else q.putNowait(k); }
    if (++k < 50) setTimeout(step, 2);
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
    assert.ok(batches >= 3, `${batches} pushed batches`);
    // Only the test's own evaluate compiled a script; the pushed batches compiled none.
    assert.ok(scripts - scriptsBefore <= 1 + channel.renewals - 1, `${scripts - scriptsBefore} scripts for ${batches} batches`);
    await channel.stop();
    assert.equal(channel.state, 'closed');
  });
});
