// The benchmark's workloads (issues #2 and #13) and the generic producer/consumer driver that
// runs them against any awaitable queue adapter. Sizes shrink with BENCH_QUICK=1.

const { setImmediate, setTimeout } = require('node:timers');
const { performance } = require('node:perf_hooks');

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
 * producers/consumers: how many of each; maxsize 0 = unbounded; items in total (the warm
 * column; the cold column runs COLD_ITEMS); timeout: consumers call get({ timeout });
 * slowProducer: each producer awaits one extra job per item, so the consumer is faster and
 * blocks on every item; burst: the producer putNowait()s this many items in a row, then
 * yields one setImmediate. Consumers start first, as in most programs (workers wait for
 * work), so the first item is always a hand-off.
 */
const WORKLOADS = {
  W1: { title: '1P/1C maxsize 100', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale },
  W2: { title: '1P/1C unbounded', producers: 1, consumers: 1, maxsize: 0, items: 1_000_000 * scale },
  W3: { title: '4P/4C maxsize 64', producers: 4, consumers: 4, maxsize: 64, items: 1_000_000 * scale },
  W4: { title: 'hand-off: 1P/1C maxsize 1', producers: 1, consumers: 1, maxsize: 1, items: 1_000_000 * scale },
  W5: { title: '1P/1C maxsize 100, get({timeout:50})', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale, timeout: 50 },
  W6: { title: 'consumer faster, get({timeout:50})', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale, timeout: 50, slowProducer: true },
  W6n: { title: 'consumer faster, get()', producers: 1, consumers: 1, maxsize: 100, items: 1_000_000 * scale, slowProducer: true },
  W7: { title: 'burst: 10k putNowait, setImmediate', producers: 1, consumers: 1, maxsize: 0, items: 1_000_000 * scale, burst: 10_000 },
};
/** Items of a cold run: the first 20k items after COLD_WARMUPS runs of the same size. */
const COLD_ITEMS = 20_000;
const COLD_WARMUPS = 3;

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
 * Run workload `w` once on an adapter { make(maxsize), put(q, v), get(q), getTimeout(q, ms),
 * putNowait?(q, v), finish?() }. `finish` runs inside the timed region (the armed tracer's
 * last drain). Returns { seconds, problems, timeouts }.
 */
async function runGeneric(adapter, w) {
  const q = adapter.make(w.maxsize);
  const receipt = new Receipt(w);
  const P = w.producers;
  const perProducer = w.items / P;
  const perConsumer = w.items / w.consumers;
  const yieldMacrotask = () => new Promise((resolve) => setImmediate(resolve));
  let producer;
  if (w.burst !== undefined) {
    producer = async (p) => {
      for (let k = 0; k < perProducer; ) {
        const end = Math.min(perProducer, k + w.burst);
        for (; k < end; k++) adapter.putNowait(q, p + P * k);
        await yieldMacrotask();
      }
    };
  } else if (w.slowProducer) {
    producer = async (p) => {
      for (let k = 0; k < perProducer; k++) {
        await adapter.put(q, p + P * k);
        await null; // one more job per item than the consumer: it waits on every get
      }
    };
  } else {
    producer = async (p) => {
      for (let k = 0; k < perProducer; k++) await adapter.put(q, p + P * k);
    };
  }
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
  for (let c = 0; c < w.consumers; c++) tasks.push(consumer());
  for (let p = 0; p < P; p++) tasks.push(producer(p));
  await Promise.all(tasks);
  if (adapter.finish) adapter.finish();
  const seconds = elapsed();
  return { seconds, problems: receipt.verify(), timeouts: receipt.timeouts };
}

/**
 * Timeout lateness: `n` gets on an empty queue with timeouts of 5..40 ms (8 lengths,
 * interleaved), started 8 at a time every millisecond, so expiries spread out as in a
 * program rather than all landing on one timer tick (where the cost of creating 2000 error
 * objects would be what is measured). Returns how late each rejection was seen, in ms
 * (negative: early), wall clock.
 */
async function runLateness(adapter, n = 800) {
  const q = adapter.make(0);
  const late = [];
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const ms = 5 + (i % 8) * 5;
    const t0 = performance.now();
    tasks.push(
      adapter.getTimeout(q, ms).then(
        () => late.push(NaN),
        () => late.push(performance.now() - t0 - ms),
      ),
    );
    if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(tasks);
  return late;
}

module.exports = { WORKLOADS, COLD_ITEMS, COLD_WARMUPS, Receipt, runGeneric, runLateness, stopwatch };
