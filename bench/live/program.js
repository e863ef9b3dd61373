'use strict';
/* global performance, setImmediate */
// The debuggee of `npm run bench:live` (bench/live/live.ts): N queues, each with a consumer
// that awaits get() in a loop, and one driver that puts at RATE operations per second in all
// (each put is followed by the get of its consumer: 2 operations), round-robin over the
// queues with bursts of 1-3 items so depths move. RATE=0: as fast as it can.
//
// The program keeps its own truth, readable at any macrotask boundary through
// globalThis.__truth(): per queue [id, puts, gets, depth, highWater, waitingConsumers].
// gets = puts - depth (every item put either sits in the queue or was taken), so the truth
// costs the hot loop nothing but a counter and a max. On exit it prints
// {"ops":…, "seconds":…, "cpuMs":…, "steadyOps":…, "steadyCpuMs":…} on stdout (cpuMs: the
// whole process, hub included; steady*: from the first second on, without start-up).

const { Queue } = require(process.env.QUEUESCOPE_LIB);

const N = Number(process.env.N);
const RATE = Number(process.env.RATE);
const SECONDS = Number(process.env.SECONDS);
const queues = [];
const puts = new Float64Array(N);
const high = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const q = new Queue({ name: `conn-${i}` });
  queues.push(q);
  (async () => {
    for (;;) await q.get();
  })();
}

globalThis.__truth = () => {
  const out = new Array(N);
  for (let i = 0; i < N; i++) {
    const q = queues[i];
    const d = q.qsize();
    out[i] = [q.id, puts[i], puts[i] - d, d, high[i], q.waiters.getters];
  }
  return out;
};

let next = 0;
let ops = 0;
let seq = 0;
const t0 = performance.now();
const CHUNK = 2000;
// Steady state: the queues' creation (with an armed hub, a call-site capture each) is over;
// STEADY_MS (default 1 s) also lets the JIT finish compiling the hot paths (bench/live/slowdown.js).
let steadyCpu = null;
let steadyOps = 0;
let steadyT = 0;
setTimeout(() => {
  steadyCpu = process.cpuUsage();
  steadyOps = ops;
  steadyT = performance.now();
}, Number(process.env.STEADY_MS) || Math.min(1000, (SECONDS * 1000) / 4)).unref();

// globalThis.__quiet(): stop moving items (the queues stay); a test calls it before ending the
// session so that no large drain answer is in flight when the debuggee is killed.
let quiet = false;
globalThis.__quiet = () => {
  quiet = true;
};

function step() {
  if (quiet) return;
  const elapsed = (performance.now() - t0) / 1000;
  if (elapsed >= SECONDS) {
    const cpu = process.cpuUsage();
    const steady = steadyCpu === null ? cpu : process.cpuUsage(steadyCpu);
    const steadySeconds = steadyCpu === null ? elapsed : (performance.now() - steadyT) / 1000;
    const result = { ops, seconds: elapsed, cpuMs: (cpu.user + cpu.system) / 1000, steadyOps: ops - steadyOps, steadySeconds, steadyCpuMs: (steady.user + steady.system) / 1000 };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const due = RATE > 0 ? Math.min(CHUNK, RATE * elapsed - ops) : CHUNK;
  for (let done = 0; done < due; ) {
    const i = next;
    next = next + 1 === N ? 0 : next + 1;
    const burst = 1 + (seq++ % 3);
    const q = queues[i];
    for (let b = 0; b < burst; b++) q.putNowait(seq);
    puts[i] += burst;
    const d = q.qsize();
    if (d > high[i]) high[i] = d;
    done += 2 * burst;
    ops += 2 * burst;
  }
  // Let the consumers run (microtasks) and the debugger in (a macrotask boundary).
  if (RATE > 0 && due <= 0) setTimeout(step, 1);
  else setImmediate(step);
}
setImmediate(step);
