// "QueueScope: Show Panel" from the command palette opens the panel's webview.
import * as assert from 'node:assert/strict';
import { hasCommand, Workbench } from './workbench';

const SHOW_PANEL = 'QueueScope: Show Panel';

describe(SHOW_PANEL, function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(SHOW_PANEL)) {
      console.log(`      skipped: package.json declares no "${SHOW_PANEL}" command yet`);
      this.skip();
    }
    wb = await Workbench.open();
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the panel webview from the command palette', async () => {
    assert.ok(wb);
    await wb.runCommand(SHOW_PANEL);
    // The editor tab of the panel, then the panel's root element inside the webview's nested iframe.
    await wb.page.locator('.tabs-container .tab', { hasText: 'QueueScope' }).first().waitFor({ timeout: 20_000 });
    const { frame } = await wb.webviewElement('#app');
    // The panel's script fills #app; an empty #app means it did not run (CSP, nonce, bundle path).
    await frame.waitForFunction(() => (document.getElementById('app')?.innerText.trim().length ?? 0) > 0, undefined, { timeout: 20_000 });
    await wb.screenshot('show-panel');
    assert.deepEqual(await wb.notifications(), [], 'no notification (error) after opening the panel');
  });
});
