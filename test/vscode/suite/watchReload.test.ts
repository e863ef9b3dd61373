// A watcher's reloads under F5, in a real VS Code with the real js-debug: `tsx watch` and
// `npm run dev` running `node --watch`. Each reload is a new process of the same program,
// started by a process of the launch (tsx's, npm's) that runs on: js-debug nests the program
// under it. All of them fed the launch's first model session: the dead processes' queues
// stayed beside the live one's, still "deadlock", their findings still active (2026-12-05).
// Each reload is now a run of its own (`<id>~<n>`), the run before ends, and the supervisor's
// source goes on in the new run.
//
// A reload is told from a program running one job's process after another (the same program
// started again by the same parent once the one before ended, too) by how the one before
// ended and when the new one started (src/host/sessions/reload.ts): killed by a signal
// (tsx watch, node --watch: SIGTERM; nodemon: SIGUSR2), or ended by itself a second or more
// before. An orchestrator's next job and a cluster primary's re-forked crashed worker, started
// at once after a normal end or a crash, were each a new run, ending the one before
// (2026-12-05, the watch review).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, extension, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

// nodemon's way, without nodemon (not a dependency): it pipes the program's output (streams,
// which are queues to QueueScope: the supervisor was taken for a program with queues of its
// own, and no reload was seen) and ends the old process with SIGUSR2, which QueueScope's exit
// hooks leave alone (its tail stays empty: 'abrupt').
const NODEMON_LIKE = `const { spawn } = require('node:child_process');
const fs = require('node:fs');
const app = require('node:path').join(__dirname, 'app.js');
let child;
const start = () => {
  child = spawn(process.execPath, [app], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
};
start();
let timer;
fs.watch(app, () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const old = child;
    old.once('exit', start);
    old.kill('SIGUSR2');
  }, 100);
});
`;

// A library of the workspace's own: a rebuild of dist/ while the test runs would be an
// edit that tsx watch reloads for.
const PROGRAM = `const { Queue } = require('./lib/index.js');
const pages = new Queue({ maxsize: 20, name: 'pages' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
console.log('RUN ' + process.pid);
(async () => { for (let i = 0; ; i++) { await pages.put({ i }); await sleep(10); } })();
(async () => { for (;;) { await pages.get(); await sleep(15); } })();
setTimeout(() => process.exit(0), 90000);
`;

describe('a watcher reloading the program (tsx watch, npm run dev with node --watch)', function () {
  this.timeout(180_000);
  let api: QueueScopeApi;
  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  const cases: [string, (dir: string, file: string) => Partial<vscode.DebugConfiguration>][] = [
    ['tsx watch', () => ({ runtimeExecutable: path.join(extension().extensionPath, 'node_modules', '.bin', 'tsx'), runtimeArgs: ['watch'] })],
    ['npm run dev (node --watch)', (dir) => ({ runtimeExecutable: 'npm', runtimeArgs: ['run', 'dev'], program: undefined, cwd: dir })],
    ['a supervisor piping the output and reloading with SIGUSR2 (nodemon)', (dir) => ({ program: writeWorkspaceFile(`${path.basename(dir)}/supervisor.js`, NODEMON_LIKE) })],
  ];
  for (const [name, config] of cases) {
    it(`${name}: each reload is a run of its own; the run before ends with its own process's queues; Stop ends the last`, async () => {
      const model = api.services.model;
      const changes = model.onDidChange as vscode.Event<{ kind: string; session?: string }>;
      const slug = name.replace(/\W+/g, '-');
      const file = writeWorkspaceFile(`watch-${slug}/app.js`, PROGRAM);
      const dir = path.dirname(file);
      fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
      fs.copyFileSync(libraryPath(), path.join(dir, 'lib', 'index.js'));
      writeWorkspaceFile(`watch-${slug}/package.json`, JSON.stringify({ name: 'watched', version: '1.0.0', scripts: { dev: 'node --watch app.js' } }));
      const run = await debugProgram(file, config(dir, file));
      const first = run.parent.id;
      const ids = [first, `${first}~1`, `${first}~2`];
      const pagesOf = (id: string) => model.queuesOf(id).filter((q) => q.name === 'pages');
      const pidsWithQueues = (id: string) => [...(model.session(id)?.sources.values() ?? [])].filter((s) => [...s.queues.values()].some((q) => q.name === 'pages')).map((s) => s.info.pid);
      // This launch's runs only: with every session of the suite (10,000 queues of an earlier
      // test among them) the message outgrew what VS Code forwards, and CI printed no reason.
      const where = () => model.sessions.filter((s) => s.id.startsWith(first)).map((s) => `${s.id.slice(-8)} ${s.state}: ${[...s.sources.values()].map((src) => `${src.info.pid} ${src.state} [${[...src.queues.values()].map((q) => `${q.name}/${q.maxsize}`).join(', ')}]`).join('; ')}`).join(' | ');
      try {
        if (pagesOf(first).length === 0) await nextEvent(changes, "the first run's queue", () => pagesOf(first).length > 0, 60_000);
        for (const [i, maxsize] of [30, 40].entries()) {
          const next = ids[i + 1];
          const reloaded = nextEvent(changes, `run ${i + 2}'s queue`, () => pagesOf(next).length > 0, 60_000);
          fs.writeFileSync(file, PROGRAM.replace('maxsize: 20', `maxsize: ${maxsize}`));
          await reloaded.catch((err: Error) => assert.fail(`${err.message}: ${where()}`));
          if (model.session(ids[i])?.state !== 'ended') await nextEvent(changes, `run ${i + 1} to end`, () => model.session(ids[i])?.state === 'ended', 15_000).catch((err: Error) => assert.fail(`${err.message}: ${where()}`));
          assert.deepEqual(pagesOf(next).map((q) => q.maxsize), [maxsize], `only the new process's queue in the new run: ${where()}`);
          assert.deepEqual(pagesOf(ids[i]).map((q) => q.maxsize), [i === 0 ? 20 : 30], `the run before keeps only its own process's queue: ${where()}`);
          assert.equal(pidsWithQueues(ids[i]).length, 1, where());
          assert.equal(model.session(next)?.state, 'live');
          assert.equal(model.session(next)?.name, model.session(first)?.name, 'named after the launch');
          assert.equal(api.services.sessions.debugSession(next)?.id, first, 'the new run is read through the same launch');
          // The supervisor (tsx's or npm's process, no queue of its own) goes on in the new run.
          const live = [...model.session(next)!.sources.values()].filter((s) => s.state === 'live').map((s) => s.info.pid);
          assert.ok(live.length >= 2, `the supervisor and the new program run in the new run: ${where()}`);
        }
        const pids = ids.map((id) => pidsWithQueues(id)[0]);
        assert.equal(new Set(pids).size, 3, `three processes: ${pids.join(', ')}`);
        const ended = nextEvent(changes, 'the last run to end', () => model.session(ids[2])?.state === 'ended');
        await run.stop();
        await ended;
        for (const id of ids) assert.equal(model.session(id)?.state, 'ended');
      } finally {
        await run.stop();
        for (const id of ids) if (model.session(id)) model.removeSession(id);
      }
    });
  }
});

// One job's process after another: the same program started again by the same parent once
// the one before ended, but at once, after a normal end or a crash. One run.
const JOB = `const { Queue } = require('./lib/index.js');
const jobs = new Queue({ maxsize: 5, name: 'jobq' });
(async () => {
  for (let i = 0; i < 20; i++) { await jobs.put(i); await new Promise((r) => setTimeout(r, 10)); await jobs.get(); }
  if (process.env.CRASH) setTimeout(() => { throw new Error('job crashed'); });
})();
`;

describe('a program running one job\'s process after another is one run, not reloads', function () {
  this.timeout(180_000);
  let api: QueueScopeApi;
  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  const cases: [string, string, string][] = [
    // A plain orchestrator with no queue of its own: each job a forked process, one at a time.
    ['an orchestrator forking one job after another', 'exit', `const { fork } = require('node:child_process');
(async () => {
  for (const job of ['a', 'b', 'c']) await new Promise((r) => fork(require('node:path').join(__dirname, 'job.js'), [job]).on('exit', r));
  console.log('ALL DONE');
})();
`],
    // A cluster primary (no queue) running another script, re-forking each crashed worker.
    ['a cluster primary re-forking its crashed worker', 'uncaughtException', `const cluster = require('node:cluster');
cluster.setupPrimary({ exec: require('node:path').join(__dirname, 'job.js') });
let forks = 0;
const fork = () => { if (forks++ < 3) cluster.fork({ CRASH: '1' }).on('exit', fork); else console.log('ALL DONE'); };
fork();
`],
  ];
  for (const [name, reason, main] of cases) {
    it(`${name}: every job's process in the one run, which ends with the launch`, async () => {
      const model = api.services.model;
      const slug = name.replace(/\W+/g, '-');
      const file = writeWorkspaceFile(`jobs-${slug}/main.js`, main);
      const dir = path.dirname(file);
      writeWorkspaceFile(`jobs-${slug}/job.js`, JOB);
      fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
      fs.copyFileSync(libraryPath(), path.join(dir, 'lib', 'index.js'));
      const before = new Set(model.sessions.map((s) => s.id));
      const run = await debugProgram(file);
      const first = run.parent.id;
      const ours = () => model.sessions.filter((s) => !before.has(s.id));
      const where = () => ours().map((s) => `${s.id.slice(-8)} ${s.state}: ${[...s.sources.values()].map((src) => `${src.info.pid} ${src.state} ${src.end?.reason ?? ''} [${[...src.queues.values()].map((q) => q.name).join(', ')}]`).join('; ')}`).join(' | ');
      try {
        await run.output('ALL DONE', 90_000);
        await run.exited;
        await run.stop();
        if (model.session(first)?.state !== 'ended') await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the run to end', () => model.session(first)?.state === 'ended', 15_000);
        assert.deepEqual(ours().map((s) => s.id), [first], `one run: ${where()}`);
        const jobs = [...model.session(first)!.sources.values()].filter((s) => [...s.queues.values()].some((q) => q.name === 'jobq'));
        assert.equal(new Set(jobs.map((s) => s.info.pid)).size, 3, `three jobs' processes: ${where()}`);
        for (const s of jobs) assert.equal(s.end?.reason, reason, where());
      } finally {
        await run.stop();
        for (const s of ours()) model.removeSession(s.id);
      }
    });
  }
});

describe('tsx watch running a program that ends by itself', function () {
  this.timeout(180_000);

  it('an edit a while after it ended is a new run (the one before ended by itself, not killed)', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const model = api.services.model;
    const changes = model.onDidChange as vscode.Event<unknown>;
    const file = writeWorkspaceFile('watch-ends/app.js', JOB);
    const dir = path.dirname(file);
    fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
    fs.copyFileSync(libraryPath(), path.join(dir, 'lib', 'index.js'));
    const run = await debugProgram(file, { runtimeExecutable: path.join(extension().extensionPath, 'node_modules', '.bin', 'tsx'), runtimeArgs: ['watch'] });
    const first = run.parent.id;
    const jobsOf = (id: string) => [...(model.session(id)?.sources.values() ?? [])].filter((s) => [...s.queues.values()].some((q) => q.name === 'jobq'));
    const where = () => model.sessions.map((s) => `${s.id.slice(-8)} ${s.state}: ${[...s.sources.values()].map((src) => `${src.info.pid} ${src.state} ${src.end?.reason ?? ''}`).join('; ')}`).join(' | ');
    try {
      const ended = () => jobsOf(first).some((s) => s.state === 'ended');
      if (!ended()) await nextEvent(changes, 'the program to end by itself', ended, 60_000);
      assert.equal(jobsOf(first)[0].end?.reason, 'exit');
      await new Promise((r) => setTimeout(r, 1500)); // a human's edit: not the next job at once
      const second = `${first}~1`;
      const reloaded = nextEvent(changes, 'the new run', () => jobsOf(second).length > 0, 60_000);
      fs.appendFileSync(file, '// edited\n');
      await reloaded.catch((err: Error) => assert.fail(`${err.message}: ${where()}`));
      if (model.session(first)?.state !== 'ended') await nextEvent(changes, 'the run before to end', () => model.session(first)?.state === 'ended', 15_000);
      assert.equal(jobsOf(first).length, 1, where());
      assert.notEqual(jobsOf(second)[0].info.pid, jobsOf(first)[0].info.pid);
    } finally {
      await run.stop();
      for (const id of [first, `${first}~1`]) if (model.session(id)) model.removeSession(id);
    }
  });
});
