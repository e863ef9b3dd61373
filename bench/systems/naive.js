// The floor any design must clear (issue #13's baseline): a correct asyncio-style queue
// written the obvious way, with the library's API and behaviour: put(item, { timeout,
// signal }), get({ timeout, signal }), putNowait/getNowait, a timer and an abort listener
// only when a call really blocks, both released when it settles, TimeoutError on expiry and
// the signal's reason on abort, nothing lost or taken by a cancelled call. Storage is plain
// arrays: shift() to take, indexOf/splice to cancel from the middle of a line.

const { runGeneric, runLateness } = require('../workloads');

class TimeoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TimeoutError';
  }
}

let blocks = 0;

class NaiveQueue {
  constructor(maxsize = 0) {
    this.maxsize = maxsize;
    this.items = [];
    this.getters = [];
    this.putters = [];
  }
  putNowait(item) {
    if (this.getters.length > 0) {
      this.serve(this.getters.shift(), item);
      return;
    }
    if (this.maxsize > 0 && this.items.length >= this.maxsize) throw new Error('QueueFull');
    this.items.push(item);
  }
  getNowait() {
    if (this.items.length === 0) throw new Error('QueueEmpty');
    const item = this.items.shift();
    if (this.putters.length > 0) {
      const p = this.putters.shift();
      this.items.push(p.item);
      this.serve(p, undefined);
    }
    return item;
  }
  put(item, options) {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.getters.length > 0 || this.maxsize <= 0 || this.items.length < this.maxsize) {
      this.putNowait(item);
      return Promise.resolve();
    }
    return this.wait(this.putters, { item }, 'put', options);
  }
  get(options) {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.items.length > 0) return Promise.resolve(this.getNowait());
    return this.wait(this.getters, {}, 'get', options);
  }
  serve(w, value) {
    if (w.timer !== undefined) clearTimeout(w.timer);
    if (w.signal !== undefined) w.signal.removeEventListener('abort', w.onAbort);
    w.resolve(value);
  }
  wait(list, w, role, options) {
    blocks++;
    return new Promise((resolve, reject) => {
      w.resolve = resolve;
      list.push(w);
      const cancel = (reason) => {
        const i = list.indexOf(w);
        if (i < 0) return;
        list.splice(i, 1);
        if (w.timer !== undefined) clearTimeout(w.timer);
        if (w.signal !== undefined) w.signal.removeEventListener('abort', w.onAbort);
        reject(reason);
      };
      const timeout = options?.timeout;
      if (timeout !== undefined && timeout !== Infinity) {
        w.timer = setTimeout(() => cancel(new TimeoutError(`${role}() timed out after ${timeout} ms`)), timeout);
      }
      if (options?.signal !== undefined) {
        w.signal = options.signal;
        w.onAbort = () => cancel(options.signal.reason);
        w.signal.addEventListener('abort', w.onAbort, { once: true });
      }
    });
  }
}

function system() {
  const adapter = {
    make: (maxsize) => new NaiveQueue(maxsize),
    put: (q, v) => q.put(v),
    get: (q) => q.get(),
    getTimeout: (q, ms) => q.get({ timeout: ms }),
    putNowait: (q, v) => q.putNowait(v),
  };
  return {
    supports: () => true,
    run: (w) => runGeneric(adapter, w),
    lateness: () => runLateness(adapter),
    async countBlocks(fn) {
      blocks = 0;
      await fn();
      return blocks;
    },
  };
}

module.exports = { system, NaiveQueue };
