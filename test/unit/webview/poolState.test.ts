// A task pool of another library in the real panel page (issue #14): its row's State column
// says paused / rate-limited, and the detail facts show those flags, the age of the oldest
// running task (ticking while the session runs), piscina-style figures and the running
// tasks' previews; program data stays literal text.

import * as assert from 'node:assert/strict';
import { initMessage, NOW, queue, counters, site, update } from './fixtures';
import { settle, usePanelPages } from './harness';

const EVIL = '<img src=x onerror=alert(1)>';

describe('panel webview: pool state of other libraries (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();

  it('shows paused, rate-limited, the oldest running age (ticking), figures and running previews as text', async () => {
    const p = await open({ width: 1550 }); // room for three worded badges in the State column (~258 px)
    const pool = queue('q-pool', 'PQueue', {
      kind: 'priority',
      lib: 'p-queue@10.0.0',
      concurrency: 2,
      counters: counters({ puts: 5, running: 2, paused: true, rateLimited: true }),
      runningSince: NOW - 12_000,
      stats: { threads: 2, utilization: 0.5, wait_p50: 0.25 },
      runningItems: [EVIL],
    });
    await p.send(initMessage({ session: { ...initMessage().session!, queues: [pool] } }));
    await settle(p.page);
    const row = p.page.locator('#overview tr[data-key="q-pool"]');
    const cells = await row.locator('td').allInnerTexts();
    assert.match(cells[1], /paused\s*rate-limited\s*running 2\/2/, 'the State column says why no task starts, and how many run');
    // The narrow Kind column holds the kind alone; the library and the pool in its tooltip.
    assert.equal(cells[2], 'priority');
    assert.equal(await row.locator('td.c-kind span').getAttribute('title'), 'priority · p-queue@10.0.0 · running 2/2');
    // The count moves at almost every poll: the badge's text changes in place, no rebuild.
    const badge = (await row.locator('.b-running').elementHandle())!;
    await p.send(update({ queues: [{ ...pool, counters: counters({ puts: 6, running: 1, paused: true, rateLimited: true }) }] }));
    await settle(p.page);
    assert.equal((await row.locator('.b-running').innerText()).trim(), 'running 1/2');
    assert.equal(await badge.evaluate((e) => e.isConnected), true, 'the same badge, updated in place');
    // Narrow, three badges: the count stays whole and the word gives way (its tooltip says what it counts).
    await p.page.setViewportSize({ width: 1200, height: 800 });
    await settle(p.page);
    // The word is hidden from sight only: a screen reader still reads "running 1/2".
    assert.ok((await row.locator('.b-running .b-word').evaluate((w) => w.getBoundingClientRect().width)) <= 1, 'the word gives way on screen');
    assert.equal((await row.locator('.b-running').textContent())!.trim(), 'running 1/2');
    assert.equal(await row.locator('td.c-status .badges').evaluate((e) => e.scrollWidth <= e.clientWidth + 1), true, 'no badge cut');
    assert.equal(await row.locator('.b-running').getAttribute('title'), "tasks running / the pool's concurrency");
    await p.page.setViewportSize({ width: 1550, height: 800 });
    await settle(p.page);
    await row.click();
    await settle(p.page);
    const facts = p.page.locator('#detail-facts');
    assert.deepEqual(await facts.locator('.b-pool').allInnerTexts(), ['paused', 'rate-limited']);
    assert.match((await facts.locator('.pool-age').textContent())!, /^oldest running 1\d\.\d s$/);
    assert.equal(await facts.locator('.pool-stats').textContent(), 'threads 2 · utilization 50% · wait p50 0.25 ms');
    assert.equal(await facts.locator('.pool-running').textContent(), `running: ${EVIL}`);
    assert.equal(await facts.locator('img').count(), 0, 'program data is text, never markup');
    // The age grows with the session's clock, with no new message.
    const first = (await facts.locator('.pool-age').textContent())!;
    await p.page.waitForFunction((before) => document.querySelector('#detail-facts .pool-age')?.textContent !== before, first);
    // Started again, nothing running: the flags and the age go.
    await p.send(update({ queues: [{ ...pool, counters: counters({ puts: 5, running: 0, paused: false, rateLimited: false }), runningSince: null, runningItems: null }] }));
    await settle(p.page);
    assert.equal(await facts.locator('.b-pool').count(), 0);
    assert.equal(await row.locator('.b-pool').count(), 0);
    assert.equal(await row.locator('.b-running').count(), 0, 'nothing running: no running badge');
    assert.match((await row.locator('td').allInnerTexts())[1], /ok/);
    assert.equal(await facts.locator('.pool-age').count(), 0);
  });

  it('says "≥" of a task already running when QueueScope attached, in the text and its tooltip', async () => {
    const p = await open({ width: 1550 });
    const pool = queue('q-pool', 'fastq pool', { lib: 'fastq@1.20.3', concurrency: 2, counters: counters({ puts: 5, running: 1, runningAdopted: true }), runningSince: NOW - 12_000 });
    await p.send(initMessage({ session: { ...initMessage().session!, queues: [pool] } }));
    await settle(p.page);
    await p.page.locator('#overview tr[data-key="q-pool"]').click();
    await settle(p.page);
    const age = p.page.locator('#detail-facts .pool-age');
    assert.match((await age.textContent())!, /^oldest running ≥ 1\d\.\d s$/);
    assert.match((await age.getAttribute('title'))!, /at least: it was already running when QueueScope attached/);
  });

  it("stops a stopped process's clocks: the oldest running task's age and its waits stand at its end while others tick", async () => {
    // A cluster worker that exited while the primary runs on: its pool's oldest task ran
    // 10 s when it ended, its blocked put waited 4 s, and neither grows after.
    const p = await open({ width: 1550 });
    const ended = queue('q-ended', 'render-b', {
      lib: 'async@3.2.6',
      concurrency: 4,
      counters: counters({ puts: 9, running: 4 }),
      runningSince: NOW - 12_000,
      stoppedAt: NOW - 2_000,
      blocked: 1,
    });
    const waiters = [
      { id: 'gone', queue: 'q-ended', role: 'put' as const, since: NOW - 6_000, site: site(12), stoppedAt: NOW - 2_000 },
      { id: 'live', queue: 'q-ended', role: 'put' as const, since: NOW - 1_000, site: site(13) },
    ];
    await p.send(initMessage({ session: { ...initMessage().session!, queues: [ended], waiters } }));
    await settle(p.page);
    await p.page.locator('#overview tr[data-key="q-ended"]').click();
    await settle(p.page);
    const age = p.page.locator('#detail-facts .pool-age');
    const time = (i: number) => p.page.locator('#blocked-list li .wait-time').nth(i).textContent();
    assert.equal(await age.textContent(), 'oldest running 10.0 s');
    assert.equal(await time(0), '4.0 s');
    // The session's clock moves (the other wait ticks); the stopped ones do not.
    const other = await time(1);
    await p.page.waitForFunction((before) => document.querySelectorAll('#blocked-list li .wait-time')[1]?.textContent !== before, other);
    assert.equal(await age.textContent(), 'oldest running 10.0 s');
    assert.equal(await time(0), '4.0 s');
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers when its process stopped (2)', "the queue's process stopped while the session runs");
    // The session ends: its lists are who was still waiting then, and say so.
    await p.send(update({ status: 'ended', now: NOW, waiters: [waiters[0]] }));
    await settle(p.page);
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers at the end (1)');
    assert.equal(await p.page.locator('#waiting-head').textContent(), 'Waiting consumers at the end (0)');
    assert.equal(await time(0), '4.0 s');
    assert.equal(await p.page.locator('#blocked-list li button.site').count(), 1, 'its call site still opens');
  });
});
