// Back-pressure: a bounded queue slows a fast producer down to the consumer's pace.
//
// The producer could create uploads much faster than the single consumer can send them.
// With an unbounded queue the backlog (and memory) would grow without limit. Here the
// queue holds at most `--maxsize` items, so `await uploads.put()` waits while the queue
// is full: the producer is paused by the queue itself, and resumes each time the
// consumer takes an item. Nothing is dropped, nothing grows.
//
// What to look for in QueueScope: the depth of "uploads" sits at its maxsize, and the
// producer is listed as a blocked producer most of the time, at the line of its put().
//
//   node dist/samples/back-pressure.js [--duration 45] [--rate 50] [--work 250] [--maxsize 5]

import { Queue } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('back-pressure', {
  duration: { default: 45, min: 0, help: 'seconds to produce before shutting down (0: until Ctrl+C)' },
  rate: { default: 50, min: 0.1, help: 'uploads per second the producer would create if nothing held it back' },
  work: { default: 250, min: 0, help: 'mean milliseconds the consumer needs per upload' },
  maxsize: { default: 5, min: 1, help: 'capacity of the queue' },
});

interface Upload {
  id: number;
  bytes: number;
}

async function producer(uploads: Queue<Upload>, stop: AbortSignal): Promise<number> {
  let created = 0;
  let blockedMs = 0;
  let windowStart = Date.now();
  while (!stop.aborted) {
    const upload = { id: ++created, bytes: Math.floor(around(64_000)) };
    const before = Date.now();
    // When the queue is full this waits until the consumer frees a slot: back-pressure.
    await uploads.put(upload);
    blockedMs += Date.now() - before;
    const now = Date.now();
    if (now - windowStart >= 2000) {
      const share = Math.round((100 * blockedMs) / (now - windowStart));
      log('producer', `${created} uploads created; blocked in put() ${share}% of the last ${((now - windowStart) / 1000).toFixed(1)} s`);
      blockedMs = 0;
      windowStart = now;
    }
    await sleep(1000 / options.rate, stop);
  }
  uploads.shutdown();
  log('producer', `stopped after ${created} uploads; shutdown(), ${uploads.qsize()} left to send`);
  return created;
}

async function consumer(uploads: Queue<Upload>): Promise<number> {
  let sent = 0;
  for await (const upload of uploads) {
    await sleep(around(options.work, 0.3));
    sent++;
    if (sent % 4 === 0) log('consumer', `sent upload #${upload.id}; queue ${uploads.qsize()}/${uploads.maxsize}`);
  }
  log('consumer', `all ${sent} uploads sent`);
  return sent;
}

runMain(async () => {
  const uploads = new Queue<Upload>({ name: 'uploads', maxsize: options.maxsize });
  const stop = stopAfter(options.duration);
  log('main', `producer wants ${options.rate}/s, consumer manages ~${Math.round(1000 / Math.max(1, options.work))}/s, queue holds ${options.maxsize}`);
  const [created, sent] = await Promise.all([producer(uploads, stop.signal), consumer(uploads)]);
  stop.done();
  log('main', `${created} created, ${sent} sent: the bounded queue never held more than ${options.maxsize}`);
});
