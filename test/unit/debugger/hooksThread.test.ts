// Node's module-hooks thread (module.register() starts it when p-queue is within the program's
// reach) shows in js-debug as "[worker 1]", and the poller asked it for a hub every ~3 s for
// the whole session. The attach expression now answers HOOKS_THREAD there, and the poller
// stops asking. Checked through the real inspector: the hooks thread reached with NodeWorker,
// as js-debug reaches it; a worker of the program's own still answers "no hub".

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attachExpression, HOOKS_THREAD } from '../../../src/protocol/hub';
import { ensureLibraryBuilt, REGISTER } from '../trace/helpers';
import { CdpClient, startInspected } from './cdp';

interface WorkerAttached {
  sessionId: string;
  workerInfo: { title: string; url: string };
}

describe("debugger: Node's module-hooks thread", function () {
  this.timeout(60_000);
  before(() => ensureLibraryBuilt());

  it("answers the attach expression with HOOKS_THREAD there, and only there: the program's threads attach as before", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-hooks-thread-'));
    // The program has a worker thread of its own besides the hooks thread.
    fs.writeFileSync(path.join(dir, 'main.js'), "new (require('node:worker_threads').Worker)('setInterval(() => {}, 1000)', { eval: true });\nsetInterval(() => {}, 1000);\n");
    fs.mkdirSync(path.join(dir, 'node_modules/p-queue'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/p-queue/package.json'), JSON.stringify({ name: 'p-queue', version: '10.0.0', type: 'module' }));
    const { child, url } = await startInspected(['--require', REGISTER, path.join(dir, 'main.js')], { ...process.env, QUEUESCOPE_TRACE: '1' });
    const cdp = await CdpClient.connect(url);
    try {
      const workers: WorkerAttached[] = [];
      const both = new Promise<void>((resolve) =>
        cdp.on('NodeWorker.attachedToWorker', (p) => {
          workers.push(p as WorkerAttached);
          if (workers.length === 2) resolve();
        }),
      );
      const answers = new Map<number, (value: string) => void>();
      cdp.on('NodeWorker.receivedMessageFromWorker', (p) => {
        const m = JSON.parse((p as { message: string }).message) as { id?: number; result?: { result?: { value?: unknown } } };
        if (m.id !== undefined) answers.get(m.id)?.(String(m.result?.result?.value));
      });
      await cdp.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
      await both;
      const seen: Record<string, string> = {};
      for (const [i, w] of workers.entries()) {
        const answer = new Promise<string>((resolve) => answers.set(i + 1, resolve));
        const evaluate = { id: i + 1, method: 'Runtime.evaluate', params: { expression: attachExpression(), returnByValue: true, silent: true } };
        await cdp.send('NodeWorker.sendMessageToWorker', { sessionId: w.sessionId, message: JSON.stringify(evaluate) });
        const text = await answer;
        seen[w.workerInfo.url] = text === HOOKS_THREAD ? 'hooks thread' : /^\{"v":1,/.test(text) ? 'hub' : text;
      }
      assert.deepEqual(Object.values(seen).sort(), ['hooks thread', 'hub'], JSON.stringify(seen));
      assert.equal(seen['node:internal/modules/esm/worker'], 'hooks thread');
      assert.match(await cdp.evaluateString(attachExpression()), /^\{"v":1,/, 'the main thread has a hub');
    } finally {
      cdp.close();
      child.kill();
    }
  });
});
