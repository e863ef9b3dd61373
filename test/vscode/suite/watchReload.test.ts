// A watcher's reloads under F5, in a real VS Code with the real js-debug: `tsx watch` and
// `npm run dev` running `node --watch`. Each reload is a new process of the same program,
// started by a process of the launch (tsx's, npm's) that runs on: js-debug nests the program
// under it. All of them fed the launch's first model session: the dead processes' queues
// stayed beside the live one's, still "deadlock", their findings still active (2026-12-05).
// Each reload is now a run of its own (`<id>~<n>`), the run before ends, and the supervisor's
// source goes on in the new run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, extension, libraryPath, nextEvent, writeWorkspaceFile } from './helpers';

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
      const pidsWithQueues = (id: string) => [...(model.session(id)?.sources.values() ?? [])].filter((s) => s.queues.size > 0).map((s) => s.info.pid);
      const where = () => model.sessions.map((s) => `${s.id.slice(-8)} ${s.state}: ${[...s.sources.values()].map((src) => `${src.info.pid} ${src.state} [${[...src.queues.values()].map((q) => `${q.name}/${q.maxsize}`).join(', ')}]`).join('; ')}`).join(' | ');
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
