// One adapter workload in this process: `node [--require dist/lib/register.js] bench/adapters-workload.js <lib> <runs>`.
// Prints one JSON line: { lib, items, ms: [per run] } (CPU time by default, BENCH_CLOCK=wall for wall time).
// Each workload keeps the library busy with trivial tasks, so the figure is the library's own
// per-item cost plus whatever an adapter adds to it.
'use strict';
/* global setImmediate, performance, Buffer */

const { Readable, Transform, Writable, pipeline } = require('node:stream');
const path = require('node:path');

const clock = process.env.BENCH_CLOCK === 'wall' ? () => performance.now() : () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000;

const WORKLOADS = {
  fastq: {
    items: 200000,
    run(n) {
      const fastq = require('fastq');
      return new Promise((resolve) => {
        const q = fastq((x, cb) => setImmediate(cb, null, x), 16);
        q.drain = resolve;
        for (let i = 0; i < n; i++) q.push(i);
      });
    },
  },
  'p-queue': {
    items: 100000,
    async run(n) {
      const { default: PQueue } = await import('p-queue');
      const q = new PQueue({ concurrency: 16 });
      for (let i = 0; i < n; i++) q.add(async () => i);
      await q.onIdle();
    },
  },
  'p-queue@6': {
    // p-queue 6 slows down with a long queue (its add is O(queue) here), so fewer items.
    items: 20000,
    async run(n) {
      const PQueue = require('p-queue6').default;
      const q = new PQueue({ concurrency: 16 });
      for (let i = 0; i < n; i++) q.add(async () => i);
      await q.onIdle();
    },
  },
  'p-limit': {
    items: 100000,
    async run(n) {
      const { default: pLimit } = await import('p-limit');
      const limit = pLimit(16);
      const all = [];
      for (let i = 0; i < n; i++) all.push(limit(async () => i));
      await Promise.all(all);
    },
  },
  async: {
    items: 200000,
    run(n) {
      const async = require('async');
      return new Promise((resolve) => {
        const q = async.queue((x, cb) => cb(null, x), 16);
        q.drain(resolve);
        for (let i = 0; i < n; i += 100) q.push(Array.from({ length: 100 }, (_, k) => i + k));
      });
    },
  },
  streams: {
    items: 100000,
    run(n) {
      const chunk = Buffer.alloc(1024, 1);
      let i = 0;
      return new Promise((resolve, reject) => {
        pipeline(
          new Readable({ read() { this.push(i++ < n ? chunk : null); } }),
          new Transform({ transform(c, e, cb) { cb(null, c); } }),
          new Writable({ highWaterMark: 4096, write(c, e, cb) { setImmediate(cb); } }),
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
  },
  piscina: {
    items: 5000,
    async run(n) {
      const Piscina = require('piscina');
      const pool = new Piscina({ filename: path.join(__dirname, 'adapters-task.js'), minThreads: 2, maxThreads: 2 });
      const all = [];
      for (let i = 0; i < n; i++) all.push(pool.run(i));
      await Promise.all(all);
      await pool.destroy();
    },
  },
};

async function main() {
  const [lib, runsArg] = process.argv.slice(2);
  const w = WORKLOADS[lib];
  if (w === undefined) throw new Error(`unknown workload ${lib}; one of ${Object.keys(WORKLOADS).join(', ')}`);
  const runs = Number(runsArg ?? 3);
  await w.run(Math.ceil(w.items / 10)); // warm-up
  const ms = [];
  for (let r = 0; r < runs; r++) {
    const t0 = clock();
    await w.run(w.items);
    ms.push(clock() - t0);
  }
  console.log(JSON.stringify({ lib, items: w.items, ms }));
}

module.exports = { WORKLOADS };
if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
