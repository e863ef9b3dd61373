// Programs QueueScope did not start. One started by hand in a JavaScript Debug Terminal, with no
// launch configuration: in VS Code's own terminal a fastq program shows no queue (js-debug
// starts the terminal itself: no QueueScope env, no preload), and QueueScope says so, with a
// button to its own terminal, "QueueScope: Open JavaScript Debug Terminal", which hands
// js-debug the env of an F5 launch (QUEUESCOPE_TRACE, the adapters' preload in NODE_OPTIONS):
// there the queue shows. One started with `node --inspect` and attached to: the panel names
// it and says how to start it so that its queues show, until it ends.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
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

/** A port free a moment ago, for the program the attach configuration names. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openProject(): Promise<Workbench> {
  // The DOM renderer, so the test can read the prompt (the GPU ones draw on a canvas).
  const wb = await Workbench.open({ files: { 'webhooks.js': PROGRAM, '.vscode/settings.json': JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }) } });
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
  return wb;
}

/**
 * VS Code's own "Debug: JavaScript Debug Terminal" (js-debug's command, not QueueScope's). In
 * the run's second window it often opened no terminal at all, none within 30 s, in about
 * half of this stop's runs, CI included (the window before ran a debug session of its own),
 * whether the test then polled the prompt or waited for the element. Asked again, as a user
 * would, it opens one.
 */
async function openVsCodeDebugTerminal(wb: Workbench): Promise<void> {
  const terminal = wb.page.locator('.terminal-wrapper.active .xterm');
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand('Debug: JavaScript Debug Terminal');
    try {
      await terminal.waitFor({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      console.log(`      (no terminal after "Debug: JavaScript Debug Terminal", attempt ${attempt}; asking again)`);
    }
  }
}

/** Type a command line into the terminal shown, once its shell shows a prompt (keys sent before are lost). */
async function runInTerminal(wb: Workbench, line: string): Promise<void> {
  const terminal = wb.page.locator('.terminal-wrapper.active .xterm');
  await terminal.waitFor({ timeout: 30_000 });
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
describe('Programs QueueScope did not start', function () {
  let wb: Workbench | undefined;
  let attached: ChildProcess | undefined;
  before(async () => {
    wb = await openProject();
  });
  after(async () => {
    attached?.kill('SIGKILL');
    await wb?.close();
  });

  it("VS Code's own shows no queue and QueueScope says why; its button opens QueueScope's, where the program's fastq queue shows live, then its work left at exit", async () => {
    assert.ok(wb);
    await wb.runCommand('QueueScope: Show Panel');
    await openVsCodeDebugTerminal(wb);
    await runInTerminal(wb, 'node webhooks.js');
    const toast = wb.page.locator('.notification-toast', { hasText: 'QueueScope sees no queue in' });
    await toast.waitFor({ timeout: 45_000 });
    assert.match(await toast.innerText(), /JavaScript Debug Terminal that QueueScope did not open/);
    const { frame } = await wb.webviewElement('#overview', 30_000);
    assert.equal(await frame.locator('#overview tbody tr').count(), 0, 'no queue without the preload');
    // The panel says the same, rather than "No debug session yet".
    await frame.locator('#banner .no-hub.how-terminal', { hasText: 'No QueueScope hub in "webhooks.js [' }).waitFor({ timeout: 10_000 });
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
    // The first program ended: the panel no longer says it has no hub.
    assert.equal(await frame.locator('#banner .no-hub').count(), 0);
  });

  it('a program started with node --inspect and attached to: the panel names it, says how to start it so its queues show, and its button opens QueueScope\'s terminal; the note goes when it ends', async () => {
    assert.ok(wb);
    // The user's attach configuration, written as they attach.
    const inspectPort = await freePort();
    fs.writeFileSync(path.join(wb.workspace, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'attach', name: 'Attach to webhooks', port: inspectPort }] }));
    const program = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, 'webhooks.js'], { cwd: wb.workspace, stdio: ['ignore', 'ignore', 'pipe'] });
    attached = program;
    let stderr = '';
    program.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      program.stderr!.on('data', () => stderr.includes('Debugger listening') && resolve());
      program.once('exit', (code) => reject(new Error(`the program exited (${code}) before its inspector listened: ${stderr}`)));
    });
    await wb.runCommand('Debug: Start Debugging');
    const { frame } = await wb.webviewElement('#overview', 30_000);
    const note = frame.locator('#banner .no-hub.how-attach');
    await note.waitFor({ timeout: 45_000 });
    // js-debug names the attached process "Remote Process [0] « Attach to webhooks".
    assert.match(await note.innerText(), /^No QueueScope hub in "[^"]*Attach to webhooks"\. The program you attached to was started without QueueScope/);
    assert.equal(await note.locator('code').innerText(), 'node --require queuescope/register');
    await wb.screenshot('attach-no-hub');

    const terminals = wb.page.locator('.terminal-wrapper');
    const before = await terminals.count();
    await note.locator('#open-debug-terminal').click();
    await wb.page.waitForFunction((n) => document.querySelectorAll('.terminal-wrapper').length > n, before, { timeout: 30_000 });

    program.kill('SIGTERM');
    await note.waitFor({ state: 'detached', timeout: 30_000 });
  });
});
