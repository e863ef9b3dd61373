// The panel's findings strip in a real browser (Chromium, the page the host builds): rows built
// by the same findingsStripRows() the extension posts, a click (or Enter) selects the queue and
// asks for the exact call site, a hostile queue name stays literal text, a malformed message
// is refused, and another session's findings never show.

import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/diagnostics/findings';
import { findingsStripRows } from '../../../src/diagnostics/strip';
import type { FindingsMessage } from '../../../src/protocol/webview';
import { APP, SESSION, XSS_NAME, initMessage, sessionInfo } from './fixtures';
import { settle, usePanelPages, type PanelPage } from './harness';

const EPOCH = 1_700_000_000_000;

/** A deadlock between "jobs" and the hostile-named queue, as the engine phrases one. */
function deadlock(): Finding {
  return {
    id: 'deadlock:jobs+xss',
    rule: 'deadlock',
    severity: 'warning',
    session: SESSION,
    message: `blocked 12 s: deadlock between jobs and ${XSS_NAME}`,
    since: EPOCH,
    queues: [
      { key: 'q-xss', name: XSS_NAME, size: 1, maxsize: 1 },
      { key: 'q-jobs', name: 'jobs', size: 10, maxsize: 10 },
    ],
    waiters: [{ queue: 'q-jobs', queueName: 'jobs', id: 1, role: 'put', since: EPOCH, waitedMs: 12_000, site: { file: APP, line: 42, column: 11, fn: 'producer' } }],
    sites: [{ file: APP, line: 77, column: 11, fn: 'consumer' }],
    figures: {},
  };
}

function hint(): Finding {
  return { ...deadlock(), id: 'long:results', rule: 'long-block', severity: 'hint', message: 'consumer waiting 9 s on results', queues: [{ key: 'q-results', name: 'results', size: 0, maxsize: 0 }], waiters: [], sites: [] };
}

function findings(list: Finding[], session = SESSION): FindingsMessage {
  return { type: 'findings', session, rows: findingsStripRows(list, EPOCH + 12_000) };
}

describe('panel findings strip (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;
  const rows = () => p.page.locator('#findings li button.finding');
  const openSources = async () => ((await p.posted()) as { type: string }[]).filter((m) => m.type === 'openSource');

  it('renders each finding, warnings first, with a hostile queue name as literal text', async () => {
    p = await open();
    await p.send(initMessage());
    assert.equal(await p.page.locator('#findings').isHidden(), true, 'no findings: no strip');
    await p.send(findings([hint(), deadlock()]));
    await settle(p.page);
    assert.equal(await p.page.locator('#findings').isVisible(), true);
    assert.equal(await rows().count(), 2);
    const first = rows().first();
    assert.equal(await first.locator('.f-title').textContent(), 'Deadlock');
    assert.equal(await first.locator('.f-text').textContent(), `blocked 12 s: deadlock between jobs and ${XSS_NAME}`);
    assert.equal(await first.locator('.f-age').textContent(), 'for 12 s');
    assert.match((await first.getAttribute('class'))!, /f-warning/);
    assert.equal(await first.locator('.codicon-warning').count(), 1);
    assert.match((await first.getAttribute('aria-label'))!, /^Deadlock: blocked 12 s/);
    assert.equal(await rows().nth(1).locator('.f-title').textContent(), 'Long block');
    assert.equal(await p.page.locator('#findings img').count(), 0, 'no element was parsed from the name');
    assert.equal(await p.page.locator('img').count(), 0);
    await p.page.waitForTimeout(300); // an onerror handler would have fired by now
  });

  it('a click selects the queue and opens the waiting line; the keyboard does the same', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(findings([deadlock()]));
    await settle(p.page);
    await rows().first().click();
    await settle(p.page);
    assert.equal(await p.page.evaluate(() => (window as unknown as { queuescopePanel: { selectedQueue(): string } }).queuescopePanel.selectedQueue()), 'q-xss');
    assert.equal(await p.page.locator('#detail-title').textContent(), XSS_NAME);
    assert.deepEqual(await openSources(), [{ type: 'openSource', session: SESSION, file: APP, line: 42, column: 11 }]);
    await rows().first().focus();
    await p.page.keyboard.press('Enter');
    assert.equal((await openSources()).length, 2);
  });

  it('a focused finding keeps the focus when the findings are sent again (each tick of a live session)', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(findings([hint(), deadlock()]));
    await settle(p.page);
    await rows().nth(1).focus();
    const focused = () => p.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id ?? document.activeElement?.tagName);
    assert.equal(await focused(), 'long:results');
    // Focus moves a screen reader reads out: the next ticks must cause none.
    await p.page.evaluate(() => {
      const w = window as unknown as { focusMoves: number };
      w.focusMoves = 0;
      document.addEventListener('focusin', () => w.focusMoves++);
    });
    // The next tick: the same findings, one second older.
    await p.send({ type: 'findings', session: SESSION, rows: findingsStripRows([hint(), deadlock()], EPOCH + 13_000) });
    await settle(p.page);
    assert.equal(await rows().nth(1).locator('.f-age').textContent(), 'for 13 s');
    assert.equal(await focused(), 'long:results');
    assert.equal(await p.page.evaluate(() => (window as unknown as { focusMoves: number }).focusMoves), 0, 'the focused row was updated in place, not refocused');
    await p.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'deadlock:jobs+xss', 'Tab moves on from it as from any button');
    // The focused finding clears: the keyboard stays in the strip, on the one now in its place.
    await rows().first().focus();
    await p.send({ type: 'findings', session: SESSION, rows: findingsStripRows([hint()], EPOCH + 14_000) });
    await settle(p.page);
    assert.equal(await focused(), 'long:results');
  });

  it('an empty list clears the strip; another session\'s findings and malformed ones are not shown', async () => {
    p = await open();
    await p.send(initMessage());
    await p.send(findings([deadlock()]));
    await settle(p.page);
    assert.equal(await rows().count(), 1);
    await p.send(findings([], SESSION));
    await settle(p.page);
    assert.equal(await p.page.locator('#findings').isHidden(), true);
    await p.send(findings([deadlock()], 'another-session'));
    const bad = findings([deadlock()]);
    (bad.rows[0] as unknown as { icon: string }).icon = 'warning x"><img src=q onerror=alert(7)>';
    await p.send(bad);
    await p.send({ type: 'findings', session: SESSION, rows: [{ id: 'x' }] } as unknown as FindingsMessage);
    await settle(p.page);
    assert.equal(await rows().count(), 0);
    // A session switch clears the old session's rows until the host sends the new ones.
    await p.send(findings([deadlock()]));
    await settle(p.page);
    assert.equal(await rows().count(), 1);
    const other = initMessage();
    other.sessions = [sessionInfo(), sessionInfo({ id: 's2', name: 'other' })];
    other.session = { ...other.session!, id: 's2' };
    await p.send(other);
    await settle(p.page);
    assert.equal(await rows().count(), 0);
  });

  it("the overview's State column names the finding about a queue, and its sort puts that queue first", async () => {
    p = await open();
    await p.send(initMessage());
    const stuck: Finding = { ...deadlock(), id: 'stuck:q-prio', rule: 'stuck', message: 'The one running task of `urgent` has been running for 9 s', queues: [{ key: 'q-prio', name: 'urgent', size: 42, maxsize: 100 }], waiters: [] };
    const state = (key: string) => p.page.locator(`#overview tbody tr[data-key="${key}"] td.c-status`);
    await settle(p.page);
    assert.equal((await state('q-prio').innerText()).trim(), 'ok');
    await p.send(findings([stuck, hint()]));
    await settle(p.page);
    const badge = state('q-prio').locator('.badge.b-finding.f-warning');
    assert.equal(await badge.innerText(), 'stuck', 'the short word: the State column is narrow');
    assert.equal(await badge.getAttribute('title'), `Stuck work: ${stuck.message}`);
    assert.equal(await state('q-prio').locator('.b-ok').count(), 0, 'no longer "ok"');
    assert.equal(await state('q-results').locator('.b-finding').count(), 0, 'a hint gets no badge: the row already says waiting');
    assert.match((await p.page.locator('#overview tbody tr[data-key="q-prio"]').getAttribute('aria-label'))!, /^urgent, Stuck work,/);
    // Sorted by State, most troubled first: the warning outranks the 2 blocked producers of jobs.
    await p.page.locator('#overview th.h-status button').click();
    await settle(p.page);
    const order = () => p.page.locator('#overview tbody tr[data-key]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.key));
    assert.deepEqual((await order()).slice(0, 2), ['q-prio', 'q-jobs']);
    // The finding goes: so do the badge and its rank.
    await p.send(findings([]));
    await settle(p.page);
    assert.equal(await state('q-prio').locator('.b-finding').count(), 0);
    assert.equal((await state('q-prio').innerText()).trim(), 'ok');
    assert.equal((await order())[0], 'q-jobs');
  });

  // Found under F5 on an order router that deadlocks: "deadlock", "full" and "1 blocked" did
  // not fit a 1,000 px panel's State column, and the last badge read "‖ 1" cut at the edge.
  it('keeps every State badge whole when a finding crowds the column: words, then "full", give way', async () => {
    p = await open({ width: 1500 }); // from 1,600 px the overview sits beside the detail, narrower
    await p.send(initMessage());
    await p.send(findings([deadlock()]));
    await settle(p.page);
    const cell = p.page.locator('#overview tbody tr[data-key="q-jobs"] td.c-status .badges');
    const seen = () =>
      cell.evaluate((e) => ({
        fits: e.scrollWidth <= e.clientWidth + 1,
        // What is on screen: a word that gave way is hidden from sight only (a screen reader still reads it).
        shown: [...e.children]
          .filter((b) => (b as HTMLElement).offsetWidth > 0)
          .map((b) => {
            const gone = [...b.querySelectorAll<HTMLElement>('.b-word')].filter((w) => w.getBoundingClientRect().width <= 1);
            gone.forEach((w) => (w.style.display = 'none'));
            const text = (b as HTMLElement).innerText.trim();
            gone.forEach((w) => (w.style.display = ''));
            return text;
          }),
      }));
    assert.deepEqual(await seen(), { fits: true, shown: ['deadlock', 'full', '2 blocked'] });
    const blocked = cell.locator('.b-blocked');
    assert.equal(await blocked.getAttribute('title'), '2 blocked producers');
    await p.page.setViewportSize({ width: 1250, height: 700 });
    await settle(p.page);
    assert.deepEqual(await seen(), { fits: true, shown: ['deadlock', 'full', '2'] });
    // (At 935-1,139 px of overview the State column takes the room the name does not: wide enough for "full".)
    await p.page.setViewportSize({ width: 900, height: 700 });
    await settle(p.page);
    assert.deepEqual(await seen(), { fits: true, shown: ['deadlock', '2'] });
    // From 1,600 px the overview shares its row with the detail: its State column is narrow again.
    for (const width of [1950, 1920, 1800, 1700, 1600, ...Array.from({ length: 25 }, (_, i) => 1500 - 25 * i)]) {
      await p.page.setViewportSize({ width, height: 700 });
      assert.equal((await seen()).fits, true, `State badges whole at ${width} px`);
    }
    // A row with room to spare keeps its words at any width: only a crowded column trims.
    const results = p.page.locator('#overview tbody tr[data-key="q-results"] td.c-status .badges');
    assert.equal((await results.innerText()).trim(), '3 waiting');
  });

  it('past five findings: the first five, a toggle counting the rest per kind, the whole list on demand in its own scrolling box', async () => {
    p = await open();
    await p.send(initMessage());
    const idle = Array.from({ length: 300 }, (_, i) => ({ ...hint(), id: `long:${i}`, since: EPOCH + i, message: `consumer waiting 31 s on q${i}` }));
    await p.send(findings([...idle, deadlock(), { ...deadlock(), id: 'deadlock:2', rule: 'stuck' }]));
    await settle(p.page);
    const toggle = p.page.locator('#findings-more');
    assert.equal(await rows().count(), 5);
    assert.equal(await rows().first().locator('.f-title').textContent(), 'Deadlock', 'warnings stay first');
    assert.equal(await toggle.innerText(), '297 more: 297 Long block');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    // The strip stays short: the overview below it starts within a few rows' height.
    const stripHeight = await p.page.locator('#findings').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(stripHeight < 300, `collapsed strip ${stripHeight} px tall`);

    await toggle.focus();
    await p.page.keyboard.press('Enter');
    await settle(p.page);
    assert.equal(await rows().count(), 302);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await toggle.innerText(), 'Show fewer findings');
    const box = await p.page.locator('#findings-list').evaluate((e) => ({ client: e.clientHeight, scroll: e.scrollHeight, viewport: innerHeight }));
    assert.ok(box.client <= box.viewport * 0.4 + 1 && box.scroll > box.client, `expanded list scrolls in its box: ${JSON.stringify(box)}`);

    await toggle.click();
    await settle(p.page);
    assert.equal(await rows().count(), 5);
    // Five findings or fewer: no toggle; the keyboard focus it had goes to the last finding.
    await toggle.focus();
    await p.send(findings([deadlock(), hint()]));
    await settle(p.page);
    assert.equal(await rows().count(), 2);
    assert.equal(await toggle.isHidden(), true);
    assert.equal(await p.page.evaluate(() => (document.activeElement as HTMLElement).dataset.id), 'long:results');
  });
});
