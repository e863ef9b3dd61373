// Keyboard focus through live updates (review, 2026-12-06): a focused call-site button in a
// waiter list, a legend switch of a chart that is rebuilt and the queue's "created at" link
// fell to the page (document.body) when the data around them changed. Each now stays, or
// moves to the element that took its place, as the findings strip's rows do.
import * as assert from 'node:assert/strict';
import { NOW, initMessage, queue, series, site, update, waiters } from './fixtures';
import { settle, usePanelPages, type PanelPage } from './harness';

describe('panel keyboard focus through live updates (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;

  /** What has the focus: 'BODY', or the element's tag and accessible name. */
  const focused = () =>
    p.page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return !e || e === document.body ? 'BODY' : `${e.tagName} ${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim()}`;
    });
  const flush = async () => {
    await settle(p.page);
    await p.page.evaluate(() => (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush());
    await settle(p.page);
  };

  it("keeps a focused waiter's call site focused while other waiters of its queue come and go", async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await flush();
    // w1 (line 42, oldest) first, w2 second.
    const first = p.page.locator('#blocked-list li button').first();
    await first.focus();
    const before = await focused();
    assert.match(before, /^BUTTON Open call site producer \(pipeline\.js:42:11\)/);
    // Another producer blocks on the same queue.
    await p.send(update({ now: NOW + 100, waiters: [...waiters(), { id: 'w9', queue: 'q-jobs', role: 'put', since: NOW + 50, site: site(43) }] }));
    await flush();
    assert.equal(await focused(), before, 'a waiter arrived');
    assert.equal(await p.page.locator('#blocked-list li').count(), 3);
    // The other two leave (held for a moment, then gone).
    await p.send(update({ now: NOW + 200, waiters: waiters().filter((w) => w.id !== 'w2') }));
    await flush();
    assert.equal(await focused(), before, 'another waiter left');
    await p.page.waitForFunction(() => document.querySelectorAll('#blocked-list li.held').length === 0, undefined, { timeout: 5000 });
    await flush();
    assert.equal(await focused(), before, 'the held lines went');
    assert.equal(await p.page.evaluate(() => document.activeElement?.closest('li')?.classList.contains('held')), false);
  });

  it('keeps the keyboard in the list when the focused waiter itself goes', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await flush();
    await p.page.locator('#blocked-list li button').nth(1).focus(); // w2
    // w2 is served: held (faded, "was blocked") with its button still focused, then gone.
    await p.send(update({ now: NOW + 100, waiters: waiters().filter((w) => w.id !== 'w2') }));
    await flush();
    assert.equal(await p.page.evaluate(() => document.activeElement?.closest('li')?.classList.contains('held')), true, 'its line is held and keeps the focus');
    await p.page.waitForFunction(() => document.querySelectorAll('#blocked-list li.held').length === 0, undefined, { timeout: 5000 });
    await flush();
    assert.match(await focused(), /^BUTTON Open call site producer \(pipeline\.js:42:11\)/, 'on the line now at its place');
    assert.equal(await p.page.evaluate(() => document.getElementById('blocked-list')!.contains(document.activeElement)), true);
  });

  it('keeps the focus on the same waiter when an older one is served and its held line moves below (not on the line now at its index)', async () => {
    p = await open();
    const ws = waiters().map((w) => (w.id === 'w2' ? { ...w, site: site(55) } : w)); // tell the two lines apart
    const init = initMessage();
    init.session!.waiters = ws;
    await p.send(init);
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await flush();
    await p.page.locator('#blocked-list li button').nth(1).focus(); // w2
    const before = await focused();
    assert.match(before, /pipeline\.js:55:11/);
    // w1 (older, listed first) is served: its held line goes below w2's.
    await p.send(update({ now: NOW + 100, waiters: ws.filter((w) => w.id !== 'w1') }));
    await flush();
    assert.equal(await focused(), before, 'w1 was served');
    assert.equal(await p.page.evaluate(() => document.activeElement?.closest('li')?.classList.contains('held')), false, 'not on the held line');
    await p.page.waitForFunction(() => document.querySelectorAll('#blocked-list li.held').length === 0, undefined, { timeout: 5000 });
    await flush();
    assert.equal(await focused(), before, 'the held line went');
  });

  it('keeps a focused legend switch focused when the chart is rebuilt (maxsize came or went; combined mode, another order)', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await flush();
    await p.page.locator('#chart th[role="switch"]', { hasText: 'Waiting consumers' }).focus();
    const before = await focused();
    assert.equal(before, 'TH Waiting consumers');
    await p.send(update({ now: NOW + 100, queues: [{ key: 'q-jobs', maxsize: 0 }] }));
    await flush();
    assert.equal(await focused(), before, 'no maxsize line: another chart shape');
    await p.send(update({ now: NOW + 200, queues: [{ key: 'q-jobs', maxsize: 10 }] }));
    await flush();
    assert.equal(await focused(), before, 'the maxsize line is back');

    // Combined, sorted by depth: a live update changes which queues are listed first.
    const init = initMessage();
    init.session!.queues = Array.from({ length: 4 }, (_, i) => queue(`k${i}`, `q${i}`, { maxsize: 100, size: i * 10 }));
    init.session!.series = init.session!.queues.map((q) => series(q.key, 0, NOW, 1000, () => q.size, 0));
    init.session!.waiters = [];
    await p.send(init);
    await p.page.locator('button.sort[aria-label="Sort by Depth"]').click();
    await p.page.locator('#combined').click();
    await flush();
    await p.page.locator('#chart th[role="switch"]', { hasText: 'q1' }).focus();
    await p.send(update({ now: NOW + 100, queues: [{ key: 'k0', size: 90 }], waiters: [] }));
    await flush();
    const legend = (await p.page.locator('#chart .u-legend .u-series .u-label').allTextContents()).slice(1);
    assert.deepEqual(legend, ['q0', 'q3', 'q2', 'q1'], 'rebuilt in the new order');
    assert.equal(await focused(), 'TH q1', "the same queue's switch");
  });

  it("keeps the keyboard on the queue's \"created at\" link when its site is sent again", async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await flush();
    await p.page.locator('#detail-facts button').focus();
    await p.send(update({ now: NOW + 100, queues: [{ key: 'q-jobs', site: site(11, '') }] }));
    await flush();
    assert.equal(await focused(), 'BUTTON Open where jobs was created, pipeline.js:11:11');
  });
});
