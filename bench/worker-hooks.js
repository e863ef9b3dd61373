// `node bench/worker-hooks.js [--rounds N] [--workers N]`: what registering the ESM adapter
// hooks in each worker thread costs (issue #14: Node 20's module.register() hooks do not
// reach workers, so an armed preload registers them in every worker, which starts one more
// hooks thread per worker). Each round runs a program that starts and stops N workers, in
// fresh processes: bare, preloaded dormant (no hooks in workers), armed with
// QUEUESCOPE_WORKER_HOOKS=0 (the hub in each worker, no hooks) and armed (hooks in each
// worker). Prints the median ms per worker start+stop and the ratio to bare.
//
// Run after `npm run build` (dist/lib/register.js must exist).
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { option, median } = require('./cli');
const rounds = option('--rounds', 5);
const workers = option('--workers', 8);
const register = path.join(root, 'dist/lib/register.js');
const MODES = {
  bare: { args: [], env: {} },
  dormant: { args: ['--require', register], env: {} },
  'armed, no worker hooks': { args: ['--require', register], env: { QUEUESCOPE_TRACE: '1', QUEUESCOPE_WORKER_HOOKS: '0' } },
  armed: { args: ['--require', register], env: { QUEUESCOPE_TRACE: '1' } },
};

const PROGRAM = `
const { Worker } = require('node:worker_threads');
(async () => {
  const t0 = performance.now();
  for (let i = 0; i < ${workers}; i++) {
    await new Promise((resolve) => {
      const w = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true });
      w.once('message', () => w.terminate().then(resolve));
    });
  }
  console.log((performance.now() - t0) / ${workers});
})();
`;

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUEUESCOPE_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ...extra };
}

const times = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
for (let r = 0; r < rounds; r++) {
  for (const [mode, m] of Object.entries(MODES)) {
    const out = spawnSync(process.execPath, [...m.args, '-e', PROGRAM], { cwd: root, env: cleanEnv(m.env), encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${mode}: ${out.stderr}`);
    times[mode].push(Number(out.stdout.trim()));
  }
}
const bare = median(times.bare);
console.log(`ms per worker start+stop (median of ${rounds} rounds, ${workers} workers each, one at a time)`);
for (const mode of Object.keys(MODES)) console.log(`${mode.padEnd(24)} ${median(times[mode]).toFixed(1).padStart(7)}  x${(median(times[mode]) / bare).toFixed(2)}`);
