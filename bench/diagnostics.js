// Benchmark: cost of the diagnostics engine per poll (issue #15: "at most a few ms per poll
// for 100 queues and 1,000 waiters"). Not a test: it prints figures.
//
//   npm run bench:diagnostics            (node bench/diagnostics.js [--polls 600] [--queues 100] [--waiters 1000])
//
// A model with 100 queues (half bounded and full with blocked producers, half empty with
// waiting consumers) and 1,000 current waiters from 50 functions, fed one drain batch per
// poll (a depth sample for every queue, counters for a tenth of them, 20 waits ending and
// 20 starting), then engine.tick() after each batch, as the extension's poller would do.
// Reports the engine's time per poll (tick + its model listener), cold (first 20 polls)
// and warm, median / p99 / max, and the model's own apply time beside it. The engine and
// model are bundled from src/ with esbuild into .tmp/bench-diagnostics/.

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');
const work = path.join(root, '.tmp', 'bench-diagnostics');
const { option } = require('./cli');
const POLLS = option('--polls', 600);
const QUEUES = option('--queues', 100);
const WAITERS = option('--waiters', 1000);
const CHURN = 20;
const POLL_MS = 100;

function build() {
  fs.mkdirSync(work, { recursive: true });
  const entry = path.join(work, 'entry.ts');
  fs.writeFileSync(entry, "export { QueueModel } from '../../src/model';\nexport { DiagnosticsEngine } from '../../src/diagnostics/engine';\n");
  require('esbuild').buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(work, 'lib.js'), logLevel: 'warning' });
  return require(path.join(work, 'lib.js'));
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

const fmt = (ms) => `${ms.toFixed(3)} ms`;

function main() {
  const { QueueModel, DiagnosticsEngine } = build();
  const ORIGIN = 1_700_000_000_000;
  let clock = ORIGIN;
  const model = new QueueModel({ now: () => clock });
  model.openSession('bench', 'bench', 'debug', ORIGIN);
  const info = { v: 1, pid: 1, threadId: 0, isMainThread: true, title: 'bench', argv: [], origin: ORIGIN, now: 0, sampleInterval: 10, snapshot: { v: 1, t: 0, queues: [] }, nextSeq: 0 };
  const src = model.attach('bench', info);

  const site = (fn) => ({ file: '/app/app.js', line: 10 + fn, column: 3, fn: `stage${fn}` });
  const counters = [];
  const events = [];
  for (let q = 0; q < QUEUES; q++) {
    const bounded = q % 2 === 0;
    events.push({ type: 'queue', t: 0, q, name: `q${q}`, kind: 'fifo', maxsize: bounded ? 10 : 0, size: bounded ? 10 : 0 });
    counters.push({ puts: bounded ? 10 : 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 10, dropped: 0 });
  }
  // Waiters: round-robin over queues; bounded queues get blocked puts, unbounded ones waiting gets.
  let nextW = 1;
  const live = [];
  const startWait = (t, i) => {
    const q = i % QUEUES;
    const w = nextW++;
    events.push({ type: 'wait', t, q, w, role: q % 2 === 0 ? 'put' : 'get', site: site(i % 50) });
    live.push({ q, w, t });
  };
  for (let i = 0; i < WAITERS; i++) startWait(0, i);
  model.applyEvents('bench', src, events);

  const engine = new DiagnosticsEngine(model);
  const tick = [];
  const tickCpu = [];
  const apply = [];
  for (let poll = 1; poll <= POLLS; poll++) {
    const t = poll * POLL_MS;
    clock = ORIGIN + t;
    const batch = [];
    batch.push({ type: 'samples', t, rows: Array.from({ length: QUEUES }, (_, q) => [q, q % 2 === 0 ? 10 : 0, 0, 10, 1, 1]) });
    for (let k = 0; k < QUEUES / 10; k++) {
      const q = (poll * 7 + k) % QUEUES;
      counters[q].puts++;
      counters[q].gets++;
      batch.push({ type: 'counters', t, q, c: { ...counters[q] }, unfinished: 0 });
    }
    for (let k = 0; k < CHURN; k++) {
      const old = live.shift();
      batch.push({ type: 'waitEnd', t, q: old.q, w: old.w, outcome: 'served', ms: t - old.t });
    }
    for (let k = 0; k < CHURN; k++) startWait(t, poll * CHURN + k);
    batch.push(...events);
    events.length = 0;
    const a0 = performance.now();
    model.applyEvents('bench', src, batch);
    const a1 = performance.now();
    const c1 = process.cpuUsage();
    engine.tick(ORIGIN + t);
    const c2 = process.cpuUsage(c1);
    const a2 = performance.now();
    apply.push(a1 - a0);
    tick.push(a2 - a1);
    tickCpu.push((c2.user + c2.system) / 1000);
  }
  const cold = stats(tick.slice(0, 20));
  const warm = stats(tick.slice(20));
  const modelApply = stats(apply.slice(20));
  const findings = engine.findings();
  console.log(`diagnostics engine: ${QUEUES} queues, ${WAITERS} waiters (50 functions), ${POLLS} polls of ${POLL_MS} ms, ${CHURN} waits ending + ${CHURN} starting per poll`);
  console.log(`  engine tick, cold (first 20 polls): median ${fmt(cold.median)}, p99 ${fmt(cold.p99)}, max ${fmt(cold.max)}`);
  console.log(`  engine tick, warm:                 median ${fmt(warm.median)}, p99 ${fmt(warm.p99)}, max ${fmt(warm.max)}`);
  const cpu = stats(tickCpu.slice(20));
  console.log(`  engine tick, warm, CPU time:       median ${fmt(cpu.median)}, p99 ${fmt(cpu.p99)}, max ${fmt(cpu.max)}  (wall-clock spikes above are other processes on a shared machine)`);
  console.log(`  machine load average: ${require('node:os').loadavg()[0].toFixed(1)} on ${require('node:os').cpus().length} cores`);
  console.log(`  model apply of the same batch (incl. the engine's change listener), warm: median ${fmt(modelApply.median)}, p99 ${fmt(modelApply.p99)}`);
  console.log(`  findings at the end: ${findings.length} (${[...new Set(findings.map((f) => f.rule))].join(', ') || 'none'})`);
}

main();
