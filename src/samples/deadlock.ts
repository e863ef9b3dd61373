// Deadlock: two stages that each wait on the other's queue.
//
// A sender ships records in batches. For each batch it puts the records on "records"
// (bounded), then a header saying how many records the batch has on "headers". The
// receiver reads a header first, then that many records. It works while batches are
// small, but batches grow, and once a batch has more records than "records" can hold:
//
//   - the sender is blocked in records.put(): the queue is full and nobody takes from it;
//   - the receiver is waiting in headers.get(): the header comes only after the records.
//
// Each stage waits for the other: a cycle of a blocked producer and a waiting consumer.
// No exception, no CPU use, no output: the program just stops making progress. (Fixes:
// send the header first, or make the receiver read records without waiting for it.)
//
// A watchdog reports progress every second and, when time is up, shuts both queues down
// (immediate) so the stuck calls reject and the program exits.
//
// What to look for in QueueScope: "records" sits at its maxsize with the sender blocked
// at its put() line; "headers" is empty with the receiver waiting at its get() line;
// neither changes any more.
//
//   node dist/samples/deadlock.js [--duration 30] [--capacity 3] [--grow 4] [--pace 250]

import { Queue, QueueShutDown } from 'queuescope';
import { readOptions } from './lib/cli';
import { log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('deadlock', {
  duration: { default: 30, min: 0.2, help: 'seconds before the watchdog gives up and shuts the queues down' },
  capacity: { default: 3, min: 1, help: 'maxsize of the "records" queue' },
  grow: { default: 4, min: 1, help: 'batches between each growth of the batch size by one' },
  pace: { default: 250, min: 0, help: 'milliseconds between batches' },
});

interface Header {
  batch: number;
  count: number;
}

let moved = 0; // records that made it through: the watchdog's measure of progress

async function sender(records: Queue<string>, headers: Queue<Header>): Promise<void> {
  for (let batch = 1; ; batch++) {
    const count = 1 + Math.floor((batch - 1) / options.grow);
    log('sender', `batch ${batch}: ${count} record(s), then the header`);
    for (let i = 1; i <= count; i++) {
      await records.put(`batch ${batch} record ${i}`); // blocks for good once count > capacity
    }
    await headers.put({ batch, count }); // BUG: the header is sent after the records
    await sleep(options.pace);
  }
}

async function receiver(records: Queue<string>, headers: Queue<Header>): Promise<void> {
  for (;;) {
    const header = await headers.get(); // waits for the header before taking any record
    for (let i = 0; i < header.count; i++) {
      await records.get();
      moved++;
    }
    log('receiver', `batch ${header.batch} received (${header.count} record(s))`);
  }
}

/** Run a stage until the queues are shut down. */
async function stage(name: string, body: Promise<void>): Promise<void> {
  try {
    await body;
  } catch (err) {
    if (!(err instanceof QueueShutDown)) throw err;
    log(name, 'its stuck call rejected with QueueShutDown');
  }
}

runMain(async () => {
  const records = new Queue<string>({ name: 'records', maxsize: options.capacity });
  const headers = new Queue<Header>({ name: 'headers' });
  const stop = stopAfter(options.duration);
  log('main', `records holds ${options.capacity}; batches grow by one every ${options.grow} batches`);
  const stages = Promise.all([stage('sender', sender(records, headers)), stage('receiver', receiver(records, headers))]);

  // The watchdog: the only thing still running once the stages are stuck.
  let last = -1;
  let stalledSince = Date.now();
  while (!stop.signal.aborted) {
    await sleep(1000, stop.signal);
    if (moved !== last) {
      last = moved;
      stalledSince = Date.now();
      log('watchdog', `${moved} records moved`);
    } else {
      const s = ((Date.now() - stalledSince) / 1000).toFixed(0);
      log('watchdog', `no progress for ${s} s: records ${records.qsize()}/${records.maxsize} with ${records.waiters.putters} blocked producer, headers empty with ${headers.waiters.getters} waiting consumer`);
    }
  }
  log('watchdog', 'giving up: shutting both queues down (immediate)');
  records.shutdown({ immediate: true });
  headers.shutdown({ immediate: true });
  await stages;
  stop.done();
});
