// The floor any design must clear: a correct asyncio-style queue written the obvious
// way, on plain arrays with shift() and indexOf/splice, creating a timer only when a
// call really blocks.

const { runGeneric } = require('../workloads');

class NaiveQueue {
  constructor(maxsize) {
    this.maxsize = maxsize;
    this.items = [];
    this.getters = [];
    this.putters = [];
  }
  put(item, timeout) {
    if (this.getters.length > 0) {
      const g = this.getters.shift();
      if (g.timer !== undefined) clearTimeout(g.timer);
      g.resolve(item);
      return Promise.resolve();
    }
    if (this.maxsize <= 0 || this.items.length < this.maxsize) {
      this.items.push(item);
      return Promise.resolve();
    }
    return this.wait(this.putters, { item, resolve: null, reject: null, timer: undefined }, timeout);
  }
  get(timeout) {
    if (this.items.length > 0) {
      const item = this.items.shift();
      if (this.putters.length > 0) {
        const p = this.putters.shift();
        if (p.timer !== undefined) clearTimeout(p.timer);
        this.items.push(p.item);
        p.resolve();
      }
      return Promise.resolve(item);
    }
    return this.wait(this.getters, { resolve: null, reject: null, timer: undefined }, timeout);
  }
  wait(list, w, timeout) {
    return new Promise((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
      list.push(w);
      if (timeout !== undefined) {
        w.timer = setTimeout(() => {
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          reject(new Error('timeout'));
        }, timeout);
      }
    });
  }
}

function system() {
  const adapter = {
    make: (maxsize) => new NaiveQueue(maxsize),
    put: (q, v) => q.put(v),
    get: (q) => q.get(),
    getTimeout: (q, ms) => q.get(ms),
  };
  return { supports: () => true, run: (w) => runGeneric(adapter, w) };
}

module.exports = { system, NaiveQueue };
