// A BullMQ queue's workers, said only when someone reported them. A traced program's Queue
// object gets job counts but never a `workers` event (its workers may run in any process):
// the tree and the panel said "no worker" beside the program's own running Worker (found on
// a mailer under F5). The Redis watch lists workers from CLIENT LIST, where "no worker" is known.

import assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model';
import { sourceChildren } from '../../../../src/host/views/queueNodes';
import { jobsInfo, newCursor } from '../../../../src/host/panel/messages';
import { workersText } from '../../../../src/protocol/jobsText';
import { attachInfo, queueSnap, snapshot } from '../../model/fixtures';

const counts = { waiting: 7, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0, paused: 0 };

function mail() {
  const model = new QueueModel();
  const key = model.attach('S', attachInfo({ snapshot: snapshot(5, [queueSnap(1, { name: 'mail', size: 7 })]) }));
  model.applyEvents('S', key, [{ type: 'jobCounts', t: 10, q: 1, counts, oldestWaitMs: 1200, flow: { added: 7, active: 0, completed: 0, failed: 0, stalled: 0 } }]);
  const src = model.source('S', key)!;
  const q = () => [...src.queues.values()][0];
  return { model, key, src, q };
}

describe('BullMQ workers: known or not', () => {
  it('says nothing of workers nobody reported, in the tree, its tooltip and the panel', () => {
    const { src, q } = mail();
    const node = sourceChildren(src)[0];
    assert.equal(node.description, '7/∞ · 7 waiting');
    assert.doesNotMatch(String(node.tooltip), /worker/);
    const info = jobsInfo(src, q(), newCursor(), 0);
    assert.equal(info.workersKnown, false);
    assert.equal(workersText(info), '');
  });

  it('says "no worker" once a reader listed none, and names them once it listed some', () => {
    const { model, key, src, q } = mail();
    model.applyEvents('S', key, [{ type: 'workers', t: 20, q: 1, workers: [] }]);
    assert.match(String(sourceChildren(src)[0].description), /7 waiting · no worker$/);
    assert.equal(workersText(jobsInfo(src, q(), newCursor(), 0)), 'no worker');
    model.applyEvents('S', key, [{ type: 'workers', t: 30, q: 1, workers: [{ id: '4', name: 'smtp', age: 3, idle: 0 }] }]);
    assert.match(String(sourceChildren(src)[0].tooltip), /oldest waiting .*; 1 worker: smtp/);
    assert.equal(jobsInfo(src, q(), newCursor(), 0).workersKnown, undefined, 'known: the field is left out');
  });
});
