// What screen readers and the numbers say (review, 2026-12-06): the virtual list's row count
// and positions, a visible count while filtering, the replay cursor's slider read as a time
// and moved by seconds (it moved by 1 ms a key), and figures grouped or shortened as the overview's others.
import * as assert from 'node:assert/strict';
import { NOW, SESSION, counters, initMessage, queue, sessionInfo, update } from './fixtures';
import { settle, usePanelPages, type PanelPage } from './harness';
import type { CursorStateMessage } from '../../../src/protocol/webview';

describe('panel readout for screen readers and numbers (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;

  it('gives the 600-row virtual list its row count and each drawn row its place; filtering shows "N of M queues"', async () => {
    p = await open({ height: 800 });
    const init = initMessage();
    init.session!.queues = Array.from({ length: 600 }, (_, i) => queue(`k${i}`, `shard-${i}`));
    init.session!.series = [];
    init.session!.waiters = [];
    init.session!.waitCounts = [];
    await p.send(init);
    await settle(p.page);
    await settle(p.page);
    const table = p.page.locator('#overview');
    assert.equal(await table.getAttribute('aria-rowcount'), '601', 'header row and 600 queues');
    assert.equal(await p.page.locator('#overview thead tr').getAttribute('aria-rowindex'), '1');
    const places = () => p.page.$$eval('#overview tbody tr[data-key]', (trs) => trs.map((tr) => [tr.querySelector('.q-name')!.textContent, tr.getAttribute('aria-rowindex')]));
    const first = await places();
    assert.ok(first.length > 5 && first.length < 100, `only the rows in sight are drawn (${first.length})`);
    assert.deepEqual(first.slice(0, 3), [['shard-0', '2'], ['shard-1', '3'], ['shard-2', '4']]);
    // Scrolled: the drawn rows say where they are in the whole list.
    await p.page.locator('.table-scroll').evaluate((e) => (e.scrollTop = 300 * 30));
    await settle(p.page);
    await settle(p.page);
    for (const [name, at] of await places()) assert.equal(Number(at), Number(name!.slice(6)) + 2, `${name} at ${at}`);
    assert.equal(await p.page.locator('#overview-count').textContent(), '600 queues');
    assert.equal(await p.page.locator('#overview-count').getAttribute('aria-live'), 'off', 'not announced as queues come and go');
    await p.page.locator('#filter').fill('shard-1');
    await settle(p.page);
    // shard-1, shard-10..19, shard-100..199: 111.
    assert.equal(await p.page.locator('#overview-count').textContent(), '111 of 600 queues');
    assert.equal(await p.page.locator('#overview-count').getAttribute('aria-live'), 'polite');
    assert.equal(await table.getAttribute('aria-rowcount'), '112');
    assert.equal(await table.getAttribute('aria-describedby'), 'overview-count');
  });

  it('shows a count while a small list is filtered, and none when it is not', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#overview-count').isHidden(), true);
    await p.page.locator('#filter').fill('u');
    await settle(p.page);
    assert.equal(await p.page.locator('#overview-count').textContent(), '2 of 4 queues');
    assert.deepEqual(await p.page.$$eval('#overview tbody tr', (trs) => trs.map((tr) => tr.getAttribute('aria-rowindex'))), ['2', '3']);
  });

  it("reads the replay cursor's slider as a time, moves it a second per arrow key and a tenth of the recording per page key", async () => {
    p = await open();
    const init = initMessage({ mode: 'replay', sessions: [sessionInfo({ status: 'ended' })] });
    init.session!.status = 'ended';
    init.session!.now = 2 * 3600_000;
    await p.send(init);
    await settle(p.page);
    const slider = p.page.locator('#cursor-slider');
    await slider.waitFor({ state: 'visible' });
    assert.equal(await slider.getAttribute('aria-valuetext'), '0 s of 2:00:00');
    await slider.focus();
    await p.page.keyboard.press('ArrowRight');
    assert.equal(await slider.getAttribute('aria-valuetext'), '1.0 s of 2:00:00');
    await p.page.keyboard.press('PageUp');
    assert.equal(await slider.getAttribute('aria-valuetext'), '12:01 of 2:00:00');
    await p.page.keyboard.press('ArrowLeft');
    await p.page.keyboard.press('ArrowLeft');
    assert.equal(await slider.getAttribute('aria-valuetext'), '11:59 of 2:00:00');
    await p.page.keyboard.press('End');
    assert.equal(await slider.getAttribute('aria-valuetext'), '2:00:00 of 2:00:00');
    // The answer's depths are grouped as the overview's exact figures.
    await p.page.keyboard.press('Home');
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string; t?: number }[] }).__posted.some((m) => m.type === 'cursor' && m.t === 0));
    const answer: CursorStateMessage = { type: 'cursorState', session: SESSION, t: 0, queues: [{ key: 'q-jobs', depth: 12_345_678, min: 12_000_000, max: 12_345_678 }], waiters: [] };
    await p.send(answer);
    await p.page.locator('#cursor-depths tr', { hasText: 'jobs' }).waitFor();
    assert.deepEqual(await p.page.$$eval('#cursor-depths tr td', (tds) => tds.map((td) => td.textContent)), ['jobs', '12,345,678', '12,000,000–12,345,678']);
  });

  it('groups the Blocked and Waiting figures and shortens a large Dropped one, the exact figure in its tooltip', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(update({ now: NOW + 100, queues: [queue('q-jobs', 'jobs', { maxsize: 10, size: 10, blocked: 12_345, waiting: 2_000, counters: counters({ dropped: 999_950 }) })] }));
    await settle(p.page);
    const row = p.page.locator('#overview tr[data-key="q-jobs"]');
    assert.equal(await row.locator('td.c-blocked').textContent(), '12,345');
    assert.equal(await row.locator('td.c-waiting').textContent(), '2,000');
    assert.equal(await row.locator('td.c-dropped').textContent(), '1M');
    assert.equal(await row.locator('td.c-dropped span').getAttribute('title'), '999,950 detail events dropped');
    assert.match(await row.locator('.b-blocked').innerText(), /12,345/);
  });
});
