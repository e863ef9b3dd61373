// The published library as a user's program sees it: `require('queuescope')` and
// `import('queuescope')` through the package's `exports` map (Node resolves a package's
// own name from inside it), and the bundled .d.ts compiling for a small typed consumer.

import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function run(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
      resolve({ code, stdout, stderr });
    });
  });
}

// Exercises the API a little, so a bundle that loads but is broken still fails.
const exercise = `
  const q = new m.Queue({ maxsize: 1, name: 'pkg' });
  const names = ['Queue', 'LifoQueue', 'PriorityQueue', 'QueueEmpty', 'QueueFull', 'QueueShutDown', 'QueueTimeout'].filter((k) => typeof m[k] !== 'function');
  if (names.length) throw new Error('missing exports: ' + names);
  const got = q.get();
  q.putNowait(41);
  got.then(async (v) => {
    let name = '';
    try { q.getNowait(); } catch (e) { name = (e instanceof m.QueueEmpty) + ':' + e.name; }
    const p = new m.PriorityQueue();
    p.putNowait(3); p.putNowait(1);
    let hint = '';
    try { new m.Queue(5); } catch (e) { hint = e.message.slice(0, 30); }
    console.log(JSON.stringify({ v, name, first: p.getNowait(), qname: q.name, classes: [m.Queue.name, m.LifoQueue.name, m.PriorityQueue.name], hint }));
  });`;
// The classes keep their names in the bundle: error messages and inspect() name them.
const expected = { v: 41, name: 'true:QueueEmpty', first: 1, qname: 'pkg', classes: ['Queue', 'LifoQueue', 'PriorityQueue'], hint: 'Queue options must be an objec' };

describe('package exports (dist/lib)', function () {
  this.timeout(120_000);

  before(async () => {
    if (!fs.existsSync(path.join(root, 'dist/lib/index.js')) || !fs.existsSync(path.join(root, 'dist/lib/index.d.ts'))) {
      const built = await run(process.execPath, ['esbuild.js']);
      assert.equal(built.code, 0, built.stderr);
    }
  });

  it("require('queuescope') loads dist/lib/index.js (CommonJS)", async () => {
    const program = `const m = require('queuescope');
      if (!require.resolve('queuescope').endsWith(require('path').join('dist', 'lib', 'index.js'))) throw new Error(require.resolve('queuescope'));
      ${exercise}`;
    const r = await run(process.execPath, ['-e', program]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
  });

  it("import('queuescope') loads dist/lib/index.mjs (ESM)", async () => {
    const program = `const m = await import('queuescope');
      if (!import.meta.resolve('queuescope').endsWith('/dist/lib/index.mjs')) throw new Error(import.meta.resolve('queuescope'));
      ${exercise}`;
    const r = await run(process.execPath, ['--input-type=module', '-e', program]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
  });

  it('the ES module entry loads under --experimental-default-type=module (the package linked outside node_modules)', async () => {
    const r = await run(process.execPath, ['--experimental-default-type=module', '--input-type=module', '-e', "const m = await import('queuescope'); console.log(typeof m.Queue, m.Queue.name)"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'function Queue');
  });

  it('a program that imports the library and requires it (through a CommonJS dependency) gets one copy of each class', async () => {
    const program = `import { createRequire } from 'node:module';
      import { Queue, QueueTimeout, QueueShutDown } from 'queuescope';
      const cjs = createRequire(import.meta.url)('queuescope');
      const q = new cjs.Queue();
      const timedOut = await q.get({ timeout: 1 }).catch((e) => e instanceof QueueTimeout);
      q.shutdown();
      const shut = await q.get().catch((e) => e instanceof QueueShutDown);
      console.log(JSON.stringify({ sameQueue: cjs.Queue === Queue, timedOut, shut }));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', program]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { sameQueue: true, timedOut: true, shut: true });
  });

  it('dist/lib/index.d.ts types a small consumer, and rejects misuse', async () => {
    const dir = path.join(root, '.tmp', `types-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.writeFileSync(
        path.join(dir, 'consumer.mts'),
        `import { Queue, PriorityQueue, LifoQueue, QueueTimeout, QueueShutDown, type QueueOptions } from 'queuescope';
const opts: QueueOptions = { maxsize: 2, name: 'typed' };
const q = new Queue<number>(opts);
await q.put(1, { timeout: 10, signal: AbortSignal.timeout(100) });
const n: number = await q.get({ timeout: 5 });
const p = new PriorityQueue<{ at: number }>({ compare: (a, b) => a.at - b.at });
const l = new LifoQueue<string>();
for await (const s of l) s.toUpperCase();
const e: Error = new QueueTimeout();
const sd: boolean = new QueueShutDown() instanceof Error && q.isShutdown;
q.shutdown({ immediate: true });
await q.join();
// @ts-expect-error a number queue takes numbers only
q.putNowait('x');
// Options forwarded from a caller's own optional fields (exactOptionalPropertyTypes is on).
function forward(opts: { timeout?: number; signal?: AbortSignal }): Promise<number> {
  return q.get({ timeout: opts.timeout, signal: opts.signal });
}
void forward;
const byPriority = new PriorityQueue<[number, string]>({ compare: undefined, name: undefined });
void byPriority;
// @ts-expect-error timeout is a number
void q.get({ timeout: '5' });
export { n, p, e, sd };
`,
      );
      // The import condition's types are an ES module's: a default import is an error here,
      // as it is at run time (the entry has named exports only).
      fs.writeFileSync(
        path.join(dir, 'defaultImport.mts'),
        `// @ts-expect-error no default export
import qs from 'queuescope';
void qs;
`,
      );
      fs.writeFileSync(
        path.join(dir, 'consumer.cts'),
        `import { Queue, QueueTimeout } from 'queuescope';
const q = new Queue<string>({ maxsize: 1 });
export const timedOut = q.get({ timeout: 1 }).catch((e: unknown) => e instanceof QueueTimeout);
`,
      );
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false, exactOptionalPropertyTypes: true }, files: ['consumer.mts', 'defaultImport.mts', 'consumer.cts'] }),
      );
      const r = await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
