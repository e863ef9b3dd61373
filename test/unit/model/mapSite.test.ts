// ModelOptions.mapSite: every site the model keeps (a queue's creation, a waiter, an ended
// wait) is the mapped one, the inputs (what a recording keeps) stay as reported, the panel's
// allow-list holds both files, and a mapper that throws leaves the site as reported.
import assert from 'node:assert/strict';
import { QueueModel, type ModelInput } from '../../../src/model';
import type { CallSite } from '../../../src/protocol/wire';
import { attachInfo, batch, ORIGIN, snapshot } from './fixtures';

const JS = '/app/dist/app.js';
const TS = '/app/src/app.ts';
const raw = (line: number, fn: string): CallSite => ({ file: JS, line, column: 9, fn });

function run(mapSite: (s: CallSite) => CallSite) {
  const warnings: string[] = [];
  const model = new QueueModel({ log: { warn: (m) => warnings.push(m) }, now: () => ORIGIN + 1000, mapSite });
  const inputs: ModelInput[] = [];
  model.onDidApplyInput((i) => inputs.push(i));
  model.openSession('S', 'app');
  const key = model.attach('S', attachInfo({ snapshot: snapshot(5, []) }), 'c');
  model.applyDrain('S', key, batch(1, 30, [
    { type: 'queue', t: 10, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0, site: raw(21, 'main') },
    { type: 'wait', t: 21, q: 1, w: 9, role: 'put', site: raw(8, 'produce') },
    { type: 'waitEnd', t: 25, q: 1, w: 9, outcome: 'served', ms: 4 },
    { type: 'wait', t: 26, q: 1, w: 10, role: 'put', site: raw(8, 'produce') },
  ]));
  return { model, inputs, warnings, q: model.queue(`S/${key}/1`)! };
}

describe('QueueModel: mapSite (call sites through source maps)', () => {
  const toTs = (s: CallSite): CallSite => (s.file === JS ? { ...s, file: TS, line: s.line + 20, column: s.column - 4 } : s);

  it('keeps the mapped site everywhere a view reads one; the input stays raw', () => {
    const { model, inputs, q } = run(toTs);
    assert.deepEqual(q.site, { file: TS, line: 41, column: 5, fn: 'main' });
    assert.deepEqual([...q.waiters.values()].map((w) => w.site), [{ file: TS, line: 28, column: 5, fn: 'produce' }]);
    assert.deepEqual(q.recentWaits.map((w) => w.site), [{ file: TS, line: 28, column: 5, fn: 'produce' }]);
    const drain = inputs.find((i) => i.kind === 'applyDrain');
    assert.ok(drain?.kind === 'applyDrain');
    assert.ok(drain.batch.events.every((e) => !('site' in e) || e.site?.file === JS), 'what a recording writes is what the program reported');
    assert.deepEqual([...model.session('S')!.siteFiles].sort(), [JS, TS]);
    assert.deepEqual(model.mapSite(raw(8, 'produce')), { file: TS, line: 28, column: 5, fn: 'produce' });
  });

  it('a mapper that throws: the site as reported, and a warning', () => {
    const { q, warnings } = run(() => {
      throw new Error('bad map');
    });
    assert.deepEqual(q.site, raw(21, 'main'));
    assert.ok(warnings.length > 0 && warnings.every((w) => /call site mapping failed for \/app\/dist\/app\.js: Error: bad map/.test(w)), JSON.stringify(warnings));
  });
});
