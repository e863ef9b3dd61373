// A program run from "QueueScope: Open JavaScript Debug Terminal", with no launch
// configuration: js-debug starts the terminal itself, so the extension hands it the same
// env as an F5 launch (QUEUESCOPE_TRACE, the adapters' preload in NODE_OPTIONS). The proof
// is another library's queue in the panel: only the preload makes a fastq queue visible (in
// VS Code's own JavaScript Debug Terminal the same program shows no queue at all).
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

describe("a program run in QueueScope's JavaScript Debug Terminal", function () {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await Workbench.open({ files: { 'webhooks.js': PROGRAM } });
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
  });
  after(async () => {
    await wb?.close();
  });

  it("shows another library's queue (the preload reached the program) and its work left at exit", async () => {
    assert.ok(wb);
    await wb.runCommand('QueueScope: Show Panel');
    await wb.runCommand('QueueScope: Open JavaScript Debug Terminal');
    // The new terminal takes the keyboard; what is typed before its shell is ready waits in its input.
    await wb.page.waitForFunction(() => document.activeElement?.closest('.terminal-wrapper') !== null, undefined, { timeout: 30_000 });
    await wb.page.keyboard.type('node webhooks.js\n');
    const { frame } = await wb.webviewElement('#overview', 60_000);
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
