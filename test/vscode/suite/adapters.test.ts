// Other libraries' queues under F5 in the real VS Code (issue #14): a p-queue ES module, a
// p-limit ES module and a fastq CommonJS program, none importing QueueScope, are launched through VS Code's
// JavaScript debugger. The extension's launch-config edit preloads dist/lib/register.js
// (NODE_OPTIONS), so each queue must appear in the model with its `lib`, its depth and
// running count following the program's own steps. The program holds each step until the
// test drops a release file, so every state is awaited on model events, not on time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelQueue } from '../../../src/model';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, extension, workspaceDir, writeWorkspaceFile } from './helpers';

/** Gates released by files: the program polls for `<dir>/release-<n>` (its own clock, not ours). */
const GATES = `
const gate = (n) => new Promise((resolve) => {
  const file = require('node:path').join(process.env.RELEASE_DIR, 'release-' + n);
  const t = setInterval(() => { if (require('node:fs').existsSync(file)) { clearInterval(t); resolve(); } }, 20);
});
const gates = [gate(1), gate(2)];
`;

/** p-queue 10 (ESM-only), resolved as a bare specifier through the workspace's node_modules. */
const PQUEUE_PROGRAM = `import { createRequire } from 'node:module';
import PQueue from 'p-queue';
const require = createRequire(import.meta.url);
${GATES}
const queue = new PQueue({ concurrency: 2 });
// Tasks 0-3 wait for release-1, tasks 4-5 for release-2: size 4 / pending 2, then 0 / 2, then 0 / 0.
for (let i = 0; i < 6; i++) queue.add(() => gates[i < 4 ? 0 : 1]);
console.log('FILLED size=' + queue.size + ' pending=' + queue.pending);
await gates[0];
await new Promise((r) => setImmediate(r));
console.log('HALF size=' + queue.size + ' pending=' + queue.pending);
await queue.onIdle();
console.log('DONE size=' + queue.size + ' pending=' + queue.pending);
`;

/** p-limit 7 (ESM-only): its limit is a function, so the program gets the adapter's stand-in. */
const PLIMIT_PROGRAM = `import { createRequire } from 'node:module';
import pLimit from 'p-limit';
const require = createRequire(import.meta.url);
${GATES}
const limit = pLimit(2);
const all = Array.from({ length: 6 }, (_, i) => limit(() => gates[i < 4 ? 0 : 1]));
console.log('FILLED size=' + limit.pendingCount + ' pending=' + limit.activeCount);
await gates[0];
await new Promise((r) => setImmediate(r));
console.log('HALF size=' + limit.pendingCount + ' pending=' + limit.activeCount);
await Promise.all(all);
console.log('DONE size=' + limit.pendingCount + ' pending=' + limit.activeCount);
`;

/** fastq 1.x, callback API, from CommonJS. */
const FASTQ_PROGRAM = `'use strict';
const fastq = require('fastq');
${GATES}
function work(task, cb) { gates[task.gate].then(() => cb(null, task.i)); }
const queue = fastq(work, 2);
let done = 0;
for (let i = 0; i < 6; i++) queue.push({ i, gate: i < 4 ? 0 : 1 }, () => { done++; });
console.log('FILLED length=' + queue.length() + ' running=' + queue.running());
gates[0].then(() => setImmediate(() => console.log('HALF length=' + queue.length() + ' running=' + queue.running())));
queue.drain = () => console.log('DONE length=' + queue.length() + ' running=' + queue.running() + ' done=' + done);
`;

interface Step {
  size: number;
  running: number;
}

describe('other libraries\u2019 queues under F5 (adapters)', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
    // The programs import their libraries the way a user's project does: from its node_modules.
    const link = path.join(workspaceDir(), 'adapters', 'node_modules');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(extension().extensionPath, 'node_modules'), link, 'dir');
  });

  /** The session's one queue whose lib starts with `lib`, once `ok` holds for it (model events, not time). */
  function queueWhen(session: string, lib: string, what: string, ok: (q: ModelQueue) => boolean, timeoutMs = 30_000): Promise<ModelQueue> {
    const model = api.services.model;
    const find = () => model.queuesOf(session).find((q) => q.lib?.startsWith(lib) === true && ok(q));
    const now = find();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        const seen = model.queuesOf(session).map((q) => `${q.name} lib=${String(q.lib)} size=${q.size} running=${String(q.counters.running)} hw=${q.counters.highWater}`);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; queues: ${seen.join('; ') || 'none'}`));
      }, timeoutMs);
      const sub = model.onDidChange(() => {
        const q = find();
        if (!q) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(q);
      });
    });
  }

  const cases = [
    { title: 'p-queue (ESM, .mjs)', file: 'adapters/pqueue-app.mjs', source: PQUEUE_PROGRAM, lib: 'p-queue@10.', name: 'PQueue', gets: 6, out: ['FILLED size=4 pending=2', 'HALF size=0 pending=2', 'DONE size=0 pending=0'] },
    { title: 'p-limit (ESM, .mjs)', file: 'adapters/plimit-app.mjs', source: PLIMIT_PROGRAM, lib: 'p-limit@7.', name: 'pLimit', gets: 6, out: ['FILLED size=4 pending=2', 'HALF size=0 pending=2', 'DONE size=0 pending=0'] },
    { title: 'fastq (CommonJS)', file: 'adapters/fastq-app.js', source: FASTQ_PROGRAM, lib: 'fastq@1.', name: 'fastq work', gets: 6, out: ['FILLED length=4 running=2', 'HALF length=0 running=2', 'DONE length=0 running=0 done=6'] },
  ];

  for (const c of cases) {
    it(`${c.title}: with no QueueScope import, the queue appears with its lib; depth and running follow the program`, async () => {
      const program = writeWorkspaceFile(c.file, c.source);
      const releaseDir = fs.mkdtempSync(path.join(workspaceDir(), 'adapters', 'gates-'));
      const run = await debugProgram(program, { env: { RELEASE_DIR: releaseDir } });
      const root = run.parent.id;
      const steps: Step[] = [
        { size: 4, running: 2 },
        { size: 0, running: 2 },
        { size: 0, running: 0 },
      ];
      try {
        await run.output(c.out[0]);
        const filled = await queueWhen(root, c.lib, `${c.lib} at size 4 with 2 running`, (q) => q.size === steps[0].size && q.counters.running === steps[0].running);
        assert.equal(filled.name, c.name);
        assert.equal(filled.concurrency, 2);

        fs.writeFileSync(path.join(releaseDir, 'release-1'), '');
        await run.output(c.out[1]);
        await queueWhen(root, c.lib, `${c.lib} drained to 0 with 2 still running`, (q) => q.size === steps[1].size && q.counters.running === steps[1].running);

        fs.writeFileSync(path.join(releaseDir, 'release-2'), '');
        await run.output(c.out[2]);
        const done = await queueWhen(root, c.lib, `${c.lib} idle`, (q) => q.size === steps[2].size && q.counters.running === steps[2].running);
        // Up and down, as the program's log says: 6 added, the highest depth was 4. fastq hands
        // a push straight to an idle worker (it never enters the queue), so only 4 left the queue
        // there (docs/ADAPTERS.md); p-queue and p-limit count every task as leaving their queue.
        assert.equal(done.counters.puts, 6, 'puts');
        assert.equal(done.counters.gets, c.gets, 'gets');
        assert.equal(done.counters.highWater, 4, 'high-water mark');
        const series = done.timeline.series();
        assert.equal(Math.max(...series.max), 4, 'the depth band reached 4');
        assert.equal(series.depth[series.depth.length - 1], 0, 'the depth band ends at 0');
      } finally {
        await run.stop();
      }
    });
  }
});
