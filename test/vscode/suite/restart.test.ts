// Debug: Restart on a running program, in a real VS Code with the real js-debug. js-debug
// restarts a launch inside the same top-level debug session; QueueScope makes the new run a
// model session of its own (`<id>~1`), so the panel follows it as it follows a new F5, and
// the killed run ends as stopped by the user, with its own queues.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

const PROGRAM = `const { Queue } = require(process.env.QUEUESCOPE_LIB);
const pages = new Queue({ maxsize: 20, name: 'pages' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
console.log('RUN ' + process.pid);
(async () => { for (let i = 0; ; i++) { await pages.put({ i }); await sleep(10); } })();
(async () => { for (;;) { await pages.get(); await sleep(15); } })();
setTimeout(() => process.exit(0), 60000);
`;

describe('Debug: Restart', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;
  let program: string;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
    program = writeWorkspaceFile('restart/feed.js', PROGRAM);
  });

  it('the new run is a model session of its own, the old one ends as stopped by the user; Stop then ends the new one', async () => {
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
    const run = await debugProgram(program, { env: { QUEUESCOPE_LIB: libraryPath() } });
    const first = run.parent.id;
    const second = `${first}~1`;
    try {
      const pidOf = (id: string) => [...(model.session(id)?.sources.values() ?? [])].map((s) => s.info.pid);
      if (!model.queuesOf(first).some((q) => q.name === 'pages')) await nextEvent(changes, 'the first run\'s queue', () => model.queuesOf(first).some((q) => q.name === 'pages'));
      const [oldPid] = pidOf(first);

      const restarted = nextEvent(changes, 'the restarted run\'s queue', () => model.queuesOf(second).some((q) => q.name === 'pages'), 60_000);
      await vscode.commands.executeCommand('workbench.action.debug.restart');
      await restarted;
      if (model.session(first)?.state !== 'ended') await nextEvent(changes, 'the first run to end', () => model.session(first)?.state === 'ended');

      const [newPid] = pidOf(second);
      assert.notEqual(newPid, oldPid, 'a new process');
      assert.deepEqual(pidOf(first), [oldPid], 'the first run keeps only its own process');
      assert.equal(model.session(second)?.name, model.session(first)?.name);
      assert.equal(model.session(second)?.state, 'live');
      assert.equal(api.services.sessions.debugSession(second)?.id, first, 'the new run is read through the same launch');
      const oldSource = [...model.session(first)!.sources.values()][0];
      assert.equal(oldSource.state, 'ended');
      assert.notEqual(oldSource.end?.reason, 'abrupt', 'the restart asked it to stop: no "ended abruptly"');

      const ended = nextEvent(changes, 'the restarted run to end', () => model.session(second)?.state === 'ended');
      await run.stop();
      await ended;
    } finally {
      await run.stop();
      for (const id of [first, second]) if (model.session(id)) model.removeSession(id);
    }
  });
});
