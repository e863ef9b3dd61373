// The panel in a real VS Code with a real debug session: a program whose producer blocks on a
// full queue shows up in the panel (overview, blocked producer with its call site), a click on
// the call site opens the program's file at that line (the host validated the request), and
// when the session stops the panel marks it ended and keeps the timeline.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { hasCommand, Workbench } from './workbench';

const SHOW_PANEL = 'QueueScope: Show Panel';

const program = (lib: string) => `// A producer that fills a bounded queue and then blocks: nobody consumes for a while.
const { Queue } = require(${JSON.stringify(lib)});
const orders = new Queue({ maxsize: 3, name: 'orders' });
async function producer() {
  for (let i = 0; ; i++) {
    await orders.put({ id: i });
  }
}
producer();
setInterval(() => {}, 1000);
`;

describe('QueueScope panel with a live debug session', function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(SHOW_PANEL)) this.skip();
    wb = await Workbench.open({
      files: {
        'app.js': program(path.join(projectRoot, 'dist/lib/index.js')),
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Run app', program: '${workspaceFolder}/app.js' }] }),
      },
    });
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the full queue and its blocked producer; the call site opens; stop marks it ended', async () => {
    assert.ok(wb);
    await wb.runCommand('Debug: Start Debugging');
    await wb.runCommand(SHOW_PANEL);
    const { frame } = await wb.webviewElement('#overview');
    const row = frame.locator('#overview tbody tr', { hasText: 'orders' });
    await row.waitFor({ timeout: 45_000 });
    await row.locator('.badge', { hasText: 'full' }).waitFor({ timeout: 20_000 });
    await row.locator('.badge', { hasText: '1 blocked' }).waitFor({ timeout: 20_000 });
    assert.match(await row.locator('.depth-text').innerText(), /^3 \/ 3$/);
    await row.click();
    const site = frame.locator('#blocked-list button.site').first();
    await site.waitFor({ timeout: 20_000 });
    assert.match(await site.innerText(), /producer \(app\.js:6:\d+\)/);
    // The chart has drawn something, and follows live: its range moves on while nothing changes.
    await frame.waitForFunction(() => {
      const c = document.querySelector('#chart canvas') as HTMLCanvasElement | null;
      return !!c && c.width > 0;
    });
    await frame.locator('#chart-caption', { hasText: /to ([4-9]|\d\d)\.\d s, following live/ }).waitFor({ timeout: 30_000 });
    await wb.screenshot('panel-live');

    // Messages the host must refuse: a wrong shape, and a file that is no call site of the session.
    await frame.evaluate(() => {
      const api = (window as unknown as { queuescopePanel: { post(m: unknown): void; sessionId(): string | null } }).queuescopePanel;
      api.post({ type: 'runCommand', command: 'workbench.action.terminal.new' });
      api.post({ type: 'openSource', session: api.sessionId(), file: '/etc/passwd', line: 1, column: 1 });
    });
    await wb.runCommand('QueueScope: Show Log');
    const log = wb.page.locator('.panel .monaco-editor .view-lines');
    await log.filter({ hasText: 'panel: ignored a message from the webview: unknown message type "runCommand"' }).waitFor({ timeout: 20_000 });
    await log.filter({ hasText: 'panel: refused to open "/etc/passwd": not a call site of session' }).waitFor({ timeout: 20_000 });
    assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: 'passwd' }).count(), 0);

    // The call site opens app.js (the host checked it is a call site of this session).
    await site.click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'app.js' }).first().waitFor({ timeout: 20_000 });
    assert.deepEqual(await wb.notifications(), [], 'no error notification');

    await wb.runCommand('Debug: Stop');
    await wb.page.locator('.tabs-container .tab', { hasText: 'QueueScope' }).first().click();
    const { frame: after } = await wb.webviewElement('#status');
    await after.locator('#status', { hasText: 'Ended' }).waitFor({ timeout: 30_000 });
    await after.locator('#banner', { hasText: 'Session ended' }).waitFor();
    assert.equal(await after.locator('#overview tbody tr', { hasText: 'orders' }).count(), 1, 'the recorded queue stays');
    await wb.screenshot('panel-ended');
  });

  it('comes back after a window reload (serializer) with its view state', async () => {
    assert.ok(wb);
    const { frame } = await wb.webviewElement('#filter');
    await frame.locator('#filter').fill('ord');
    // setState runs on input; give the workbench a moment to persist webview state before reloading.
    await frame.waitForFunction(() => (document.getElementById('filter') as HTMLInputElement).value === 'ord');
    const loaded = wb.page.waitForEvent('load');
    await wb.runCommand('Developer: Reload Window');
    await loaded;
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'QueueScope' }).first().waitFor({ timeout: 30_000 });
    const { frame: revived } = await wb.webviewElement('#filter', 60_000);
    await revived.waitForFunction(() => (document.getElementById('filter') as HTMLInputElement | null)?.value === 'ord', undefined, { timeout: 30_000 });
    await wb.screenshot('panel-revived');
  });
});
