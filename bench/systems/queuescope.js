// This library, three ways: the published bundle with its hub dormant (dist/lib), the
// same bundle with the hub armed and drained every 100 ms (issue #4's tracing rows),
// and a bundle of src/queue alone with no tracer (the "plain library" baseline).

const path = require('node:path');
const { runGeneric } = require('../workloads');

const HUB_KEY = Symbol.for('queuescope.hub');

function load(variant) {
  const file = variant === 'plain' ? path.join(__dirname, '../../.tmp/bench/plain.js') : path.join(__dirname, '../../dist/lib/index.js');
  return require(file);
}

function adapterFor(lib) {
  return {
    make: (maxsize) => new lib.Queue({ maxsize }),
    put: (q, v) => q.put(v),
    get: (q) => q.get(),
    getTimeout: (q, ms) => q.get({ timeout: ms }),
  };
}

/** variant: 'lib' (dormant hub), 'armed' (QUEUESCOPE_TRACE=1 set by the runner), 'plain'. */
function system(variant) {
  const lib = load(variant);
  const adapter = adapterFor(lib);
  let drained = 0;
  let drains = 0;
  return {
    supports: (wName) => (variant === 'armed' ? ['W1', 'W3', 'W4'].includes(wName) : true),
    /** Hub state, for the report: missing until src/trace provides one. */
    hubInfo() {
      new lib.Queue(); // the first queue creates the hub, if the bundle carries one
      const hub = globalThis[HUB_KEY];
      if (hub === undefined) return 'no hub';
      if (variant === 'armed' && typeof hub.drain !== 'function') return 'hub without drain()';
      return variant === 'armed' ? 'hub armed' : 'hub dormant';
    },
    async run(w) {
      const hub = globalThis[HUB_KEY];
      let timer;
      if (variant === 'armed' && hub !== undefined && typeof hub.drain === 'function') {
        const drain = () => {
          const s = hub.drain(1e6);
          drains++;
          drained += typeof s === 'string' ? s.length : 0;
        };
        timer = setInterval(drain, 100);
        const result = await runGeneric(adapter, w);
        clearInterval(timer);
        drain(); // what was left: part of the cost of tracing
        return result;
      }
      return runGeneric(adapter, w);
    },
    extra: () => (variant === 'armed' ? { drains, drainedChars: drained } : {}),
  };
}

module.exports = { system };
