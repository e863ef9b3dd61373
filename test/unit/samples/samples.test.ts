// Every sample, built and run in a real child process under the tracer's file recording,
// shows its signature pattern in the recorded events. The runs are short (a few seconds,
// with options that compress each scenario) and start together, so the suite costs about
// as long as the slowest sample.

import * as assert from 'node:assert/strict';
import { SAMPLES } from '../../../src/host/samples/catalog';
import { DEFAULTS } from '../../../src/trace/config';
import { activity, ensureBuilt, limiter, peakDepth, runPlain, runSample, type ProcessResult, type QueueTrace, type SampleRun, type Wait } from './recording';

/** Short runs: each scenario's options scaled down so its pattern shows within seconds. */
const TEST_ARGS: Record<string, string[]> = {
  'producer-consumer': ['--duration', '2', '--rate', '20', '--work', '20'],
  'back-pressure': ['--duration', '2', '--work', '100'],
  timeouts: ['--duration', '2.5', '--rate', '100', '--get-timeout', '200', '--put-timeout', '10', '--work', '200', '--quiet', '1200'],
  'worker-pool': ['--duration', '4', '--period', '3'],
  priority: ['--duration', '2.5', '--every', '1', '--urgent', '4', '--work', '100'],
  shutdown: ['--duration', '2', '--rate', '40', '--work', '100'],
  deadlock: ['--duration', '2.5', '--grow', '1', '--pace', '100'],
  'worker-threads': ['--duration', '2', '--rate', '30'],
};

/** A run from a terminal only has to start, say what it does and end cleanly. */
const PLAIN_ARGS = ['--duration', '0.5'];

const ended = (q: QueueTrace, outcome: Wait['outcome'], role?: Wait['role']): Wait[] =>
  q.waits.filter((w) => w.outcome === outcome && (role === undefined || w.role === role));
const lastSample = (q: QueueTrace) => q.samples[q.samples.length - 1];

describe('sample scenarios under the tracer', function () {
  this.timeout(90_000);
  const runs = new Map<string, Promise<SampleRun>>();
  const plainRuns = new Map<string, Promise<ProcessResult>>();

  before(function () {
    ensureBuilt(SAMPLES.map((s) => s.id));
    // Four at a time: the traced runs first, then a brief run of each without the tracer.
    const schedule = limiter(4);
    for (const { id } of SAMPLES) runs.set(id, schedule(() => runSample(id, TEST_ARGS[id] ?? [])));
    for (const { id } of SAMPLES) plainRuns.set(id, schedule(() => runPlain(id, PLAIN_ARGS)));
    // Each is awaited by its own test; avoid an unhandled rejection meanwhile.
    for (const p of [...runs.values(), ...plainRuns.values()]) p.catch(() => undefined);
  });

  /** The sample's run, checked to have ended cleanly. */
  async function cleanRun(id: string): Promise<SampleRun> {
    const run = await runs.get(id)!;
    assert.equal(run.stderr, '', `${id} wrote to stderr`);
    assert.equal(run.code, 0, `${id} exit code\n${run.stdout}`);
    assert.ok(run.recording.ends.length >= 1, `${id}: the recording has an end line`);
    return run;
  }

  it('has test options for every sample in the catalog', function () {
    assert.deepEqual(Object.keys(TEST_ARGS).sort(), SAMPLES.map((s) => s.id).sort());
  });

  it('every sample also runs from a terminal without the tracer and exits cleanly', async function () {
    for (const { id } of SAMPLES) {
      const plain = await plainRuns.get(id)!;
      assert.equal(plain.stderr, '', `${id} wrote to stderr`);
      assert.equal(plain.code, 0, `${id} exit code\n${plain.stdout}`);
      assert.match(plain.stdout, /\[\s*\d+\.\d+s\] main /, `${id} says what it does`);
    }
  });

  it('producer-consumer: ends with a graceful shutdown and every order consumed', async function () {
    const { recording, stdout } = await cleanRun('producer-consumer');
    const orders = recording.queue('orders');
    assert.equal(orders.kind, 'fifo');
    assert.deepEqual(orders.shutdowns.map((s) => s.immediate), [false]);
    const c = orders.counters!;
    assert.ok(c.puts >= 10, `only ${c.puts} orders`);
    assert.equal(c.gets, c.puts, 'every order put was taken');
    assert.equal(lastSample(orders).depth, 0, 'the queue ends empty');
    assert.ok(peakDepth(orders) >= 2, 'a backlog built up at some point');
    assert.ok(c.waitedGets > 0, 'the consumer waited on an empty queue');
    assert.match(stdout, new RegExp(`all ${c.puts} orders were consumed`));
  });

  it('back-pressure: the depth sits at maxsize with the producer blocked in put()', async function () {
    const { recording } = await cleanRun('back-pressure');
    const uploads = recording.queue('uploads');
    assert.equal(uploads.maxsize, 5);
    assert.equal(peakDepth(uploads), 5);
    const blocked = uploads.waits.filter((w) => w.role === 'put');
    assert.ok(blocked.length >= 3, `${blocked.length} blocked puts`);
    assert.ok(blocked.every((w) => w.site?.fn === 'producer'), 'each blocked put points at the producer');
    assert.equal(uploads.counters!.blockedPuts, blocked.length);
    // From the first time it is full until the shutdown, a get only ever makes room for
    // the blocked producer's next item: the depth never falls below maxsize - 1.
    const full = uploads.samples.find((s) => s.max === 5)!;
    const shutdownAt = uploads.shutdowns[0].t;
    const between = uploads.samples.filter((s) => s.t > full.t && s.t < shutdownAt);
    assert.ok(between.length > 0);
    assert.ok(between.every((s) => s.min >= 4), `depth fell to ${Math.min(...between.map((s) => s.min))}`);
    assert.equal(uploads.counters!.gets, uploads.counters!.puts, 'nothing was dropped');
  });

  it('timeouts: consumers time out when idle and the sensor drops readings when the queue stays full', async function () {
    const { recording, stdout } = await cleanRun('timeouts');
    const readings = recording.queue('readings');
    const getTimeouts = ended(readings, 'timeout', 'get');
    const putTimeouts = ended(readings, 'timeout', 'put');
    assert.ok(getTimeouts.length >= 2, `${getTimeouts.length} timed-out gets`);
    assert.ok(putTimeouts.length >= 1, `${putTimeouts.length} timed-out puts`);
    assert.ok(getTimeouts.every((w) => w.ms! >= 200 - 1), 'a get times out after its timeout, not before');
    assert.equal(readings.counters!.timeouts, getTimeouts.length + putTimeouts.length);
    assert.equal(peakDepth(readings), 4);
    // The program's own account agrees with the recording.
    const housekeeping = [...stdout.matchAll(/(\d+) timed-out waits/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(housekeeping, getTimeouts.length);
    assert.match(stdout, new RegExp(`\\(${putTimeouts.length} dropped\\)\\n`));
  });

  it('worker-pool: workers are added as the depth grows and retired (aborted gets) when it is empty', async function () {
    const { recording, stdout } = await cleanRun('worker-pool');
    const jobs = recording.queue('jobs');
    assert.ok(peakDepth(jobs) > 5, `peak depth ${peakDepth(jobs)}: the backlog that makes the pool grow`);
    assert.match(stdout, /\+ worker-2 \(depth \d+\)/);
    assert.match(stdout, /- worker-\d+ \(queue empty\)/);
    const retired = ended(jobs, 'aborted', 'get');
    assert.ok(retired.length >= 1, 'a retired worker left a get() that ended "aborted"');
    assert.equal(jobs.counters!.aborts, retired.length);
    assert.ok(maxConcurrent(jobs.waits.filter((w) => w.role === 'get')) >= 2, 'several workers waited at once');
    assert.equal(jobs.counters!.gets, jobs.counters!.puts);
    assert.equal(jobs.unfinished, 0, 'join() saw every job done');
  });

  it('priority: urgent jobs overtake older bulk jobs, never the other way round', async function () {
    const { recording, stdout } = await cleanRun('priority');
    const work = recording.queue('work');
    assert.equal(work.kind, 'priority');
    assert.ok(peakDepth(work) >= 5, 'a bulk backlog formed');
    const overtakes = [...stdout.matchAll(/urgent reset-\d+ after \d+ ms, ahead of (\d+) older job/g)].map((m) => Number(m[1]));
    assert.ok(overtakes.some((n) => n > 0), `no urgent job overtook a bulk job: ${overtakes.join(',')}`);
    assert.doesNotMatch(stdout, /bulk report-\S+ after \d+ ms, ahead of/, 'a bulk job overtook an older job');
    assert.equal(work.counters!.gets, work.counters!.puts);
  });

  it('shutdown: graceful drains and join() resolves, then immediate drops and rejects the blocked producer', async function () {
    const { recording, stdout } = await cleanRun('shutdown');
    const graceful = recording.queue('outbox (graceful)');
    const immediate = recording.queue('outbox (immediate)');
    assert.deepEqual(graceful.shutdowns.map((s) => s.immediate), [false]);
    assert.deepEqual(immediate.shutdowns.map((s) => s.immediate), [true]);
    assert.ok(graceful.shutdowns[0].t < immediate.shutdowns[0].t, 'graceful first');

    assert.equal(graceful.counters!.gets, graceful.counters!.puts, 'graceful: every email was taken');

    assert.ok(immediate.counters!.puts > immediate.counters!.gets, 'immediate: queued emails were dropped, not taken');
    assert.equal(lastSample(immediate).depth, 0);
    const rejected = ended(immediate, 'shutdown', 'put');
    assert.equal(rejected.length, 1, 'the blocked producer was rejected by the shutdown');

    // join() resolving is the program's own report (taskDone() is not a traced event).
    const joins = [...stdout.matchAll(/join\(\) resolved: (\d+) queued, (\d+) sent, (\d+) dropped/g)].map((m) => m.slice(1).map(Number));
    assert.equal(joins.length, 2);
    assert.deepEqual(joins[0], [graceful.counters!.puts, graceful.counters!.puts, 0], 'graceful: all sent, none dropped');
    const [queued, sent, dropped] = joins[1];
    assert.equal(queued, immediate.counters!.puts);
    assert.equal(sent, immediate.counters!.gets, 'immediate: the emails taken were all sent before join() resolved');
    assert.ok(dropped > 0, 'immediate drops the queued emails');
    assert.match(stdout, /put\(\) rejected with QueueShutDown/);
  });

  it('deadlock: ends with the sender blocked on "records", the receiver waiting on "headers", and no progress', async function () {
    const { recording, stdout } = await cleanRun('deadlock');
    const records = recording.queue('records');
    const headers = recording.queue('headers');
    assert.equal(records.maxsize, 3);
    // Before the watchdog's shutdown, exactly these two waits were open.
    const stuckPut = ended(records, 'shutdown');
    const stuckGet = ended(headers, 'shutdown');
    assert.equal(stuckPut.length, 1);
    assert.equal(stuckGet.length, 1);
    assert.equal(stuckPut[0].role, 'put');
    assert.equal(stuckPut[0].site?.fn, 'sender');
    assert.equal(stuckGet[0].role, 'get');
    assert.equal(stuckGet[0].site?.fn, 'receiver');
    const stuckSince = Math.max(stuckPut[0].start!, stuckGet[0].start!);
    const shutdownAt = Math.min(records.shutdowns[0].t, headers.shutdowns[0].t);
    assert.ok(stuckSince < shutdownAt);
    assert.equal(records.samples.filter((s) => s.t < shutdownAt).at(-1)!.depth, 3, '"records" was full');
    // No item moved on either queue once both stages were stuck (allowing the row that was
    // open then: under the file recorder's drains a row spans one drain interval, plus lateness).
    const tick = 2 * DEFAULTS.recordMs;
    assert.equal(activity(records, stuckSince + tick, Infinity), 0);
    assert.equal(activity(headers, stuckSince + tick, Infinity), 0);
    assert.ok(records.waits.every((w) => w.outcome !== undefined) && headers.waits.every((w) => w.outcome !== undefined));
    assert.match(stdout, /no progress for \d+ s/);
  });

  it('worker-threads: queues report from three threads of one process', async function () {
    const { recording, stdout } = await cleanRun('worker-threads');
    const threads = new Set(recording.sources.map((s) => s.info.threadId));
    assert.equal(threads.size, 3, `threads ${[...threads].join(',')}`);
    assert.equal(new Set(recording.sources.map((s) => s.info.pid)).size, 1);
    const threadOf = (name: string) => recording.sources.find((s) => s.src === recording.queue(name).src)!.info;
    assert.equal(threadOf('frames').isMainThread, true);
    assert.equal(threadOf('results').isMainThread, true);
    assert.equal(threadOf('resize.inbox').isMainThread, false);
    assert.equal(threadOf('encode.inbox').isMainThread, false);
    assert.notEqual(threadOf('resize.inbox').threadId, threadOf('encode.inbox').threadId);
    // Every frame went through every stage.
    const frames = recording.queue('frames').counters!.puts;
    assert.ok(frames >= 10);
    for (const name of ['resize.inbox', 'encode.inbox', 'results']) {
      const q = recording.queue(name);
      assert.equal(q.counters!.puts, frames, `${name} puts`);
      assert.equal(q.counters!.gets, frames, `${name} gets`);
      assert.deepEqual(q.shutdowns.map((s) => s.immediate), [false], `${name} shut down gracefully`);
    }
    assert.equal(recording.ends.length, 3, 'each thread ended its part of the recording');
    assert.match(stdout, new RegExp(`${frames} of ${frames} frames came back`));
  });
});

/** The largest number of waits open at the same time. */
function maxConcurrent(waits: Wait[]): number {
  const edges = waits.flatMap((w) => [
    { t: w.start ?? -Infinity, d: 1 },
    { t: w.end ?? Infinity, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // an end at the same instant closes first
  let open = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (open += e.d));
  return max;
}
