// The launch configuration's preload (src/host/sessions/arm.ts) as a real child
// process sees it: NODE_OPTIONS from armConfiguration() makes the extension's own
// register.js create the hub, so (1) an ESM program's p-queue is recorded with no code
// change, and (2) even a program that bundles the library has its hub in dist/lib, which
// the skipFiles glob matches (the bundled-library pause problem of docs/ARCHITECTURE.md).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { armConfiguration, extensionLibraryGlob, type DebugConfigLike } from '../../../src/host/sessions/arm';
import { ensureLibraryBuilt, readNdjson, REGISTER, ROOT, run, tempFile } from '../trace/helpers';

const HUB_FILE = path.join(ROOT, 'test/fixtures/adapters/hub-file.cjs');

function launchEnv(): Record<string, string> {
  const config = armConfiguration<DebugConfigLike>(
    { type: 'pwa-node', request: 'launch', name: 'app', program: 'app.js' },
    { autoArm: true, extraSkipGlobs: [extensionLibraryGlob(ROOT)], preload: REGISTER, inheritedNodeOptions: '--no-deprecation' },
  );
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.env ?? {})) if (typeof v === 'string') env[k] = v;
  return env;
}

describe('adapters: the launch configuration preload', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  it("records an unchanged ESM program's p-queue through NODE_OPTIONS alone", async () => {
    const file = tempFile('preload.qscope');
    const r = await run([path.join(ROOT, 'test/fixtures/adapters/pqueue.mjs')], { ...launchEnv(), QUEUESCOPE_TRACE_FILE: file });
    assert.equal(r.code, 0, r.stderr);
    const libs = readNdjson(file).filter((l) => l.type === 'queue').map((l) => l.lib);
    // Each version's scenario makes one queue it uses and one it never adds to.
    assert.deepEqual(libs.sort(), ['p-queue@10.0.0', 'p-queue@10.0.0', 'p-queue@6.6.2', 'p-queue@6.6.2']);
  });

  it('puts the hub of a program that bundles the library in the skipFiles-matched dist/lib', async () => {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const app = tempFile('bundled.js');
    await esbuild.build({
      stdin: { contents: "const { Queue } = require('./src/trace/library');\nnew Queue({ name: 'bundled' }).putNowait(1);\nconsole.log(require(process.env.HUB_FILE)());\n", resolveDir: ROOT, loader: 'js' },
      bundle: true,
      platform: 'node',
      outfile: app,
      logLevel: 'error',
    });
    const bare = await run([app], { HUB_FILE });
    assert.equal(bare.stdout.trim(), `file://${app}`, 'untraced, the bundle holds the hub');
    const armed = await run([app], { ...launchEnv(), HUB_FILE });
    assert.equal(armed.code, 0, armed.stderr);
    const glob = extensionLibraryGlob(ROOT).replace(/\*\*$/, '');
    assert.ok(armed.stdout.trim().startsWith(`file://${glob}`), `${armed.stdout.trim()} is under ${glob}`);
  });
});
