// The ceiling: a loop that awaits an already-resolved promise once per item. A put+get
// pair costs at least two such awaits, so the runner reports half this rate as the
// put+get ceiling.

const { Receipt, stopwatch } = require('../workloads');

function system() {
  return {
    supports: () => true,
    async run(w) {
      const receipt = new Receipt({ ...w, producers: 1 });
      const resolved = Promise.resolve();
      const elapsed = stopwatch();
      let sum = 0;
      for (let i = 0; i < w.items; i++) {
        await resolved;
        sum += i;
      }
      const seconds = elapsed();
      receipt.count = w.items;
      receipt.sum = sum;
      return { seconds, problems: receipt.verify() };
    },
  };
}

module.exports = { system };
