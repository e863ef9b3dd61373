// `npm run bench`: the library against a naive queue with the same API (issue #13's
// baseline), with its tracer dormant and armed, on every workload, cold and warm; then the
// timers armed, the blocked calls, timeout lateness, and issue #13's targets checked against
// the same run's figures. Printed as Markdown.
//
//   node bench/run.js [--quick] [--rounds N] [--cold-rounds N] [--runs N] [--no-adapters]
//                     [--workloads W1,W6] [--systems lib,naive] [--modes warm,cold] [--default-gc] [--cold-semi N]
//                     [--no-pin] [--side-by-side]
//
// Each (system, workload, mode) sample comes from a fresh Node process (bench/worker.js).
// Each round runs the pairs that the targets compare (lib | naive, armed | lib, lib | plain,
// and the library on W6 | W6n) close together, so both sides of a ratio meet the same state
// of this shared machine: warm pairs side by side, one process per core (pinned with taskset,
// the sides swapping cores each round); cold pairs one after the other on one core (the order
// and the core alternating; --side-by-side runs them as warm ones). A warm target is the
// median of its pairs' ratios, a cold one the ratio of their mean run times (pairFigure). A warm cell is the median of its samples, a cold one
// items over their mean run time (the lib row has three samples a round). Every round also runs the plain library against
// itself (A/A): the spread of that ratio is the run's noise floor. Warm samples pin V8's
// young generation (GC_FLAGS) unless --default-gc. Peers (async-channel, @esfx, effect,
// Node streams, Python asyncio, the await ceiling) run only when named with --systems.
//
// Run after `npm run build` (the npm script does it): the "lib" rows load dist/lib.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { WORKLOADS, COLD_ITEMS, COLD_WARMUPS } = require('./workloads');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const quick = flag('--quick');
const rounds = Number(option('--rounds', quick ? '1' : '3'));
const coldRounds = Number(option('--cold-rounds', quick ? '3' : '7'));
const runs = Number(option('--runs', '2'));
const workloadNames = option('--workloads', Object.keys(WORKLOADS).join(',')).split(',');
const modes = option('--modes', 'warm,cold').split(',');

/** Rows, in print order; `peer` rows only run when named with --systems. */
const SYSTEMS = [
  { id: 'lib', label: 'queuescope (dist/lib, tracer dormant)' },
  { id: 'armed', label: 'queuescope, tracer armed + drain/100 ms' },
  { id: 'plain', label: 'queuescope plain (src/queue, no tracer)' },
  { id: 'naive', label: 'naive Array.shift queue, same API' },
  { id: 'async-channel', label: 'async-channel', peer: true },
  { id: 'esfx', label: '@esfx/async-queue', peer: true },
  { id: 'effect', label: 'effect Queue (fibers)', peer: true },
  { id: 'stream-forawait', label: 'Node stream, for await', peer: true },
  { id: 'stream-pipeline', label: 'Node stream, pipeline (callbacks)', peer: true },
  { id: 'asyncio', label: 'Python asyncio.Queue', peer: true },
  { id: 'ceiling', label: 'ceiling: 1 await per item', peer: true },
];
/**
 * V8 sizes its young generation adaptively, from the whole heap's history: measured on W2,
 * 20k unrelated objects kept alive at load made the same queue code 16% faster, and
 * constructing the (then unused) hub once made it 7% slower. A warm ratio would measure
 * that, not the code, so warm samples run with the same fixed semi-spaces (bench/README.md).
 * Cold samples keep V8's default: a fixed 16 MB young generation made their first 20k items
 * pay its first page touches (library cells 0.9M items/s instead of ~9M).
 */
const GC_FLAGS = flag('--default-gc') ? [] : ['--min-semi-space-size=16', '--max-semi-space-size=16'];
/** Cold samples on V8's default young generation unless --cold-semi N fixes it at N MB (bench/README.md, "Cold vs warm"). */
const COLD_SEMI = process.argv.includes('--cold-semi') ? Number(option('--cold-semi', '8')) : 0;
const COLD_GC_FLAGS = COLD_SEMI > 0 ? [`--min-semi-space-size=${COLD_SEMI}`, `--max-semi-space-size=${COLD_SEMI}`] : [];
const systemFilter = option('--systems', null);
const systems = systemFilter ? SYSTEMS.filter((s) => systemFilter.split(',').includes(s.id)) : SYSTEMS.filter((s) => !s.peer);

/**
 * Pin each sample's process, helper threads included, to one core (taskset). Unpinned, two
 * processes side by side on two cores share both, and one side's background compile or GC
 * lands on the other's core: the same code against itself (cold W4) read 0.32-2.54 per pair
 * unpinned and 0.54-1.31 pinned (20 rounds each, bench/README.md, "Pinned pairs").
 */
const PIN = !flag('--no-pin') && [0, 1].every((core) => spawnSync('taskset', ['-c', String(core), 'true']).status === 0);

/**
 * A cold pair's two processes run one after the other on the same core (the order and the
 * core alternating each round), so that neither shares the machine with the other: side by
 * side, the same code against itself read 0.87 on W4 in a full run, and the dormant / plain
 * cells read 0.89-0.92 where one process at a time read 1.00-1.02 (bench/README.md, "One at
 * a time"). --side-by-side runs cold pairs as warm ones run: one per core, at once.
 */
const SIDE_BY_SIDE_COLD = flag('--side-by-side');

/** Whether a pair of `mode` runs side by side (else one after the other: SIDE_BY_SIDE_COLD). */
const sideBySide = (mode) => mode === 'warm' || SIDE_BY_SIDE_COLD;

/** A pair's two samples, [a's, b's] (see PAIRS and SIDE_BY_SIDE_COLD). */
async function measurePair(a, wa, b, wb, mode, round) {
  // Sides swap cores (and, one after the other, order) each round: a core that is slower or
  // busier, or going first, favours neither.
  const side = round % 2;
  if (sideBySide(mode)) return Promise.all([measure(a, wa, mode, side), measure(b, wb, mode, 1 - side)]);
  if (side === 1) {
    const ra = await measure(a, wa, mode, side);
    return [ra, await measure(b, wb, mode, side)];
  }
  const rb = await measure(b, wb, mode, side);
  return [await measure(a, wa, mode, side), rb];
}

/** The command running `argv` on `core` (or anywhere when pinning is off or unavailable). */
function onCore(core, cmd, argv) {
  return PIN ? ['taskset', ['-c', String(core), cmd, ...argv]] : [cmd, argv];
}

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

/** Run a command; resolves to its stdout, stderr and exit status (like spawnSync, but in parallel). */
function runAsync(cmd, argv, options) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 300_000);
    child.on('error', (err) => (stderr += String(err)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status });
    });
  });
}

async function measure(systemId, wName, mode, core = 0) {
  const env = { ...process.env };
  delete env.QUEUESCOPE_TRACE;
  delete env.QUEUESCOPE_TRACE_FILE;
  if (quick) env.BENCH_QUICK = '1';
  let r;
  if (systemId === 'asyncio') {
    if (mode !== 'warm' || !['W1', 'W2', 'W3', 'W4', 'W5'].includes(wName)) return { unsupported: true };
    r = await runAsync(...onCore(core, 'python3', [path.join(__dirname, 'asyncio_bench.py'), wName, '1', quick ? 'quick' : '']), { env });
  } else {
    if (systemId === 'armed') env.QUEUESCOPE_TRACE = '1';
    r = await runAsync(...onCore(core, process.execPath, [...(mode === 'warm' ? GC_FLAGS : COLD_GC_FLAGS), path.join(__dirname, 'worker.js'), systemId, wName, String(runs), mode]), { env, cwd: root });
  }
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  try {
    return JSON.parse(line);
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout || '').slice(-400)}` };
  }
}

/**
 * The targets' pairs (numerator, denominator). Each round runs a pair's two systems close
 * together (measurePair), so both meet the same state of this shared machine. Before processes
 * were pinned, the same code run one after the other in two processes differed by up to 50%
 * (cold) between rounds; pinned, one after the other on one core is the tighter of the two
 * for cold samples (bench/README.md, "One at a time").
 */
const PAIRS = [
  ['lib', 'naive'],
  ['armed', 'lib'],
  ['lib', 'plain'],
  ['plain', 'plain'], // A/A: the same code on both sides, the run's noise floor (no target)
];

/** Fold one sample into the cell: samples accumulate, problems too. */
function merge(cell, res) {
  if (cell === undefined) cell = { rates: [], problems: [], timers: [], blocks: [] };
  if (res.error) cell.error = res.error;
  if (res.unsupported) cell.unsupported = true;
  if (res.rates) cell.rates.push(...res.rates);
  if (res.timers !== undefined && res.timers !== null) cell.timers.push(res.timers);
  if (res.blocks !== undefined) cell.blocks.push(res.blocks);
  cell.problems.push(...(res.problems || []));
  for (const k of ['info', 'items', 'extra']) if (res[k] !== undefined) cell[k] = res[k];
  cell.timeouts = (cell.timeouts ?? 0) + (res.timeouts ?? 0);
  return cell;
}

function median(xs) {
  if (!xs.length) return undefined;
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
/**
 * A 90% bootstrap interval for `stat` over `xs` (2,000 resamples, a fixed seed so a run's
 * report can be recomputed from its samples): where the figure of another run of as many
 * rounds would likely fall.
 */
function interval(xs, stat) {
  if (xs.length < 5) return undefined;
  let seed = 0x9e3779b9;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const figures = [];
  const pick = new Array(xs.length);
  for (let b = 0; b < 2000; b++) {
    for (let i = 0; i < xs.length; i++) pick[i] = xs[Math.floor(rand() * xs.length)];
    figures.push(stat(pick));
  }
  return [quantile(figures, 0.05), quantile(figures, 0.95)];
}

/**
 * A pair's figure from its rounds' [rate of a, rate of b]. Warm: the median of the rounds'
 * ratios. Cold: the ratio of the mean run times (b's over a's), which is the ratio of the
 * throughputs over all rounds. A cold run is bimodal (V8's compile of the loops lands in it,
 * or before it: 2-3 ms or 4-9 ms), so its median follows which mode is more frequent and
 * jumps between them; the mean weighs each mode by how often it happens (bench/README.md,
 * "The cold statistic").
 */
function pairFigure(mode, rounds) {
  if (!rounds.length) return undefined;
  if (mode === 'warm') return median(rounds.map(([x, y]) => x / y));
  let ta = 0;
  let tb = 0;
  for (const [x, y] of rounds) {
    ta += 1 / x;
    tb += 1 / y;
  }
  return tb / ta;
}

/** The 90% interval of a pair's figure over its rounds (pairFigure, interval). */
function figureInterval(mode, rounds) {
  return interval(rounds, (xs) => pairFigure(mode, xs));
}

/** A cell's rate: warm, the median of its samples; cold, items over the mean run time (see pairFigure). */
function central(mode, rates) {
  if (!rates.length) return undefined;
  return mode === 'warm' ? median(rates) : rates.length / rates.reduce((a, r) => a + 1 / r, 0);
}

function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
const fmtRatio = (x) => `${x.toFixed(2)}x`;

async function main() {
  const started = Date.now();
  buildPlain();
  if (!fs.existsSync(path.join(root, 'dist/lib/index.js'))) throw new Error('dist/lib is missing: run `npm run build` first');
  const results = { warm: {}, cold: {} }; // results[mode][system][workload]
  const pairRounds = { warm: {}, cold: {} }; // pairRounds[mode]["a/b"][workload]: [rate of a, rate of b] per round
  const loads = [];
  for (const mode of modes) {
    const n = mode === 'cold' ? coldRounds : rounds;
    for (const wName of workloadNames) {
      for (let round = 1; round <= n; round++) {
        const ids = systems.map((x) => x.id);
        const pairs = PAIRS.filter(([a, b]) => ids.includes(a) && ids.includes(b));
        const paired = new Set(pairs.flat());
        const keep = (id, res) => {
          (results[mode][id] ??= {})[wName] = merge(results[mode][id]?.[wName], res);
          return median(res.rates || []);
        };
        for (const [a, b] of pairs) {
          const [ra, rb] = await measurePair(a, wName, b, wName, mode, round);
          // The A/A pair only measures the noise: its samples stay out of the cells.
          const x = a === b ? median(ra.rates || []) : keep(a, ra);
          const y = a === b ? median(rb.rates || []) : keep(b, rb);
          if (x && y) ((pairRounds[mode][`${a}/${b}`] ??= {})[wName] ??= []).push([x, y]);
          process.stderr.write(`  ${mode} ${wName} round ${round} ${a} | ${b}: ${x ? fmtRate(x) : 'failed'} | ${y ? fmtRate(y) : 'failed'}\n`);
        }
        // Timeouts against none (W6 / W6n): the library on both workloads, as a pair too.
        if (wName === 'W6' && workloadNames.includes('W6n') && ids.includes('lib')) {
          const [r6, r6n] = await measurePair('lib', 'W6', 'lib', 'W6n', mode, round);
          const x = median(r6.rates || []);
          const y = median(r6n.rates || []);
          if (x && y) ((pairRounds[mode]['lib/lib'] ??= {})['W6/W6n'] ??= []).push([x, y]);
          process.stderr.write(`  ${mode} W6 | W6n round ${round} lib: ${x ? fmtRate(x) : 'failed'} | ${y ? fmtRate(y) : 'failed'}\n`);
        }
        for (const s of systems) {
          if (paired.has(s.id) || results[mode][s.id]?.[wName]?.unsupported) continue;
          process.stderr.write(`  ${mode} ${wName} round ${round} ${s.id} ...`);
          const res = await measure(s.id, wName, mode);
          const rate = keep(s.id, res);
          process.stderr.write(rate ? ` ${fmtRate(rate)}/s\n` : res.unsupported ? ' n/a\n' : ` failed ${res.error ?? ''}\n`);
        }
      }
      loads.push(os.loadavg()[0]);
    }
  }
  // Timeout lateness: one process per system, 3 x 800 timed-out gets after a warm-up.
  const lateness = {};
  for (const id of ['lib', 'naive'].filter((x) => systems.some((s) => s.id === x))) {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'worker.js'), id, 'LATE', '1'], { encoding: 'utf8', cwd: root, timeout: 300_000 });
    try {
      lateness[id] = JSON.parse((r.stdout || '').trim().split('\n').pop()).late;
    } catch {
      lateness[id] = undefined;
    }
  }

  const problems = [];
  for (const mode of modes) {
    for (const [sys, cells] of Object.entries(results[mode])) {
      for (const [w, cell] of Object.entries(cells)) {
        if (cell.error) problems.push(`${mode} ${sys} ${w}: ${cell.error}`);
        for (const p of cell.problems) problems.push(`${mode} ${sys} ${w}: ${p}`);
      }
    }
  }
  const med = (mode, sys, w) => central(mode, results[mode][sys]?.[w]?.rates ?? []);
  const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);
  /** A target ratio: its pairs' figure (pairFigure) when it has some, else the ratio of the cells' rates. */
  const roundsOf = (mode, key, w) => pairRounds[mode][key]?.[w] ?? [];
  const pairRatio = (mode, a, b, w) => pairFigure(mode, roundsOf(mode, `${a}/${b}`, w)) ?? ratio(med(mode, a, w), med(mode, b, w));
  const pairInterval = (mode, a, b, w) => figureInterval(mode, roundsOf(mode, `${a}/${b}`, w));

  const out = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const loadText = loads.length ? `load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the run` : '';
  out.push(`Node ${process.version}, ${os.cpus().length} cores (${cpu}), ${loadText}. CPU time of the benchmark process${PIN ? ', each process pinned to one core' : ', processes not pinned to cores'}. Warm pairs run side by side${PIN ? ' (on two cores, swapping each round)' : ''}, cold ones ${sideBySide('cold') ? 'too' : `one after the other${PIN ? ' on one core' : ''} (the order${PIN ? ' and the core' : ''} alternating each round)`}. ${GC_FLAGS.length ? `Warm samples with a fixed young generation (${GC_FLAGS.join(' ')})` : "Warm samples on V8's default (adaptive) young generation"}, ${COLD_GC_FLAGS.length ? `cold ones on a fixed one (${COLD_GC_FLAGS.join(' ')})` : "cold ones on V8's default"}. Warm: median of ${rounds} rounds x ${runs} runs of the full size after one warm-up run. Cold: items over the mean run time of ${coldRounds} rounds, each the first ${COLD_ITEMS / 1000}k-item run after ${COLD_WARMUPS} warm-up runs of that size, a fresh process per sample${quick ? '. QUICK sizes (1/10)' : ''}.`);
  for (const mode of modes) {
    out.push('', `### ${mode === 'warm' ? 'Warm (>= 1M items)' : `Cold (first ${COLD_ITEMS / 1000}k items)`}: items/s, and ratio to the naive queue`, '');
    out.push(`| system | ${workloadNames.map((w) => `${w} ${WORKLOADS[w].title}`).join(' | ')} |`);
    out.push(`|---|${workloadNames.map(() => '---:').join('|')}|`);
    for (const s of systems) {
      if (!results[mode][s.id]) continue;
      const cells = workloadNames.map((w) => {
        const r = results[mode][s.id][w];
        if (!r || r.unsupported) return 'n/a';
        const rate = med(mode, s.id, w);
        if (!rate) return 'failed';
        const base = med(mode, 'naive', w);
        return base ? `${fmtRate(rate)} (${fmtRatio(rate / base)})` : fmtRate(rate);
      });
      out.push(`| ${s.label} | ${cells.join(' | ')} |`);
    }
  }
  if (modes.includes('warm')) {
    out.push('', '### Expensive events per warm run: host timers armed per run, blocked calls per item', '');
    out.push(`| system | ${workloadNames.join(' | ')} |`, `|---|${workloadNames.map(() => '---:').join('|')}|`);
    for (const id of ['lib', 'armed', 'naive']) {
      if (!results.warm[id]) continue;
      const cells = workloadNames.map((w) => {
        const c = results.warm[id][w];
        if (!c || !c.timers.length) return 'n/a';
        return `${Math.max(...c.timers)} timers, ${(median(c.blocks) ?? NaN).toFixed(3)} blocks/item`;
      });
      out.push(`| ${id} | ${cells.join(' | ')} |`);
    }
  }
  const lateRows = Object.entries(lateness).filter(([, l]) => Array.isArray(l) && l.length);
  if (lateRows.length) {
    out.push('', '### Timeout lateness: 3 x 800 gets timing out after 5-40 ms (8 lengths, 8 started per ms), ms after the deadline (wall clock)', '');
    out.push('| system | min | p50 | p99 | max |', '|---|---:|---:|---:|---:|');
    for (const [id, l] of lateRows) out.push(`| ${id} | ${Math.min(...l).toFixed(2)} | ${quantile(l, 0.5).toFixed(2)} | ${quantile(l, 0.99).toFixed(2)} | ${Math.max(...l).toFixed(2)} |`);
  }
  const hubInfo = results.warm.armed ? Object.values(results.warm.armed).find((r) => r.info)?.info : undefined;
  if (hubInfo) out.push('', `Armed rows: ${hubInfo}.`);

  // Issue #13's targets, from this run only.
  const checks = [];
  /**
   * One target's row. With an interval (a ratio of pairs): a value short of its
   * goal whose interval still reaches it is "within noise", not missed; more rounds decide it.
   */
  const target = (label, value, min, max, interval) => {
    const goal = max !== undefined ? `<= ${max}` : `>= ${min}`;
    if (value === undefined || Number.isNaN(value)) return checks.push(`| ${label} | n/a | | ${goal} | - |`);
    const met = max !== undefined ? value <= max : value >= min;
    const reaches = interval !== undefined && (max !== undefined ? interval[0] <= max : interval[1] >= min);
    const verdict = met ? 'met' : reaches ? 'within noise' : 'MISSED';
    checks.push(`| ${label} | ${value.toFixed(2)} | ${interval ? `${interval[0].toFixed(2)}-${interval[1].toFixed(2)}` : ''} | ${goal} | ${verdict} |`);
  };
  for (const mode of modes) {
    for (const w of workloadNames) {
      const goal = ['W4', 'W6', 'W7'].includes(w) ? 1.25 : 1.0;
      target(`${mode} ${w}: queuescope / naive`, pairRatio(mode, 'lib', 'naive', w), goal, undefined, pairInterval(mode, 'lib', 'naive', w));
    }
  }
  for (const mode of modes) {
    if (workloadNames.includes('W6') && workloadNames.includes('W6n')) {
      const sideBySide = pairFigure(mode, roundsOf(mode, 'lib/lib', 'W6/W6n'));
      target(`${mode} W6 / W6n: timeouts vs none, consumer blocking every item`, sideBySide ?? ratio(med(mode, 'lib', 'W6'), med(mode, 'lib', 'W6n')), 0.8, undefined, figureInterval(mode, roundsOf(mode, 'lib/lib', 'W6/W6n')));
    }
  }
  for (const w of workloadNames.filter((x) => WORKLOADS[x].timeout !== undefined)) {
    const c = results.warm.lib?.[w];
    if (c?.timers.length) target(`${w}: host timers armed per warm run (queuescope)`, Math.max(...c.timers), undefined, 10);
  }
  if (lateness.lib?.length) target('timeout lateness p99, ms (queuescope)', quantile(lateness.lib, 0.99), undefined, 5);
  for (const mode of modes) {
    for (const w of workloadNames) {
      target(`${mode} ${w} tracing: armed / unarmed`, pairRatio(mode, 'armed', 'lib', w), 0.85, undefined, pairInterval(mode, 'armed', 'lib', w));
      target(`${mode} ${w} tracing: dormant / plain`, pairRatio(mode, 'lib', 'plain', w), 0.97, undefined, pairInterval(mode, 'lib', 'plain', w));
    }
  }
  out.push('', '### Targets (issue #13)', '', '90% interval: where the figure of another run of as many rounds would likely fall (bootstrap over the rounds of the pairs).', '', '| target | value | 90% interval | goal | |', '|---|---:|---:|---:|---|', ...checks);
  // The noise floor: the same code against itself, side by side, in this run.
  for (const mode of modes) {
    const aa = pairRounds[mode]['plain/plain'];
    if (!aa) continue;
    const all = Object.values(aa).flat().map(([x, y]) => x / y);
    const cells = workloadNames.filter((w) => aa[w]?.length).map((w) => {
      const iv = figureInterval(mode, aa[w]);
      return `${w} ${pairFigure(mode, aa[w]).toFixed(2)}${iv ? ` (${iv[0].toFixed(2)}-${iv[1].toFixed(2)})` : ''}`;
    });
    out.push('', `A/A control, ${mode} (plain / plain, the same code on both sides${sideBySide(mode) ? ', one per core' : ', one after the other'}; a target's value within this spread is not a measured difference): ${mode === 'warm' ? 'median of the pairs' : 'ratio of mean run times'} per workload (90% interval) ${cells.join(', ')}; single pairs ${Math.min(...all).toFixed(2)}-${Math.max(...all).toFixed(2)}.`);
  }
  if (problems.length) out.push('', 'PROBLEMS (a run did not receive exactly what was sent, or failed):', ...problems.map((p) => `- ${p}`));
  else out.push('', 'Every run received exactly what was sent (count, checksum, per-producer order).');
  out.push(`Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  console.log(out.join('\n'));
  fs.writeFileSync(path.join(root, '.tmp/bench/last-run.json'), JSON.stringify({ results, pairRounds, lateness, problems }, null, 2));
  if (problems.length) process.exitCode = 1;
  // The whole bench also reports each adapted library's armed overhead against that library
  // run bare (issue #14); a run narrowed to some workloads or systems skips it.
  if (!flag('--no-adapters') && !flag('--workloads') && !flag('--systems') && !flag('--modes')) {
    console.log('\n### Adapters: armed overhead per library (bench/adapters.js)\n');
    const r = spawnSync(process.execPath, [path.join(__dirname, 'adapters.js'), '--rounds', quick ? '1' : '3'], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
