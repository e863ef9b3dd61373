// What the Queues tree and the panel's host side say of a BullMQ queue (Redis watch): the
// tree's description lists the states that hold jobs and the workers, its tooltip every
// state; the source notes its gaps; the panel's jobsInfo computes completed/failed per
// second from the stream totals between readings at least a second apart.

import * as assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model';
import type { WireEvent } from '../../../../src/protocol/wire';
import { jobsInfo, newCursor } from '../../../../src/host/panel/messages';
import { queueNode, sourceNode } from '../../../../src/host/views/queueNodes';
import { emptyCounts } from '../../../../src/redis/counts';
import { modelSink } from '../../../../src/redis/modelSink';
import { WireBuilder } from '../../../../src/redis/wireBuilder';

const ORIGIN = 1_000_000;

function fed() {
  let clock = ORIGIN;
  const model = new QueueModel({ now: () => clock });
  const sink = modelSink(model, 'redis:1', 'BullMQ');
  sink.source({ v: 1, pid: 0, threadId: 0, isMainThread: true, title: 'bull @ redis://h:6379', argv: [], origin: ORIGIN, now: 0, sampleInterval: 1000 });
  const wb = new WireBuilder();
  const read = (t: number, fill: (ev: WireEvent[]) => void) => {
    const ev: WireEvent[] = [];
    fill(ev);
    clock = ORIGIN + t;
    sink.events(ev);
  };
  const q = () => model.queuesOf('redis:1')[0];
  const src = () => [...model.session('redis:1')!.sources.values()][0];
  return { wb, read, q, src };
}

describe('Redis (BullMQ) queues in the tree and the panel feed', () => {
  it('the tree describes the states that hold jobs and the workers; the tooltip every state; the source its gaps', () => {
    const { wb, read, q, src } = fed();
    read(1000, (ev) => {
      wb.reading(ev, 1000, 'mail', { ...emptyCounts(), waiting: 7, failed: 2, 'waiting-children': 1 }, 3000, { added: 7, active: 0, completed: 0, failed: 2, stalled: 1 });
      wb.workers(ev, 1000, 'mail', [{ id: '1', name: 'alpha', age: 5, idle: 0 }]);
    });
    const node = queueNode(q());
    assert.equal(node.description, '7/∞ · 7 waiting · 1 waiting-children · 2 failed · 1 worker');
    assert.match(node.tooltip!, /\nBullMQ: waiting 7 · active 0 · delayed 0 · prioritized 0 · waiting-children 1 · completed 0 · failed 2 · paused 0\n/);
    assert.match(node.tooltip!, /\noldest waiting 3\.0 s; 1 worker: alpha\n/);
    assert.match(node.tooltip!, /since the watch began: 0 completed, 2 failed, 0 retried, 1 stalled$/);
    assert.doesNotMatch(sourceNode(src()).description ?? '', /gap/);
    read(4000, (ev) => ev.push({ type: 'gap', t: 4000, since: 2000, reason: 'redis unreachable' }));
    assert.match(sourceNode(src()).description ?? '', /1 gap$/);
  });

  it('jobsInfo: rates from stream totals over >= 1 s, gaps and events in session ms', () => {
    const { wb, read, q, src } = fed();
    const cur = newCursor();
    read(1000, (ev) => wb.reading(ev, 1000, 'mail', { ...emptyCounts(), waiting: 1 }, 0, { added: 1, active: 0, completed: 5, failed: 0, stalled: 0 }));
    assert.equal(jobsInfo(src(), q(), cur, ORIGIN).completedRate, 0, 'one reading: no rate yet');
    read(1500, (ev) => wb.reading(ev, 1500, 'mail', { ...emptyCounts(), waiting: 2 }, 0, { added: 1, active: 0, completed: 10, failed: 0, stalled: 0 }));
    assert.equal(jobsInfo(src(), q(), cur, ORIGIN).completedRate, 0, 'half a second is too short to read a rate');
    read(3000, (ev) => {
      wb.reading(ev, 3000, 'mail', { ...emptyCounts(), waiting: 3, failed: 4 }, 0, { added: 1, active: 0, completed: 30, failed: 4, stalled: 0 });
      wb.notice(ev, 2900, 'mail', 'failed', '9', 'boom', 'send');
    });
    read(6000, (ev) => ev.push({ type: 'gap', t: 6000, since: 4000, reason: 'redis unreachable' }));
    const info = jobsInfo(src(), q(), cur, ORIGIN);
    assert.equal(info.completedRate, 20, '(10 + 30) completions over the 2 s since the first reading');
    assert.equal(info.failedRate, 2);
    assert.deepEqual(info.totals, { added: 3, active: 0, completed: 45, failed: 4, stalled: 0, retried: 0 }, "a flow without retried (before 2026-12-03) adds 0");
    assert.deepEqual(info.recent, [{ t: 2900, event: 'failed', jobId: '9', name: 'send', reason: 'boom' }]);
    assert.deepEqual(info.gaps, [{ from: 4000, to: 6000, reason: 'redis unreachable' }]);
  });
});
