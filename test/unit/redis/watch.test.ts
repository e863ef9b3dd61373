// The BullMQ watch against a real redis-server with real BullMQ producer and worker
// processes: recorded counts equal BullMQ's own getJobCounts() at the same moments, no
// completion or failure is lost between reads, a killed worker's job is seen stalling and
// going back to waiting, and a Redis restart leaves a gap (not zeros) and reconnects with
// backoff instead of a retry storm.

import * as assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { JOB_STATES, type JobCountsEvent, type JobState, type RecordingLine } from '../../../src/protocol/wire';
import { RedisServer } from '../../helpers/redisServer';
import { is, killChildren, startChild, watchInto, type Watched } from './harness';

/** BullMQ 6's getJobCounts() states: every state of the wire but the legacy 'paused' list. */
const BULL_STATES = JOB_STATES.filter((s): s is Exclude<JobState, 'paused'> => s !== 'paused');

describe('BullMQ watch on a real Redis', function () {
  this.timeout(60_000);
  let srv: RedisServer;
  let w: Watched | undefined;
  const queues: Queue[] = [];

  beforeEach(async () => {
    srv = await RedisServer.start();
  });
  afterEach(async () => {
    await killChildren();
    await w?.dispose();
    w = undefined;
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await srv.stop();
  });

  const bullQueue = (name: string): Queue => {
    const q = new Queue(name, { connection: { host: '127.0.0.1', port: srv.port } });
    queues.push(q);
    return q;
  };
  /** A queue with one job in it, so it exists when the watch starts. */
  const seededQueue = async (name: string): Promise<Queue> => {
    const q = bullQueue(name);
    await q.waitUntilReady();
    await q.add('seed', { i: 0 });
    return q;
  };
  /** BullMQ's own counts, plus the legacy 'paused' list as 0 (BullMQ 6 keeps paused jobs in 'waiting'). */
  const counts = async (q: Queue): Promise<Record<JobState, number>> => ({ ...((await q.getJobCounts(...BULL_STATES)) as Record<JobState, number>), paused: 0 });

  it('records per-state counts equal to getJobCounts() at the same moments, and loses no completion or failure', async () => {
    const queue = await seededQueue('orders');
    w = watchInto(srv.url, { workersEveryMs: 0 });
    await w.watch.start();
    const common = { REDIS_PORT: srv.port, QUEUE: 'orders' };
    const workers = [1, 2].map((n) => startChild('worker', { ...common, WORKER_NAME: `w${n}`, CONCURRENCY: 2, WORK_MS: 100 }));
    await Promise.all(workers.map((c) => c.message((m) => m.ready === true)));
    const producer = startChild('producer', { ...common, COUNT: 300, EVERY_MS: 4, FAIL_EVERY: 10, DELAY_EVERY: 25 });
    await producer.message((m) => m.added === 40);
    const procs = [producer, ...workers].map((c) => c.proc);

    const moments: Array<{ expected: Record<JobState, number>; event: JobCountsEvent }> = [];
    for (let i = 0; i < 5; i++) {
      // Freeze every BullMQ process, so BullMQ and the watch read the same state.
      for (const p of procs) p.kill('SIGSTOP');
      const before = await counts(queue);
      await w.watch.pollNow(); // a read already in flight may predate the freeze: take a fresh one
      await w.watch.pollNow();
      const after = await counts(queue);
      assert.deepEqual(after, before, 'the state held still while it was read');
      const id = w.sink.captured.find(is('queue'))?.q;
      const event = w.sink.captured.filter(is('jobCounts')).filter((e) => e.q === id).at(-1)!;
      moments.push({ expected: before, event });
      for (const p of procs) p.kill('SIGCONT');
      await producer.message((m) => m.added === 40 + 50 * (i + 1) || m.done === true);
    }
    for (const { expected, event } of moments) assert.deepEqual(event.counts, expected);
    for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const) {
      assert.ok(moments.some((m) => m.expected[state] > 0), `the moments cover a non-zero '${state}'`);
    }

    // What was recorded is what was read.
    const lines = (await w.recording()).trim().split('\n').map((l) => JSON.parse(l) as RecordingLine);
    for (const { event } of moments) {
      assert.ok(
        lines.some((l) => l.type === 'jobCounts' && l.t === event.t && JSON.stringify(l.counts) === JSON.stringify(event.counts)),
        'each compared read is in the recording',
      );
    }
    assert.equal(w.model.session('redis:1')?.origin, 'redis');

    // Drain everything but the delayed jobs, then the stream totals equal the final counts.
    await producer.message((m) => m.done === true);
    for (;;) {
      const c = await counts(queue);
      if (c.waiting + c.active + c.prioritized === 0) break;
      await new Promise((r) => setTimeout(r, 100)); // polling a remote state: BullMQ has no "drained" event for all workers
    }
    await w.watch.pollNow();
    await w.watch.pollNow();
    const final = await counts(queue);
    const jobs = [...w.model.queuesOf('redis:1')][0].jobs!;
    assert.equal(jobs.totals.completed, final.completed - 0, 'every completion was counted from the stream');
    assert.equal(jobs.totals.failed, final.failed, 'every failure was counted from the stream');
    assert.equal(jobs.totals.retried, 0, 'a job added with a delay, or failing without retries, is no retry');
    assert.equal(jobs.recent.filter((e) => e.event === 'failed').length, Math.min(50, final.failed));
    const listed = w.sink.captured.filter(is('workers')).at(-1)?.workers ?? [];
    assert.deepEqual([...new Set(listed.map((x) => x.name))].sort(), ['w1', 'w2'], 'both named workers are listed');
    const bull = (await queue.getWorkers()) as Array<{ id: string }>;
    assert.deepEqual(listed.map((x) => x.id).sort(), bull.map((x) => x.id).sort(), "the same connections as BullMQ's getWorkers()");
  });

  it('one read costs 9 O(1) commands per queue and one XREAD, whatever the number of jobs', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const [i, name] of names.entries()) {
      const q = bullQueue(name);
      await q.addBulk(Array.from({ length: 50 * (i + 1) }, (_, k) => ({ name: 'j', data: { k } })));
    }
    w = watchInto(srv.url, { workersEveryMs: 60_000, discoverEveryMs: 60_000 });
    await w.watch.start();
    const admin = new Redis(srv.port, '127.0.0.1');
    try {
      await admin.config('RESETSTAT');
      await w.watch.pollNow();
      const stats = await admin.info('commandstats');
      const calls = (cmd: string): number => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      assert.deepEqual(
        { llen: calls('llen'), zcard: calls('zcard'), lindex: calls('lindex'), xread: calls('xread'), hmget: calls('hmget'), hget: calls('hget') },
        { llen: 3 * names.length, zcard: 5 * names.length, lindex: names.length, xread: 1, hmget: 0, hget: 0 },
        'the oldest job of each queue was read once, at start, and not again while it stays the oldest',
      );
    } finally {
      admin.disconnect();
    }
  });

  it('shows a killed worker\'s job stalling and going back to waiting', async () => {
    const queue = bullQueue('stally');
    const common = { REDIS_PORT: srv.port, QUEUE: 'stally', LOCK_MS: 1000, STALLED_MS: 1000 };
    const holder = startChild('worker', { ...common, WORKER_NAME: 'holder', HANG: 1 });
    await holder.message((m) => m.ready === true);
    const job = await queue.add('victim', { i: 1 });
    await holder.message((m) => m.active === job.id);
    w = watchInto(srv.url, { workersEveryMs: 0 });
    await w.watch.start();
    const rescuer = startChild('worker', { ...common, WORKER_NAME: 'rescuer', WORK_MS: 10 });
    await rescuer.message((m) => m.ready === true);
    holder.proc.kill('SIGKILL');

    const timer = setInterval(() => void w?.watch.pollNow(), 250); // read faster than the 1 s default to see the steps
    try {
      const stalled = await w.sink.waitFor((e): e is Extract<typeof e, { type: 'jobEvent' }> => e.type === 'jobEvent' && e.event === 'stalled' && e.jobId === job.id);
      const requeued = await w.sink.waitFor((e): e is Extract<typeof e, { type: 'jobEvent' }> => e.type === 'jobEvent' && e.event === 'requeued' && e.jobId === job.id);
      // One BullMQ script moves the job back to waiting and announces the stall: same instant.
      assert.equal(requeued.t, stalled.t, 'back to waiting by the stall check');
      assert.equal(stalled.name, 'victim');
      await rescuer.message((m) => m.active === job.id);
    } finally {
      clearInterval(timer);
    }
    const jobs = w.model.queuesOf('redis:1')[0].jobs!;
    assert.ok(jobs.totals.stalled >= 1);
    assert.deepEqual(new Set(jobs.recent.filter((e) => e.jobId === job.id).map((e) => e.event).slice(0, 2)), new Set(['stalled', 'requeued']));
  });

  // Seen last stop: BullMQ writes no 'failed' for an attempt it retries, so a job that failed
  // twice and then passed left nothing but two 'requeued' lines, and a retry after a backoff
  // nothing at all.
  it('counts a retried attempt, at once or after a backoff, as retried, apart from a stall\'s return', async () => {
    const queue = await seededQueue('flaky');
    w = watchInto(srv.url, { workersEveryMs: 0 });
    await w.watch.start();
    const twice = await queue.add('twice', { failTimes: 2 }, { attempts: 3 });
    const backoff = await queue.add('backoff', { failTimes: 1 }, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    const worker = startChild('worker', { REDIS_PORT: srv.port, QUEUE: 'flaky', WORK_MS: 5 });
    await worker.message((m) => m.ready === true);
    const jobs = () => w!.model.queuesOf('redis:1')[0]?.jobs;
    const deadline = Date.now() + 20_000;
    while ((jobs()?.totals.completed ?? 0) < 3) {
      assert.ok(Date.now() < deadline, `3 completions expected, totals ${JSON.stringify(jobs()?.totals)}`);
      await w.watch.pollNow();
      await new Promise((r) => setTimeout(r, 100));
    }
    const j = jobs()!;
    assert.equal(j.totals.retried, 3, 'two retries at once and one after a backoff');
    assert.equal(j.totals.failed, 0, 'no attempt failed for good');
    const eventsOf = (id: string | undefined) => j.recent.filter((e) => e.jobId === id).map((e) => e.event);
    assert.deepEqual(eventsOf(twice.id), ['retried', 'retried']);
    assert.deepEqual(eventsOf(backoff.id), ['retried']);
  });

  it('Redis restarted mid-watch: a gap instead of zeros, and reconnection with backoff, not a storm', async () => {
    const queue = bullQueue('survivor');
    for (let i = 0; i < 20; i++) await queue.add('j', { i });
    await queue.close();
    queues.length = 0;
    w = watchInto(srv.url, { backoff: { initialMs: 100, maxMs: 800 } });
    await w.watch.start();
    const admin = new Redis(srv.port, '127.0.0.1');
    await admin.save(); // --save '' turns off automatic snapshots only; the restart reloads this one
    admin.disconnect();
    const beforeDown = w.sink.captured.length;
    const downAt = performance.now();
    srv = await (async () => {
      await srv.kill();
      await new Promise((r) => setTimeout(r, 3000)); // the outage itself: 3 s without a server
      return srv.restart();
    })();
    const upAt = performance.now();
    const gap = await w.sink.waitFor(is('gap'), 15_000, beforeDown);
    const during = w.sink.captured.slice(beforeDown).filter((e) => e.type !== 'gap' && e.t < gap.t);
    assert.deepEqual(during, [], 'nothing was emitted while Redis was down');
    assert.ok(gap.t - gap.since >= 2900, `the gap covers the outage (${Math.round(gap.t - gap.since)} ms)`);
    const attempts = w.watch.stats.reconnectAttempts;
    assert.ok(attempts >= 2 && attempts <= 10, `${attempts} reconnect attempts in ${Math.round(upAt - downAt)} ms (backoff 100..800 ms)`);
    const after = await w.sink.waitFor(is('jobCounts'), 15_000, w.sink.captured.indexOf(gap));
    assert.equal(after.counts.waiting, 20, 'the data is back after the reload, not zeros');
    const src = [...w.model.session('redis:1')!.sources.values()][0];
    assert.equal(src.gaps?.length, 1);
    const q = w.model.queuesOf('redis:1')[0];
    assert.ok(q.timeline.series().depth.every((d) => d === 20), 'no zero was ever drawn');
    assert.equal(w.watch.state, 'live');
  });
});
