// What handing a drain's answer back costs the debuggee, beyond the hub's own `ms` (issue #17):
// a real `node --inspect` with the Debugger domain enabled as js-debug enables it.
//
//   npx tsx bench/live/evaluateCost.ts [--sizes 1000,100000,1000000]
//
// - evaluate: Runtime.evaluate returning a ready-made string of N characters by value (what
//   DAP evaluate of the drain expression does), against the same evaluate returning only its
//   length; the difference, in the debuggee process's CPU time (/proc), is the reply's
//   serialisation. The poller adds it to the hub's `ms` (src/protocol/drainPace.ts,
//   evaluateReplyMs).
// - binding: the push channel's Runtime.addBinding function called with the same string,
//   timed inside the debuggee (the call serialises its CDP event synchronously). The hub's
//   pusher times its own sends (src/trace/pusher.ts).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CdpClient, startInspected } from '../../test/unit/debugger/cdp';

const args = process.argv.slice(2);
const SIZES = (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : '1000,100000,1000000').split(',').map(Number);

const PROGRAM = `
const made = new Map();
// A string shaped like a drain's columns, cached so that evaluating it costs only the reply.
globalThis.answer = (n) => {
  let s = made.get(n);
  if (s === undefined) {
    const parts = [];
    for (let i = 0, len = 0; len < n; i++) { const p = '[' + i + ',12,3,0,4567]'; parts.push(p); len += p.length + 1; }
    s = parts.join(',').slice(0, n);
    made.set(n, s);
  }
  return s;
};
globalThis.timeBinding = (n, k) => {
  const s = globalThis.answer(n);
  const t = performance.now();
  for (let i = 0; i < k; i++) globalThis.__qsCost(s);
  return (performance.now() - t) / k;
};
setInterval(() => {}, 1000);
`;

/** CPU ms (user + system) of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const file = path.join(os.tmpdir(), `queuescope-evaluate-cost-${process.pid}.js`);
  fs.writeFileSync(file, PROGRAM);
  const { child, url } = await startInspected([file], process.env);
  const c = await CdpClient.connect(url);
  try {
    await c.send('Runtime.enable');
    await c.send('Debugger.enable', {});
    await c.send('Runtime.addBinding', { name: '__qsCost' });
    let events = 0;
    c.on('Runtime.bindingCalled', () => events++);
    console.log(`Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log('| answer (chars) | evaluate, length only (debuggee CPU ms) | evaluate, whole answer | reply cost | per million chars | binding call (ms, in the debuggee) |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const n of SIZES) {
      const k = Math.max(50, Math.min(400, Math.round(2e8 / Math.max(n, 1) / 100)));
      await c.evaluateString(`answer(${n}).length`);
      const timeEvaluate = async (expression: string): Promise<number> => {
        const before = cpuMs(child.pid!);
        for (let i = 0; i < k; i++) await c.evaluateString(expression);
        return (cpuMs(child.pid!) - before) / k;
      };
      const lengthOnly = await timeEvaluate(`answer(${n}).length`);
      const whole = await timeEvaluate(`answer(${n})`);
      const binding = Number(await c.evaluateString(`String(timeBinding(${n}, ${k}))`));
      const reply = whole - lengthOnly;
      console.log(`| ${n.toLocaleString('en')} | ${lengthOnly.toFixed(2)} | ${whole.toFixed(2)} | ${reply.toFixed(2)} | ${((reply * 1e6) / n).toFixed(1)} | ${binding.toFixed(2)} |`);
    }
    console.log(`(binding events received: ${events})`);
  } finally {
    c.close();
    child.kill();
    fs.rmSync(file, { force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
