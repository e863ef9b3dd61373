// An ESM-only library (p-queue 10) imported inside a worker_threads worker. Node 20's
// module.register() hooks serve only the thread that registered them, so the preload (which
// runs in every worker) registers them in each worker when the hub is armed from the start
// (src/trace/adapters/index.ts). The worker's own view of its queue and its hub's snapshot
// must agree, the recording must carry the queue under the worker's source, and the
// program's output must be what it prints untraced.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureLibraryBuilt, readNdjson, REGISTER, REGISTER_ESM, ROOT, run, tempFile } from '../trace/helpers';

const FIXTURE = path.join(ROOT, 'test/fixtures/adapters/esm-worker.mjs');

describe('adapters: an ESM-only library inside a worker thread', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  for (const [flag, register] of [
    ['--require', REGISTER],
    ['--import', REGISTER_ESM],
  ] as const) {
    it(`p-queue 10 imported by a worker (${flag}): its queue is seen in the worker's realm`, async () => {
      const file = tempFile('esm-worker.qscope');
      const r = await run([flag, register, FIXTURE], { QUEUESCOPE_TRACE_FILE: file });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const filled = JSON.parse(r.stdout.split('\n')[0]) as { lib: { size: number; pending: number }; hub: { name: string; lib: string; size: number; running: number }[] };
      assert.deepEqual(filled.hub, [{ name: 'PQueue', lib: 'p-queue@10.0.0', size: filled.lib.size, running: filled.lib.pending }]);
      assert.deepEqual([filled.lib.size, filled.lib.pending], [2, 1]);
      const lines = readNdjson(file);
      const workerSrc = lines.find((l) => l.type === 'source' && (l.info as { isMainThread: boolean }).isMainThread === false)?.src;
      assert.ok(workerSrc !== undefined, 'the worker joined the recording');
      const queues = lines.filter((l) => l.type === 'queue');
      assert.deepEqual(queues.map((l) => [l.src, l.lib]), [[workerSrc, 'p-queue@10.0.0']]);
      const bare = await run([FIXTURE], {});
      assert.equal(r.stdout.split('\n').slice(1).join('\n'), bare.stdout.split('\n').slice(1).join('\n'));
    });
  }
});
