// New runs inside one launch, in a real VS Code with the real js-debug: Debug: Restart, and
// `node --watch` reloading the program after an edit. js-debug runs both inside the same
// top-level debug session; QueueScope makes each new run a model session of its own
// (`<id>~1`, `<id>~2`), so the panel follows it as it follows a new F5, and the run before
// ends with its own queues.
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
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

describe('new runs in one launch (Debug: Restart, node --watch)', function () {
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
      const backlog = () => model.queuesOf(first).some((q) => q.name === 'pages' && q.size >= 3);
      if (!backlog()) await nextEvent(changes, "a backlog in the first run's queue", backlog);
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
      assert.equal(oldSource.end?.requested, true);
      // What it held is said, as an info: the user asked for the stop.
      const left = api.services.diagnostics!.findings(first).filter((f) => f.rule === 'exit-work-left');
      assert.equal(left.length, 1, JSON.stringify(left));
      assert.equal(left[0].severity, 'info');
      assert.match(left[0].message, /^When the debugger stopped it, in `pages`: \d+ items were never processed/);

      const ended = nextEvent(changes, 'the restarted run to end', () => model.session(second)?.state === 'ended');
      await run.stop();
      await ended;
    } finally {
      await run.stop();
      for (const id of [first, second]) if (model.session(id)) model.removeSession(id);
    }
  });

  it('node --watch: each reload after an edit is a model session of its own; the one before ends', async () => {
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
    const watched = writeWorkspaceFile('restart/watched.js', PROGRAM);
    const run = await debugProgram(watched, { runtimeArgs: ['--watch'], env: { QUEUESCOPE_LIB: libraryPath() } });
    const first = run.parent.id;
    const ids = [first, `${first}~1`, `${first}~2`];
    const hasPages = (id: string) => model.queuesOf(id).some((q) => q.name === 'pages');
    try {
      if (!hasPages(first)) await nextEvent(changes, "the first run's queue", () => hasPages(first));
      for (const [i, maxsize] of [30, 40].entries()) {
        const next = ids[i + 1];
        const reloaded = nextEvent(changes, `run ${i + 2}'s queue`, () => hasPages(next), 60_000);
        fs.writeFileSync(watched, PROGRAM.replace('maxsize: 20', `maxsize: ${maxsize}`));
        await reloaded;
        if (model.session(ids[i])?.state !== 'ended') await nextEvent(changes, `run ${i + 1} to end`, () => model.session(ids[i])?.state === 'ended');
        assert.deepEqual(model.queuesOf(next).map((q) => [q.name, q.maxsize]), [['pages', maxsize]], 'only the new run\'s queue');
        assert.equal(model.session(ids[i])?.sources.size, 1, 'the run before keeps only its own process');
      }
      const pids = ids.map((id) => [...model.session(id)!.sources.values()][0].info.pid);
      assert.equal(new Set(pids).size, 3, `three processes: ${pids.join(', ')}`);

      // Stop: the last run was stopped by the user, not killed (the runs before had ended by themselves).
      const ended = nextEvent(changes, 'the last run to end', () => model.session(ids[2])?.state === 'ended');
      await run.stop();
      await ended;
      assert.notEqual([...model.session(ids[2])!.sources.values()][0].end?.reason, 'abrupt');
    } finally {
      await run.stop();
      for (const id of ids) if (model.session(id)) model.removeSession(id);
    }
  });
});

// Found under F5 on `node --test` with two test files: js-debug does not debug the runner,
// so each test file's process is a process of the launch itself, started after the other
// ended, as a restart's is. The panel showed two sessions, both named after the launch.
describe('node --test: test files are processes of one run', function () {
  this.timeout(120_000);

  it('two test files run one after the other feed one model session; the launch stays one run', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
    const testFile = (name: string) =>
      writeWorkspaceFile(`restart/tests/${name}.test.js`, `const test = require('node:test');
const { Queue } = require(process.env.QUEUESCOPE_LIB);
test('${name}', async () => {
  const q = new Queue({ name: '${name}-queue' });
  for (let i = 0; i < 20; i++) { q.putNowait(i); await new Promise((r) => setTimeout(r, 20)); await q.get(); }
});
`);
    const a = testFile('alpha');
    const b = testFile('beta');
    const run = await debugProgram(a, { runtimeArgs: ['--test'], args: [b], env: { QUEUESCOPE_LIB: libraryPath() } });
    const id = run.parent.id;
    try {
      await run.exited;
      if (model.session(id)?.state !== 'ended') await nextEvent(changes, 'the launch to end', () => model.session(id)?.state === 'ended');
      const names = model.queuesOf(id).map((q) => q.name).filter((n) => n.endsWith('-queue')).sort();
      const where = model.sessions.map((s) => `${s.id.slice(-6)} ${s.state}: ${[...s.sources.values()].map((src) => `${src.info.pid} ${src.state} [${[...src.queues.values()].map((q) => q.name).join(', ')}]`).join('; ')}`).join(' | ');
      assert.deepEqual(names, ['alpha-queue', 'beta-queue'], `both test files in the launch's one session: ${where}`);
      assert.equal(model.session(`${id}~1`), undefined, 'no second run');
      const pids = new Set([...model.session(id)!.sources.values()].map((s) => s.info.pid));
      assert.ok(pids.size >= 2, `one process per test file: ${[...pids].join(', ')}`);
    } finally {
      await run.stop();
      for (const s of [id, `${id}~1`, `${id}~2`]) if (model.session(s)) model.removeSession(s);
    }
  });
});

// Found reading the code for the runs above: a child process of the launch that ended by
// itself made the user's later Stop count for nothing, and the primary, still running,
// "ended abruptly".
describe('Stop after one of the launch\'s processes ended by itself', function () {
  this.timeout(120_000);

  it('the process still running ends as stopped by the user, not "abrupt"', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
    const child = writeWorkspaceFile('restart/child.js', `const { Queue } = require(process.env.QUEUESCOPE_LIB);
new Queue({ name: 'child-jobs' });
setTimeout(() => process.exit(0), 300);
`);
    const primary = writeWorkspaceFile('restart/primary.js', `const { Queue } = require(process.env.QUEUESCOPE_LIB);
const jobs = new Queue({ name: 'primary-jobs' });
require('node:child_process').fork(${JSON.stringify(child)}).on('exit', () => console.log('CHILD EXITED'));
setInterval(() => jobs.putNowait(1) && jobs.getNowait(), 50);
`);
    const run = await debugProgram(primary, { env: { QUEUESCOPE_LIB: libraryPath() } });
    const id = run.parent.id;
    try {
      await run.output('CHILD EXITED');
      const sources = () => [...(model.session(id)?.sources.values() ?? [])];
      const childEnded = () => sources().some((s) => s.state === 'ended');
      if (!childEnded()) await nextEvent(changes, 'the child process to end', childEnded);
      const ended = nextEvent(changes, 'the launch to end', () => model.session(id)?.state === 'ended');
      await run.stop();
      await ended;
      const main = sources().find((s) => [...s.queues.values()].some((q) => q.name === 'primary-jobs'));
      assert.ok(main);
      assert.notEqual(main.end?.reason, 'abrupt', JSON.stringify(main.end));
    } finally {
      await run.stop();
      if (model.session(id)) model.removeSession(id);
    }
  });
});

// An attach configuration with `restart: true`, the way nodemon users debug: the program runs
// under a supervisor that starts it again with --inspect on the same port when it exits, and
// js-debug reconnects to the new process.
describe('attach with restart: true (a supervisor restarts the program)', function () {
  this.timeout(120_000);

  it('each process the attach reconnects to is a run of its own; the one before ends', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
    const feed = writeWorkspaceFile('restart/attached.js', PROGRAM);
    const port = await freePort();
    // nodemon in miniature: run the program with --inspect, run it again once when it exits.
    const supervisor = writeWorkspaceFile('restart/supervisor.js', `const { spawn } = require('node:child_process');
let runs = 0;
const start = () => {
  runs++;
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:${port}', ${JSON.stringify(feed)}], { stdio: 'inherit', env: process.env });
  child.on('exit', () => { if (runs < 2) setTimeout(start, 300); else process.exit(0); });
};
start();
`);
    const sup = cp.spawn(process.execPath, [supervisor], { env: { ...process.env, QUEUESCOPE_LIB: libraryPath(), QUEUESCOPE_TRACE: '' }, stdio: 'ignore' });
    const name = 'queuescope-attach-restart';
    const started = nextEvent(vscode.debug.onDidStartDebugSession, 'the attach session', (s) => s.configuration.name === name);
    const folder = vscode.workspace.workspaceFolders?.[0];
    let top: vscode.DebugSession | undefined;
    const sessionIds: string[] = [];
    const sub = model.onDidChange(() => {
      for (const s of model.sessions) if (!sessionIds.includes(s.id) && top !== undefined && (s.id === top.id || s.id.startsWith(`${top.id}~`))) sessionIds.push(s.id);
    });
    try {
      // js-debug's attach retries until the inspector listens.
      assert.ok(await vscode.debug.startDebugging(folder, { type: 'node', request: 'attach', name, port, restart: true, timeout: 20_000 }));
      top = await started;
      const hasPages = (id: string | undefined) => id !== undefined && model.queuesOf(id).some((q) => q.name === 'pages');
      // Only this attach's runs: other suites' ended sessions may have a `pages` queue too.
      const ours = (id: string) => top !== undefined && (id === top.id || id.startsWith(`${top.id}~`));
      const withPages = () => model.sessions.map((s) => s.id).filter((id) => ours(id) && hasPages(id));
      if (withPages().length === 0) await nextEvent(changes, "the first run's queue", () => withPages().length > 0);
      const first = withPages()[0];
      const pidOf = (id: string) => [...(model.session(id)?.sources.values() ?? [])].map((s) => s.info.pid);
      const [oldPid] = pidOf(first);
      // The first run ends (as nodemon's would on an edit); the supervisor starts the second.
      process.kill(oldPid, 'SIGTERM');
      const second = () => withPages().find((id) => id !== first && pidOf(id).some((p) => p !== oldPid));
      if (second() === undefined) await nextEvent(changes, "the second run's queue", () => second() !== undefined, 60_000);
      const next = second()!;
      if (model.session(first)?.state !== 'ended') await nextEvent(changes, 'the first run to end', () => model.session(first)?.state === 'ended');
      assert.deepEqual(pidOf(first), [oldPid], 'the first run keeps only its own process');
      assert.equal(model.session(next)?.state, 'live');
      assert.deepEqual(model.queuesOf(next).map((q) => q.name), ['pages']);
      const [oldSource] = [...model.session(first)!.sources.values()];
      assert.equal(oldSource.end?.reason, 'SIGTERM', `the first run's end, from its exit tail: ${JSON.stringify(oldSource.end)}`);
      assert.equal(model.session(next)?.name, model.session(first)?.name);
    } finally {
      sub.dispose();
      if (top) await vscode.debug.stopDebugging(top);
      sup.kill('SIGKILL');
      for (const id of sessionIds) if (model.session(id)) model.removeSession(id);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
