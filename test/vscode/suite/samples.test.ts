// "QueueScope: Launch Sample Scenario…" in a real VS Code: the command starts a real node
// debug session on the bundled sample, armed, its queues reach the extension's model, and the
// panel opens.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import type { ModelQueue } from '../../../src/model/entities';
import { activate, extension, nextEvent } from './helpers';

const isSampleSession = (s: vscode.DebugSession, title: string): boolean =>
  s.parentSession !== undefined && s.parentSession.configuration.name === `QueueScope sample: ${title}`;

/** Resolve once `check` returns a value, re-checking on every model change. */
function whenModel<T>(api: QueueScopeApi, what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  let found: T | undefined;
  return nextEvent(api.services.model.onDidChange as vscode.Event<unknown>, what, () => (found = check()) !== undefined, timeoutMs).then(() => found as T);
}

function allQueues(api: QueueScopeApi): ModelQueue[] {
  return api.services.model.sessions.flatMap((s) => api.services.model.queuesOf(s.id));
}

describe('sample scenarios', () => {
  it('launches the deadlock sample under the debugger, armed, and the model shows the stuck cycle', async function () {
    this.timeout(90_000);
    const api = (await activate()).exports as QueueScopeApi;
    const childStarted = nextEvent(vscode.debug.onDidStartDebugSession, 'the sample session', (s) => isSampleSession(s, 'Deadlock'));
    const started = await vscode.commands.executeCommand<boolean>('queuescope.launchSample', 'deadlock');
    assert.equal(started, true);
    const child = await childStarted;
    const parent = child.parentSession!;
    try {
      const config = parent.configuration;
      assert.equal(config.program, path.join(extension().extensionPath, 'dist', 'samples', 'deadlock.js'));
      assert.equal(config.env.QUEUESCOPE_TRACE, '1');

      // The sender ends up blocked on "records" and the receiver waiting on "headers".
      const stuck = await whenModel(api, 'a blocked put on "records" and a waiting get on "headers"', () => {
        const qs = allQueues(api);
        const records = qs.find((q) => q.name === 'records');
        const headers = qs.find((q) => q.name === 'headers');
        const put = records && [...records.waiters.values()].find((w) => w.role === 'put');
        const get = headers && [...headers.waiters.values()].find((w) => w.role === 'get');
        return put && get ? { records: records!, put, get } : undefined;
      });
      assert.equal(stuck.records.maxsize, 3);

      // The panel was opened on it.
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      assert.ok(
        tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'QueueScope'),
        `no QueueScope panel among ${tabs.map((t) => t.label).join(', ')}`,
      );
    } finally {
      const ended = nextEvent(vscode.debug.onDidTerminateDebugSession, 'the end of the sample session', (s) => s.id === parent.id);
      await vscode.debug.stopDebugging(parent);
      await ended;
    }
  });

  it("shows the worker-threads sample's queues from all three threads", async function () {
    this.timeout(90_000);
    const api = (await activate()).exports as QueueScopeApi;
    const childStarted = nextEvent(vscode.debug.onDidStartDebugSession, 'the sample session', (s) => isSampleSession(s, 'Worker threads'));
    assert.equal(await vscode.commands.executeCommand<boolean>('queuescope.launchSample', 'worker-threads'), true);
    const parent = (await childStarted).parentSession!;
    try {
      const names = ['frames', 'results', 'resize.inbox', 'encode.inbox'];
      const queues = await whenModel(api, `queues ${names.join(', ')}`, () => {
        const found = names.map((n) => allQueues(api).find((q) => q.name === n && q.counters.puts > 0));
        return found.every((q) => q !== undefined) ? (found as ModelQueue[]) : undefined;
      });
      // Each worker thread is a source of its own; the main thread's two queues share one.
      const sources = new Set(queues.map((q) => `${q.session}/${q.source}`));
      assert.equal(sources.size, 3, [...sources].join(' '));
    } finally {
      const ended = nextEvent(vscode.debug.onDidTerminateDebugSession, 'the end of the sample session', (s) => s.id === parent.id);
      await vscode.debug.stopDebugging(parent);
      await ended;
    }
  });

  it('refuses an unknown sample id without starting anything', async () => {
    await activate();
    const before = vscode.debug.activeDebugSession;
    const started = await vscode.commands.executeCommand<boolean>('queuescope.launchSample', 'no-such-sample');
    assert.equal(started, false);
    assert.equal(vscode.debug.activeDebugSession, before);
  });
});
