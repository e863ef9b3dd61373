// @esfx/async-queue: an unbounded queue with a synchronous put() and an awaitable get().
// It has no maxsize, so it only runs W2. The shared driver awaits put()'s undefined
// result, which keeps one await per item on each side, like every other awaitable peer.

const { AsyncQueue } = require('@esfx/async-queue');
const { runGeneric } = require('../workloads');

function system() {
  const adapter = {
    make: () => new AsyncQueue(),
    put: (q, v) => q.put(v),
    get: (q) => q.get(),
    getTimeout: () => {
      throw new Error('unsupported');
    },
  };
  return {
    supports: (wName) => wName === 'W2',
    // It runs at tens of thousands of items/s here; a million items would take minutes.
    maxItems: () => 50_000,
    run: (w) => runGeneric(adapter, w),
  };
}

module.exports = { system };
