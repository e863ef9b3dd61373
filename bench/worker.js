// Runs one system on one workload in this process and prints one JSON line:
// { rates (items/s), problems, timers, blocks, info, items }.
//   node bench/worker.js <system> <workload> <runs> [warm|cold]
//   node bench/worker.js <system> LATE       (timeout lateness, ms: { late: [...] })
// warm: one full-size warm-up run, then `runs` measured full-size runs.
// cold: COLD_WARMUPS runs of COLD_ITEMS items, then ONE measured run of COLD_ITEMS (the
// first 20k items a program moves once its code has run a little); `runs` is ignored.
// series: `runs` runs of COLD_ITEMS in a row, each timed ({ ms: [...] }): where in a
// process's life V8's compilation lands (bench/README.md, "Cold vs warm").

// Count host timers created during measured runs. Installed before any system loads, so
// the library's shared timer (which keeps the setTimeout it saw at load) is counted too.
let timersCreated = 0;
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function countedSetTimeout(...args) {
  timersCreated++;
  return realSetTimeout(...args);
};

const { WORKLOADS, COLD_ITEMS, COLD_WARMUPS } = require('./workloads');

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

async function main() {
  const [name, wName, runsArg, mode = 'warm'] = process.argv.slice(2);
  if (!SYSTEMS[name]) throw new Error(`usage: worker.js <${Object.keys(SYSTEMS).join('|')}> <${Object.keys(WORKLOADS).join('|')}|LATE> <runs> [warm|cold]`);
  const system = SYSTEMS[name]();
  if (wName === 'LATE') {
    if (!system.lateness) return console.log(JSON.stringify({ unsupported: true }));
    await system.lateness(); // warm-up
    const late = [];
    for (let r = 0; r < 3; r++) late.push(...(await system.lateness()));
    console.log(JSON.stringify({ late }));
    return;
  }
  let w = WORKLOADS[wName];
  if (!w) throw new Error(`unknown workload ${wName}`);
  if (!system.supports(wName)) return console.log(JSON.stringify({ unsupported: true }));
  const cap = system.maxItems ? system.maxItems(wName) : undefined;
  if (cap !== undefined && w.items > cap) w = { ...w, items: cap };
  if (mode === 'cold' || mode === 'series') w = { ...w, items: Math.min(w.items, COLD_ITEMS) };
  if (mode === 'series') {
    const ms = [];
    for (let i = 0; i < (Number(runsArg) || 8); i++) ms.push(Math.round((await system.run(w)).seconds * 1e5) / 100);
    console.log(JSON.stringify({ ms }));
    return;
  }
  const info = system.hubInfo ? system.hubInfo() : undefined;
  const problems = [];
  const warmups = mode === 'cold' ? COLD_WARMUPS : 1;
  for (let i = 0; i < warmups; i++) {
    const warm = await system.run(w);
    problems.push(...warm.problems.map((p) => `warm-up: ${p}`));
  }
  const measured = mode === 'cold' ? 1 : Number(runsArg) || 2;
  const rates = [];
  let timeouts = 0;
  timersCreated = 0;
  for (let r = 0; r < measured; r++) {
    const one = await system.run(w);
    timeouts += one.timeouts ?? 0;
    problems.push(...one.problems);
    rates.push(w.items / one.seconds);
  }
  const timers = timersCreated / measured;
  // Blocked calls per item, from one extra (untimed) run with a counting wrapper.
  let blocks;
  if (system.countBlocks) blocks = (await system.countBlocks(() => system.run(w))) / w.items;
  console.log(JSON.stringify({ rates, problems, timers, blocks, timeouts, info, items: w.items, extra: system.extra ? system.extra() : undefined }));
}

main().catch((err) => {
  console.log(JSON.stringify({ error: String((err && err.stack) || err) }));
  process.exitCode = 1;
});
