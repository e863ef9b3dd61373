// A BullMQ queue (Redis watch, issue #16) in the real panel page: wire events as the watch
// emits them (WireBuilder) go through the real model (modelSink) and the real host feed
// (PanelFeed -> QueueInfo.jobs), then into Chromium. The per-state counts, throughput,
// oldest waiting job, workers and the outage gap render; a hostile job name, failure reason
// and worker name stay literal text; a malformed `jobs` field from the host is dropped.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import { PanelFeed } from '../../../src/host/panel/feed';
import { readJobsInfo } from '../../../src/protocol/jobsText';
import type { FeedMessage, InitMessage, UpdateMessage } from '../../../src/protocol/webview';
import type { WireEvent } from '../../../src/protocol/wire';
import { emptyCounts } from '../../../src/redis/counts';
import { modelSink } from '../../../src/redis/modelSink';
import { WireBuilder } from '../../../src/redis/wireBuilder';
import { initMessage, queue } from './fixtures';
import { settle, usePanelPages } from './harness';

const ORIGIN_MS = 1_000_000;
const EVIL_NAME = '<img src=x onerror=alert(1)>\u202Eevil\u0000';
const EVIL_REASON = '</script><script>alert(2)</script>';
const EVIL_WORKER = '<b onmouseover=alert(3)>w</b>';

/** A model holding one Redis session fed as the watch feeds it, plus a feed posting into `out`. */
function redisSession(out: FeedMessage[]) {
  let clock = ORIGIN_MS;
  const model = new QueueModel({ now: () => clock });
  const sink = modelSink(model, 'redis:1', 'BullMQ bull @ redis://127.0.0.1:6379');
  sink.source({ v: 1, pid: 0, threadId: 0, isMainThread: true, title: 'bull @ redis://127.0.0.1:6379', argv: [], origin: ORIGIN_MS, now: 0, sampleInterval: 1000 });
  const wb = new WireBuilder();
  const feed = new PanelFeed(model, (m) => out.push(m), { now: () => clock, intervalMs: 1 });
  const read = (t: number, ev: WireEvent[]) => {
    clock = ORIGIN_MS + t;
    sink.events(ev);
  };
  return { model, sink, wb, feed, read };
}

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('panel webview: a Redis (BullMQ) queue', function () {
  this.timeout(60_000);
  const open = usePanelPages();

  it('renders per-state counts, throughput, oldest job, workers and the gap; program strings stay literal', async () => {
    const out: FeedMessage[] = [];
    const { wb, feed, read } = redisSession(out);
    let ev: WireEvent[] = [];
    wb.reading(ev, 1000, 'mail', { ...emptyCounts(), waiting: 7, active: 2, delayed: 3, prioritized: 1, completed: 40, failed: 2 }, 4200, { added: 50, active: 42, completed: 40, failed: 2, stalled: 0 });
    wb.notice(ev, 1000, 'mail', 'failed', '17', EVIL_REASON, EVIL_NAME);
    wb.workers(ev, 1000, 'mail', [
      { id: '7', name: 'alpha', age: 12, idle: 0 },
      { id: '8', name: EVIL_WORKER, age: 3, idle: 1 },
    ]);
    read(1000, ev);
    // Redis was down from 2 s to 5 s: one gap, no reading in between (never zeros).
    read(5000, [{ type: 'gap', t: 5000, since: 2000, reason: 'redis unreachable' }]);
    ev = [];
    wb.reading(ev, 5000, 'mail', { ...emptyCounts(), waiting: 5, active: 2, delayed: 3, prioritized: 1, completed: 50, failed: 3 }, 6500, { added: 0, active: 10, completed: 10, failed: 1, stalled: 0 });
    read(5000, ev);

    feed.ready();
    const init = (await until(() => out.find((m): m is InitMessage => m.type === 'init'), 'init')) as InitMessage;
    const info = init.session!.queues.find((q) => q.name === 'mail')!;
    assert.deepEqual(info.jobs?.counts, { ...emptyCounts(), waiting: 5, active: 2, delayed: 3, prioritized: 1, completed: 50, failed: 3 });
    assert.deepEqual(info.jobs?.gaps, [{ from: 2000, to: 5000, reason: 'redis unreachable' }], 'the outage, in session ms');
    assert.equal(info.jobs?.recent[0].name, EVIL_NAME, 'the host passes the name on byte for byte');

    const p = await open();
    await p.send(init);
    await settle(p.page);
    const row = p.page.locator('#overview tr', { has: p.page.locator('.q-name', { hasText: 'mail' }) });
    assert.equal(await row.locator('.q-preview').textContent(), '5 waiting · 2 active · 3 delayed · 1 prioritized · 50 completed · 3 failed');
    assert.equal(await row.locator('.badge.b-jobs').textContent(), 'BullMQ · 1 gap');
    // "BullMQ" is the word that gives way in a crowded State column (a Worker row with a finding and its running count); the gap count stays.
    assert.equal(await row.locator('.badge.b-jobs .b-word').textContent(), 'BullMQ · ');
    assert.equal(await row.locator('.badge.b-jobs').getAttribute('title'), 'BullMQ · 2 workers · 3 failed · 1 gap');
    await row.click();
    await settle(p.page);
    const facts = p.page.locator('#detail-facts');
    assert.equal(await facts.locator('.jobs-states').textContent(), 'waiting 5 · active 2 · delayed 3 · prioritized 1 · waiting-children 0 · completed 50 · failed 3 · paused 0');
    assert.equal(await facts.locator('.jobs-oldest').textContent(), 'oldest waiting 6.5 s');
    assert.equal(await facts.locator('.jobs-workers').textContent(), '2 workers');
    assert.equal(await facts.locator('.jobs-workers').getAttribute('title'), `alpha\n${EVIL_WORKER}`);
    assert.equal(await facts.locator('.jobs-gap').textContent(), 'not read +2.0 s – +5.0 s (3.0 s): redis unreachable');
    assert.equal(await facts.locator('.jobs-recent .job-name').textContent(), ` ${EVIL_NAME}`);
    assert.equal(await facts.locator('.jobs-recent .job-reason').textContent(), `: ${EVIL_REASON}`);
    // The source is named by the watch's title, not "pid 0 main".
    assert.equal(await row.locator('.q-source').textContent(), 'bull @ redis://127.0.0.1:6379');
    // The chart: the backlog and each state's count over time (completed hidden at first, in the legend).
    const chunks = init.session!.series.filter((c) => c.state !== undefined).map((c) => c.state);
    assert.deepEqual(chunks.sort(), ['active', 'completed', 'delayed', 'failed', 'paused', 'prioritized', 'waiting', 'waiting-children']);
    const legend = await p.page.locator('#chart .u-legend .u-series .u-label').allTextContents();
    assert.deepEqual(legend.slice(1), ['Min', 'Max', 'Backlog', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed', 'paused']);
    assert.equal(await p.page.locator('#chart .u-legend .u-series.u-off').count(), 1, 'completed starts hidden');

    // One more read a second later: 20 completions and 1 failure counted from the stream.
    out.length = 0;
    ev = [];
    wb.reading(ev, 6000, 'mail', { ...emptyCounts(), waiting: 4, active: 2, delayed: 3, prioritized: 1, completed: 70, failed: 4 }, 1000, { added: 0, active: 20, completed: 20, failed: 1, stalled: 0 });
    read(6000, ev);
    const upd = (await until(() => out.find((m): m is UpdateMessage => m.type === 'update' && m.queues.some((q) => q.jobs?.counts.completed === 70)), 'update')) as UpdateMessage;
    await p.send(upd);
    await settle(p.page);
    assert.match((await facts.locator('.jobs-flow').textContent())!, /^20 completed\/s · 1\.0 failed\/s · 4 failed since the watch began$/);
    assert.equal(await facts.locator('.jobs-states').textContent(), 'waiting 4 · active 2 · delayed 3 · prioritized 1 · waiting-children 0 · completed 70 · failed 4 · paused 0');

    assert.equal(await p.page.locator('img').count(), 0, 'no element was parsed from data');
    assert.equal(await p.page.locator('b').count(), 0, 'no element was parsed from data');
    assert.equal(await p.page.locator('script').count(), 1, 'only the nonce script');
    await p.page.waitForTimeout(300); // an onerror handler would have fired by now
    const artifacts = path.resolve(__dirname, '../../../test-artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    await p.page.screenshot({ path: path.join(artifacts, 'panel-redis.png') }); // for a look, not compared
    feed.dispose();
  });

  it("lists a traced Worker's running jobs (BullMQ adapter), names as text", async () => {
    const out: FeedMessage[] = [];
    const { wb, feed, read } = redisSession(out);
    const ev: WireEvent[] = [];
    wb.reading(ev, 1000, 'orders', { ...emptyCounts(), waiting: 3, active: 2 }, null, undefined);
    wb.workers(ev, 1000, 'orders', [
      {
        id: 'c10d',
        name: 'packer',
        age: 4,
        idle: 0,
        concurrency: 2,
        jobs: [
          { id: '4', name: 'pack', ageMs: 3200, attempts: 1 },
          { id: '9', name: EVIL_NAME, ageMs: 250, attempts: 2 },
        ],
      },
    ]);
    read(1000, ev);
    feed.ready();
    const init = (await until(() => out.find((m): m is InitMessage => m.type === 'init'), 'init')) as InitMessage;
    const p = await open();
    await p.send(init);
    await settle(p.page);
    await p.page.locator('#overview tr', { has: p.page.locator('.q-name', { hasText: 'orders' }) }).click();
    await settle(p.page);
    assert.deepEqual(await p.page.locator('#detail-facts .jobs-running li').allTextContents(), [
      'running #4 pack · 3.2 s · attempt 1 · packer',
      `running #9 ${EVIL_NAME} · 250 ms · attempt 2 · packer`,
    ]);
    assert.equal(await p.page.locator('img').count(), 0, 'no element was parsed from data');
    feed.dispose();
  });

  // Found on a BullMQ mailer under F5: its Queue row said "no worker" beside its own running
  // Worker, whose workers nobody reports (they may run in any process).
  it("says nothing of workers nobody reported (a traced program's Queue object), through the page's own reading", async () => {
    const out: FeedMessage[] = [];
    const { wb, feed, read } = redisSession(out);
    try {
      let ev: WireEvent[] = [];
      wb.reading(ev, 0, 'mail', { ...emptyCounts(), waiting: 7 }, 1200, { added: 7, active: 0, completed: 0, failed: 0, stalled: 0 });
      read(0, ev);
      feed.ready();
      const init = (await until(() => out.find((m): m is InitMessage => m.type === 'init'), 'init')) as InitMessage;
      assert.equal(init.session!.queues[0].jobs?.workersKnown, false);
      assert.equal(readJobsInfo(init.session!.queues[0].jobs)?.workersKnown, false, 'the page keeps the field');
      const p = await open();
      await p.send(init);
      await settle(p.page);
      const row = p.page.locator('#overview tr', { has: p.page.locator('.q-name', { hasText: 'mail' }) });
      assert.equal(await row.locator('.badge.b-jobs').getAttribute('title'), 'BullMQ');
      await row.click();
      await settle(p.page);
      assert.equal(await p.page.locator('#detail-facts .jobs-oldest').textContent(), 'oldest waiting 1.2 s');
      assert.equal(await p.page.locator('#detail-facts .jobs-workers').count(), 0);
      // A reader that lists none (the Redis watch, from CLIENT LIST): "no worker" is known.
      ev = [];
      wb.workers(ev, 1000, 'mail', []);
      read(1000, ev);
      const update = (await until(() => out.find((m): m is UpdateMessage => m.type === 'update' && m.queues.some((q) => q.jobs !== undefined)), 'an update')) as UpdateMessage;
      await p.send(update);
      await settle(p.page);
      assert.equal(await p.page.locator('#detail-facts .jobs-workers').textContent(), 'no worker');
    } finally {
      feed.dispose(); // its timers would keep mocha alive after a failure
    }
  });

  it('drops a malformed jobs field and keeps the well-formed parts', async () => {
    const bad = { counts: { waiting: '7', active: 2, bogus: 1 }, oldestWaitMs: 'x', workers: [{ name: 5 }, { name: 'ok', idle: 'n' }], recent: [{ t: 1, event: 'failed' }], gaps: [{ from: 1, to: 'z' }] };
    assert.deepEqual(readJobsInfo(bad), {
      counts: { active: 2 },
      oldestWaitMs: null,
      completedRate: 0,
      failedRate: 0,
      totals: { added: 0, active: 0, completed: 0, failed: 0, stalled: 0, retried: 0 },
      workers: [{ name: 'ok', idle: 0 }],
      recent: [],
      gaps: [],
    });
    assert.equal(readJobsInfo('nope'), undefined);
    const p = await open();
    const msg = initMessage();
    msg.session!.queues = [queue('q-a', 'a', { jobs: 42 as never }), queue('q-b', 'b', { jobs: bad as never })];
    await p.send(msg);
    await settle(p.page);
    assert.equal(await p.page.locator('#overview tr .badge.b-jobs').count(), 1, 'only the queue whose jobs field could be read shows the badge');
    assert.equal(await p.page.locator('#overview tr .q-preview').filter({ hasText: '2 active' }).count(), 1);
  });
});
