// The panel in a real browser (Debian's Chromium via playwright-core): the page the host
// builds, fed with recorded host messages through a stand-in acquireVsCodeApi.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP, NOW, SESSION, XSS_NAME, initMessage, queue, queues, series, sessionInfo, update, waiters } from './fixtures';
import { inkedPixels, settle, usePanelPages, type PanelPage, type Theme } from './harness';
import { libName } from '../../../src/webview/overview';
import type { NoHubMessage, SessionInfo } from '../../../src/protocol/webview';

const artifacts = path.resolve(__dirname, '../../../test-artifacts');

describe('panel webview (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;

  const rowNames = () => p.page.$$eval('#overview tbody tr .q-name', (els) => els.map((e) => e.textContent));
  const posted = async (type: string) => ((await p.posted()) as { type: string }[]).filter((m) => m.type === type);

  it('says ready, then lists every queue with its numbers', async () => {
    p = await open();
    assert.deepEqual(await posted('ready'), [{ type: 'ready' }]);
    await p.send(initMessage());
    await settle(p.page);
    assert.deepEqual(await rowNames(), ['<img src=x onerror=alert(1)>', 'jobs', 'results', 'urgent']);
    const row = (key: string) => p.page.locator(`#overview tr[data-key="${key}"]`);
    const cells = (key: string) => row(key).locator('td').allInnerTexts();
    const jobs = await cells('q-jobs');
    assert.match(jobs[0], /^jobs/);
    assert.match(jobs[1], /full/);
    assert.match(jobs[1], /2 blocked/);
    assert.equal(jobs[2], 'FIFO');
    assert.equal(jobs[3], '10 / 10');
    assert.deepEqual(jobs.slice(4, 9), ['42', '38', '2', '0', '10']);
    const results = await cells('q-results');
    assert.match(results[1], /3 waiting/);
    assert.equal(results[3], '0 / ∞');
    const urgent = await cells('q-prio');
    assert.equal(urgent[2], 'priority');
    assert.equal(urgent[3], '42 / 100');
    assert.match(urgent[1], /ok/);
    assert.equal((await cells('q-xss'))[9], '12', 'dropped shown when non-zero');
    assert.equal(await row('q-jobs').getAttribute('class'), 'is-full has-blocked');
    assert.match((await row('q-jobs').getAttribute('aria-label'))!, /jobs, depth 10 of 10, full, 2 blocked producers/);
    assert.equal(await p.page.locator('#overview-empty').isHidden(), true);
  });

  it('a garbage-collected queue reads "gone", greyed, not also "full" (its last depth stays in the Depth column)', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(update({ queues: [{ ...queues().find((q) => q.key === 'q-jobs')!, gone: true }] }));
    await settle(p.page);
    const row = p.page.locator('#overview tr[data-key="q-jobs"]');
    assert.deepEqual((await row.locator('td.c-status .badge').allInnerTexts()).map((t) => t.trim()), ['gone', '2 blocked']);
    assert.match((await row.getAttribute('class'))!, /is-gone/);
    assert.equal((await row.locator('.depth-text').innerText()).trim(), '10 / 10');
  });

  it('shows each row\'s process only when the session has more than one; another library\'s badge shows its name, the version in its tooltip', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    const sourceOf = (key: string) => p.page.locator(`#overview tr[data-key="${key}"] .q-source`);
    // The fixtures' queues live in two threads (main and worker 1): every row says which.
    assert.equal(await sourceOf('q-jobs').isVisible(), true);
    assert.equal(await sourceOf('q-prio').innerText(), 'pid 4242 worker 1');
    // The worker's queue moves to main: one source, no row repeats it; it stays in the name's tooltip.
    await p.send(update({ queues: [queue('q-prio', 'urgent', { kind: 'priority', source: 'pid 4242 main', lib: 'fastq@1.20.3' })] }));
    await settle(p.page);
    assert.equal(await sourceOf('q-jobs').isVisible(), false);
    assert.equal(await p.page.locator('#overview tr[data-key="q-jobs"] .q-name').getAttribute('title'), 'jobs (pid 4242 main)');
    const badge = p.page.locator('#overview tr[data-key="q-prio"] .b-lib');
    assert.equal(await badge.innerText(), 'fastq');
    assert.equal(await badge.getAttribute('title'), 'fastq@1.20.3');
    assert.deepEqual(['p-queue@10.0.0', '@org/queue@2.0.0', 'node:stream', 'async'].map(libName), ['p-queue', '@org/queue', 'stream', 'async']);
  });

  // Found on a log shipper under F5: five stream sides read "pipeline 1 › Transform…", cut
  // where they differ. The last ` › ` segment now stays whole; the head gives way.
  it('keeps the end of a long pipeline name in sight, cutting its head', async () => {
    p = await open({ width: 1280 });
    await p.send(initMessage());
    const names = ['pipeline 12 › #2 Transform writable', 'pipeline 12 › #3 Transform writable'];
    await p.send(update({ queues: names.map((n, i) => queue(`q-s${i}`, n, { lib: 'node:stream', units: 'bytes', maxsize: 16384, size: 2916 })) }));
    await settle(p.page);
    const parts = () =>
      p.page.$$eval('#overview tbody tr[data-key^="q-s"] .q-name', (els) =>
        els.map((e) => {
          const [head, tail] = [...e.children] as HTMLElement[];
          return { text: e.textContent, head: head.scrollWidth > head.clientWidth, tail: tail.scrollWidth > tail.clientWidth, tailText: tail.textContent };
        }),
      );
    // Wide: whole (the row's process gives way first: since 2026-12-06 it shrank with the
    // name and cut it by a pixel).
    assert.deepEqual(await parts(), names.map((n) => ({ text: n, head: false, tail: false, tailText: n.slice(n.lastIndexOf(' › ') + 3) })), 'whole at 1,280 px');
    // The library's badge beside it stays legible ("s…" at 1,000 px before): a short name is never cut.
    const badge = p.page.locator('#overview tr[data-key="q-s0"] .b-lib');
    assert.equal(await badge.innerText(), 'stream');
    assert.equal(await badge.evaluate((e) => e.scrollWidth <= e.clientWidth), true, 'badge not cut');
    // Where the column is too narrow for both, the name has it all: no badge rather than a cut
    // one; the head is cut, the tail stays whole.
    await p.page.setViewportSize({ width: 730, height: 700 });
    await badge.waitFor({ state: 'hidden' });
    assert.deepEqual(
      await parts(),
      names.map((n) => ({ text: n, head: true, tail: false, tailText: n.slice(n.lastIndexOf(' › ') + 3) })),
      'whole names in the DOM (for search and tests), the head cut, the tail whole',
    );
    const [nameWidth, titleWidth] = await p.page.locator('#overview tr[data-key="q-s0"] .q-name').evaluate((e) => [e.getBoundingClientRect().width, e.parentElement!.getBoundingClientRect().width]);
    assert.ok(nameWidth >= titleWidth - 1, `the name took the room: ${nameWidth} of ${titleWidth} px`);
    // A byte stream's depth in its units, whole in the cell; the exact bytes in its tooltip.
    const depth = p.page.locator('#overview tr[data-key="q-s0"] .depth-text');
    assert.equal(await depth.innerText(), '2.8 / 16 KiB');
    assert.equal(await depth.evaluate((e) => e.scrollWidth <= e.clientWidth), true, 'not cut');
    assert.equal(await depth.getAttribute('title'), '2,916 / 16,384 B');
    // A name without a segment is one part, cut at its end as before.
    assert.deepEqual(await p.page.$$eval('#overview tr[data-key="q-jobs"] .q-name > *', (els) => els.map((e) => e.textContent)), ['jobs', '']);
  });

  it('says how to get started when there is no session', async () => {
    p = await open();
    await p.send({ type: 'init', mode: 'live', sessions: [], session: null });
    await settle(p.page);
    assert.equal(await p.page.locator('#status').textContent(), 'No session');
    assert.match((await p.page.locator('#overview-empty').textContent())!, /^No debug session yet\. Start debugging a Node\.js program/);
    assert.equal(await p.page.locator('section.detail').isHidden(), true);
    // Nothing to save yet: Save and PNG are disabled rather than doing nothing.
    assert.deepEqual(await Promise.all(['#save-recording', '#export-png'].map((s) => p.page.locator(s).isDisabled())), [true, true]);
    await p.send(initMessage());
    await settle(p.page);
    assert.deepEqual(await Promise.all(['#save-recording', '#export-png'].map((s) => p.page.locator(s).isDisabled())), [false, false]);
    assert.equal(await p.page.locator('section.detail').isHidden(), false);
    assert.equal(await p.page.locator('#overview-empty').isHidden(), true);
  });

  // Found attaching to a running program: the panel said "No debug session yet" while the
  // user was debugging. It now names each running session that has no hub, and what would give it one.
  it('names each running debug session with no hub and what would give it one; its button opens QueueScope\'s debug terminal', async () => {
    p = await open({ width: 1000 });
    await p.send({ type: 'init', mode: 'live', sessions: [], session: null });
    await p.send({ type: 'noHub', sessions: [{ name: `${XSS_NAME} [4711]`, how: 'attach' }, { name: 'worker [2]', how: 'attach' }, { name: 'hooks.js [9]', how: 'terminal' }] });
    await settle(p.page);
    const lines = p.page.locator('#banner .banner-line.no-hub');
    assert.equal(await lines.count(), 2, 'one line per kind of start');
    const attach = (await lines.nth(0).textContent())!;
    assert.ok(attach.startsWith(`No QueueScope hub in "${XSS_NAME} [4711]" and 1 more. The program you attached to was started without QueueScope`), attach);
    assert.equal(await lines.nth(0).locator('code').textContent(), 'node --require queuescope/register');
    assert.equal(await p.page.locator('#banner img').count(), 0, 'the name is text, not markup');
    assert.match((await lines.nth(1).textContent())!, /^No QueueScope hub in "hooks\.js \[9\]"\. It runs in a JavaScript Debug Terminal that QueueScope did not open/);
    assert.equal(await p.page.locator('#banner #open-debug-terminal').count(), 1, 'one button, on the first line');
    assert.match((await p.page.locator('#overview-empty').textContent())!, /^No queues: nothing in the running debug session reports to QueueScope/);
    await p.page.screenshot({ path: path.join(artifacts, 'panel-no-hub.png'), fullPage: true });
    await p.page.locator('#open-debug-terminal').focus();
    await p.page.keyboard.press('Enter');
    assert.deepEqual(await posted('openDebugTerminal'), [{ type: 'openDebugTerminal' }]);

    // A wrong shape changes nothing; the sessions ending (an empty list) clears the lines.
    await p.send({ type: 'noHub', sessions: [{ name: 'x', how: 'eval' }] } as unknown as NoHubMessage);
    await settle(p.page);
    assert.equal(await lines.count(), 2);
    await p.send({ type: 'noHub', sessions: [] });
    await settle(p.page);
    assert.equal(await lines.count(), 0);
    assert.match((await p.page.locator('#overview-empty').textContent())!, /^No debug session yet\./);
  });

  it('draws the selected queue\'s depth timeline on the chart canvas', async () => {
    p = await open({ theme: 'dark' });
    assert.equal(await inkedPixels(p.page), 0, 'nothing drawn before data');
    const sent = Date.now();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-prio"]').click();
    await settle(p.page);
    assert.equal(await p.page.locator('#detail-title').textContent(), 'urgent');
    // The depth line is drawn in --vscode-charts-blue (#3794ff in Dark+).
    const blue = await inkedPixels(p.page, [0x37, 0x94, 0xff]);
    assert.ok(blue > 300, `depth line drawn (${blue} blue pixels)`);
    // maxsize reference line in charts-red, blocked producers in charts-orange.
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    assert.ok((await inkedPixels(p.page, [0xf1, 0x4c, 0x4c])) > 50, 'maxsize line drawn');
    assert.ok((await inkedPixels(p.page, [0xd1, 0x86, 0x16])) > 50, 'blocked-producer count drawn');
    // Following live: the axis ends at the session's time (30 s in the message) plus the wall
    // time since (more than a second on a loaded machine: a fixed "30.x" failed there).
    const caption = (await p.page.locator('#chart-caption').textContent())!;
    const m = /^jobs: 0 s to (\d+\.\d) s, following live$/.exec(caption);
    assert.ok(m, caption);
    const end = Number(m[1]);
    assert.ok(end >= 30 && end <= 30 + (Date.now() - sent) / 1000 + 0.1, `${end} s, ${Date.now() - sent} ms after the message`);
  });

  // Tried as a user: after Debug: Restart the killed run's queue still drew its last depth on
  // to "now". A queue whose process stopped holds its line only until then.
  // Found in review: at 1,000,000 the depth axis showed ",000,000" (cut at the edge) and its
  // title overlapped 6-digit labels; a 2-hour session's last minute read "7180 s".
  it('labels the depth axis of any finite depth: 1e14 and 1e300 counts, terabytes (review of 7da254c: no labels past 5e12)', async () => {
    p = await open();
    const axes = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { chartAxes(): { values: string[]; size: number }[] } }).queuescopePanel.chartAxes());
    const cases: [number, 'bytes' | undefined, RegExp][] = [
      [1e14, undefined, /^(0|\d+(\.\d+)?T)$/],
      [1e300, undefined, /^(0|\d+(\.\d)?e\d+)$/],
      [4 * 2 ** 40, 'bytes', /^\d+(\.\d+)? TiB$/],
    ];
    for (const [top, units, label] of cases) {
      const init = initMessage({ sessions: [sessionInfo({ status: 'ended' })] });
      init.session!.status = 'ended';
      init.session!.now = 30_000;
      init.session!.queues = [queue('q-big', 'big', { size: top, maxsize: 0, units, counters: { ...queues()[0].counters, highWater: top } })];
      init.session!.series = [series('q-big', 0, 30_000, 500, (t) => (top * t) / 30_000, 0)];
      init.session!.waiters = [];
      init.session!.waitCounts = [];
      await p.send(init);
      await settle(p.page);
      await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
      const depth = (await axes())[1]!;
      assert.ok(depth.values.length >= 2, `labels at ${top}: ${depth.values.join(' ')}`);
      for (const v of depth.values) assert.match(v, label, `${top}: ${depth.values.join(' ')}`);
    }
  });

  it('labels the axes in the overview\'s short form, in a clock past a minute, each axis as wide as its labels', async () => {
    p = await open();
    const axes = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { chartAxes(): { values: string[]; size: number }[] } }).queuescopePanel.chartAxes());
    const widest = (labels: string[]) =>
      p.page.evaluate((labels) => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
        return Math.max(...labels.map((l) => ctx.measureText(l).width));
      }, labels);
    const TWO_H = 2 * 3600_000;
    const init = initMessage({ sessions: [sessionInfo({ status: 'ended' })] });
    init.session!.status = 'ended';
    init.session!.now = TWO_H;
    init.session!.queues = [queue('q-big', 'big', { size: 1_000_000, counters: { ...queues()[0].counters, highWater: 1_000_000 } })];
    init.session!.series = [series('q-big', TWO_H - 120_000, TWO_H, 1000, (t) => 1_000_000 * (t - TWO_H + 120_000) / 120_000, 0)];
    init.session!.waiters = [];
    init.session!.waitCounts = [];
    await p.send(init);
    await settle(p.page);
    await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
    const [x, depth] = await axes();
    assert.ok(x.values.length >= 3, x.values.join(' '));
    for (const v of x.values) assert.match(v, /^(1:59:\d\d|2:00:00)$/, `a clock, not seconds: ${x.values.join(' ')}`);
    assert.ok(depth.values.includes('1M') || depth.values.some((v) => /^\d+(\.\d)?[kM]$/.test(v)), depth.values.join(' '));
    for (const v of depth.values) assert.match(v, /^(0|\d+(\.\d+)?[kM])$/, `short counts: ${depth.values.join(' ')}`);
    assert.ok(depth.size >= (await widest(depth.values)) + 10, `the axis (${depth.size} px) holds its labels (${await widest(depth.values)} px) and its ticks`);
    // A byte stream: one unit of the overview's along the axis, at whole steps of it.
    const bytes = initMessage();
    bytes.session!.queues = [queue('q-b', 'buffer', { units: 'bytes', lib: 'node:stream', size: 5_000_000 })];
    bytes.session!.series = [series('q-b', 0, NOW, 1000, (t) => 5_000_000 * (0.5 + t / NOW / 2), 0)];
    bytes.session!.waiters = [];
    bytes.session!.waitCounts = [];
    await p.send(bytes);
    await settle(p.page);
    await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
    const [, byteAxis] = await axes();
    for (const v of byteAxis.values) assert.match(v, /^\d+ MiB$/, byteAxis.values.join(' '));
    assert.ok(byteAxis.size >= (await widest(byteAxis.values)) + 10);
  });

  it("draws a stopped process's queue up to its stop, not on to now", async () => {
    p = await open();
    await p.send(initMessage());
    const lastPlotted = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void; lastPlotted(): number | null } }).queuescopePanel.lastPlotted());
    await p.send(update({ queues: [queue('q-old', 'pages', { maxsize: 20, size: 20 })], series: [series('q-old', 0, 10_000, 500, () => 20)] }));
    await p.page.locator('#overview tr[data-key="q-old"]').click();
    await settle(p.page);
    assert.ok((await lastPlotted())! >= NOW, 'running: held to now');
    await p.send(update({ queues: [queue('q-old', 'pages', { maxsize: 20, size: 20, stoppedAt: 12_000 })] }));
    await settle(p.page);
    assert.equal(await lastPlotted(), 12_000);
  });

  it('updates the waiter lists and ticks their wait times', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#detail-title').textContent(), XSS_NAME);
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers (2)');
    assert.equal(await p.page.locator('#waiting-head').textContent(), 'Waiting consumers (0)');
    const first = p.page.locator('#blocked-list li').first();
    assert.match((await first.textContent())!, /put\(\) blocked\d+\.\d s.*producer \(pipeline\.js:42:11\)/);
    // A third producer blocks.
    const w = waiters();
    w.push({ id: 'w9', queue: 'q-jobs', role: 'put', since: NOW, site: { file: APP, line: 43, column: 5, fn: 'burst' } });
    await p.send(update({ waiters: w, queues: [queue('q-jobs', 'jobs', { maxsize: 10, size: 10, blocked: 3 })] }));
    await settle(p.page);
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers (3)');
    assert.match((await p.page.locator('#blocked-list li').nth(2).textContent())!, /burst \(pipeline\.js:43:5\)/);
    // That update carried no creation site: the one known stays.
    assert.match((await p.page.locator('#detail-facts button.site').textContent())!, /created at pipeline\.js:10:11/);
    // Its clock runs on the client: wait for the text to change.
    const timeOf = () => p.page.locator('#blocked-list li .wait-time').nth(0).textContent();
    const before = await timeOf();
    await p.page.waitForFunction((b) => document.querySelector('#blocked-list li .wait-time')?.textContent !== b, before);
    assert.notEqual(await timeOf(), before);
    // The waiter leaves.
    await p.send(update({ waiters: w.filter((x) => x.id !== 'w1'), queues: [{ key: 'q-jobs', blocked: 2 } as never] }));
    await settle(p.page);
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers (2)');
    // It stays listed for a moment, marked as ended, so short waits do not make the list blink…
    assert.equal(await p.page.locator('#blocked-list li.held').count(), 1);
    assert.match((await p.page.locator('#blocked-list li.held').textContent())!, /put\(\) was blocked/);
    assert.equal(await p.page.locator('#blocked-list li').count(), 3);
    // …then goes.
    await p.page.locator('#blocked-list li.held').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await p.page.locator('#blocked-list li').count(), 2);
    // At scale the hub lists 1 wait in N: the heading keeps the exact count, and says how many are listed.
    await p.send(update({ queues: [{ key: 'q-jobs', blocked: 24, waitsSampled: 8 } as never] }));
    await settle(p.page);
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers (24, 2 listed)');
  });

  it('on a busy queue lists the current waits first, then at most 3 that just ended, and counts the rest', async () => {
    p = await open();
    const others = waiters().filter((w) => w.queue !== 'q-results');
    const init = initMessage();
    init.session!.waiters = others;
    await p.send(init);
    await p.page.locator('#overview tr[data-key="q-results"]').click();
    await settle(p.page);
    // Seven short waits of one consumer come and go between polls; one is waiting now.
    const get = (i: number) => ({ id: `g${i}`, queue: 'q-results', role: 'get' as const, since: NOW + i * 10, site: { file: APP, line: 60, column: 3, fn: 'consume' } });
    for (let i = 0; i < 8; i++) {
      await p.send(update({ waiters: [...others, get(i)], queues: [{ key: 'q-results', waiting: 1 } as never] }));
      await settle(p.page);
    }
    assert.equal(await p.page.locator('#waiting-head').textContent(), 'Waiting consumers (1)');
    const lines = await p.page.locator('#waiting-list li').allTextContents();
    assert.equal(lines.length, 5, lines.join(' | '));
    assert.match(lines[0], /^get\(\) waiting/, 'the current wait first');
    for (const l of lines.slice(1, 4)) assert.match(l, /^get\(\) waited/);
    assert.equal(await p.page.locator('#waiting-list li.held').count(), 3);
    assert.equal(lines[4], 'and 4 more waits that ended in the last second');
    // The wait clock of an ended one stands still; the summary is no waiter (no clock, no site).
    assert.equal(await p.page.locator('#waiting-list li.more-ended .wait-time').count(), 0);
  });

  it('marks a wait that began before QueueScope attached as a lower bound with an unknown site', async () => {
    p = await open();
    const msg = initMessage();
    msg.session!.waiters = [{ id: 'wa', queue: 'q-results', role: 'get', since: NOW - 4000, adopted: true }];
    await p.send(msg);
    await p.page.locator('#overview tr[data-key="q-results"]').click();
    await settle(p.page);
    const li = p.page.locator('#waiting-list li').first();
    assert.match((await li.locator('.wait-time').textContent())!, /^≥ \d/);
    assert.match((await li.textContent())!, /already waiting when QueueScope attached; call site unknown/);
    assert.equal(await li.locator('button').count(), 0);
  });

  it('posts openSource with the exact call site when one is clicked', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-results"]').click();
    await settle(p.page);
    await p.page.locator('#waiting-list li button.site').first().click();
    assert.deepEqual(await posted('openSource'), [{ type: 'openSource', session: SESSION, file: APP, line: 77, column: 11 }]);
    // The third consumer has no call site: no button.
    assert.equal(await p.page.locator('#waiting-list li').nth(2).locator('button').count(), 0);
    // The queue's creation site too (keyboard).
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    await p.page.locator('#detail-facts button.site').focus();
    await p.page.keyboard.press('Enter');
    assert.deepEqual((await posted('openSource'))[1], { type: 'openSource', session: SESSION, file: APP, line: 10, column: 11 });
  });

  it('shows the paused state with item previews, then the ended state with the timelines kept', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#banner').isHidden(), false, 'dropped events banner');
    assert.doesNotMatch((await p.page.locator('#banner').textContent())!, /Paused/);
    const q = queues();
    q[0].items = ['{ id: 1, url: "https://example.com/a" }', '{ id: 2 }', '{ id: 3 }', '{ id: 4 }'];
    await p.send(update({ status: 'paused', queues: q }));
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    assert.equal(await p.page.locator('#status').textContent(), 'Paused');
    assert.match((await p.page.locator('#banner').textContent())!, /Paused\. The program is stopped in the debugger; this is its state at \+30\.1 s/);
    assert.deepEqual(await p.page.locator('#items-list li code').allTextContents(), q[0].items);
    assert.match((await p.page.locator('#chart-caption').textContent())!, /up to the pause$/);
    assert.equal(await p.page.locator('#items-head').textContent(), 'First items of jobs (4 of 10)');
    assert.equal(await p.page.locator('#overview tr[data-key="q-jobs"] .q-preview').textContent(), 'next: { id: 1, url: "https://example.com/a" }, { id: 2 }, { id: 3 }, …');
    fs.mkdirSync(artifacts, { recursive: true });
    await p.page.screenshot({ path: path.join(artifacts, 'panel-paused-dark.png'), fullPage: true });
    // Paused clocks stand still.
    const t1 = await p.page.locator('#blocked-list .wait-time').first().textContent();
    await p.page.waitForTimeout(600); // longer than the 250 ms tick: a running clock would move
    assert.equal(await p.page.locator('#blocked-list .wait-time').first().textContent(), t1);

    // The host's rows are patches: previews that went with the pause go as null.
    await p.send(update({ status: 'ended', now: 31_000, queues: queues().map((r) => ({ ...r, items: null })) }));
    await settle(p.page);
    assert.equal(await p.page.locator('#status').textContent(), 'Ended');
    assert.match((await p.page.locator('#banner').textContent())!, /Session ended at \+31\.0 s\. Its timelines stay until you clear ended sessions\./);
    assert.doesNotMatch((await p.page.locator('#banner').textContent())!, /close the panel/);
    await p.page.locator('#clear-ended').click();
    assert.deepEqual(await posted('clearEnded'), [{ type: 'clearEnded' }]);
    assert.equal(await p.page.locator('#items-list').isHidden(), true);
    assert.match((await p.page.locator('#chart-caption').textContent())!, /up to the end$/);
    assert.equal((await p.page.locator('#live').textContent())!.trim(), 'To end', 'no "Live" once the session ended');
    assert.ok((await inkedPixels(p.page, [0x37, 0x94, 0xff])) > 300, 'timeline still drawn');
  });

  it('says why the program ended when that is news (a crash), with its error line as literal text', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(update({ status: 'ended', now: 31_000 }));
    await settle(p.page);
    assert.equal(await p.page.locator('#banner .banner-line.died').count(), 0, 'no end reason: nothing more to say');
    // The host re-sends the sessions once the exit tail said how the realm ended.
    const error = `SyntaxError: Unexpected token '<' in ${XSS_NAME}`;
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 'uncaughtException', error } })] });
    await settle(p.page);
    const died = p.page.locator('#banner .banner-line.died');
    assert.equal(await died.textContent(), `The program ended: uncaught ${error}`);
    assert.equal(await died.locator('.codicon-error').count(), 1);
    assert.equal(await p.page.locator('#banner img').count(), 0, 'no element was parsed from the error text');
    // A clean exit says nothing more; a non-zero code does.
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 'exit', code: 0 } })] });
    await settle(p.page);
    assert.equal(await died.count(), 0);
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 'exit', code: 3 } })] });
    await settle(p.page);
    assert.equal(await died.textContent(), 'The program ended: exit code 3');
    // A malformed end from a stale host is ignored, not shown.
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 5 } as unknown as SessionInfo['end'] })] });
    await settle(p.page);
    assert.equal(await died.count(), 0);
  });

  it("says so while the program runs on when a worker thread died, as the worker's end", async () => {
    p = await open();
    await p.send(initMessage());
    const end = { reason: 'uncaughtException', error: 'TypeError: bytes is null', at: { file: APP, line: 23, column: 57, fn: '' } };
    // The program's own end would wait for the session's end; a worker's is news now.
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'running', end })] });
    await settle(p.page);
    assert.equal(await p.page.locator('#banner .banner-line.died').count(), 0);
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'running', end, endRealm: 'worker thread 2' })] });
    await settle(p.page);
    const died = p.page.locator('#banner .banner-line.died');
    assert.equal(await died.locator('strong').textContent(), 'Worker thread 2 ended: ');
    assert.equal(await died.locator('.died-text').textContent(), 'uncaught TypeError: bytes is null');
    assert.equal(await died.locator('button.site').textContent(), 'thrown at pipeline.js:23:57');
    // The banner's other lines come and go (dropped events, a pause): the line being read and
    // its focused link stay (before, the whole banner was rebuilt and the focus fell to <body>).
    const line = await died.elementHandle();
    await died.locator('button.site').focus();
    await p.send(update({ dropped: 13 }));
    await p.send(update({ dropped: 14, status: 'paused' }));
    await settle(p.page);
    assert.equal(await p.page.locator('#banner .banner-line.dropped').textContent(), '14 detail events were dropped by the program\'s hub (nobody read them in time); depths and counters are complete.');
    assert.equal(await p.page.locator('#banner .banner-line').count(), 3, 'paused, died, dropped');
    assert.equal(await line!.evaluate((e) => e.isConnected && e === document.querySelector('#banner .banner-line.died')), true, 'the same line');
    assert.equal(await p.page.evaluate(() => document.activeElement?.textContent), 'thrown at pipeline.js:23:57');
  });

  it('links a crash to the line that threw it, and opens it from the keyboard', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(update({ status: 'ended', now: 31_000 }));
    const at = { file: APP, line: 20, column: 42, fn: XSS_NAME };
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 'uncaughtException', error: 'TypeError: x is null', at } })] });
    await settle(p.page);
    const link = p.page.locator('#banner .banner-line.died button.site');
    assert.equal(await link.textContent(), `thrown at ${XSS_NAME} (pipeline.js:20:42)`);
    assert.equal(await p.page.locator('#banner img').count(), 0, "the function's name is text");
    await link.focus();
    await p.page.keyboard.press('Enter');
    assert.deepEqual(await posted('openSource'), [{ type: 'openSource', session: SESSION, file: APP, line: 20, column: 42 }]);
    // A site that is not one (a stale or hostile host) shows the end without a link.
    await p.send({ type: 'sessions', sessions: [sessionInfo({ status: 'ended', end: { reason: 'uncaughtException', error: 'TypeError: x is null', at: { file: APP, line: 'x' } } as unknown as SessionInfo['end'] })] });
    await settle(p.page);
    assert.equal(await p.page.locator('#banner .banner-line.died').textContent(), 'The program ended: uncaught TypeError: x is null');
  });

  it('says how often a paced session is refreshed, beside the status, only while it runs', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    const pace = p.page.locator('#pace');
    assert.equal(await pace.isHidden(), true, 'not paced: nothing shown');
    // The status badge and the banner are live regions: a new pace must not redraw them.
    await p.page.evaluate(() => ((document.querySelector('#status')!.firstChild as unknown as { mark: number }).mark = 1));
    await p.send(update({ refreshMs: 4200 }));
    await settle(p.page);
    assert.equal(await pace.isHidden(), false);
    assert.deepEqual(await pace.locator('.sr-only').evaluate((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]), [1, 1], '"Refreshed" is for screen readers only');
    assert.equal((await pace.textContent())!.trim(), 'Refreshed every 4.2 s', 'what a screen reader reads');
    assert.match((await pace.getAttribute('title'))!, /exact as of the last refresh/);
    assert.equal(await p.page.evaluate(() => (document.querySelector('#status')!.firstChild as unknown as { mark?: number }).mark), 1, 'status badge not redrawn');
    await p.send(update({ refreshMs: 'soon' as unknown as number }));
    await settle(p.page);
    assert.equal(await pace.isHidden(), true, 'a malformed figure shows nothing');
    await p.send(update({ refreshMs: 12_000 }));
    await p.send(update({ status: 'paused', refreshMs: 12_000 }));
    await settle(p.page);
    assert.equal(await pace.isHidden(), true, 'a paused program is not being refreshed');
  });

  it('keeps drawing, after the end, a queue that changed only once', async () => {
    p = await open();
    const only = queue('q-once', 'once', { maxsize: 3, size: 3, counters: { puts: 3, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 3, dropped: 0 } });
    await p.send(initMessage({ sessions: [sessionInfo({ status: 'ended' })], session: { id: SESSION, status: 'ended', now: 7800, queues: [only], waiters: [], series: [{ queue: 'q-once', t: [40], depth: [3], min: [0], max: [3] }], waitCounts: [], dropped: 0 } }));
    await settle(p.page);
    assert.ok((await inkedPixels(p.page, [0x37, 0x94, 0xff])) > 300, 'the depth line runs from its one sample to the end');
  });

  it('zoom (drag, wheel, double-click) pauses following; Live resumes it', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-prio"]').click();
    await settle(p.page);
    const live = p.page.locator('#live');
    const following = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { following(): boolean } }).queuescopePanel.following());
    assert.equal(await live.getAttribute('aria-pressed'), 'true');
    const over = p.page.locator('#chart .u-over');
    const box = (await over.boundingBox())!;
    // Drag-select the middle third.
    await p.page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + (2 * box.width) / 3, box.y + box.height / 2, { steps: 5 });
    await p.page.mouse.up();
    await settle(p.page);
    assert.equal(await following(), false);
    assert.equal(await live.getAttribute('aria-pressed'), 'false');
    const zoom = ((await p.state()) as { zoom: { x0: number; x1: number } }).zoom;
    assert.ok(zoom.x0 > 8000 && zoom.x1 < 22_000 && zoom.x1 > zoom.x0, `zoomed to the selection ${JSON.stringify(zoom)}`);
    // While zoomed, new data does not move the range.
    await p.send(update({ now: NOW + 5000, series: [series('q-prio', NOW + 100, NOW + 5000, 100, () => 60)] }));
    await settle(p.page);
    assert.deepEqual(((await p.state()) as { zoom: unknown }).zoom, zoom);
    await live.click();
    await settle(p.page);
    assert.equal(await following(), true);
    assert.equal(((await p.state()) as { zoom: unknown }).zoom, null);
    assert.match((await p.page.locator('#chart-caption').textContent())!, /following live/);
    // Wheel zoom.
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.mouse.wheel(0, -200);
    await settle(p.page);
    assert.equal(await following(), false, 'wheel pauses');
    await live.click();
    // Double-click shows the whole session and pauses.
    await over.dblclick();
    await settle(p.page);
    assert.equal(await following(), false, 'double-click pauses');
    assert.deepEqual(((await p.state()) as { zoom: { x0: number } }).zoom.x0, 0);
    // Keyboard: L on the chart resumes.
    await p.page.locator('#chart').focus();
    await p.page.keyboard.press('l');
    assert.equal(await following(), true);
    // Arrow keys pan, keeping the width; at an edge they stop (they used to zoom in there).
    const zoomNow = async () => ((await p.state()) as { zoom: { x0: number; x1: number } }).zoom;
    await p.page.keyboard.press('0');
    await settle(p.page);
    const whole = await zoomNow();
    for (let i = 0; i < 6; i++) await p.page.keyboard.press('ArrowLeft');
    await settle(p.page);
    assert.deepEqual(await zoomNow(), whole, 'already at the left edge: nothing moves');
    await p.page.keyboard.press('ArrowRight');
    await settle(p.page);
    const moved = await zoomNow();
    assert.ok(moved.x0 > 0, `panned right ${JSON.stringify(moved)}`);
    assert.ok(Math.abs(moved.x1 - moved.x0 - (whole.x1 - whole.x0)) < 1, 'same width');
    for (let i = 0; i < 20; i++) await p.page.keyboard.press('ArrowRight');
    await settle(p.page);
    const right = await zoomNow();
    assert.ok(Math.abs(right.x1 - right.x0 - (whole.x1 - whole.x0)) < 1, `same width at the right edge ${JSON.stringify(right)}`);
  });

  it('draws one combined chart of the listed queues, named in its legend', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    await p.page.locator('#combined').click();
    await settle(p.page);
    assert.equal(await p.page.locator('#combined').getAttribute('aria-pressed'), 'true');
    assert.equal(await p.page.locator('#detail-title').textContent(), 'Depth of the listed queues (4 of 4)');
    const legend = await p.page.locator('#chart .u-legend .u-series .u-label').allTextContents();
    assert.deepEqual(legend.slice(1), [XSS_NAME, 'jobs', 'results', 'urgent']);
    assert.ok((await inkedPixels(p.page, [0x89, 0xd1, 0x85])) > 100, 'second queue drawn in charts-green');
    await p.page.locator('#filter').fill('u');
    await settle(p.page);
    assert.deepEqual((await p.page.locator('#chart .u-legend .u-series .u-label').allTextContents()).slice(1), ['results', 'urgent'], 'follows the filter');
    assert.equal(((await p.state()) as { combined: boolean }).combined, true);
  });

  // Found in review: the sort redrew only the overview, so a replay's (or an ended or paused
  // session's) combined chart kept the queues of the old order; live, it caught up at the next message.
  it('a sort chooses the queues of the combined chart at once, in a replay too', async () => {
    p = await open();
    const init = initMessage({ mode: 'replay', sessions: [sessionInfo({ status: 'ended' })] });
    init.session!.status = 'ended';
    init.session!.queues = Array.from({ length: 12 }, (_, i) => queue(`k${i}`, `q${String(i).padStart(2, '0')}`, { maxsize: 100, size: i * 8 }));
    init.session!.series = init.session!.queues.map((q) => series(q.key, 0, NOW, 1000, () => q.size, 0));
    init.session!.waiters = [];
    init.session!.waitCounts = [];
    await p.send(init);
    await p.page.locator('#combined').click();
    await settle(p.page);
    const legend = async () => (await p.page.locator('#chart .u-legend .u-series .u-label').allTextContents()).slice(1);
    assert.deepEqual(await legend(), ['q00', 'q01', 'q02', 'q03', 'q04', 'q05', 'q06', 'q07']);
    const sortByDepth = p.page.locator('button.sort[aria-label="Sort by Depth"]');
    await sortByDepth.focus();
    await p.page.keyboard.press('Enter');
    await settle(p.page);
    await settle(p.page);
    assert.deepEqual(await legend(), ['q11', 'q10', 'q09', 'q08', 'q07', 'q06', 'q05', 'q04'], 'the first 8 listed after the sort');
    assert.equal(await p.page.locator('#detail-title').textContent(), 'Depth of the listed queues (8 of 12)');
    assert.equal(await p.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Sort by Depth', 'the focus stays on the sort button');
  });

  it('legend entries are switches the keyboard reaches and flips (they were click-only)', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    const entry = p.page.locator('#chart .u-legend .u-series th[role="switch"]', { hasText: 'Waiting consumers' });
    assert.equal(await entry.getAttribute('tabindex'), '0');
    assert.equal(await entry.getAttribute('aria-checked'), 'true');
    await entry.focus();
    await p.page.keyboard.press(' ');
    assert.equal(await entry.getAttribute('aria-checked'), 'false');
    assert.match((await entry.locator('xpath=..').getAttribute('class'))!, /u-off/, 'the line is hidden');
    await p.page.keyboard.press('Enter');
    assert.equal(await entry.getAttribute('aria-checked'), 'true');
    // A click keeps the switch's state in step.
    await entry.click();
    assert.equal(await entry.getAttribute('aria-checked'), 'false');
    assert.equal(((await p.state()) as { zoom: unknown }).zoom, null, 'the chart\'s own keys did not run');
  });

  it('gives each of the 8 queues of a combined chart its own colour (the 1st and 8th were both #3794ff in Dark+)', async () => {
    p = await open({ theme: 'dark' });
    const init = initMessage();
    init.session!.queues = Array.from({ length: 8 }, (_, i) => queue(`k${i}`, `q${i}`, { maxsize: 10, size: i }));
    init.session!.series = init.session!.queues.map((q, i) => series(q.key, 0, NOW, 1000, () => i));
    init.session!.waiters = [];
    await p.send(init);
    await p.page.locator('#combined').click();
    await settle(p.page);
    const colours = await p.page.$$eval('#chart .u-legend .u-series .u-marker', (ms) => ms.slice(1).map((m) => getComputedStyle(m).borderColor));
    assert.equal(colours.length, 8);
    assert.equal(new Set(colours).size, 8, colours.join(' '));
  });

  it('a feed message of the wrong shape changes nothing, and the next good one applies', async () => {
    p = await open();
    const warnings: string[] = [];
    p.page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await p.send(initMessage());
    await settle(p.page);
    const depth = () => p.page.locator('#overview tr[data-key="q-jobs"] .depth-text').textContent();
    assert.equal(await depth(), '10 / 10');
    // An update without its queues: before, its time and status were stored, then it threw.
    const { queues: _q, ...noQueues } = update({ now: NOW + 5000, status: 'ended' });
    await p.send(noQueues as never);
    // An init whose session has no queues: before, it cleared the rows, threw, and dropped
    // every later patch until the next good init.
    const init = initMessage();
    const { queues: _s, ...noSessionQueues } = init.session!;
    await p.send({ ...init, session: noSessionQueues } as never);
    await settle(p.page);
    assert.equal(await p.page.locator('#status').textContent(), 'Running', 'the bad update\'s status was not applied');
    assert.equal(await p.page.locator('#overview tbody tr').count(), 4);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0], /ignored a update message: update\.queues must be an array/);
    assert.match(warnings[1], /ignored a init message: init\.session\.queues must be an array/);
    await p.send(update({ queues: [{ key: 'q-jobs', size: 3 } as never] }));
    await settle(p.page);
    assert.equal(await depth(), '3 / 10');
  });

  // Found in review: a row's field of the wrong type passed the check (only the key was) and
  // threw in the render: the overview froze until the next init, or the detail stopped.
  it('a queue row or waiter with a field of the wrong type is refused with one warning; the panel keeps working', async () => {
    p = await open();
    const warnings: string[] = [];
    p.page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    const depth = () => p.page.locator('#overview tr[data-key="q-jobs"] .depth-text').textContent();
    const bad = [
      update({ queues: [{ key: 'q-jobs', lib: 42 } as never] }),
      update({ queues: [{ key: 'q-jobs', name: null } as never] }),
      update({ queues: [{ key: 'q-jobs', items: 'abc' } as never] }),
      update({ queues: [{ key: 'q-jobs', site: { file: 5, line: 1, column: 1 } } as never] }),
      update({ waiters: [...waiters(), { id: 'wx', queue: 'q-jobs', role: 'put', since: NOW, site: { file: 7, line: 1, column: 1 } } as never] }),
    ];
    const init = initMessage();
    init.session!.queues.push({ key: 'q-bare' } as never);
    for (const msg of [...bad, init]) {
      await p.send(msg);
      await settle(p.page);
      await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
    }
    assert.equal(warnings.length, 6, warnings.join('\n'));
    assert.deepEqual(p.pageErrors, [], 'nothing threw');
    assert.equal(await p.page.locator('#overview tbody tr').count(), 4);
    assert.equal(await p.page.locator('#overview tr[data-key="q-jobs"] .q-name').textContent(), 'jobs');
    assert.equal(await p.page.locator('#blocked-list li').count(), 2, 'the bad waiter was not listed');
    await p.send(update({ queues: [{ key: 'q-jobs', size: 3 } as never], waiters: [] }));
    await settle(p.page);
    await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
    assert.equal(await depth(), '3 / 10', 'the next good update applies');
    assert.equal(await p.page.locator('#blocked-head').textContent(), 'Blocked producers (2, 0 listed)');
  });

  it('renders hostile strings as text and runs nothing', async () => {
    p = await open();
    const q = queues();
    const evil = '</script><script>alert(2)</script><img src=y onerror=alert(3)>';
    q[3].items = [evil];
    q[3].site = { file: '"><img src=z onerror=alert(4)>', line: 1, column: 1, fn: '<b>fn</b>' };
    const msg = initMessage();
    msg.session!.queues = q;
    msg.sessions = [sessionInfo({ name: '<script>alert(5)</script>', status: 'paused' }), sessionInfo({ id: 's2', name: '<img src=w onerror=alert(6)>' })];
    msg.session!.status = 'paused';
    await p.send(msg);
    await settle(p.page);
    assert.equal(await p.page.locator('#detail-title').textContent(), XSS_NAME);
    assert.equal(await p.page.locator('#overview tr[data-key="q-xss"] .q-name').textContent(), XSS_NAME);
    assert.deepEqual(await p.page.locator('#items-list code').allTextContents(), [evil]);
    assert.match((await p.page.locator('#detail-facts button.site').textContent())!, /<b>fn<\/b> \(.*onerror=alert\(4\)>:1:1\)/);
    assert.deepEqual(await p.page.locator('#session-picker option').allTextContents(), ['<script>alert(5)</script> (paused)', '<img src=w onerror=alert(6)>']);
    assert.equal(await p.page.locator('img').count(), 0, 'no element was parsed from data');
    assert.equal(await p.page.locator('script').count(), 1, 'only the nonce script');
    await p.page.waitForTimeout(300); // an onerror handler would have fired by now
  });

  it('is keyboard operable: sort, move, select, filter; view state is kept', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    // Sort by depth (descending first), by keyboard.
    await p.page.locator('th button', { hasText: 'Depth' }).focus();
    await p.page.keyboard.press('Enter');
    await settle(p.page);
    assert.deepEqual(await rowNames(), ['jobs', 'urgent', XSS_NAME, 'results']);
    assert.equal(await p.page.locator('th[aria-sort="descending"]').textContent(), 'Depth');
    await p.page.keyboard.press('Space');
    assert.deepEqual(await rowNames(), ['results', XSS_NAME, 'urgent', 'jobs']);
    // Arrow down through the rows, Enter selects.
    await p.page.locator('#overview tbody tr').first().focus();
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('Enter');
    await settle(p.page);
    assert.equal(await p.page.locator('#detail-title').textContent(), 'urgent');
    assert.equal(await p.page.locator('#overview tr[aria-selected="true"]').getAttribute('data-key'), 'q-prio');
    // Filter.
    await p.page.locator('#filter').fill('RES');
    await settle(p.page);
    assert.deepEqual(await rowNames(), ['results']);
    const state = (await p.state()) as Record<string, unknown>;
    assert.deepEqual({ queue: state.queue, filter: state.filter, sort: state.sort, session: state.session }, { queue: 'q-prio', filter: 'RES', sort: { key: 'depth', dir: 'asc' }, session: SESSION });
    await p.close();

    // A new page (panel revived) restores it and asks for the same session.
    p = await open({ state });
    assert.deepEqual(await posted('ready'), [{ type: 'ready', session: SESSION }]);
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#filter').inputValue(), 'RES');
    assert.deepEqual(await rowNames(), ['results']);
    assert.equal(await p.page.locator('#detail-title').textContent(), 'urgent');
  });

  it('offers a session picker when there are several sessions', async () => {
    p = await open();
    await p.send(initMessage({ sessions: [sessionInfo(), sessionInfo({ id: 's2', name: 'worker.js', status: 'ended' })] }));
    await settle(p.page);
    assert.equal(await p.page.locator('#session-picker').isVisible(), true);
    await p.page.locator('#session-picker').selectOption('s2');
    assert.deepEqual(await posted('selectSession'), [{ type: 'selectSession', session: 's2' }]);
    // Updates for the session we left are ignored; the host's init for s2 replaces the view.
    await p.send(update({ queues: [queue('q-jobs', 'jobs-renamed')] }));
    await p.send(initMessage({ sessions: [sessionInfo(), sessionInfo({ id: 's2', name: 'worker.js', status: 'ended' })], session: { id: 's2', status: 'ended', now: 5000, queues: [queue('a', 'inbox')], waiters: [], series: [], waitCounts: [], dropped: 0 } }));
    await settle(p.page);
    assert.deepEqual(await rowNames(), ['inbox']);
    assert.equal(await p.page.locator('#status').textContent(), 'Ended');
  });

  it('selects again, in the run the host switches to, the queue of the same name selected before', async () => {
    p = await open();
    const selected = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { selectedQueue(): string } }).queuescopePanel.selectedQueue());
    const run = (id: string, qs: ReturnType<typeof queue>[] = []) =>
      initMessage({ sessions: [sessionInfo({ id, name: 'tsx watch' })], session: { id, status: 'running', now: 100, queues: qs, waiters: [], series: [], waitCounts: [], dropped: 0 } });
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-results"]').click();
    // A watcher's reload: the new run starts empty, its queues come with later updates (keys hold the pid).
    await p.send(run('run~1'));
    await p.send(update({ session: 'run~1', queues: [queue('p2-jobs', 'jobs')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 'p2-jobs', 'the first listed, while no queue of that name exists');
    await p.send(update({ session: 'run~1', queues: [queue('p2-results', 'results')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 'p2-results', 'then the queue of the name selected before');
    // A pick of the user's own wins over the name carried from the run before.
    await p.send(run('run~2', [queue('p3-jobs', 'jobs')]));
    await p.page.locator('#overview tr[data-key="p3-jobs"]').click();
    await p.send(update({ session: 'run~2', queues: [queue('p3-results', 'results')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 'p3-jobs');
  });

  it('a stream picked for the user gives way to the program\'s own queue once it is listed; the user\'s own pick of a stream stays', async () => {
    p = await open();
    const selected = () => p.page.evaluate(() => (window as unknown as { queuescopePanel: { selectedQueue(): string } }).queuescopePanel.selectedQueue());
    const pipe = (key: string) => queue(key, `pipe › ${key}`, { lib: 'node:stream', source: 'pid 1 main' });
    const start = (qs: ReturnType<typeof queue>[]) => initMessage({ session: { id: SESSION, status: 'running', now: 100, queues: qs, waiters: [], series: [], waitCounts: [], dropped: 0 } });
    // A supervisor's pipes attach before its program (nodemon).
    await p.send(start([pipe('s-out'), pipe('s-err')]));
    await settle(p.page);
    assert.equal(await selected(), 's-err', 'the first listed while only streams are');
    await p.send(update({ queues: [pipe('s-in')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 's-err', 'another stream: no move');
    await p.send(update({ queues: [queue('p-frontier', 'frontier', { maxsize: 40, size: 40 })], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 'p-frontier', "the program's own queue");
    assert.equal(await p.page.locator('#detail-title').textContent(), 'frontier');
    await p.send(update({ queues: [queue('p-pages', 'pages')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 'p-frontier', 'no longer a stream: it stays');

    // The user picks a stream: later queues do not take it away.
    await p.send(start([pipe('s-out')]));
    await settle(p.page);
    await p.page.locator('#overview tr[data-key="s-out"]').click();
    await p.send(update({ queues: [queue('p-frontier', 'frontier')], waiters: [] }));
    await settle(p.page);
    assert.equal(await selected(), 's-out');
  });

  for (const theme of ['light', 'dark', 'hc'] as Theme[]) {
    it(`screenshot in the ${theme} theme`, async () => {
      p = await open({ theme, width: 1280, height: 860 });
      const msg = initMessage();
      msg.sessions = [sessionInfo(), sessionInfo({ id: 's2', name: 'worker pool', status: 'ended' })];
      await p.send(msg);
      await p.page.locator('#overview tr[data-key="q-jobs"]').click();
      await settle(p.page);
      fs.mkdirSync(artifacts, { recursive: true });
      await p.page.screenshot({ path: path.join(artifacts, `panel-${theme}.png`), fullPage: true });
      assert.ok((await inkedPixels(p.page)) > 1000);
    });
  }
});
