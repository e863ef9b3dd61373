// `npm run bench`: every system on every workload, each (system, workload) in its own
// Node process (Python's asyncio in its own interpreter), median of several runs,
// printed as Markdown tables with ratios against this library, then the targets of
// issues #2 and #4 checked against the same run's figures.
//
//   node bench/run.js [--quick] [--rounds N] [--runs N] [--workloads W1,W3] [--systems lib,naive]
//
// This machine is shared and noisy, so each cell's samples come from several rounds:
// every round starts a fresh process per system (warm-up, then --runs measured runs),
// and the rounds interleave the systems, so a burst of outside load hits all of them.
//
// Run after `npm run build` (the npm script does it): the "lib" rows load dist/lib.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { WORKLOADS } = require('./workloads');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const quick = flag('--quick');
const rounds = Number(option('--rounds', quick ? '1' : '3'));
const runs = Number(option('--runs', quick ? '3' : '2'));
const workloadNames = option('--workloads', Object.keys(WORKLOADS).join(',')).split(',');

/** Rows of the main table, in print order. */
const SYSTEMS = [
  { id: 'lib', label: 'queuescope (dist/lib, hub dormant)' },
  { id: 'plain', label: 'queuescope plain (src/queue, no tracer)' },
  { id: 'naive', label: 'naive array+shift queue' },
  { id: 'async-channel', label: 'async-channel' },
  { id: 'esfx', label: '@esfx/async-queue (unbounded only)' },
  { id: 'effect', label: 'effect Queue (fibers)' },
  { id: 'stream-forawait', label: 'Node stream, for await' },
  { id: 'stream-pipeline', label: 'Node stream, pipeline→Writable (callbacks)' },
  { id: 'asyncio', label: 'Python asyncio.Queue' },
  { id: 'ceiling', label: 'ceiling: 1 await per item' },
  { id: 'armed', label: 'queuescope, hub armed + drain/100 ms' },
];
const systemFilter = option('--systems', null);
const systems = systemFilter ? SYSTEMS.filter((s) => systemFilter.split(',').includes(s.id)) : SYSTEMS;

/** The plain-library baseline: src/queue bundled alone, without the tracer. */
function buildPlain() {
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src/queue/index.ts')],
    outfile: path.join(root, '.tmp/bench/plain.js'), // .tmp: ignored by git and eslint
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'warning',
  });
}

function hasPython() {
  const r = spawnSync('python3', ['-c', 'import asyncio, sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)']);
  return r.status === 0;
}

function measure(systemId, wName) {
  const env = { ...process.env };
  delete env.QUEUESCOPE_TRACE;
  delete env.QUEUESCOPE_TRACE_FILE;
  if (quick) env.BENCH_QUICK = '1';
  let r;
  if (systemId === 'asyncio') {
    // CPython has no JIT to warm up; one run per round is enough.
    r = spawnSync('python3', [path.join(__dirname, 'asyncio_bench.py'), wName, '1', quick ? 'quick' : ''], { env, encoding: 'utf8', timeout: 300_000 });
  } else {
    if (systemId === 'armed') env.QUEUESCOPE_TRACE = '1';
    r = spawnSync(process.execPath, [path.join(__dirname, 'worker.js'), systemId, wName, String(runs)], { env, encoding: 'utf8', cwd: root, timeout: 300_000 });
  }
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    result = { error: `exit ${r.status}: ${(r.stderr || r.stdout || '').slice(-400)}` };
  }
  return result;
}

/** Fold one round's result into the cell: samples accumulate, problems too. */
function merge(cell, res) {
  if (cell === undefined) cell = { rates: [], problems: [] };
  if (res.error) cell.error = res.error;
  if (res.unsupported) cell.unsupported = true;
  if (res.rates) cell.rates.push(...res.rates);
  cell.problems.push(...(res.problems || []));
  for (const k of ['timers', 'info', 'items', 'extra']) if (res[k] !== undefined) cell[k] = res[k];
  cell.timeouts = (cell.timeouts ?? 0) + (res.timeouts ?? 0);
  if (cell.rates.length) {
    const sorted = cell.rates.slice().sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    cell.median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  return cell;
}

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
const fmtRatio = (x) => `${x.toFixed(2)}x`;

function main() {
  const started = Date.now();
  buildPlain();
  if (!fs.existsSync(path.join(root, 'dist/lib/index.js'))) throw new Error('dist/lib is missing: run `npm run build` first');
  const python = hasPython();
  const results = {}; // results[system][workload]
  const problems = [];
  for (const wName of workloadNames) {
    for (let round = 1; round <= rounds; round++) {
      for (const s of systems) {
        if (s.id === 'asyncio' && !python) continue;
        if (results[s.id]?.[wName]?.unsupported) continue;
        process.stderr.write(`  ${wName} round ${round} ${s.id} ...`);
        const res = measure(s.id, wName);
        const cell = merge(results[s.id]?.[wName], res);
        (results[s.id] ??= {})[wName] = cell;
        const rate = res.rates ? res.rates.slice().sort((a, b) => a - b)[res.rates.length >> 1] : undefined;
        process.stderr.write(rate ? ` ${fmtRate(rate)}/s\n` : res.unsupported ? ' n/a\n' : ' failed\n');
      }
    }
  }
  for (const [sys, cells] of Object.entries(results)) {
    for (const [w, cell] of Object.entries(cells)) {
      if (cell.error) problems.push(`${sys} ${w}: ${cell.error}`);
      for (const p of cell.problems) problems.push(`${sys} ${w}: ${p}`);
    }
  }
  const median = (sys, w) => results[sys]?.[w]?.median;

  const out = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg()[0].toFixed(1);
  out.push(`Node ${process.version}, ${os.cpus().length} cores (${cpu}), load average ${load} at the end. Each cell: median of ${rounds} rounds x ${runs} runs (Python: ${rounds} x 1), a fresh process per system per round${quick ? ', QUICK sizes (1/10)' : ''}.`);
  out.push('');
  out.push('Items per second (median) and ratio to queuescope (dist/lib) on the same workload. n/a: the system cannot express it.');
  out.push('');
  out.push(`| system | ${workloadNames.map((w) => `${w} ${WORKLOADS[w].title}`).join(' | ')} |`);
  out.push(`|---|${workloadNames.map(() => '---:').join('|')}|`);
  for (const s of systems) {
    if (!results[s.id]) continue;
    const cells = workloadNames.map((w) => {
      const r = results[s.id][w];
      if (!r || r.unsupported) return 'n/a';
      if (!r.median) return 'failed';
      const base = median('lib', w);
      const size = r.items !== undefined && r.items !== WORKLOADS[w].items * (quick ? 0.1 : 1) ? ` [${r.items / 1000}k items]` : '';
      return (base ? `${fmtRate(r.median)} (${fmtRatio(r.median / base)})` : fmtRate(r.median)) + size;
    });
    out.push(`| ${s.label} | ${cells.join(' | ')} |`);
    if (s.id === 'ceiling') {
      const half = workloadNames.map((w) => {
        const c = median('ceiling', w);
        const base = median('lib', w);
        return c ? `${fmtRate(c / 2)}${base ? ` (${fmtRatio(c / 2 / base)})` : ''}` : 'n/a';
      });
      out.push(`| ceiling for put+get (half) | ${half.join(' | ')} |`);
    }
  }
  const w5timers = results.lib?.W5?.timers;
  if (w5timers !== undefined) out.push('', `Timers created per W5 run by queuescope: ${w5timers} (a get with a timeout that does not block must create none).`);
  const timedOut = Object.entries(results)
    .map(([sys, cells]) => [sys, cells.W5?.timeouts ?? 0])
    .filter(([, n]) => n > 0);
  if (timedOut.length) out.push(`W5 gets that timed out (50 ms) and were retried: ${timedOut.map(([sys, n]) => `${sys} ${n}`).join(', ')}.`);
  const hubInfo = results.lib && Object.values(results.lib)[0]?.info;
  if (hubInfo) out.push(`Tracing hub in dist/lib: ${hubInfo}; armed run: ${results.armed ? Object.values(results.armed).find((r) => r.info)?.info : 'not run'}.`);

  // Targets (issue #2 for the library, issue #4 for tracing), from this run only.
  const checks = [];
  const target = (label, value, min) => {
    if (value === undefined || Number.isNaN(value)) checks.push(`| ${label} | n/a | >= ${min} | - |`);
    else checks.push(`| ${label} | ${value.toFixed(2)} | >= ${min} | ${value >= min ? 'met' : 'MISSED'} |`);
  };
  const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);
  for (const w of ['W1', 'W2', 'W3', 'W4'].filter((x) => workloadNames.includes(x))) {
    target(`${w}: queuescope / async-channel`, ratio(median('lib', w), median('async-channel', w)), 1.25);
    target(`${w}: queuescope / naive`, ratio(median('lib', w), median('naive', w)), 1.25);
  }
  for (const w of ['W1', 'W2', 'W3'].filter((x) => workloadNames.includes(x))) {
    target(`${w}: queuescope / put+get ceiling`, ratio(median('lib', w), median('ceiling', w) / 2), 0.6);
  }
  if (workloadNames.includes('W4')) target('W4: queuescope / asyncio', ratio(median('lib', 'W4'), median('asyncio', 'W4')), 20);
  if (workloadNames.includes('W5')) {
    target('W5: queuescope W5 / queuescope W1', ratio(median('lib', 'W5'), median('lib', 'W1')), 0.8);
    target('W5: queuescope / asyncio', ratio(median('lib', 'W5'), median('asyncio', 'W5')), 15);
  }
  for (const w of ['W1', 'W3', 'W4'].filter((x) => workloadNames.includes(x))) {
    target(`${w} tracing: dormant hub / plain`, ratio(median('lib', w), median('plain', w)), 0.97);
    target(`${w} tracing: armed hub / plain`, ratio(median('armed', w), median('plain', w)), w === 'W4' ? 0.6 : 0.85);
  }
  out.push('', '| target | value | goal | |', '|---|---:|---:|---|', ...checks);
  if (problems.length) out.push('', 'PROBLEMS (a run did not receive exactly what was sent, or failed):', ...problems.map((p) => `- ${p}`));
  else out.push('', 'Every run received exactly what was sent (count, checksum, per-producer order).');
  out.push(`Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  console.log(out.join('\n'));
  fs.writeFileSync(path.join(root, '.tmp/bench/last-run.json'), JSON.stringify({ results, problems }, null, 2));
  if (problems.length) process.exitCode = 1;
}

main();
