// The panel at the size it really gets: a 1400x900 window with the Debug Console open (it
// opens on every launch) leaves the editor area about 1100x520 CSS pixels, and the panel
// opens beside the editor, so half of that is common too. Screenshots go to test-artifacts/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initMessage, sessionInfo, update, queues } from './fixtures';
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
