// The panel opens by itself at the first queue of a debug session, once, when allowed.
import * as assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model/store';
import type { ModelChange } from '../../../../src/model/store';
import type { SourceInfo } from '../../../../src/protocol/wire';
import { FirstQueueReveal } from '../../../../src/host/panel/autoReveal';

const info = (pid: number): SourceInfo => ({ v: 1, pid, threadId: 0, isMainThread: true, title: 'app', argv: [], origin: 1_700_000_000_000, now: 0, sampleInterval: 10 });
const queue = (q: number) => ({ type: 'queue' as const, t: 0, q, name: `q${q}`, kind: 'fifo' as const, maxsize: 0, size: 0 });

function setup(enabled: () => boolean) {
  const model = new QueueModel();
  const reveal = new FirstQueueReveal(model);
  const revealed: string[] = [];
  model.onDidChange((c: ModelChange) => {
    const s = reveal.onChange(c, enabled());
    if (s) revealed.push(s);
  });
  return { model, reveal, revealed };
}

describe('FirstQueueReveal', () => {
  it('reveals once per debug session, at its first queue', () => {
    const h = setup(() => true);
    h.model.openSession('f5', 'Launch crawl.js');
    const src = h.model.addSource('f5', info(1));
    assert.deepEqual(h.revealed, [], 'no queue yet');
    h.model.applyEvents('f5', src, [queue(1)]);
    h.model.applyEvents('f5', src, [queue(2)]);
    assert.deepEqual(h.revealed, ['f5']);
  });

  it('does nothing when the setting is off, nor for a loaded recording', () => {
    const off = setup(() => false);
    off.model.openSession('f5', 'run');
    off.model.applyEvents('f5', off.model.addSource('f5', info(1)), [queue(1)]);
    assert.deepEqual(off.revealed, []);
    const rec = setup(() => true);
    rec.model.openSession('recording:1', 'app.qscope', 'recording');
    rec.model.applyEvents('recording:1', rec.model.addSource('recording:1', info(1)), [queue(1)]);
    assert.deepEqual(rec.revealed, []);
  });

  it('forgets removed sessions', () => {
    const h = setup(() => true);
    h.model.openSession('f5', 'run');
    h.model.applyEvents('f5', h.model.addSource('f5', info(1)), [queue(1)]);
    assert.equal(h.reveal.size, 1);
    h.model.endSession('f5');
    h.model.removeSession('f5');
    assert.equal(h.reveal.size, 0);
  });
});
