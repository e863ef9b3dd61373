// F6 with focus in the panel (issue #11 item 2): pausing brings the program's file forward,
// and the panel must stay visible in its group. The test puts focus in the panel's webview,
// presses F6 on a running program and checks the panel says Paused and its tab is still
// the visible one of its group, beside the editor that opened at the pause.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { hasCommand, Workbench } from './workbench';

const SHOW_PANEL = 'QueueScope: Show Panel';

const program = (lib: string) => `// A consumer that keeps a queue busy, so there is always JavaScript to pause in.
const { Queue } = require(${JSON.stringify(lib)});
const jobs = new Queue({ maxsize: 5, name: 'jobs' });
let n = 0;
setInterval(() => { if (!jobs.full()) jobs.putNowait(n++); }, 20);
(async () => { for (;;) { await jobs.get(); await new Promise((r) => setTimeout(r, 50)); } })();
`;

// QUEUESCOPE_JSDEBUG_TRACE=<file> keeps js-debug's CDP/DAP trace of the run (where a pause went).
const jsDebugTrace = process.env.QUEUESCOPE_JSDEBUG_TRACE ? { trace: { logFile: process.env.QUEUESCOPE_JSDEBUG_TRACE } } : {};

describe('F6 with focus in the panel (pause keeps the panel visible)', function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(SHOW_PANEL)) this.skip();
    wb = await Workbench.open({
      files: {
        'worker.js': program(path.join(projectRoot, 'dist/lib/index.js')),
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Run worker', program: '${workspaceFolder}/worker.js', ...jsDebugTrace }] }),
      },
    });
  });
  after(async () => {
    await wb?.close();
  });

  it('F6 pauses the program and the QueueScope tab stays visible in its group', async () => {
    assert.ok(wb);
    await wb.runCommand('Debug: Start Debugging');
    await wb.runCommand(SHOW_PANEL);
    const { frame } = await wb.webviewElement('#overview');
    const row = frame.locator('#overview tbody tr', { hasText: 'jobs' });
    await row.waitFor({ timeout: 45_000 });
    await frame.locator('#status', { hasText: 'Running' }).waitFor({ timeout: 20_000 });

    // Focus inside the panel's webview (a row of the overview), then F6 there.
    await row.click();
    await frame.waitForFunction(() => document.hasFocus() && document.activeElement?.closest('#overview') !== null);
    await row.press('F6');

    // The debugger's pause reveals the paused file in an editor (in the panel's group, when
    // the panel was opened with no editor); the panel moves beside it and reloads there.
    await wb.page.locator('.tabs-container .tab', { hasText: 'worker.js' }).first().waitFor({ timeout: 30_000 });
    // ...and the panel is still the visible tab of its own group, its content on screen.
    // (The move is the extension's answer to the pause: awaited, not assumed to be done.)
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'QueueScope' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const { frame: after } = await wb.webviewElement('#status');
    await after.locator('#status', { hasText: 'Paused' }).waitFor({ timeout: 30_000 });
    await after.locator('#overview tbody tr', { hasText: 'jobs' }).waitFor({ state: 'visible', timeout: 10_000 });
    // The editor at the pause is visible too (its own group), and has the focus.
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'worker.js' }).first().waitFor({ state: 'visible' });
    const box = await wb.page.locator('.webview.ready, iframe.webview').first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `the panel's webview is on screen: ${JSON.stringify(box)}`);
    await wb.screenshot('pause-focus-f6');
    assert.deepEqual(await wb.notifications(), [], 'no error notification');
    await wb.runCommand('Debug: Stop');
  });
});
