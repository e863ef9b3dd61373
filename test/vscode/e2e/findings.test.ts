// The findings strip in the real VS Code (issue #15): the deadlock sample, launched from the
// "Launch Sample Scenario…" quick pick, gets a "Deadlock" row in the panel's strip; the status
// bar item counts it; clicking the row opens the sender's waiting line in an editor.
import * as assert from 'node:assert/strict';
import { hasCommand, Workbench } from './workbench';

const LAUNCH = 'QueueScope: Launch Sample Scenario…';

describe('findings strip in VS Code', function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(LAUNCH)) this.skip();
    wb = await Workbench.open();
  });
  after(async () => {
    await wb?.close();
  });

  it('the deadlock sample shows a Deadlock row; the status bar counts it; a click opens the waiting line', async () => {
    assert.ok(wb);
    const page = wb.page;
    await wb.runCommand(LAUNCH);
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    await rows.filter({ hasText: 'Deadlock' }).first().click();
    try {
      const { locator: row } = await wb.webviewElement('#findings button.finding.f-warning', 60_000);
      assert.equal(await row.locator('.f-title').textContent(), 'Deadlock');
      assert.match((await row.locator('.f-text').textContent())!, /records.*headers|headers.*records/);
      await page.locator('.statusbar-item', { hasText: /1 finding/ }).first().waitFor({ timeout: 15_000 });
      await wb.screenshot('findings-strip');
      await row.click();
      // The sample runs as dist/samples/deadlock.js, whose source map leads to its TypeScript
      // source: the strip opens src/samples/deadlock.ts (call sites are mapped, docs/EXTENSION.md).
      const tab = page.locator('.tabs-container .tab.active', { hasText: 'deadlock.ts' });
      await tab.first().waitFor({ timeout: 15_000 });
      // The cursor is on the sender's put (the line the Problems diagnostic sits on).
      const line = page.locator('.monaco-editor .view-overlays .current-line');
      await line.first().waitFor({ timeout: 10_000 });
      const current = await page.evaluate(() => {
        const el = document.querySelector('.monaco-editor .view-overlays .current-line')?.parentElement;
        const top = el ? (el as HTMLElement).style.top : '';
        const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')] as HTMLElement[];
        return lines.find((l) => l.style.top === top)?.textContent ?? '';
      });
      assert.match(current, /records\.put\(/);
      assert.deepEqual(await wb.notifications(), [], 'no error notification');
    } finally {
      await wb.runCommand('Debug: Stop').catch(() => {});
    }
  });
});
