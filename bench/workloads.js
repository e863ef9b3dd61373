// The benchmark's workloads (issue #2) and the generic producer/consumer driver that
// runs them against any awaitable queue adapter. Sizes shrink with BENCH_QUICK=1.

const quick = process.env.BENCH_QUICK === '1';
// 'cpu' (default): seconds of CPU this process used, which a busy shared machine
// disturbs far less than wall time; 'wall': elapsed real time.
const useWall = process.env.BENCH_CLOCK === 'wall';

/** Start a stopwatch; calling the result returns the seconds elapsed on the chosen clock. */
function stopwatch() {
  if (useWall) {
    const t0 = process.hrtime.bigint();
    return () => Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
}
const scale = quick ? 0.1 : 1;

/**
 * producers/consumers: how many of each; maxsize 0 = unbounded; items in total;
 * timeout: consumers call get({ timeout }) instead of get().
 */
const WORKLOADS = {
  W1: { title: '1P/1C maxsize 100', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale },
  W2: { title: '1P/1C unbounded', producers: 1, consumers: 1, maxsize: 0, items: 1_000_000 * scale },
  W3: { title: '4P/4C maxsize 64', producers: 4, consumers: 4, maxsize: 64, items: 1_000_000 * scale },
  // A 200k-item run lasts ~40 ms, too short to time on a shared machine: each sample
  // is 5 back-to-back runs (fresh queue each), still verified one by one.
  W4: { title: '1P/1C maxsize 1', producers: 1, consumers: 1, maxsize: 1, items: 200_000 * scale, repeat: 5 },
  W5: { title: '1P/1C maxsize 100, get({timeout:50})', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale, timeout: 50 },
};

/**
 * Checks what a run received against what was sent: every item exactly once (count
 * and sum of the distinct values 0..n-1) and, per producer, in the order sent.
 * Item v comes from producer v % producers, which sends p, p+P, p+2P, ...
 */
class Receipt {
  constructor(w) {
    this.w = w;
    this.count = 0;
    this.sum = 0;
    this.outOfOrder = 0;
    this.timeouts = 0;
  }
  /** One consumer's tracker of the last value seen from each producer. */
  lastSeen() {
    return new Array(this.w.producers).fill(-1);
  }
  verify() {
    const n = this.w.items;
    const problems = [];
    if (this.count !== n) problems.push(`received ${this.count} of ${n}`);
    if (this.sum !== (n * (n - 1)) / 2) problems.push(`checksum ${this.sum} != ${(n * (n - 1)) / 2}`);
    if (this.outOfOrder > 0) problems.push(`${this.outOfOrder} items out of order`);
    return problems;
  }
}

/**
 * Run workload `w` once on an adapter { make(maxsize), put(q, v), get(q), getTimeout(q, ms) }.
 * Producers start first, so a consumer's get usually finds an item (as in W5's "mostly
 * non-empty queue"). Returns { seconds, problems }.
 */
async function runGeneric(adapter, w) {
  const q = adapter.make(w.maxsize);
  const receipt = new Receipt(w);
  const P = w.producers;
  const perProducer = w.items / P;
  const perConsumer = w.items / w.consumers;
  const producer = async (p) => {
    for (let k = 0; k < perProducer; k++) await adapter.put(q, p + P * k);
  };
  const consumer = async () => {
    const last = receipt.lastSeen();
    let sum = 0;
    let bad = 0;
    if (w.timeout === undefined) {
      for (let k = 0; k < perConsumer; k++) {
        const v = await adapter.get(q);
        sum += v;
        const p = v % P;
        if (v <= last[p]) bad++;
        last[p] = v;
      }
    } else {
      const ms = w.timeout;
      for (let k = 0; k < perConsumer; k++) {
        let v;
        try {
          v = await adapter.getTimeout(q, ms);
        } catch {
          // A real consumer loops on a timeout. On a loaded machine a get can wait 50 ms.
          receipt.timeouts++;
          k--;
          continue;
        }
        sum += v;
        const p = v % P;
        if (v <= last[p]) bad++;
        last[p] = v;
      }
    }
    receipt.count += perConsumer;
    receipt.sum += sum;
    receipt.outOfOrder += bad;
  };
  const elapsed = stopwatch();
  const tasks = [];
  for (let p = 0; p < P; p++) tasks.push(producer(p));
  for (let c = 0; c < w.consumers; c++) tasks.push(consumer());
  await Promise.all(tasks);
  const seconds = elapsed();
  return { seconds, problems: receipt.verify(), timeouts: receipt.timeouts };
}

module.exports = { WORKLOADS, Receipt, runGeneric, stopwatch };
