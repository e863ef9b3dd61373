// A worker pool that scales with the queue's depth.
//
// Jobs arrive in waves: every `--period` seconds the arrival rate rises to `--rate` per
// second and falls back, followed by a quiet spell. A supervisor looks at `jobs.qsize()` a few times a second: when
// the backlog is larger than the pool can clear quickly it starts another worker (up
// to `--max`); when the queue has been empty for a while it retires one (down to 1).
//
// Retiring uses cancellation: each worker waits with `get({ signal })`, and the
// supervisor aborts that worker's signal. An aborted get() never takes a job (cancel
// safety), so a job arriving at that moment goes to another worker instead.
//
// What to look for in QueueScope: the depth of "jobs" climbs at the start of each wave,
// the number of waiting consumers grows as workers are added, and retired workers'
// waits end with outcome "aborted" when the wave has passed.
//
//   node dist/samples/worker-pool.js [--duration 60] [--rate 30] [--period 20] [--work 200] [--max 8]

import { Queue } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('worker-pool', {
  duration: { default: 60, min: 0, help: 'seconds to generate jobs (0: until Ctrl+C)' },
  rate: { default: 30, min: 0.1, help: 'peak jobs per second' },
  period: { default: 20, min: 0.5, help: 'seconds per wave of jobs' },
  work: { default: 200, min: 1, help: 'mean milliseconds a worker spends per job' },
  max: { default: 8, min: 1, help: 'largest number of workers' },
});

interface Job {
  id: number;
}

/** One worker: takes jobs until its `retire` signal aborts (or the queue shuts down). */
async function worker(id: number, jobs: Queue<Job>, retire: AbortSignal): Promise<void> {
  let done = 0;
  try {
    while (!retire.aborted) {
      await jobs.get({ signal: retire }); // rejects with the abort reason when retired
      await sleep(around(options.work, 0.3));
      jobs.taskDone();
      done++;
    }
  } catch (err) {
    if (!retire.aborted && !jobs.isShutdown) throw err;
  }
  log(`worker-${id}`, `leaves the pool after ${done} jobs`);
}

class Pool {
  private readonly workers = new Map<number, { retire: AbortController; finished: Promise<void> }>();
  private nextId = 1;
  private idleChecks = 0;

  constructor(private readonly jobs: Queue<Job>) {}

  get size(): number {
    return this.workers.size;
  }

  add(reason: string): void {
    const id = this.nextId++;
    const retire = new AbortController();
    const finished = worker(id, this.jobs, retire.signal).finally(() => this.workers.delete(id));
    this.workers.set(id, { retire, finished });
    log('pool', `+ worker-${id} (${reason}): ${this.size} workers`);
  }

  retireOne(reason: string): void {
    const [id, entry] = [...this.workers.entries()].at(-1)!; // the newest goes first
    entry.retire.abort(new Error('retired'));
    this.workers.delete(id);
    log('pool', `- worker-${id} (${reason}): ${this.size} workers`);
  }

  /** Called periodically: grow when the backlog outruns the pool, shrink when idle. */
  rebalance(): void {
    const depth = this.jobs.qsize();
    // A worker clears about 1000/work jobs per second; allow about one second of backlog.
    const perWorker = Math.max(1, Math.round(1000 / options.work));
    if (depth > this.size * perWorker && this.size < options.max) {
      this.add(`depth ${depth}`);
      this.idleChecks = 0;
    } else if (depth === 0 && this.size > 1) {
      // Retire only after the queue has stayed empty for two checks in a row.
      if (++this.idleChecks >= 2) {
        this.retireOne('queue empty');
        this.idleChecks = 0;
      }
    } else {
      this.idleChecks = 0;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.finished));
  }
}

async function generator(jobs: Queue<Job>, stop: AbortSignal): Promise<number> {
  let id = 0;
  let due = 0; // jobs owed at the current rate, carried between ticks
  const start = Date.now();
  let last = start;
  while (!stop.aborted) {
    // A wave every `period` seconds: the rate rises to its peak and falls back to zero
    // during the first half, and the second half is quiet.
    const now = Date.now();
    const phase = ((now - start) / 1000 / options.period) % 1;
    const rate = phase < 0.5 ? options.rate * Math.sin(2 * Math.PI * phase) : 0;
    due += (rate * (now - last)) / 1000;
    last = now;
    for (; due >= 1; due--) await jobs.put({ id: ++id });
    await sleep(50, stop);
  }
  return id;
}

runMain(async () => {
  const jobs = new Queue<Job>({ name: 'jobs' });
  const pool = new Pool(jobs);
  const stop = stopAfter(options.duration);
  log('main', `jobs arrive in waves of up to ${options.rate}/s every ${options.period} s; the pool has 1..${options.max} workers`);
  pool.add('start');
  const supervisor = setInterval(() => pool.rebalance(), 250);

  const created = await generator(jobs, stop.signal);
  log('main', `stopped generating after ${created} jobs; waiting for the pool to finish them`);
  await jobs.join(); // every job taken has been marked with taskDone()
  clearInterval(supervisor);
  jobs.shutdown(); // idle workers' get() rejects with QueueShutDown: the pool winds down
  await pool.close();
  stop.done();
  log('main', `all ${created} jobs done`);
});
