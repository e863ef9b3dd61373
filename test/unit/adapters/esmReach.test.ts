// The ESM loader hooks start a thread (Node 20's module.register), which the debugger lists
// as a "worker" in Call Stack. The preload registers them only when an ESM-only library the
// hooks wrap (p-queue 7+) is installed within the program's reach (src/trace/adapters/
// esmReach.ts). Observed from outside the hub: the OS threads of the traced process.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLibraryBuilt, finished, REGISTER, start } from '../trace/helpers';

/** A program that prints how many OS threads its process has once startup is over. */
const COUNT_THREADS = "setTimeout(() => console.log(require('node:fs').readdirSync('/proc/self/task').length), 50);\n";

async function threads(dir: string, args: string[]): Promise<number> {
  const r = await finished(start([...args, path.join(dir, 'main.js')], { QUEUESCOPE_TRACE: '1' }, { cwd: dir }));
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.trim());
}

describe('adapters: the ESM hooks thread only where an ESM-only library can be imported', function () {
  this.timeout(60000);
  before(function () {
    if (!fs.existsSync('/proc/self/task')) this.skip();
    ensureLibraryBuilt();
  });

  it('no p-queue within reach: the traced program has the threads of an untraced one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-esm-reach-'));
    fs.writeFileSync(path.join(dir, 'main.js'), COUNT_THREADS);
    const bare = await threads(dir, []);
    assert.equal(await threads(dir, ['--require', REGISTER]), bare);
  });

  // p-limit 3 (CommonJS) sits under many tools; the CommonJS hook adapts it, no thread needed.
  it('a CommonJS p-limit within reach: no hooks thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-esm-reach-'));
    fs.writeFileSync(path.join(dir, 'main.js'), COUNT_THREADS);
    fs.mkdirSync(path.join(dir, 'node_modules/p-limit'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/p-limit/package.json'), JSON.stringify({ name: 'p-limit', version: '3.1.0' }));
    const bare = await threads(dir, []);
    assert.equal(await threads(dir, ['--require', REGISTER]), bare);
    fs.writeFileSync(path.join(dir, 'node_modules/p-limit/package.json'), JSON.stringify({ name: 'p-limit', version: '7.3.3', type: 'module' }));
    assert.ok((await threads(dir, ['--require', REGISTER])) > bare, 'the ES-module major does');
  });

  it('p-queue installed in the program\'s node_modules: the hooks thread starts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-esm-reach-'));
    fs.writeFileSync(path.join(dir, 'main.js'), COUNT_THREADS);
    fs.mkdirSync(path.join(dir, 'node_modules/p-queue'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/p-queue/package.json'), JSON.stringify({ name: 'p-queue', version: '10.0.0', type: 'module' }));
    const bare = await threads(dir, []);
    assert.ok((await threads(dir, ['--require', REGISTER])) > bare);
  });
});
