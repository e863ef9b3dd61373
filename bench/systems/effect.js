// effect@3's Queue, used idiomatically: Effect.gen fibers calling Queue.offer /
// Queue.take (bounded back-pressure or unbounded), W5 with Effect.timeout.

const { Effect, Queue, Fiber } = require('effect');
const { Receipt, stopwatch } = require('../workloads');

function system() {
  return {
    supports: () => true,
    // Keep its cells short (it runs at ~1M items/s at best): 300k items, W4 (~150k
    // items/s, 5 runs per sample) 40k, W5 (Effect.timeout forks a fiber and a timer
    // per take, ~30k items/s) 50k.
    maxItems: (wName) => (wName === 'W5' ? 50_000 : wName === 'W4' ? 40_000 : 300_000),
    async run(w) {
      const receipt = new Receipt(w);
      const P = w.producers;
      const perProducer = w.items / P;
      const perConsumer = w.items / w.consumers;
      const timeout = w.timeout;
      const program = Effect.gen(function* () {
        const q = w.maxsize > 0 ? yield* Queue.bounded(w.maxsize) : yield* Queue.unbounded();
        const fibers = [];
        for (let p = 0; p < P; p++) {
          fibers.push(
            yield* Effect.fork(
              Effect.gen(function* () {
                for (let k = 0; k < perProducer; k++) yield* Queue.offer(q, p + P * k);
              }),
            ),
          );
        }
        for (let c = 0; c < w.consumers; c++) {
          fibers.push(
            yield* Effect.fork(
              Effect.gen(function* () {
                const last = receipt.lastSeen();
                const take = timeout === undefined ? Queue.take(q) : Effect.timeout(Queue.take(q), timeout);
                for (let k = 0; k < perConsumer; k++) {
                  const v = yield* take;
                  receipt.count++;
                  receipt.sum += v;
                  if (v <= last[v % P]) receipt.outOfOrder++;
                  last[v % P] = v;
                }
              }),
            ),
          );
        }
        yield* Fiber.joinAll(fibers);
      });
      const elapsed = stopwatch();
      await Effect.runPromise(program);
      const seconds = elapsed();
      return { seconds, problems: receipt.verify() };
    },
  };
}

module.exports = { system };
