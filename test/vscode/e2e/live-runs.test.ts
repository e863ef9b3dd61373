// F5 findings from the review of 2026-12-05, in the real VS Code: a click on the status bar
// item while a session runs with findings opens the panel (it failed with "Actual command
// not found, wanted to execute queuescope.showPanel /30" in 2 to 3 clicks of 4), and
// `tsx watch` reloading the program makes a run per reload whose picker labels tell them
// apart (run, pid), the run before ended with its own queues only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { Workbench } from './workbench';

const LIB = path.join(projectRoot, 'dist/lib/index.js');

// A fastq mailer whose worker loses a callback, and an inbox whose reader stops: findings
// soon, and the model changes at every poll (the status bar item is redrawn 4 times a second).
const MAILER = `const fastq = require('fastq');
const { Queue } = require(${JSON.stringify(LIB)});
const inbox = new Queue({ maxsize: 5, name: 'inbox' });
const mailer = fastq((job, cb) => { if (job.id === 25) return; setTimeout(() => cb(null), 20); }, 1);
let n = 0;
setInterval(() => mailer.push({ id: n++ }), 30);
(async () => { for (;;) await inbox.put(1); })();
(async () => { for (let i = 0; i < 4; i++) await inbox.get(); })();
setTimeout(() => process.exit(0), 90000);
`;

const ORDERS = `import { Queue } from './lib/index.js';
const orders = new Queue<{ id: number }>({ maxsize: 3, name: 'orders' });
const returns = new Queue<{ id: number }>({ name: 'returns' });
(async () => { for (let i = 0; ; i++) await orders.put({ id: i }); })();
(async () => { for (let i = 0; i < 2; i++) await orders.get(); })();
(async () => { await returns.get(); })();
setTimeout(() => process.exit(0), 120000);
`;

const launch = (config: object) => JSON.stringify({ version: '0.2.0', configurations: [config] });

describe('live sessions: status bar clicks, a watcher\'s reloads', function () {
  let wb: Workbench | undefined;
  afterEach(async () => {
    await wb?.runCommand('Debug: Stop').catch(() => {});
    await wb?.close();
    wb = undefined;
  });

  it('clicking the status bar item while the session runs with findings opens the panel every time', async () => {
    wb = await Workbench.open({ files: { 'app.js': MAILER, '.vscode/launch.json': launch({ type: 'node', request: 'launch', name: 'mailer', program: '${workspaceFolder}/app.js' }) } });
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
    await wb.runCommand('Debug: Start Debugging');
    const { frame } = await wb.webviewElement('#overview', 60_000);
    await frame.locator('#findings li').first().waitFor({ timeout: 45_000 });
    const item = wb.page.locator('.statusbar-item', { hasText: /finding/ }).first();
    await item.waitFor();
    const failed = new Set<string>();
    for (let i = 0; i < 8; i++) {
      await item.click();
      await wb.page.waitForTimeout(700);
      for (const t of await wb.notifications()) if (/command not found/i.test(t)) failed.add(t);
    }
    await wb.screenshot('live-status-bar-clicks');
    assert.deepEqual([...failed], [], 'every click ran the command');
    assert.equal(await frame.locator('#status', { hasText: 'Running' }).count(), 1, 'the panel shows the running session');
  });

  it('tsx watch: each reload is a run of its own; the picker tells the runs apart; the run before keeps only its queues; Stop after two reloads ends every run', async () => {
    wb = await Workbench.open({
      files: {
        'src/app.ts': ORDERS,
        '.vscode/launch.json': launch({ type: 'node', request: 'launch', name: 'tsx watch', runtimeExecutable: '${workspaceFolder}/node_modules/.bin/tsx', runtimeArgs: ['watch'], program: '${workspaceFolder}/src/app.ts' }),
      },
    });
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
    // A library of the workspace's own: a rebuild of dist/ meanwhile would be an edit tsx reloads for.
    fs.mkdirSync(path.join(wb.workspace, 'src/lib'));
    for (const f of ['index.js', 'index.js.map']) fs.copyFileSync(path.join(path.dirname(LIB), f), path.join(wb.workspace, 'src/lib', f));
    await wb.runCommand('Debug: Start Debugging');
    const { frame } = await wb.webviewElement('#overview', 60_000);
    const row = (name: string) => frame.locator('#overview tbody tr', { hasText: name });
    await row('returns').waitFor({ timeout: 60_000 });
    const file = path.join(wb.workspace, 'src/app.ts');
    fs.writeFileSync(file, ORDERS.replace("name: 'returns'", "name: 'refunds'"));
    await row('refunds').waitFor({ timeout: 60_000 });
    const options = frame.locator('#session-picker option');
    const labels = async () => (await options.allInnerTexts()).map((t) => t.trim());
    const deadline = Date.now() + 20_000;
    while (!(await labels()).some((l) => /ended/.test(l)) && Date.now() < deadline) await wb.page.waitForTimeout(250);
    const picker = await labels();
    await wb.screenshot('live-tsx-watch-reloaded');
    assert.equal(picker.length, 2, JSON.stringify(picker));
    assert.match(picker[0], /^tsx watch · run 1 · pid \d+ \(ended\)$/);
    assert.match(picker[1], /^tsx watch · run 2 · pid \d+$/);
    assert.notEqual(picker[0].match(/pid (\d+)/)![1], picker[1].match(/pid (\d+)/)![1]);
    // The panel follows the new run: its own queues only, not the dead process's.
    assert.equal(await row('returns').count(), 0, 'no row of the process before');
    assert.equal(await frame.locator('#overview tbody tr').count(), 2, 'orders and refunds, of the new process');

    // A second reload, then Stop (Shift+F5): every run ends, nothing is left running.
    fs.writeFileSync(file, ORDERS.replace("name: 'returns'", "name: 'credits'"));
    await row('credits').waitFor({ timeout: 60_000 });
    const page = wb.page;
    const until = async (what: string, ok: (l: string[]) => boolean) => {
      const end = Date.now() + 30_000;
      while (!ok(await labels()) && Date.now() < end) await page.waitForTimeout(250);
      assert.ok(ok(await labels()), `${what}: ${JSON.stringify(await labels())}`);
    };
    await until('three runs, two ended', (l) => l.length === 3 && l.filter((x) => /\(ended\)$/.test(x)).length === 2);
    await wb.runCommand('Debug: Stop');
    await until('every run ended after Stop', (l) => l.length === 3 && l.every((x) => /\(ended\)$/.test(x)));
    await wb.screenshot('live-tsx-watch-stopped');
    const stopped = await labels();
    for (const [i, l] of stopped.entries()) assert.match(l, new RegExp(`^tsx watch · run ${i + 1} · pid \\d+ \\(ended\\)$`), JSON.stringify(stopped));
  });
});
