// `node bench/adapters.js [--rounds N] [--libs fastq,streams]`: what the adapters of issue
// #14 cost. Each library's workload (bench/adapters-workload.js) runs in fresh processes
// three ways: bare (no QueueScope), preloaded with the hub dormant (`--require
// dist/lib/register.js`, as under the debugger with nothing read yet) and armed
// (QUEUESCOPE_TRACE=1, the hub recording). Rounds interleave the three, so outside load
// hits all of them; the table gives the median per-item time and the ratio to bare.
//
// Run after `npm run build` (dist/lib/register.js must exist).
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { WORKLOADS } = require('./adapters-workload');

const root = path.join(__dirname, '..');
const { option, median } = require('./cli');
const rounds = Number(option('--rounds', '3'));
const libs = option('--libs', Object.keys(WORKLOADS).join(',')).split(',');
const register = path.join(root, 'dist/lib/register.js');
const MODES = {
  bare: { args: [], env: {} },
  dormant: { args: ['--require', register], env: {} },
  armed: { args: ['--require', register], env: { QUEUESCOPE_TRACE: '1' } },
};

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUEUESCOPE_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ...extra };
}

function sample(lib, mode) {
  const m = MODES[mode];
  const r = spawnSync(process.execPath, [...m.args, path.join(__dirname, 'adapters-workload.js'), lib, '3'], { cwd: root, env: cleanEnv(m.env), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${lib} ${mode} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  return out.ms.map((ms) => (ms * 1000) / out.items); // µs per item
}


const results = {};
for (let round = 0; round < rounds; round++) {
  for (const lib of libs) {
    for (const mode of Object.keys(MODES)) {
      ((results[lib] ??= {})[mode] ??= []).push(...sample(lib, mode));
    }
  }
}

console.log(`\nAdapter overhead, µs per item (median of ${rounds} rounds x 3 runs; ${process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'CPU'} time), node ${process.version}\n`);
console.log('| library | items | bare | preloaded, dormant | armed | dormant / bare | armed / bare |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const lib of libs) {
  const r = results[lib];
  const [b, d, a] = ['bare', 'dormant', 'armed'].map((m) => median(r[m]));
  console.log(`| ${lib} | ${WORKLOADS[lib].items} | ${b.toFixed(3)} | ${d.toFixed(3)} | ${a.toFixed(3)} | ${(d / b).toFixed(2)} | ${(a / b).toFixed(2)} |`);
}
