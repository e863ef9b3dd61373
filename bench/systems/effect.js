// effect@3's Queue, used idiomatically: Effect.gen fibers calling Queue.offer /
// Queue.take (bounded back-pressure or unbounded), W5 with Effect.timeout.

const { Effect, Queue, Fiber } = require('effect');
const { Receipt } = require('../workloads');

function system() {
  return {
    supports: () => true,
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
      const start = process.hrtime.bigint();
      await Effect.runPromise(program);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { seconds, problems: receipt.verify() };
    },
  };
}

module.exports = { system };
