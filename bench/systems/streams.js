// Node objectMode streams with highWaterMark = maxsize (unbounded W2: a huge mark).
// 'forawait': a Readable fed by an awaiting producer, consumed with `for await`.
// 'pipeline': the same Readable piped into a Writable whose write() callback consumes
// (the callback-style pipeline, for reference). One consumer only, so no W3; no
// per-read timeout, so no W5.

const { Readable, Writable, pipeline } = require('node:stream');
const { Receipt, stopwatch } = require('../workloads');

const HUGE = 2 ** 30;

/** A Readable whose producer awaits back-pressure: push() false -> wait for read(). */
function source(w) {
  let resume = null;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: w.maxsize > 0 ? w.maxsize : HUGE,
    read() {
      if (resume !== null) {
        const r = resume;
        resume = null;
        r();
      }
    },
  });
  const produce = async () => {
    for (let i = 0; i < w.items; i++) {
      if (!readable.push(i)) await new Promise((r) => (resume = r));
    }
    readable.push(null);
  };
  return { readable, produce };
}

function system(variant) {
  return {
    supports: (wName) => ['W1', 'W2', 'W4'].includes(wName),
    async run(w) {
      const receipt = new Receipt(w);
      const last = receipt.lastSeen();
      const seen = (v) => {
        receipt.count++;
        receipt.sum += v;
        if (v <= last[0]) receipt.outOfOrder++;
        last[0] = v;
      };
      const { readable, produce } = source(w);
      const elapsed = stopwatch();
      if (variant === 'forawait') {
        const consume = (async () => {
          for await (const v of readable) seen(v);
        })();
        await Promise.all([produce(), consume]);
      } else {
        const sink = new Writable({
          objectMode: true,
          highWaterMark: w.maxsize > 0 ? w.maxsize : HUGE,
          write(v, _enc, cb) {
            seen(v);
            cb();
          },
        });
        const done = new Promise((resolve, reject) => pipeline(readable, sink, (err) => (err ? reject(err) : resolve())));
        await Promise.all([produce(), done]);
      }
      const seconds = elapsed();
      return { seconds, problems: receipt.verify() };
    },
  };
}

module.exports = { system };
