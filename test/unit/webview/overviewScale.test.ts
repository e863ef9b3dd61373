// The overview with 10,000 queues in a real browser (issue #17): only the rows in sight
// exist, scrolling brings others in, sorting reorders all of them, keyboard navigation
// reaches rows that were not rendered, and a queue's "sampled 1/N" badge shows (the
// whole "waits sampled 1 in N" in its tooltip).

import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/diagnostics/findings';
import { findingsStripRows } from '../../../src/diagnostics/strip';
import { counters, initMessage, queue, SESSION, update } from './fixtures';
import { settle, usePanelPages, type PanelPage } from './harness';

const N = 10_000;
const many = () =>
  Array.from({ length: N }, (_, i) =>
    queue(`k${i}`, `conn-${String(i).padStart(5, '0')}`, { size: i % 7, maxsize: 0, putRate: i % 101, getRate: 0, blocked: 0, waiting: i === 4242 ? 1 : 0, counters: counters({ highWater: 7 }), ...(i === 4242 ? { waitsSampled: 8 } : {}) }),
  );

describe('panel overview with 10,000 queues (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;
  const rowKeys = () => p.page.$$eval('#overview tbody tr[data-key]', (els) => els.map((e) => (e as HTMLElement).dataset.key!));

  it('renders only the rows in sight; scrolling, sorting, filtering and the keyboard reach all of them', async () => {
    p = await open();
    await p.send(initMessage({ session: { ...initMessage().session!, queues: many(), series: [], waiters: [], waitCounts: [] } }));
    await settle(p.page);
    const first = await rowKeys();
    assert.ok(first.length > 5 && first.length < 200, `${first.length} rows rendered`);
    assert.ok(first.includes('k0'));

    // A row scrolled half under the sticky header stays under it: its depth bar (positioned)
    // does not paint over the header.
    const hit = await p.page.locator('#overview').evaluate((t) => {
      const box = t.parentElement!;
      const bar = t.querySelector('tbody tr[data-key] .bar')!;
      const headBottom = (t as HTMLTableElement).tHead!.getBoundingClientRect().bottom;
      box.scrollTop += bar.getBoundingClientRect().top - headBottom + 4;
      const r = bar.getBoundingClientRect();
      const at = document.elementFromPoint(r.left + r.width / 2, headBottom - 2);
      return { underHeader: r.top < headBottom - 2, inHeader: at?.closest('thead') !== null };
    });
    assert.deepEqual(hit, { underHeader: true, inHeader: true });

    // Scroll to the end: the last queues are drawn, the first ones are gone.
    await p.page.locator('#overview').evaluate((t) => {
      const box = t.parentElement!;
      box.scrollTop = box.scrollHeight;
    });
    await settle(p.page);
    const last = await rowKeys();
    assert.ok(last.includes(`k${N - 1}`) && !last.includes('k0'), last.slice(-3).join());

    // Scrolling down from the top half a box at a time shows every one of the first 300
    // queues, each row naming the queue its key says (the drawn rows are reused for whatever
    // queue scrolls in), and the scroll position stays where it was put (the browser's scroll
    // anchoring would otherwise move it as the spacer above the reused rows grows).
    const seen = await p.page.locator('#overview').evaluate(async (t) => {
      const box = t.parentElement!;
      const names = new Map<string, string>();
      const moved: string[] = [];
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      for (let y = 0; names.size < 300; y += Math.round(box.clientHeight / 2)) {
        box.scrollTop = y;
        await frame();
        if (box.scrollTop !== y) moved.push(`${y} -> ${box.scrollTop}`);
        for (const tr of t.querySelectorAll('tbody tr[data-key]')) names.set((tr as HTMLElement).dataset.key!, tr.querySelector('.q-name')!.textContent!);
      }
      return { names: [...names], moved };
    });
    assert.deepEqual(seen.moved, [], 'the scroll position stays where it was put');
    const wrongName = seen.names.filter(([k, name]) => name !== `conn-${String(Number(k.slice(1))).padStart(5, '0')}`);
    assert.deepEqual(wrongName, [], 'every drawn row names its own queue');
    const seenKeys = new Set(seen.names.map(([k]) => k));
    const gaps = Array.from({ length: 300 }, (_, i) => `k${i}`).filter((k) => !seenKeys.has(k));
    assert.deepEqual(gaps, [], 'scrolling leaves no queue undrawn');

    // Sort by puts/s (descending): the busiest come first, over all 10,000, and the box
    // shows the top (it was scrolled down).
    assert.ok((await p.page.locator('#overview').evaluate((t) => t.parentElement!.scrollTop)) > 0);
    await p.page.locator('#overview th.h-putRate button').click();
    await settle(p.page);
    assert.equal(await p.page.locator('#overview').evaluate((t) => t.parentElement!.scrollTop), 0, 'a sort shows the top');
    const rates = await p.page.$$eval('#overview tbody tr[data-key] td:nth-child(5)', (els) => els.slice(0, 3).map((e) => e.textContent));
    assert.deepEqual(rates, ['100', '100', '100']);

    // Keyboard: End reaches the last row of the order although it was not rendered, Home
    // comes back to the first, arrows move on.
    await p.page.locator('#overview tbody tr[data-key]').first().focus();
    const focusedKey = () => p.page.evaluate(() => (document.activeElement as HTMLElement).dataset.key);
    await p.page.keyboard.press('End');
    await settle(p.page);
    const lastKey = await focusedKey();
    assert.ok(lastKey !== undefined && (await rowKeys()).includes(lastKey), `focus on ${lastKey}`);
    assert.equal(await p.page.locator(`#overview tr[data-key="${lastKey}"] td:nth-child(5)`).innerText(), '0', 'the slowest queue is last');
    // A queue leaves the model while the focused row is the last one drawn: the window draws
    // one row fewer, and the focus stays on its queue (it moved up a row) for the arrows.
    await p.send(update({ session: SESSION, queues: [], removed: ['k5'] }));
    await settle(p.page);
    assert.equal(await focusedKey(), lastKey, 'the focus stays on its queue');
    await p.page.keyboard.press('ArrowUp');
    const above = await focusedKey();
    assert.ok(above !== undefined && above !== lastKey, `ArrowUp moved the focus (to ${above})`);
    await p.page.keyboard.press('Home');
    await settle(p.page);
    assert.equal(await focusedKey(), 'k100');
    await p.page.keyboard.press('ArrowDown');
    assert.equal(await focusedKey(), (await rowKeys())[1]);

    // Filtering runs over all 10,000; the sampled queue says so.
    await p.page.fill('#filter', 'conn-04242');
    await settle(p.page);
    assert.deepEqual(await rowKeys(), ['k4242']);
    assert.match(await p.page.locator('#overview tr[data-key="k4242"]').innerText(), /sampled 1\/8/);
    const badge = p.page.locator('#overview tr[data-key="k4242"] .b-sampled');
    assert.match((await badge.getAttribute('title'))!, /^Waits sampled 1 in 8: counts are exact/);
    // The whole badge fits its State column, beside "1 waiting".
    const fits = await badge.evaluate((b) => {
      const td = b.closest('td')!;
      return b.getBoundingClientRect().right <= td.getBoundingClientRect().right - parseFloat(getComputedStyle(td).paddingRight);
    });
    assert.ok(fits, 'the sampled badge is not cut by its column');
    // The stride moves with the load: the badge follows it (its text only), and goes when detail is whole again.
    await p.send(update({ session: SESSION, queues: [queue('k4242', 'conn-04242', { waiting: 1, waitsSampled: 64 })] }));
    await settle(p.page);
    assert.match(await p.page.locator('#overview tr[data-key="k4242"]').innerText(), /sampled 1\/64/);
    assert.match((await badge.getAttribute('title'))!, /^Waits sampled 1 in 64:/);
    await p.send(update({ session: SESSION, queues: [queue('k4242', 'conn-04242', { waiting: 1, waitsSampled: 1 })] }));
    await settle(p.page);
    assert.doesNotMatch(await p.page.locator('#overview tr[data-key="k4242"]').innerText(), /sampled/);
    // An update of a queue out of sight changes nothing drawn, and shows once filtered in.
    await p.send(update({ session: SESSION, queues: [queue('k9999', 'conn-09999', { size: 3, putRate: 55 })] }));
    await p.page.fill('#filter', 'conn-09999');
    await settle(p.page);
    assert.deepEqual(await rowKeys(), ['k9999']);
    assert.match(await p.page.locator('#overview tr[data-key="k9999"]').innerText(), /55/);
  });

  it('keeps one drawn row tabbable when the selected one has scrolled out of the drawn window', async () => {
    p = await open();
    await p.send(initMessage({ session: { ...initMessage().session!, queues: many(), series: [], waiters: [], waitCounts: [] } }));
    await settle(p.page);
    await p.page.locator('#overview tbody tr[data-key]').first().click();
    await p.page.locator('#overview').evaluate((t) => {
      t.parentElement!.scrollTop = t.parentElement!.scrollHeight / 2;
    });
    await settle(p.page);
    await p.page.locator('#filter').focus();
    await p.send(update({ session: SESSION, queues: [queue('k9999', 'conn-09999', { size: 2 })] }));
    await settle(p.page);
    const tabbable = await p.page.$$eval('#overview tbody tr[data-key]', (els) => els.filter((e) => (e as HTMLElement).tabIndex === 0).map((e) => (e as HTMLElement).dataset.key));
    assert.equal(tabbable.length, 1, 'Tab reaches the table (before: no drawn row had a tab stop)');
    assert.notEqual(tabbable[0], 'k100', 'the selected row is not drawn');
  });

  // A shard router whose shard-1337 is full with its dispatcher blocked, shard-42 full with
  // nobody blocked, and every other shard's worker waiting: the user wants shard-1337 first.
  it('lists names in natural order; State puts the most troubled first; a finding brings its queue into sight', async () => {
    const shards = Array.from({ length: 2000 }, (_, i) =>
      queue(`s${i}`, `shard-${i}`, { maxsize: 32, size: i === 1337 || i === 42 ? 32 : 0, blocked: i === 1337 ? 1 : 0, waiting: i === 1337 || i === 42 ? 0 : 1 }),
    );
    p = await open();
    await p.send(initMessage({ session: { ...initMessage().session!, queues: shards, series: [], waiters: [], waitCounts: [] } }));
    await settle(p.page);
    const names = () => p.page.$$eval('#overview tbody tr[data-key] .q-name', (els) => els.slice(0, 4).map((e) => e.textContent));
    assert.deepEqual(await names(), ['shard-0', 'shard-1', 'shard-2', 'shard-3'], 'numbers in names sort as numbers');

    const state = p.page.locator('#overview th.h-status button');
    assert.equal(await state.getAttribute('aria-label'), 'Sort by State');
    await state.click();
    await settle(p.page);
    assert.equal(await p.page.locator('#overview th.h-status').getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await names(), ['shard-1337', 'shard-42', 'shard-0', 'shard-1'], 'blocked and full, then full, then waiting in name order');
    await state.click();
    await settle(p.page);
    assert.equal(await p.page.locator('#overview th.h-status').getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await names(), ['shard-0', 'shard-1', 'shard-2', 'shard-3'], 'ascending: the least troubled first');

    // Back to names; a finding about shard-1337 (row 1,337 of 2,000: far out of sight) selects
    // it and scrolls the overview to it.
    await p.page.locator('#overview th.h-name button').click();
    await settle(p.page);
    const finding: Finding = {
      id: 'stuck:s1337',
      rule: 'stuck',
      severity: 'warning',
      session: SESSION,
      message: '1 task taken from `shard-1337` has been running for 11 s',
      since: 1_700_000_000_000,
      queues: [{ key: 's1337', name: 'shard-1337', size: 32, maxsize: 32 }],
      waiters: [],
      sites: [],
      figures: {},
    };
    await p.send({ type: 'findings', session: SESSION, rows: findingsStripRows([finding], 1_700_000_011_000) });
    await settle(p.page);
    assert.ok(!(await p.page.$('#overview tr[data-key="s1337"]')), 'out of sight before');
    await p.page.locator('#findings button.finding').first().click();
    await settle(p.page);
    const row = p.page.locator('#overview tr[data-key="s1337"]');
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    const seen = await row.evaluate((tr) => {
      const box = tr.closest('.table-scroll')!.getBoundingClientRect();
      const r = tr.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    });
    assert.ok(seen, 'the selected row is inside the overview box');
  });
});
