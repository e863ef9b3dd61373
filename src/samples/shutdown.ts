// Graceful vs immediate shutdown, with taskDone()/join().
//
// Act 1, graceful: a producer fills the "outbox (graceful)" queue and three workers send
// the emails, calling `taskDone()` after each one. Then `shutdown()`: later puts fail,
// but the workers still get every email already queued, and `join()` resolves once the
// last one is marked done. Nothing is lost.
//
// Act 2, immediate: the same setup on "outbox (immediate)", with a producer fast enough
// to keep the queue full and itself blocked in `put()`. Then `shutdown({ immediate: true })`:
// the queued emails are dropped at once (each counts as done for `join()`), the blocked
// put() and any waiting get() reject with `QueueShutDown`, and `join()` resolves as soon
// as the emails already in the workers' hands are finished.
//
// What to look for in QueueScope: the first queue shuts down and its depth drains to zero
// over time; the second shuts down "immediate", its depth drops to zero in one step, and
// its blocked producer ends with outcome "shutdown".
//
//   node dist/samples/shutdown.js [--duration 40] [--rate 16] [--work 250]

import { Queue, QueueShutDown } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('shutdown', {
  duration: { default: 40, min: 0.2, help: 'seconds for both acts together' },
  rate: { default: 16, min: 0.1, help: 'emails per second in act 1 (act 2 produces as fast as it can)' },
  work: { default: 250, min: 1, help: 'mean milliseconds a worker spends per email' },
  maxsize: { default: 10, min: 1, help: 'capacity of each outbox' },
});

interface Email {
  id: number;
}

/** A worker sends emails until the queue is shut down (and, if graceful, drained). */
async function worker(name: string, outbox: Queue<Email>, sent: { count: number }): Promise<void> {
  for await (const _email of outbox) {
    await sleep(around(options.work, 0.3));
    sent.count++;
    outbox.taskDone(); // this email is finished: join() counts it
  }
  log(name, 'the outbox is shut down: leaving');
}

/** Put emails until `stop` aborts or the queue is shut down; returns how many went in. */
async function producer(outbox: Queue<Email>, intervalMs: number, stop: AbortSignal): Promise<number> {
  let queued = 0;
  try {
    while (!stop.aborted) {
      await outbox.put({ id: queued + 1 }); // waits while the outbox is full
      queued++;
      if (intervalMs > 0) await sleep(intervalMs, stop);
    }
  } catch (err) {
    if (!(err instanceof QueueShutDown)) throw err;
    log('producer', 'put() rejected with QueueShutDown: its email never entered the queue');
  }
  return queued;
}

async function act(title: string, immediate: boolean, seconds: number): Promise<void> {
  const outbox = new Queue<Email>({ name: `outbox (${title})`, maxsize: options.maxsize });
  const sent = { count: 0 };
  log('main', `--- ${title} shutdown: 3 workers, outbox of ${options.maxsize} ---`);
  const workers = [1, 2, 3].map((n) => worker(`worker-${n}`, outbox, sent));

  // Graceful act: a steady producer that stops when the time is up, then shutdown().
  // Immediate act: a producer that never stops on its own, so the shutdown interrupts it
  // while it is blocked in put() on the full outbox.
  const timeIsUp = stopAfter(seconds);
  let queued: number;
  if (!immediate) {
    queued = await producer(outbox, 1000 / options.rate, timeIsUp.signal);
    log('main', `shutdown() with ${outbox.qsize()} emails still queued: they will all be sent`);
    outbox.shutdown();
  } else {
    const producing = producer(outbox, 0, new AbortController().signal);
    await sleep(seconds * 1000, timeIsUp.signal);
    log('main', `shutdown({ immediate: true }) with ${outbox.qsize()} emails queued: they are dropped`);
    outbox.shutdown({ immediate: true });
    queued = await producing;
  }
  timeIsUp.done();
  await outbox.join(); // resolves when every email put has been taskDone()'d (or dropped)
  log('main', `join() resolved: ${queued} queued, ${sent.count} sent, ${queued - sent.count} dropped`);
  await Promise.all(workers);
}

runMain(async () => {
  await act('graceful', false, options.duration / 2);
  await act('immediate', true, options.duration / 2);
  log('main', 'both acts finished');
});
