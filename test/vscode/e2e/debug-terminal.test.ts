// Programs started by hand in a JavaScript Debug Terminal, with no launch configuration. In
// VS Code's own terminal a fastq program shows no queue (js-debug starts the terminal itself:
// no QueueScope env, no preload), and QueueScope says so, with a button to its own terminal,
// "QueueScope: Open JavaScript Debug Terminal", which hands js-debug the env of an F5 launch
// (QUEUESCOPE_TRACE, the adapters' preload in NODE_OPTIONS): there the queue shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { Workbench } from './workbench';

/** Webhook deliveries, two at a time, every seventh endpoint slow: a backlog that moves. */
const PROGRAM = `const fastq = require('fastq');
const deliver = fastq.promise(async (hook) => new Promise((r) => setTimeout(r, hook.slow ? 400 : 30)), 2);
let n = 0;
const intake = setInterval(() => { deliver.push({ id: n, slow: n % 7 === 0 }).catch(() => {}); n++; }, 15);
setTimeout(() => { clearInterval(intake); setTimeout(() => process.exit(0), 500); }, 6000);
`;

async function openProject(): Promise<Workbench> {
  // The DOM renderer, so the test can read the prompt (the GPU ones draw on a canvas).
  const wb = await Workbench.open({ files: { 'webhooks.js': PROGRAM, '.vscode/settings.json': JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }) } });
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
  return wb;
}

/** Type a command line into the terminal shown, once its shell shows a prompt (keys sent before are lost). */
async function runInTerminal(wb: Workbench, line: string): Promise<void> {
  const terminal = wb.page.locator('.terminal-wrapper.active .xterm');
  await wb.page.waitForFunction(
    () => {
      const rows = document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? '';
      return /[$#>]\s*$/.test(rows.replace(/\u00a0/g, ' ').trimEnd());
    },
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  // As a user would: click into it (focus may have gone back to the editor with the palette).
  await terminal.click();
  await wb.page.waitForFunction(() => document.activeElement?.closest('.terminal-wrapper.active') !== null, undefined, { timeout: 10_000 });
  await wb.page.keyboard.type(`${line}\n`);
}

// One window: a second window's "Debug: JavaScript Debug Terminal" opened no terminal in this
// harness after the first had used one.
describe('JavaScript Debug Terminals', function () {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await openProject();
  });
  after(async () => {
    await wb?.close();
  });

  it("VS Code's own shows no queue and QueueScope says why; its button opens QueueScope's, where the program's fastq queue shows live, then its work left at exit", async () => {
    assert.ok(wb);
    await wb.runCommand('QueueScope: Show Panel');
    await wb.runCommand('Debug: JavaScript Debug Terminal');
    await runInTerminal(wb, 'node webhooks.js');
    const toast = wb.page.locator('.notification-toast', { hasText: 'QueueScope sees no queue in' });
    await toast.waitFor({ timeout: 45_000 });
    assert.match(await toast.innerText(), /JavaScript Debug Terminal that QueueScope did not open/);
    const { frame } = await wb.webviewElement('#overview', 30_000);
    assert.equal(await frame.locator('#overview tbody tr').count(), 0, 'no queue without the preload');
    await wb.screenshot('debug-terminal-hint');

    await toast.locator('.monaco-button', { hasText: 'Open QueueScope Debug Terminal' }).click();
    await runInTerminal(wb, 'node webhooks.js');
    const row = frame.locator('#overview tbody tr', { hasText: 'fastq' });
    await row.waitFor({ timeout: 45_000 });
    await row.locator('.b-lib[title^="fastq@"]').waitFor({ state: 'visible', timeout: 20_000 });
    await row.locator('td.c-status .b-running', { hasText: '2/2' }).waitFor({ timeout: 20_000 });
    await wb.screenshot('debug-terminal-live');
    // It ends with work left: the exit tail reached the panel (the poller's, per attached realm).
    await frame.locator('#status', { hasText: 'Ended' }).waitFor({ timeout: 30_000 });
    await frame.locator('#findings li', { hasText: 'Work left at exit' }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot('debug-terminal-ended');
  });
});
