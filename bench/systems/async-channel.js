// async-channel: Channel(bufferCapacity), push() awaits buffer space, get() awaits a value.
// It has no timeout, so W5 races get() against a timer, as a user would.

const { Channel } = require('async-channel');
const { runGeneric } = require('../workloads');

function system() {
  const adapter = {
    make: (maxsize) => new Channel(maxsize > 0 ? maxsize : Infinity),
    put: (ch, v) => ch.push(v),
    get: (ch) => ch.get(),
    getTimeout: (ch, ms) => {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      });
      // Note: a timed-out get() stays queued in the channel (it has no cancellation).
      return Promise.race([ch.get(), timeout]).finally(() => clearTimeout(timer));
    },
  };
  return { supports: () => true, run: (w) => runGeneric(adapter, w) };
}

module.exports = { system };
