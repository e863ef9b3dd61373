// The npm package as users get it: `npm pack` (which builds on prepack), installed offline
// into a fresh project, then used the ways the README promises: require, import, a tsc
// type-check, and `--require` / `--import queuescope/register` recording to a file.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, childEnv } from '../trace/helpers';

const NPM_CLI = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');

function npm(args: string[], cwd: string): string {
  const cli = fs.existsSync(NPM_CLI) ? [process.execPath, NPM_CLI] : ['npm'];
  return execFileSync(cli[0], [...cli.slice(1), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...childEnv({}), npm_config_update_notifier: 'false' } });
}

function node(args: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, env: childEnv(env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function recordedQueues(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.type === 'queue');
}

const APP = "const { Queue } = require('queuescope'); const q = new Queue({ maxsize: 2, name: 'jobs' }); q.putNowait(1); console.log(q.qsize());\n";
const APP_ESM = "import { Queue } from 'queuescope'; const q = new Queue({ maxsize: 2, name: 'jobs' }); q.putNowait(1); console.log(q.qsize());\n";
const USER_TS = "import { Queue, QueueFull } from 'queuescope';\nconst q = new Queue<number>({ maxsize: 1 });\nq.putNowait(1);\nconst n: number = q.qsize();\nexport const full: boolean = q.full() && QueueFull !== undefined && n === 1;\n";

describe('npm package: packed, installed, used', function () {
  this.timeout(240000);
  let project = '';
  let files: string[] = [];

  before(() => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-pack-'));
    const report = JSON.parse(npm(['pack', '--json', '--pack-destination', out], ROOT)) as { filename: string; files: { path: string }[] }[];
    files = report[0].files.map((f) => f.path);
    project = path.join(out, 'user');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user', version: '1.0.0', private: true }));
    npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(out, report[0].filename)], project);
  });

  it('ships the library bundles and declarations, and no sources, tests or bench', () => {
    for (const f of ['dist/lib/index.js', 'dist/lib/index.mjs', 'dist/lib/index.d.ts', 'dist/lib/register.js', 'dist/lib/register.mjs', 'dist/lib/esm-hooks.mjs', 'dist/cli/queuescope.js', 'package.json']) {
      assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
    }
    assert.deepEqual(files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.startsWith('dist/extension/') || f.endsWith('.map')), []);
  });

  it('require() and import both give the queue', () => {
    fs.writeFileSync(path.join(project, 'app.js'), APP);
    fs.writeFileSync(path.join(project, 'app.mjs'), APP_ESM);
    assert.deepEqual(node(['app.js'], project), { code: 0, stdout: '1\n', stderr: '' });
    assert.deepEqual(node(['app.mjs'], project), { code: 0, stdout: '1\n', stderr: '' });
  });

  it('a TypeScript user type-checks against the shipped declarations', () => {
    fs.writeFileSync(path.join(project, 'user.ts'), USER_TS);
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] }, files: ['user.ts'] };
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = node([require.resolve('typescript/bin/tsc'), '-p', '.'], project);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // And a wrong use is caught, so the check above really read the types.
    fs.writeFileSync(path.join(project, 'user.ts'), `${USER_TS}export const bad: string = q.qsize();\n`);
    assert.notEqual(node([require.resolve('typescript/bin/tsc'), '-p', '.'], project).code, 0);
  });

  for (const [flag, app] of [
    ['--require', 'app.js'],
    ['--import', 'app.mjs'],
  ] as const) {
    it(`${flag} queuescope/register records the program's queue to QUEUESCOPE_TRACE_FILE`, () => {
      const file = path.join(project, `${flag.slice(2)}.qscope`);
      const r = node([flag, 'queuescope/register', app], project, { QUEUESCOPE_TRACE_FILE: file });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '1\n', '']);
      const queues = recordedQueues(file);
      assert.deepEqual(
        queues.map((q) => [q.name, q.maxsize]),
        [['jobs', 2]],
      );
    });
  }
});
