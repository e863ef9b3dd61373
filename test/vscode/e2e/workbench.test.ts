// The UI harness itself: the window opens on the workspace, the palette runs commands, every
// command QueueScope declares is offered in the palette, and webview content is reachable.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { declaredCommands, Workbench } from './workbench';

const fixtureExtension = path.join(projectRoot, 'test/vscode/fixtures/extension');

describe('workbench', function () {
  let wb: Workbench;
  before(async () => {
    wb = await Workbench.open({ files: { 'hello-queuescope.txt': 'hello\n' } });
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the workspace folder and runs a command from the palette', async () => {
    await wb.runCommand('View: Show Explorer');
    const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello-queuescope.txt' });
    await row.waitFor({ timeout: 20_000 });
    await wb.screenshot('workbench-explorer');
  });

  it('offers every declared QueueScope command in the palette (unless package.json hides it there)', async function () {
    const commands = declaredCommands().filter((c) => c.inPalette);
    if (!commands.length) this.skip(); // nothing declared yet in package.json
    const missing: string[] = [];
    for (const c of commands) if (!(await wb.paletteHas(c.label))) missing.push(`${c.label} (${c.command})`);
    assert.deepEqual(missing, [], 'declared commands missing from the palette');
  });
});

describe('workbench: webviews (harness fixture extension)', function () {
  let wb: Workbench;
  before(async () => {
    wb = await Workbench.open({ extensionDir: fixtureExtension });
  });
  after(async () => {
    await wb?.close();
  });

  it("finds an element inside a webview's nested iframe", async () => {
    await wb.runCommand('QueueScope: Fixture Webview');
    const { locator } = await wb.webviewElement('#fixture-root');
    assert.equal(await locator.innerText(), 'fixture webview');
    await wb.screenshot('workbench-fixture-webview');
  });
});
