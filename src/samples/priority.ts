// Priority scheduling: urgent work overtakes a backlog of bulk work.
//
// Bulk jobs (report rendering) arrive in batches and build a backlog; urgent jobs
// (password resets) arrive one at a time. Both go into one PriorityQueue whose `compare`
// puts urgent before bulk; among equal priorities the order of arrival is kept. The
// single worker always gets the most urgent job waiting, so an urgent job waits for at
// most the job in hand, however long the bulk backlog is.
//
// Each job carries its arrival number, so the worker can tell how many older jobs it
// overtook: an urgent job overtakes bulk jobs; a bulk job never overtakes an urgent one.
//
// What to look for in QueueScope: "work" is a priority queue; its depth saws up with each
// bulk batch; the item preview (when paused) lists urgent jobs first.
//
//   node dist/samples/priority.js [--duration 45] [--batch 10] [--every 2] [--urgent 1.5] [--work 150]

import { PriorityQueue } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('priority', {
  duration: { default: 45, min: 0, help: 'seconds to generate work (0: until Ctrl+C)' },
  batch: { default: 10, min: 1, help: 'bulk jobs per batch' },
  every: { default: 2, min: 0.1, help: 'seconds between bulk batches' },
  urgent: { default: 1.5, min: 0.1, help: 'urgent jobs per second, on average' },
  work: { default: 150, min: 1, help: 'mean milliseconds per job' },
});

const URGENT = 0;
const BULK = 1;

interface Job {
  priority: typeof URGENT | typeof BULK;
  /** Arrival order across both kinds. */
  seq: number;
  label: string;
  arrivedAt: number;
}

/** Arrival numbers of the jobs not taken yet, to count how many older jobs a job overtakes. */
const waiting = new Set<number>();
let arrivals = 0;

async function submit(work: PriorityQueue<Job>, priority: Job['priority'], label: string): Promise<void> {
  const seq = ++arrivals;
  waiting.add(seq);
  await work.put({ priority, seq, label, arrivedAt: Date.now() });
}

async function bulkSource(work: PriorityQueue<Job>, stop: AbortSignal): Promise<void> {
  let batch = 0;
  while (!stop.aborted) {
    batch++;
    for (let i = 1; i <= options.batch; i++) await submit(work, BULK, `report-${batch}.${i}`);
    log('bulk', `batch ${batch}: ${options.batch} report jobs queued (${work.qsize()} waiting)`);
    await sleep(options.every * 1000, stop);
  }
}

async function urgentSource(work: PriorityQueue<Job>, stop: AbortSignal): Promise<void> {
  let n = 0;
  await sleep(around(1000 / options.urgent), stop);
  while (!stop.aborted) {
    await submit(work, URGENT, `reset-${++n}`);
    await sleep(around(1000 / options.urgent), stop);
  }
}

async function worker(work: PriorityQueue<Job>): Promise<void> {
  for await (const job of work) {
    waiting.delete(job.seq);
    let older = 0;
    for (const seq of waiting) if (seq < job.seq) older++;
    const kind = job.priority === URGENT ? 'urgent' : 'bulk';
    if (job.priority === URGENT || older > 0) {
      log('worker', `${kind} ${job.label} after ${Date.now() - job.arrivedAt} ms, ahead of ${older} older job(s)`);
    }
    await sleep(around(options.work, 0.3));
  }
  log('worker', 'queue shut down and drained');
}

runMain(async () => {
  const work = new PriorityQueue<Job>({ name: 'work', compare: (a, b) => a.priority - b.priority });
  const stop = stopAfter(options.duration);
  log('main', 'urgent jobs (priority 0) are taken before bulk jobs (priority 1)');
  const done = worker(work);
  await Promise.all([bulkSource(work, stop.signal), urgentSource(work, stop.signal)]);
  work.shutdown();
  log('main', `no more work; ${work.qsize()} jobs left to finish`);
  await done;
  stop.done();
});
