// Producer/consumer: the basic queue pattern.
//
// A producer places orders on a queue in small bursts; one consumer takes them with
// `for await` and works on each for a varying time, so a backlog builds up and drains
// again. When time is up the producer calls `shutdown()` (graceful): no more orders can
// be put, but the consumer's loop still receives every order left, then ends by itself.
//
// What to look for in QueueScope: the depth of "orders" rises with each burst and falls
// as the consumer catches up; while the queue is empty the consumer is a waiting
// consumer; at the end the queue is shut down and drains to zero.
//
//   node dist/samples/producer-consumer.js [--duration 45] [--rate 8] [--work 110]

import { Queue } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('producer-consumer', {
  duration: { default: 45, min: 0, help: 'seconds to produce before shutting down (0: until Ctrl+C)' },
  rate: { default: 8, min: 0.1, help: 'orders per second, on average' },
  work: { default: 110, min: 0, help: 'mean milliseconds the consumer spends on an order' },
});

interface Order {
  id: number;
  placedAt: number;
}

async function producer(orders: Queue<Order>, stop: AbortSignal): Promise<number> {
  let placed = 0;
  while (!stop.aborted) {
    // Orders arrive in bursts of 1-4, spaced so that the average rate is `--rate`.
    const burst = 1 + Math.floor(Math.random() * 4);
    for (let i = 0; i < burst; i++) {
      // The queue is unbounded, so put() never waits here.
      await orders.put({ id: ++placed, placedAt: Date.now() });
    }
    log('producer', `placed ${burst} order(s); ${orders.qsize()} waiting`);
    await sleep(around((burst * 1000) / options.rate), stop);
  }
  // Graceful shutdown: later put() calls would fail, but the items already queued stay
  // and the consumer's `for await` loop ends only once they are all taken.
  orders.shutdown();
  log('producer', `done after ${placed} orders: shutdown(), ${orders.qsize()} still to consume`);
  return placed;
}

async function consumer(orders: Queue<Order>): Promise<number> {
  let consumed = 0;
  // Async iteration calls get() for each order and stops cleanly at shutdown + empty.
  for await (const order of orders) {
    await sleep(around(options.work, 0.8));
    consumed++;
    log('consumer', `order #${order.id} done, ${Date.now() - order.placedAt} ms after it was placed`);
  }
  log('consumer', `the queue is shut down and empty: consumed ${consumed} orders`);
  return consumed;
}

runMain(async () => {
  const orders = new Queue<Order>({ name: 'orders' });
  const stop = stopAfter(options.duration);
  log('main', `one producer (~${options.rate}/s in bursts), one consumer (~${options.work} ms per order)`);
  // The consumer starts first: its first get() waits until the first order arrives.
  const [consumed, placed] = await Promise.all([consumer(orders), producer(orders, stop.signal)]);
  stop.done();
  log('main', placed === consumed ? `all ${placed} orders were consumed` : `${placed - consumed} orders were lost!`);
});
