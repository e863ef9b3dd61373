// The wait rules, tested once (src/model/waitRules.ts), then the phantom-waiter case through
// every reader that uses them: the live model, the replay's wait index and the Chrome-trace
// exporter, all fed the lines a real hub produces.

import * as assert from 'node:assert/strict';
import { Queue } from '../../../src/queue/index';
import type { AttachInfo, DrainBatch, RecordingLine, WireEvent } from '../../../src/protocol/wire';
import { QueueModel } from '../../../src/model';
import { WaitTracker, type TrackedWait, type WaitEnding } from '../../../src/model/waitRules';
import { WaitIndex } from '../../../src/recording/waitIndex';
import { ChromeTraceExporter } from '../../../src/recording/exportChromeTrace';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';

function recorder(): { tracker: WaitTracker; log: string[] } {
  const log: string[] = [];
  const fmt = (w: TrackedWait) => `${w.src}/${w.q}/${w.w} ${w.role}@${w.since}${w.fromSnapshot ? ' snap' : ''}`;
  const tracker = new WaitTracker(
    {
      started: (w) => log.push(`start ${fmt(w)}`),
      refined: (w) => log.push(`refine ${fmt(w)}`),
      ended: (w, e: WaitEnding) => log.push(`end ${fmt(w)} at ${e.at} by ${e.cause}${e.outcome ? ` ${e.outcome}` : ''}`),
      unmatchedEnd: (src, e, at) => log.push(`unmatched ${src}/${e.q}/${e.w} at ${at}`),
    },
    (_src, t) => 1000 + t,
  );
  return { tracker, log };
}

const waitEv = (t: number, q: number, w: number, role: 'put' | 'get' = 'get'): WireEvent => ({ type: 'wait', t, q, w, role });
const endEv = (t: number, q: number, w: number): WireEvent => ({ type: 'waitEnd', t, q, w, outcome: 'served', ms: 1 });

describe('wait rules (one implementation)', () => {
  it('a wait announced after a snapshot showed it is the same wait, not a second one', () => {
    const { tracker, log } = recorder();
    tracker.snapshot('A', { t: 5, queues: [{ q: 1, waiters: [{ w: 7, role: 'get', since: 2 }] }] });
    tracker.event('A', waitEv(2, 1, 7));
    tracker.event('A', endEv(9, 1, 7));
    assert.deepEqual(log, ['start A/1/7 get@1002 snap', 'refine A/1/7 get@1002', 'end A/1/7 get@1002 at 1009 by waitEnd served']);
    assert.equal(tracker.openCount, 0);
  });

  it('a snapshot ends the waits of the queues it names that it no longer lists', () => {
    const { tracker, log } = recorder();
    tracker.event('A', waitEv(1, 1, 1));
    tracker.event('A', waitEv(1, 2, 2));
    tracker.snapshot('A', { t: 10, queues: [{ q: 1, waiters: [] }] });
    assert.deepEqual(log.slice(2), ['end A/1/1 get@1001 at 1010 by snapshot']);
    assert.deepEqual(tracker.openOf('A').map((w) => w.w), [2]);
  });

  it('shortWaits retires snapshot-only waiters of that queue and role, at most count', () => {
    const { tracker, log } = recorder();
    tracker.snapshot('A', { t: 5, queues: [{ q: 1, waiters: [{ w: 1, role: 'get', since: 1 }, { w: 2, role: 'get', since: 2 }, { w: 3, role: 'put', since: 3 }] }] });
    tracker.event('A', waitEv(4, 1, 4)); // announced: never retired by an aggregate
    tracker.event('A', { type: 'shortWaits', t: 8, q: 1, role: 'get', count: 1, totalMs: 0.5, hist: [] });
    assert.deepEqual(log.slice(4), ['end A/1/1 get@1001 snap at 1008 by shortWaits']);
    assert.deepEqual(tracker.openOf('A').map((w) => w.w), [2, 3, 4]);
  });

  it('an end closes the realm\'s waits and only its own; an unknown waitEnd is reported as such', () => {
    const { tracker, log } = recorder();
    tracker.event('A', waitEv(1, 1, 1));
    tracker.event('B', waitEv(1, 1, 1));
    tracker.event('A', endEv(3, 1, 99));
    tracker.endSource('A', 20);
    assert.deepEqual(log.slice(2), ['unmatched A/1/99 at 1003', 'end A/1/1 get@1001 at 1020 by end']);
    assert.deepEqual(tracker.openOf('B').map((w) => w.w), [1]);
    tracker.forget('B');
    assert.equal(tracker.openCount, 0);
  });
});

describe('the phantom waiter (a consumer blocked before the first poll)', () => {
  /** Armed hub, get() blocks, attach(), drain(), putNowait(), drain(): as the extension sees it. */
  async function transcript(): Promise<{ info: AttachInfo; batches: DrainBatch[]; lines: RecordingLine[] }> {
    const hub = new Hub({ ...DEFAULTS, shortWaitMs: 0 });
    hub.arm();
    const q = new Queue<string>({ name: 'jobs' });
    q.setProbe(hub.register(q));
    const got = q.get();
    const info = JSON.parse(hub.attach()) as AttachInfo;
    const batches = [JSON.parse(hub.drain()) as DrainBatch];
    q.putNowait('x');
    assert.equal(await got, 'x');
    batches.push(JSON.parse(hub.drain()) as DrainBatch);
    const { snapshot, nextSeq: _n, ...source } = info;
    const lines: RecordingLine[] = [
      { type: 'qscope', v: 1, created: 0, writer: 'extension', label: 't' } as RecordingLine,
      { type: 'source', src: 'S', info: source, snapshot },
      ...batches.flatMap((b) => b.events.map((e) => ({ src: 'S', ...e }) as RecordingLine)),
    ];
    return { info, batches, lines };
  }

  it('the attach snapshot lists it and the first drain announces it again', async () => {
    const { info, batches } = await transcript();
    assert.equal(info.snapshot.queues[0].waiters.length, 1);
    assert.ok(batches[0].events.some((e) => e.type === 'wait'));
  });

  it('the replay index: one wait, served', async () => {
    const { lines } = await transcript();
    const index = new WaitIndex();
    index.push(lines);
    assert.equal(index.size, 1);
    const [w] = index.ofQueue(`S/${(lines[1] as { snapshot: { queues: { q: number }[] } }).snapshot.queues[0].q}`);
    assert.equal(w.outcome, 'served');
    assert.ok(w.ended !== undefined);
    assert.deepEqual(index.at(w.ended! + 1), []);
  });

  it('the live model: nobody waits once it is served', async () => {
    const { info, batches } = await transcript();
    const model = new QueueModel();
    const key = model.attach('s', info);
    for (const b of batches) model.applyDrain('s', key, b);
    const [q] = model.queuesOf('s');
    assert.equal(q.waiters.size, 0);
    assert.deepEqual(q.recentWaits.map((w) => w.outcome), ['served']);
  });

  it('the Chrome trace: one slice, served', async () => {
    const { lines } = await transcript();
    const ex = new ChromeTraceExporter();
    let text = ex.begin();
    for (const l of lines) text += ex.push(l);
    text += ex.end();
    const slices = (JSON.parse(text) as { traceEvents: { cat?: string; args?: { outcome?: string } }[] }).traceEvents.filter((e) => e.cat === 'wait');
    assert.deepEqual(slices.map((s) => s.args?.outcome), ['served']);
  });
});
