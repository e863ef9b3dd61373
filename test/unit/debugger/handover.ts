// Shared by the channel tests (pushChannel.test.ts, formatterFetch.test.ts): a program whose
// 20 queues move every 3 ms and whose own counts can be read with it held still, and the
// wait until the model holds exactly those counts.

import assert from 'node:assert/strict';
import type { QueueModel } from '../../../src/model';
import type { CdpClient } from './cdp';

/** The program's source, requiring the library at `lib`. */
export function handoverProgram(lib: string): string {
  return `const { Queue } = require(${JSON.stringify(lib)});
const qs = Array.from({ length: 20 }, (_, i) => new Queue({ name: 'q' + i }));
const puts = qs.map(() => 0), gets = qs.map(() => 0), high = qs.map(() => 0);
let run = true;
let stop = false;
setInterval(() => {
  // The test's pause lands here, between two steps, where the program's own counts are whole
  // (a Debugger.pause could stop between a put and its count).
  if (stop) { stop = false; debugger; }
  if (!run) return;
  qs.forEach((q, i) => {
    q.putNowait(i); q.putNowait(i); puts[i] += 2;
    high[i] = Math.max(high[i], q.qsize());
    q.getNowait(); gets[i]++;
  });
}, 3);
globalThis.__stop = () => { stop = true; return 'ok'; };
// The program's own counts; reading them holds the program still until __go().
globalThis.__truth = () => { run = false; return qs.map((q, i) => [q.name, puts[i], gets[i], high[i]]); };
globalThis.__go = () => { run = true; return 'ok'; };
`;
}

/** Resolves when every queue of session 'root' in the model has the program's counts; `logs` go in the failure. */
export async function untilExact(model: QueueModel, client: CdpClient, logs: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const truth = JSON.parse(await client.evaluateString('JSON.stringify(globalThis.__truth())')) as [string, number, number, number][];
    const qs = new Map(model.queuesOf('root').map((q) => [q.name, q]));
    const wrong = truth.filter(([name, puts, gets, high]) => {
      const q = qs.get(name);
      return !q || q.counters.puts !== puts || q.counters.gets !== gets || q.counters.highWater !== high;
    });
    if (wrong.length === 0) {
      await client.evaluateString('globalThis.__go()');
      return;
    }
    if (Date.now() > deadline) {
      const q = model.queuesOf('root').find((x) => x.name === wrong[0][0]);
      assert.fail(`${wrong.length} queue(s) differ from the program, e.g. ${JSON.stringify(wrong[0])} vs ${JSON.stringify(q?.counters)}; log: ${logs.join(' | ')}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 500); // re-read: the model may be waiting on nothing
      const sub = model.onDidChange(done);
      function done(): void {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }
}
