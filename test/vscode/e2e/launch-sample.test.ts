// The walkthrough's first step launches a sample through the "Launch Sample Scenario…" quick
// pick; the sample runs under the debugger and its queue shows up in the QueueScope panel.
import * as assert from 'node:assert/strict';
import { hasCommand, Workbench } from './workbench';

const LAUNCH = 'QueueScope: Launch Sample Scenario…';

describe('walkthrough and sample launcher', function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(LAUNCH)) this.skip();
    wb = await Workbench.open();
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the walkthrough, launches Back-pressure from its quick pick, and the panel shows the "uploads" queue', async () => {
    assert.ok(wb);
    const page = wb.page;

    // The walkthrough, through VS Code's own "Open Walkthrough..." picker (a palette command that
    // opens a second quick pick, so the palette is driven by hand here).
    const picker = page.locator('.quick-input-widget');
    await page.keyboard.press('F1');
    await picker.locator('input').fill('>Welcome: Open Walkthrough');
    await picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().click();
    const ours = picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with QueueScope' }).first();
    await ours.waitFor({ timeout: 15_000 });
    await ours.click();
    const launchButton = page.getByRole('button', { name: 'Launch Sample Scenario' });
    await launchButton.waitFor({ timeout: 30_000 });
    for (const step of ['Launch a sample scenario', 'Watch the queues', 'Find a deadlock', 'Use the queue library', 'Debug your own program']) {
      assert.equal(await page.getByText(step, { exact: true }).count() > 0, true, `walkthrough step "${step}"`);
    }
    // The step's markdown media (media/walkthrough/launch-sample.md) renders beside it.
    await wb.webviewElement('h1:has-text("Launch a sample scenario")');
    await wb.screenshot('walkthrough');

    // Its button runs the command: the quick pick lists every sample with its one-line description.
    await launchButton.click();
    const rows = picker.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    assert.equal(await rows.count(), 8);
    await wb.screenshot('launch-sample-quick-pick');
    await rows.filter({ hasText: 'Back-pressure' }).first().click();

    // The debug session runs the sample and the panel opens on it.
    await page.locator('.tabs-container .tab', { hasText: 'QueueScope' }).first().waitFor({ timeout: 30_000 });
    const { locator } = await wb.webviewElement('#app');
    await locator.getByText('uploads').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('launch-sample-panel');
    assert.deepEqual(await wb.notifications(), [], 'no error notification');

    await wb.runCommand('Debug: Stop');
  });
});
