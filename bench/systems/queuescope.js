// This library, three ways: the published bundle with its hub dormant (dist/lib), the
// same bundle with the hub armed and drained every 100 ms (as under F5: the extension sets
// QUEUESCOPE_TRACE=1 and its poller drains), and a bundle of src/queue alone with no
// tracer (the "plain library" baseline).

const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { runGeneric, runLateness } = require('../workloads');

const HUB_KEY = Symbol.for('queuescope.hub');

function load(variant) {
  const file = variant === 'plain' ? path.join(__dirname, '../../.tmp/bench/plain.js') : path.join(__dirname, '../../dist/lib/index.js');
  return require(file);
}

/** variant: 'lib' (dormant hub), 'armed' (QUEUESCOPE_TRACE=1 set by the runner), 'plain'. */
function system(variant) {
  const lib = load(variant);
  let drained = 0;
  let drains = 0;
  let blocks = 0;
  let lastDrain = performance.now();
  const hub = () => globalThis[HUB_KEY];
  const drain = () => {
    lastDrain = performance.now();
    const h = hub();
    if (h === undefined || typeof h.drain !== 'function') return;
    // Columnar, as the extension's poller drains (a hub serving them runs no sampling timer).
    const s = h.drain(1e6, { columns: true });
    drains++;
    drained += typeof s === 'string' ? s.length : 0;
  };
  const adapter = {
    make: (maxsize) => new lib.Queue({ maxsize }),
    put: (q, v) => q.put(v),
    get: (q) => q.get(),
    getTimeout: (q, ms) => q.get({ timeout: ms }),
    putNowait: (q, v) => q.putNowait(v),
  };
  return {
    supports: () => true,
    /** Hub state, for the report. */
    hubInfo() {
      new lib.Queue(); // the first queue creates the hub, if the bundle carries one
      const h = hub();
      if (h === undefined) return 'no hub';
      if (variant === 'armed' && typeof h.drain !== 'function') return 'hub without drain()';
      return variant === 'armed' ? (h.isArmed === false ? 'hub NOT armed' : 'hub armed') : 'hub dormant';
    },
    async run(w) {
      if (variant !== 'armed') return runGeneric(adapter, w);
      // Drains come every 100 ms of the process's life, as the poller's do. A run that
      // yields to the event loop (W7) meets them inside its timed region. The others never
      // let a timer fire, so the drain that fell due during a run comes right after it,
      // untimed (a 3 ms cold run would otherwise pay a whole 100 ms period's drain, ~0.1-0.2
      // ms, most of it the drain code running unoptimised, in 3 ms). Not after every run:
      // cold runs take 2-3 ms, and a drain after each one was 30-50 drains per 100 ms, whose
      // garbage brought V8's growth of the young generation a run closer to the cold sample
      // (bench/README.md, "Pinned pairs").
      const timer = setInterval(drain, 100);
      try {
        return await runGeneric(adapter, w);
      } finally {
        clearInterval(timer);
        if (performance.now() - lastDrain >= 100) drain();
      }
    },
    lateness: () => runLateness(adapter),
    /** Count blocked calls while `fn` runs (wraps the private block(); not for timed runs). */
    async countBlocks(fn) {
      const proto = lib.Queue.prototype;
      const real = proto.block;
      blocks = 0;
      proto.block = function (...args) {
        blocks++;
        return real.apply(this, args);
      };
      try {
        await fn();
      } finally {
        proto.block = real;
      }
      return blocks;
    },
    extra: () => (variant === 'armed' ? { drains, drainedChars: drained } : {}),
  };
}

module.exports = { system };
