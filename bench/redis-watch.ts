// `npm run bench:redis`: the BullMQ watch at scale against a real redis-server (issue #16).
//   - time to the first picture: connect + SCAN discovery + the first counts/stream read of
//     100 queues x 10k jobs each (1M job hashes), cold (fresh watch, fresh server) and warm
//     (a second watch on the same server);
//   - the load the watch adds: Redis commands per second and their server time
//     (INFO commandstats before/after, CONFIG RESETSTAT between phases);
//   - the latency a probe client sees (PING + LLEN round trips) without and with the watch.
//
//   npx tsx bench/redis-watch.ts [--queues 100] [--jobs 10000] [--seconds 10]
//
// The filled keyspace is cached as a dump.rdb under .tmp/bench/ (fill once, ~1 min): the
// server loads it at start. Not a test: it prints figures (docs/REDIS.md keeps them).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { RedisServer } from '../test/helpers/redisServer';
import { parseRedisTarget, RedisWatch } from '../src/redis';
import { option } from './cli';

const QUEUES = option('--queues', 100);
const JOBS = option('--jobs', 10_000);
const SECONDS = option('--seconds', 10);
const cacheDir = path.join(__dirname, '..', '.tmp', 'bench', `redis-${QUEUES}x${JOBS}`);

async function fill(port: number): Promise<void> {
  const t0 = performance.now();
  const connection = { host: '127.0.0.1', port };
  for (let q = 0; q < QUEUES; q++) {
    const queue = new Queue(`q${String(q).padStart(3, '0')}`, { connection });
    for (let i = 0; i < JOBS; i += 1000) {
      const n = Math.min(1000, JOBS - i);
      await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'job', data: { i: i + k } })));
    }
    await queue.close();
    if (q % 10 === 9) process.stderr.write(`  filled ${q + 1}/${QUEUES} queues (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}

async function startFilled(): Promise<RedisServer> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const cached = path.join(cacheDir, 'dump.rdb');
  if (fs.existsSync(cached)) {
    const dir = fs.mkdtempSync(path.join(cacheDir, 'run-'));
    fs.copyFileSync(cached, path.join(dir, 'dump.rdb'));
    const srv = await RedisServer.start({ dir });
    return srv;
  }
  const srv = await RedisServer.start();
  process.stderr.write(`filling ${QUEUES} queues x ${JOBS} jobs (cached afterwards in ${cacheDir})\n`);
  await fill(srv.port);
  const admin = new Redis(srv.port, '127.0.0.1');
  await admin.save();
  admin.disconnect();
  fs.copyFileSync(path.join(srv.dir, 'dump.rdb'), cached);
  return srv;
}

interface Stat {
  calls: number;
  usec: number;
}
async function commandStats(admin: Redis): Promise<Map<string, Stat>> {
  const text = await admin.info('commandstats');
  const out = new Map<string, Stat>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1], { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}
/** Commands of the watch only: the admin's own INFO/CONFIG calls are left out. */
function summarize(stats: Map<string, Stat>, seconds: number): { perSec: number; usecPerSec: number; rows: string[] } {
  let calls = 0;
  let usec = 0;
  const rows: string[] = [];
  for (const [cmd, s] of [...stats].sort((a, b) => b[1].calls - a[1].calls)) {
    if (cmd === 'info' || cmd.startsWith('config') || cmd === 'echo' || cmd === 'exists') continue;
    calls += s.calls;
    usec += s.usec;
    rows.push(`| ${cmd} | ${(s.calls / seconds).toFixed(1)} | ${(s.usec / Math.max(1, s.calls)).toFixed(2)} |`);
  }
  return { perSec: calls / seconds, usecPerSec: usec / seconds, rows };
}

async function probeLatency(port: number, ms: number): Promise<{ p50: number; p99: number; max: number }> {
  const probe = new Redis(port, '127.0.0.1');
  const samples: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t = performance.now();
    await probe.pipeline().echo('probe').exists('bull:q000:wait').exec(); // commands the watch never sends, left out of its figures
    samples.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  probe.disconnect();
  samples.sort((a, b) => a - b);
  const at = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1] };
}

const noSink = { source: () => undefined, events: () => undefined, end: () => undefined };

async function firstPicture(url: string): Promise<{ ms: number; watch: RedisWatch; queues: () => number }> {
  const seen = new Set<number>();
  const watch = new RedisWatch({
    target: parseRedisTarget(url),
    sink: { ...noSink, events: (e) => e.forEach((x) => x.type === 'queue' && seen.add(x.q)) },
  });
  const t0 = performance.now();
  await watch.start();
  return { ms: performance.now() - t0, watch, queues: () => seen.size };
}

/** Resolves when `count()` reaches `n` (checked every 50 ms), with the time it took. */
async function until(count: () => number, n: number, t0: number, limitMs: number): Promise<number> {
  while (count() < n && performance.now() - t0 < limitMs) await new Promise((r) => setTimeout(r, 50));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const srv = await startFilled();
  const admin = new Redis(srv.port, '127.0.0.1');
  try {
    const keys = await admin.dbsize();
    console.log(`## Redis watch bench: ${QUEUES} queues x ${JOBS} jobs (${keys} keys), redis ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1]}, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`);
    const base = await probeLatency(srv.port, 3000);

    // 1. Nobody connected: only SCAN finds the queues (sampling steps for the first picture, then the meta walk).
    await admin.config('RESETSTAT');
    const t0 = performance.now();
    const cold = await firstPicture(srv.url);
    console.log(`no BullMQ client connected: first picture after ${cold.ms.toFixed(0)} ms with ${cold.queues()}/${QUEUES} queues (sampling SCAN steps until two name nothing new, at most 1 s)`);
    const all = await until(cold.queues, QUEUES, t0, 120_000);
    const stats = await commandStats(admin);
    const scan = stats.get('scan');
    const exists = stats.get('exists');
    console.log(`  all ${cold.queues()} queues after ${all.toFixed(0)} ms; SCAN ${scan?.calls} steps of 1000 keys, ${((scan?.usec ?? 0) / Math.max(1, scan?.calls ?? 1)).toFixed(0)} us of server time each; ${exists?.calls ?? 0} EXISTS checks of candidate queues`);
    await cold.watch.stop();

    // 2. A BullMQ worker per queue is connected (not running, so the counts hold still): CLIENT LIST names them all.
    const clients = Array.from(
      { length: QUEUES },
      (_, q) => new Worker(`q${String(q).padStart(3, '0')}`, async () => undefined, { autorun: false, connection: { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null } }),
    );
    await Promise.all(clients.map((c) => c.waitUntilReady()));
    const warm = await firstPicture(srv.url);
    console.log(`every queue has a connected client: first picture after ${warm.ms.toFixed(0)} ms with ${warm.queues()}/${QUEUES} queues`);

    // 3. Steady state, the background walk included.
    await admin.config('RESETSTAT');
    const t1 = performance.now();
    const during = await probeLatency(srv.port, SECONDS * 1000);
    const seconds = (performance.now() - t1) / 1000;
    const steady = summarize(await commandStats(admin), seconds);
    console.log(`\nsteady watch over ${seconds.toFixed(1)} s (1 s interval, the SCAN walk running in the background; the probe's ECHO/EXISTS left out):`);
    console.log(`commands/s: ${steady.perSec.toFixed(0)}; Redis time in them: ${(steady.usecPerSec / 1000).toFixed(2)} ms/s (${(steady.usecPerSec / 10_000).toFixed(2)} %)`);
    console.log('\n| command | calls/s | usec/call |\n| --- | --- | --- |');
    for (const row of steady.rows) console.log(row);
    console.log(`\nprobe round trip (ECHO+EXISTS pipelined), without watch: p50 ${base.p50.toFixed(2)} ms, p99 ${base.p99.toFixed(2)} ms, max ${base.max.toFixed(2)} ms`);
    console.log(`probe round trip, with the watch:                   p50 ${during.p50.toFixed(2)} ms, p99 ${during.p99.toFixed(2)} ms, max ${during.max.toFixed(2)} ms`);
    console.log(`watch stats: ${JSON.stringify(warm.watch.stats)}`);
    await warm.watch.stop();
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    admin.disconnect();
    await srv.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
