// Runs one system on one workload in this process: a warm-up run, then `runs` measured
// runs. Prints one JSON line: { rates (items/s), problems, timers, info }.
//   node bench/worker.js <system> <workload> <runs>

const { WORKLOADS } = require('./workloads');

const SYSTEMS = {
  lib: () => require('./systems/queuescope').system('lib'),
  armed: () => require('./systems/queuescope').system('armed'),
  plain: () => require('./systems/queuescope').system('plain'),
  naive: () => require('./systems/naive').system(),
  'async-channel': () => require('./systems/async-channel').system(),
  esfx: () => require('./systems/esfx').system(),
  effect: () => require('./systems/effect').system(),
  'stream-forawait': () => require('./systems/streams').system('forawait'),
  'stream-pipeline': () => require('./systems/streams').system('pipeline'),
  ceiling: () => require('./systems/ceiling').system(),
};

// Count timers created during measured runs (W5 must create none for non-blocking gets).
let timersCreated = 0;
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function countedSetTimeout(...args) {
  timersCreated++;
  return realSetTimeout(...args);
};

async function main() {
  const [name, wName, runsArg] = process.argv.slice(2);
  let w = WORKLOADS[wName];
  if (!SYSTEMS[name] || !w) throw new Error(`usage: worker.js <${Object.keys(SYSTEMS).join('|')}> <${Object.keys(WORKLOADS).join('|')}> <runs>`);
  const runs = Number(runsArg) || 5;
  const system = SYSTEMS[name]();
  if (!system.supports(wName)) {
    console.log(JSON.stringify({ unsupported: true }));
    return;
  }
  const cap = system.maxItems ? system.maxItems(wName) : undefined;
  if (cap !== undefined && w.items > cap) w = { ...w, items: cap };
  const info = system.hubInfo ? system.hubInfo() : undefined;
  const problems = [];
  // One full-size warm-up run: a smaller one left the first measured run visibly slower.
  const warm = await system.run(w);
  problems.push(...warm.problems.map((p) => `warm-up: ${p}`));
  const rates = [];
  timersCreated = 0;
  const repeat = w.repeat ?? 1;
  let timeouts = 0;
  for (let r = 0; r < runs; r++) {
    let seconds = 0;
    for (let k = 0; k < repeat; k++) {
      const one = await system.run(w);
      seconds += one.seconds;
      timeouts += one.timeouts ?? 0;
      problems.push(...one.problems);
    }
    rates.push((w.items * repeat) / seconds);
  }
  const timers = timersCreated / (runs * repeat);
  console.log(JSON.stringify({ rates, problems, timers, timeouts, info, items: w.items, extra: system.extra ? system.extra() : undefined }));
}

main().catch((err) => {
  console.log(JSON.stringify({ error: String((err && err.stack) || err) }));
  process.exitCode = 1;
});
