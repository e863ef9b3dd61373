'use strict';
// The program's own slowdown under F5 (issue #17), without a debugger in the loop:
// bench/live/program.js plain (hub dormant) against the same program armed
// (QUEUESCOPE_TRACE=1) and drained every 100 ms in process (bench/live/drainer.js, the
// extension's columnar drain). `npm run bench:live` measures the same through CDP, where
// the inspector's own costs add to it; this isolates what the tracer costs.
//
//   node bench/live/slowdown.js [--queues 1000] [--rates 40000,0] [--seconds 5] [--rounds 3] [--lib dist/lib/index.js] [--fixed-interval]
//
// Drains are paced by the poller's own AdaptiveInterval (src/host/polling/adaptiveInterval.ts,
// bundled here to .tmp/bench/), from the setting's default of 100 ms; --fixed-interval drains
// every 100 ms whatever they cost.
//
// --lib: another build of the library (e.g. an older commit's dist/lib, to compare).
// Rate 0 is flat out. Figures are steady state (from the program's first second on, after
// the queues are created) and CPU time of the program's process: at a fixed rate, CPU ms per
// second plain -> armed (the slowdown is the ratio); flat out, operations per CPU second
// plain -> armed (the machine is shared, so wall-clock throughput says little). Rounds
// run plain and armed side by side; a cell is the median. Run after `npm run build`.

const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const QUEUES = opt('--queues', '1000').split(',').map(Number);
const RATES = opt('--rates', '40000,0').split(',').map(Number);
const SECONDS = Number(opt('--seconds', '5'));
const ROUNDS = Number(opt('--rounds', '3'));
const ROOT = path.join(__dirname, '../..');
const LIB = path.resolve(opt('--lib', path.join(ROOT, 'dist/lib/index.js')));
const FIXED = args.includes('--fixed-interval');
const INTERVAL_JS = path.join(ROOT, '.tmp/bench/adaptiveInterval.js'); // .tmp: ignored by git and eslint
if (!FIXED) {
  require('esbuild').buildSync({ entryPoints: [path.join(ROOT, 'src/host/polling/adaptiveInterval.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: INTERVAL_JS, logLevel: 'error' });
}

/** One run of program.js, plain or armed; resolves to its steady-state figures. */
function run(n, rate, armed) {
  const env = { ...process.env, QUEUESCOPE_LIB: LIB, N: String(n), RATE: String(rate), SECONDS: String(SECONDS), QUEUESCOPE_TRACE: armed ? '1' : '', QUEUESCOPE_INTERVAL_JS: FIXED ? '' : INTERVAL_JS };
  const argv = armed ? ['-r', path.join(__dirname, 'drainer.js'), path.join(__dirname, 'program.js')] : [path.join(__dirname, 'program.js')];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), (SECONDS + 60) * 1000);
    child.on('close', () => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('{"ops"'));
      if (!line) return reject(new Error(`program printed no result: ${stderr.slice(-1000)}`));
      const p = JSON.parse(line);
      const d = armed ? JSON.parse(stderr.trim().split('\n').pop()) : undefined;
      resolve({ opsPerS: p.steadyOps / p.steadySeconds, cpuPerS: p.steadyCpuMs / p.steadySeconds, drain: d });
    });
  });
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
const loads = [];

async function measure() {
  for (const n of QUEUES) {
    for (const rate of RATES) {
      const plain = [];
      const armed = [];
      for (let k = 0; k < ROUNDS; k++) {
        // Plain and armed run side by side (one core each), so both meet the same outside
        // load: run one after the other, the same pair differed by up to 40% between rounds.
        const [p, a] = await Promise.all([run(n, rate, false), run(n, rate, true)]);
        plain.push(p);
        armed.push(a);
        loads.push(os.loadavg()[0]);
      }
      const perCpu = (x) => x.opsPerS / x.cpuPerS; // ops per CPU ms
      rows.push({
        n,
        rate,
        plainOps: median(plain.map((x) => x.opsPerS)),
        armedOps: median(armed.map((x) => x.opsPerS)),
        plainCpu: median(plain.map((x) => x.cpuPerS)),
        armedCpu: median(armed.map((x) => x.cpuPerS)),
        plainPerCpu: median(plain.map(perCpu)),
        armedPerCpu: median(armed.map(perCpu)),
        bytes: median(armed.map((x) => x.drain.bytesPerPoll)),
        drainMs: median(armed.map((x) => x.drain.msPerPoll)),
        intervalMs: median(armed.map((x) => x.drain.meanIntervalMs)),
        // The slowdown of each side-by-side pair, then their median.
        slow: median(plain.map((x, i) => perCpu(x) / perCpu(armed[i]) - 1)),
      });
      process.stderr.write(`  ${n} queues, ${rate || 'flat out'}: done\n`);
    }
  }
}

function report() {
  const k = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
  console.log(`${path.relative(ROOT, LIB)}: Node ${process.version}, ${os.cpus().length} cores, load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; ${SECONDS} s runs, plain and armed side by side, median of ${ROUNDS}; steady state, CPU time of the program; drains ${FIXED ? 'every 100 ms' : "paced by the poller's adaptive interval (base 100 ms)"}.`);
  console.log('');
  console.log('| queues | rate (ops/s) | ops/s plain -> armed | CPU ms/s plain -> armed | ops per CPU s plain -> armed | slowdown (CPU per op, median of pairs) | drain bytes/poll | drain ms/poll | mean ms between drains |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const pct = `${r.slow >= 0 ? '+' : ''}${(r.slow * 100).toFixed(0)}%`;
    console.log(`| ${r.n} | ${r.rate || 'flat out'} | ${k(r.plainOps)} -> ${k(r.armedOps)} | ${r.plainCpu.toFixed(0)} -> ${r.armedCpu.toFixed(0)} | ${k(r.plainPerCpu * 1000)} -> ${k(r.armedPerCpu * 1000)} | ${pct} | ${Math.round(r.bytes)} | ${r.drainMs.toFixed(2)} | ${Math.round(r.intervalMs)} |`);
  }
}

measure().then(report, (err) => {
  console.error(err);
  process.exit(1);
});
