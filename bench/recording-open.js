// Benchmark: opening a large .qscope recording (issue #8: "a 200 MB recording opens
// without freezing VS Code and with bounded memory"). Not a test: it prints figures.
//
//   node bench/recording-open.js [--mb 200] [--runs 3] [--keep]
//
// Generates a ~200 MB recording (4 sources x 40 queues, samples every 10 ms, waits),
// plain and gzip, then opens each in a fresh Node process (so peak RSS is the open's own)
// in two modes: the streaming reader alone, and reader + feeding the live model (what the
// custom editor does). Reports wall time, MB/s, lines/s, peak RSS and the longest
// event-loop stall (what the extension host would feel). The reader and model are bundled
// from src/ with esbuild into .tmp/bench-recording/.

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const work = path.join(root, '.tmp', 'bench-recording');
const args = process.argv.slice(2);
const { option } = require('./cli');

// ---------------------------------------------------------------------------
// Child: open a recording and report.
// ---------------------------------------------------------------------------

async function child(file, mode) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const lib = require(path.join(work, 'lib.js'));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const model = new lib.QueueModel();
  const feed = new lib.ModelFeed(model, 'bench', path.basename(file));
  const waits = new lib.WaitIndex();
  let lines = 0;
  // Peak RSS sampled here: getrusage's maxrss survives exec on Linux, so in a spawned child
  // it would include the parent's memory at fork time.
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
  const sampler = setInterval(sampleRss, 20);
  const start = process.hrtime.bigint();
  const result = await lib.readRecording(file, {
    onLines: (batch) => {
      lines += batch.length;
      sampleRss();
      if (mode !== 'feed') return undefined;
      // As the custom editor does: the wait index for the time cursor, the model in time slices.
      waits.push(batch);
      return feed.pushSliced(batch);
    },
  });
  if (mode === 'feed') feed.finish();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  sampleRss();
  clearInterval(sampler);
  delay.disable();
  const memory = model.memoryStats();
  process.stdout.write(
    JSON.stringify({
      ms,
      lines,
      accepted: result.lines,
      warnings: result.warnings.length,
      maxRssMb: peakRss / 1024 / 1024,
      maxStallMs: delay.max / 1e6,
      queues: memory.queues,
      waits: waits.size,
      modelMb: memory.bytes / 1024 / 1024,
    }),
  );
}

// ---------------------------------------------------------------------------
// Parent: build, generate, run, print.
// ---------------------------------------------------------------------------

function bundle() {
  const entry = path.join(work, 'entry.ts');
  fs.writeFileSync(
    entry,
    [
      `export { readRecording } from ${JSON.stringify(path.join(root, 'src/recording/reader'))};`,
      `export { ModelFeed } from ${JSON.stringify(path.join(root, 'src/recording/modelFeed'))};`,
      `export { WaitIndex } from ${JSON.stringify(path.join(root, 'src/recording/waitIndex'))};`,
      `export { QueueModel } from ${JSON.stringify(path.join(root, 'src/model'))};`,
    ].join('\n'),
  );
  require('esbuild').buildSync({ entryPoints: [entry], outfile: path.join(work, 'lib.js'), bundle: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'warning' });
}

/** Writes a synthetic recording of about `mb` megabytes; returns its line count. */
function generate(file, mb) {
  const SOURCES = 4;
  const QUEUES = 40;
  const target = mb * 1024 * 1024;
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let lines = 0;
  let chunk = '';
  const put = (obj) => {
    chunk += JSON.stringify(obj) + '\n';
    lines++;
    if (chunk.length > 1 << 20) {
      bytes += fs.writeSync(fd, chunk);
      chunk = '';
    }
  };
  const origin = Date.now();
  put({ type: 'qscope', v: 1, created: origin, writer: 'hub', label: 'bench' });
  const depth = [];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let s = 0; s < SOURCES; s++) {
    const src = `9000:${s}`;
    put({ type: 'source', src, info: { v: 1, pid: 9000, threadId: s, isMainThread: s === 0, title: 'bench', argv: [], origin: origin + s, now: 0, sampleInterval: 10 }, snapshot: { v: 1, t: 0, queues: [] } });
    depth[s] = [];
    for (let q = 1; q <= QUEUES; q++) {
      depth[s][q] = 0;
      put({ src, type: 'queue', t: q / 10, q, name: `stage-${q}`, kind: 'fifo', maxsize: 50, size: 0, site: { file: '/srv/app/pipeline.js', line: 100 + q, column: 17, fn: 'buildPipeline' } });
    }
  }
  let w = 0;
  for (let tick = 1; bytes + chunk.length < target; tick++) {
    const t = tick * 10 + rand();
    for (let s = 0; s < SOURCES; s++) {
      const src = `9000:${s}`;
      const rows = [];
      for (let q = 1; q <= QUEUES; q++) {
        if (rand() < 0.5) continue;
        const puts = Math.floor(rand() * 20);
        const gets = Math.min(depth[s][q] + puts, Math.floor(rand() * 20));
        const min = Math.max(0, depth[s][q] - gets);
        depth[s][q] += puts - gets;
        rows.push([q, depth[s][q], min, Math.max(depth[s][q], min + puts), puts, gets]);
      }
      put({ src, type: 'samples', t, rows });
      if (rand() < 0.6) {
        const q = 1 + Math.floor(rand() * QUEUES);
        const id = ++w;
        const role = rand() < 0.5 ? 'put' : 'get';
        put({ src, type: 'wait', t: t - 4, q, w: id, role, site: { file: '/srv/app/pipeline.js', line: 220, column: 11, fn: role === 'put' ? 'produce' : 'consume' } });
        put({ src, type: 'waitEnd', t, q, w: id, outcome: 'served', ms: 4 });
      }
      if (tick % 100 === 0) {
        for (let q = 1; q <= QUEUES; q++) {
          put({ src, type: 'counters', t, q, c: { puts: tick * 10, gets: tick * 10, blockedPuts: tick, waitedGets: tick, timeouts: 0, aborts: 0, highWater: 50, dropped: 0 }, unfinished: depth[s][q] });
        }
      }
    }
  }
  for (let s = 0; s < SOURCES; s++) put({ type: 'end', src: `9000:${s}`, t: 1e9, reason: 'exit' });
  bytes += fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return { bytes, lines };
}

function gzipFile(from, to) {
  execFileSync(process.execPath, ['-e', `require('node:stream').pipeline(require('node:fs').createReadStream(process.argv[1]), require('node:zlib').createGzip(), require('node:fs').createWriteStream(process.argv[2]), (e) => { if (e) throw e; })`, from, to]);
}

function run(file, mode) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'recording-open.js'), '--child', file, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function main() {
  const mb = Number(option('--mb', '200'));
  const runs = Math.max(1, Number(option('--runs', '3')));
  fs.mkdirSync(work, { recursive: true });
  bundle();
  const plain = path.join(work, `bench-${mb}mb.qscope`);
  const gz = path.join(work, `bench-${mb}mb.gz.qscope`);
  let t = Date.now();
  const made = generate(plain, mb);
  console.log(`generated ${(made.bytes / 1048576).toFixed(0)} MB, ${made.lines} lines in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  gzipFile(plain, gz);
  const gzBytes = fs.statSync(gz).size;
  console.log(`gzip copy: ${(gzBytes / 1048576).toFixed(1)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);

  console.log(`${runs} run(s) each, ${require('node:os').cpus().length} CPUs, load average ${require('node:os').loadavg()[0].toFixed(1)}\n`);
  console.log('| file | mode | open time (median) | MB/s (file) | lines/s | peak RSS (max) | longest event-loop stall (max) | model timelines; wait index |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, file, size] of [['plain', plain, made.bytes], ['gzip', gz, gzBytes]]) {
    for (const mode of ['read', 'feed']) {
      // Median time of the runs; the worst peak RSS and stall of the runs.
      const all = Array.from({ length: runs }, () => run(file, mode)).sort((a, b) => a.ms - b.ms);
      const r = { ...all[Math.floor(all.length / 2)], maxRssMb: Math.max(...all.map((x) => x.maxRssMb)), maxStallMs: Math.max(...all.map((x) => x.maxStallMs)) };
      const row = [
        `${label} ${(size / 1048576).toFixed(0)} MB`,
        mode === 'read' ? 'reader only' : 'reader + model',
        `${(r.ms / 1000).toFixed(2)} s`,
        (size / 1048576 / (r.ms / 1000)).toFixed(0),
        `${Math.round(r.lines / (r.ms / 1000)).toLocaleString('en-US')}`,
        `${r.maxRssMb.toFixed(0)} MB`,
        `${r.maxStallMs.toFixed(0)} ms`,
        mode === 'feed' ? `${r.queues} queues, ${r.modelMb.toFixed(1)} MB; ${r.waits.toLocaleString('en-US')} waits indexed` : '-',
      ];
      console.log(`| ${row.join(' | ')} |`);
      if (r.lines !== made.lines || r.warnings) console.log(`  (read ${r.lines} of ${made.lines} lines, ${r.warnings} warnings)`);
    }
  }
  if (!args.includes('--keep')) {
    fs.rmSync(plain, { force: true });
    fs.rmSync(gz, { force: true });
  }
}

if (args[0] === '--child') {
  child(args[1], args[2]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
