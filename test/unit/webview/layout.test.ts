// The panel at the size it really gets: a 1400x900 window with the Debug Console open (it
// opens on every launch) leaves the editor area about 1100x520 CSS pixels, and the panel
// opens beside the editor, so half of that is common too. Screenshots go to test-artifacts/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { counters, initMessage, queue, sessionInfo, update, queues } from './fixtures';
import { settle, usePanelPages, type PanelPage, type Theme } from './harness';

const artifacts = path.resolve(__dirname, '../../../test-artifacts');

/** Editor area of a 1400x900 window with the side bar and the Debug Console open. */
const EDITOR_AREA = { width: 1100, height: 520 };

describe('panel layout at real sizes (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;

  async function shot(name: string): Promise<void> {
    fs.mkdirSync(artifacts, { recursive: true });
    await p.page.screenshot({ path: path.join(artifacts, name) });
  }

  /** Tops of the visible toolbar items (one value = one row). */
  const toolbarRows = () =>
    p.page.$$eval('.toolbar > *', (els) => [...new Set(els.filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().width > 0).map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)))]);
  /** Visible elements whose own text is "Live". */
  const liveLabels = () =>
    p.page.$$eval('body *', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() === 'Live')).length);

  it('keeps the toolbar on one row with one "Live", and the waiter lists above the fold, with the Debug Console open', async () => {
    p = await open({ width: EDITOR_AREA.width, height: EDITOR_AREA.height });
    const msg = initMessage();
    msg.sessions = [sessionInfo({ name: 'QueueScope sample: Back-pressure (a slow consumer)' }), sessionInfo({ id: 's2', name: 'worker pool', status: 'ended' })];
    await p.send(msg);
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    const rows = await toolbarRows();
    const spread = Math.max(...rows) - Math.min(...rows);
    assert.ok(spread <= 4, `toolbar items on one row (centres ${rows.join(', ')})`);
    assert.equal(await liveLabels(), 1, 'one "Live" on the page: the follow button');
    assert.equal(await p.page.locator('#status').textContent(), 'Running');
    for (const id of ['#blocked-head', '#waiting-head', '#blocked-list li']) {
      const box = await p.page.locator(id).first().boundingBox();
      assert.ok(box && box.y + box.height <= EDITOR_AREA.height, `${id} above the fold (${box && Math.round(box.y + box.height)} > ${EDITOR_AREA.height})`);
    }
  });

  // Found at 1,150 px with the side bar open (~800 px of panel): the toolbar stayed on one row
  // past what fits and cut the PNG button off at the edge.
  it('never cuts a toolbar item off: one row where everything fits, two where it does not', async () => {
    p = await open({ width: 1100, height: 520 });
    const msg = initMessage();
    msg.sessions = [sessionInfo({ name: 'QueueScope sample: Back-pressure (a slow consumer)' }), sessionInfo({ id: 's2', name: 'worker pool', status: 'ended' })];
    await p.send(msg);
    await settle(p.page);
    for (let width = 1100; width >= 560; width -= 20) {
      await p.page.setViewportSize({ width, height: 520 });
      const cut = await p.page.$$eval('.toolbar > *', (els) => {
        const bar = els[0].parentElement!.getBoundingClientRect();
        return els
          .filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().width > 0)
          .filter((e) => e.getBoundingClientRect().right > bar.right + 0.5 || e.scrollWidth > e.clientWidth + 1 && e.tagName === 'BUTTON')
          .map((e) => e.id || e.className || e.tagName);
      });
      assert.deepEqual(cut, [], `nothing cut at ${width} px`);
      if (width === 900 || width === 640) await shot(`panel-toolbar-${width}.png`);
    }
  });

  it('does not light the Live button while paused', async () => {
    p = await open({ width: EDITOR_AREA.width, height: EDITOR_AREA.height });
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#live').getAttribute('aria-pressed'), 'true');
    await p.send(update({ status: 'paused', queues: queues() }));
    await settle(p.page);
    assert.equal(await p.page.locator('#live').getAttribute('aria-pressed'), 'false');
    assert.equal(await p.page.locator('#live.active').count(), 0);
    await p.send(update({ status: 'running', queues: queues() }));
    await settle(p.page);
    assert.equal(await p.page.locator('#live').getAttribute('aria-pressed'), 'true');
  });

  it('names the queues of the combined chart in its caption', async () => {
    p = await open({ width: EDITOR_AREA.width, height: EDITOR_AREA.height });
    await p.send(initMessage());
    await settle(p.page);
    await p.page.locator('#combined').click();
    await p.page.locator('#filter').fill('u');
    await settle(p.page);
    assert.match((await p.page.locator('#chart-caption').textContent())!, /^results and urgent: /);
    await p.page.locator('#filter').fill('jobs');
    await settle(p.page);
    assert.match((await p.page.locator('#chart-caption').textContent())!, /^jobs: /);
  });

  // Found in review: a 860 px minimum with every column left the Queue column 47 px at
  // 640 px beside the Dropped column ("<img", "Queu"); the name is the column that keeps room.
  it('keeps the queue names whole in a narrow panel: less telling columns give way, and the name stays in sight scrolled sideways', async () => {
    const names = ['orders', 'payments-retry', 'email-outbox', 'thumbnails', 'search-index', 'audit-log'];
    const msg = initMessage();
    msg.session!.queues = names.map((n, i) => queue(`k${i}`, n, { maxsize: 50, size: i * 9, blocked: i === 5 ? 2 : 0, waiting: i === 1 ? 1 : 0, putRate: i * 3.3, source: i % 2 ? 'pid 4242 main' : 'pid 4242 worker 1', counters: counters({ dropped: i === 2 ? 1_234_567 : 0 }) }));
    msg.session!.waiters = [];
    const shown = () =>
      p.page.$$eval('#overview thead th', (ths) => ths.filter((t) => getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().width > 0).map((t) => `${t.textContent!.trim()}`));
    const cutNames = () => p.page.$$eval('#overview tbody .q-name', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    const nameColumn = () => p.page.locator('#overview thead th.h-name').evaluate((e) => e.getBoundingClientRect().width);
    const expected: Record<number, string[]> = {
      1400: ['Queue', 'State', 'Kind', 'Depth', 'Puts/s', 'Gets/s', 'Blocked', 'Waiting', 'High', 'Dropped'],
      900: ['Queue', 'State', 'Depth', 'Puts/s', 'Gets/s', 'Blocked', 'Waiting', 'Dropped'],
      640: ['Queue', 'State', 'Depth', 'Dropped'],
      700: ['Queue', 'State', 'Depth', 'Puts/s', 'Gets/s', 'Dropped'],
      500: ['Queue', 'State', 'Depth', 'Dropped'],
      300: ['Queue', 'State', 'Depth', 'Dropped'],
    };
    for (const width of [1400, 900, 700, 640, 500, 300]) {
      p = await open({ theme: 'light', width, height: 520 });
      await p.send(msg);
      await settle(p.page);
      assert.deepEqual(await shown(), expected[width], `columns at ${width} px`);
      assert.deepEqual(await cutNames(), [], `no name cut at ${width} px`);
      assert.ok((await nameColumn()) >= 125, `Queue column ${await nameColumn()} px at ${width} px`);
      const dropped = p.page.locator('#overview tr[data-key="k2"] td.c-dropped span');
      assert.equal(await dropped.textContent(), '1.2M');
      assert.equal(await dropped.getAttribute('title'), '1,234,567 detail events dropped');
      await shot(`panel-narrow-${width}.png`);
    }
    // 300 px: the table scrolls sideways, the names stay where they were.
    const nameLeft = () => p.page.locator('#overview tr[data-key="k1"] td.c-name').evaluate((e) => Math.round(e.getBoundingClientRect().left));
    const before = await nameLeft();
    await p.page.locator('.table-scroll').evaluate((e) => (e.scrollLeft = 200));
    assert.ok((await p.page.locator('.table-scroll').evaluate((e) => e.scrollLeft)) > 50, 'it scrolls sideways');
    assert.equal(await nameLeft(), before, 'the name column is sticky');
  });

  it("keeps a gone queue's sticky name cell opaque when the table scrolls sideways (the cells under it do not show through)", async () => {
    p = await open({ theme: 'light', width: 340, height: 400 });
    const msg = initMessage();
    msg.session!.queues = [
      queue('g1', 'gone-queue-with-name', { gone: true, size: 123456, maxsize: 999999, counters: counters({ dropped: 7654321 }) }),
      queue('a1', 'alive-queue-with-name', { size: 123456, maxsize: 999999 }),
    ];
    msg.session!.waiters = [];
    await p.send(msg);
    await settle(p.page);
    await p.page.locator('.table-scroll').evaluate((e) => (e.scrollLeft = 120));
    await settle(p.page);
    const cell = await p.page.locator('#overview tr[data-key="g1"] td.c-name').evaluate((td) => {
      // Opacity of the cell and everything it is composited in (an opacity below 1 anywhere there shows what is under it).
      let opacity = 1;
      for (let n: Element | null = td; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
      const name = td.querySelector('.q-title')!;
      return { opacity, bg: getComputedStyle(td).backgroundImage + ' ' + getComputedStyle(td).backgroundColor, dimmed: Number(getComputedStyle(name).opacity) };
    });
    assert.equal(cell.opacity, 1, 'the sticky cell itself is not see-through');
    assert.ok(cell.dimmed < 1, 'its content is dimmed');
  });

  it('says on the Queue header which sort is in effect when a narrow panel hides the sorted column', async () => {
    p = await open({ theme: 'dark', width: 1280, height: 600 });
    await p.send(initMessage());
    await settle(p.page);
    const nameHead = p.page.locator('#overview thead th.h-name');
    await p.page.locator('#overview thead th.h-blocked button').click();
    await settle(p.page);
    assert.equal((await nameHead.textContent())!.trim(), 'Queue', 'wide: the Blocked column shows its own arrow');
    await p.page.setViewportSize({ width: 600, height: 600 });
    await settle(p.page);
    await p.page.waitForFunction(() => document.querySelector('#overview thead th.h-name')!.textContent!.includes('by Blocked'), undefined, { timeout: 3000 }).catch(() => undefined);
    assert.equal(await p.page.locator('#overview thead th.h-blocked').evaluate((th) => getComputedStyle(th).display), 'none', 'Blocked is hidden at 600 px');
    assert.match((await nameHead.textContent())!, /Queue\s*· by Blocked ↓/);
    assert.match((await nameHead.locator('button').getAttribute('aria-label'))!, /sorted by Blocked, descending/);
    // A click on it sorts by name (the note goes).
    await nameHead.locator('button').click();
    await settle(p.page);
    assert.equal((await nameHead.textContent())!.trim(), 'Queue');
    assert.equal(await nameHead.getAttribute('aria-sort'), 'ascending');
  });

  it('leaves the Queue column 150 px or more where the table fits, 130 px where it scrolls (300-1590 px, with and without the Dropped column)', async () => {
    // Review of 7da254c: Puts/s and Gets/s came back at 560 px of overview and left the name
    // 108 px at 600 px. Each step now hides its columns up to where the name keeps ~160 px
    // (150 here: fonts differ by a few px between machines).
    for (const dropped of [0, 1_234_567]) {
      p = await open({ theme: 'dark', width: 300, height: 500 });
      const msg = initMessage();
      msg.session!.queues = msg.session!.queues.map((q, i) => ({ ...q, counters: { ...q.counters, dropped: i === 0 ? dropped : 0 } }));
      await p.send(msg);
      const narrow: string[] = [];
      const widths: string[] = [];
      for (let w = 300; w < 1600; w += 7) {
        await p.page.setViewportSize({ width: w, height: 500 });
        await settle(p.page);
        const { name, overview } = await p.page.evaluate(() => ({
          name: document.querySelector('#overview thead th.h-name')!.getBoundingClientRect().width,
          overview: document.querySelector('.overview-section')!.getBoundingClientRect().width,
        }));
        widths.push(`${Math.round(overview)}:${Math.round(name)}`);
        if (name < (overview >= 452 ? 150 : 130)) narrow.push(`${w} px (overview ${Math.round(overview)}): ${name.toFixed(1)} px`);
      }
      if (process.env.QS_PRINT_WIDTHS) console.log(widths.join(' '));
      assert.deepEqual(narrow, [], `dropped ${dropped}`);
    }
  });

  it('keeps "2 blocked" in a crowded badge\'s accessible name and tooltip where the word gives way and the Blocked column is hidden', async () => {
    p = await open({ theme: 'dark', width: 380, height: 500 });
    const msg = initMessage();
    msg.session!.queues = [queue('k0', 'orders', { maxsize: 4, size: 4, blocked: 2 })];
    msg.session!.waiters = [];
    await p.send(msg);
    await settle(p.page);
    assert.equal(await p.page.locator('#overview thead th.h-blocked').evaluate((th) => getComputedStyle(th).display), 'none');
    const badge = p.page.locator('#overview tr[data-key="k0"] .b-blocked');
    const word = await badge.locator('.b-word').evaluate((e) => ({ display: getComputedStyle(e).display, width: e.getBoundingClientRect().width, text: e.textContent }));
    assert.ok(word.width <= 1, `the word gives way on screen (${word.width} px)`);
    assert.notEqual(word.display, 'none', 'but stays in the accessibility tree');
    assert.match(await badge.evaluate((b) => (b as HTMLElement).innerText.replace(/\s+/g, ' ').trim()), /2/);
    assert.equal(await badge.getAttribute('title'), '2 blocked producers');
    assert.match(await badge.ariaSnapshot(), /2 blocked/);
  });

  // Found in review: the chart colours were text colours too, orange and red at 2.4:1 and
  // 3.8:1 on Light+'s white. State text now uses the theme's text colours (errorForeground,
  // the foreground); the state's colour is on the badge's icon and border, and on chart lines.
  for (const theme of ['light', 'dark', 'hc'] as Theme[]) {
    it(`state words and figures read at 4.5:1 or more (${theme})`, async () => {
      p = await open({ theme, width: 1280, height: 800 });
      await p.send(initMessage());
      await p.page.locator('#overview tr[data-key="q-jobs"]').click();
      await settle(p.page);
      const low = await p.page.evaluate(() => {
        // rgb()/rgba(), or color(srgb …) for a color-mix() (channels 0-1).
        const parse = (c: string) => {
          const srgb = c.match(/color\(srgb ([^)]+)\)/);
          const v = (srgb ? srgb[1] : c.match(/rgba?\(([^)]+)\)/)![1]).split(/[ ,/]+/).filter(Boolean).map(Number);
          const k = srgb ? 255 : 1;
          return { r: v[0] * k, g: v[1] * k, b: v[2] * k, a: v.length > 3 ? v[3] : 1 };
        };
        type C = ReturnType<typeof parse>;
        const lum = (c: C) => {
          const f = (x: number) => ((x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
        };
        const over = (top: C, bot: C): C => ({ r: top.r * top.a + bot.r * (1 - top.a), g: top.g * top.a + bot.g * (1 - top.a), b: top.b * top.a + bot.b * (1 - top.a), a: 1 });
        const page = parse(getComputedStyle(document.body).backgroundColor);
        const bgOf = (e: Element): C => {
          const layers: C[] = [];
          for (let n: Element | null = e; n; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c.a > 0) layers.push(c);
            if (c.a >= 1) break;
          }
          return layers.reduceRight((acc, c) => over(c, acc), page);
        };
        const out: string[] = [];
        const sel = '.b-full, .b-blocked, .b-waiting, .is-full .depth-text, .has-blocked .c-blocked, .has-waiting .c-waiting, .c-dropped, #blocked-head, #waiting-head, #status';
        for (const e of document.querySelectorAll(sel)) {
          if (!(e as HTMLElement).checkVisibility() || !e.textContent!.trim()) continue;
          const bg = bgOf(e);
          const fg = over(parse(getComputedStyle(e).color), bg);
          const [a, b] = [lum(fg), lum(bg)];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push(`${e.className || e.id} "${e.textContent!.trim()}" ${ratio.toFixed(2)}:1`);
        }
        return out;
      });
      assert.deepEqual(low, []);
    });
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`screenshot at 1400x900 and in the editor area with the Debug Console open (${theme})`, async () => {
      p = await open({ theme, width: 1400, height: 900 });
      const msg = initMessage();
      msg.sessions = [sessionInfo(), sessionInfo({ id: 's2', name: 'worker pool', status: 'ended' })];
      await p.send(msg);
      await p.page.locator('#overview tr[data-key="q-jobs"]').click();
      await settle(p.page);
      await shot(`panel-1400x900-${theme}.png`);
      await p.page.setViewportSize(EDITOR_AREA);
      await settle(p.page);
      await shot(`panel-debug-console-open-${theme}.png`);
    });
  }
});
