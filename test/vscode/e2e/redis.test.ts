// BullMQ in the real VS Code UI (issue #16), against a real redis-server:
//   1. "QueueScope: Watch Redis (BullMQ)…" typed into the palette and its two input boxes:
//      the panel shows the queue with its states, its source named after the watch (not
//      "pid 0 main"), the per-state lines in the chart legend; Redis restarted mid-watch
//      gives a gap badge and no line across it (screenshot: redis-watch-gap.png).
//   2. F5 on an ordinary BullMQ program (no QueueScope import): the adapter shows its Queue
//      and Worker with the bullmq badge, the worker's running 2/2 and the per-state counts
//      (screenshot: bullmq-program-live.png).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { RedisServer } from '../../helpers/redisServer';
import { projectRoot } from '../config';
import { hasCommand, Workbench } from './workbench';

const SHOW_PANEL = 'QueueScope: Show Panel';
const WATCH = 'QueueScope: Watch Redis (BullMQ)\u2026';

describe('BullMQ in the panel (Redis watch and an F5 program)', function () {
  let wb: Workbench | undefined;
  let srv: RedisServer | undefined;

  before(async function () {
    if (!hasCommand(WATCH)) this.skip();
    srv = await RedisServer.start();
    const queue = new Queue('mail', { connection: { host: '127.0.0.1', port: srv.port } });
    for (let i = 0; i < 7; i++) await queue.add('send', { i });
    await queue.add('later', {}, { delay: 3_600_000 });
    await queue.close();
  });
  afterEach(async () => {
    await wb?.close();
    wb = undefined;
  });
  after(async () => {
    await srv?.stop();
  });

  it('Watch Redis from the palette: states, source label, chart lines; a restart shows a gap', async () => {
    wb = await Workbench.open();
    const page = wb.page;
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input');
    // Right after start-up the extension's commands may still be arriving: reopen the palette until the row is there.
    const row0 = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'Watch Redis (BullMQ)' }).first();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.fill(`>${WATCH}`);
      try {
        await row0.waitFor({ timeout: 3000 });
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
      }
    }
    await row0.click();
    await widget.locator('.quick-input-message', { hasText: 'Redis URL' }).waitFor({ timeout: 20_000 }).catch(() => undefined);
    await widget.locator('.quick-input-title', { hasText: 'Watch Redis (BullMQ)' }).waitFor({ timeout: 20_000 });
    await input.fill(srv!.url);
    await input.press('Enter');
    await widget.locator('.quick-input-message', { hasText: 'prefix' }).waitFor({ timeout: 20_000 }).catch(() => undefined);
    await input.press('Enter'); // prefix 'bull'
    const { frame } = await wb.webviewElement('#overview', 60_000);
    const row = frame.locator('#overview tbody tr', { hasText: 'mail' });
    await row.waitFor({ timeout: 30_000 });
    await row.locator('.badge.b-jobs', { hasText: 'BullMQ' }).waitFor({ timeout: 20_000 });
    const source = (await row.locator('.q-source').textContent()) ?? '';
    assert.match(source, new RegExp(`^BullMQ 'bull' on redis://127\\.0\\.0\\.1:${srv!.port}`), source);
    await row.click();
    await frame.locator('#detail-facts .jobs-states', { hasText: 'waiting 7' }).waitFor({ timeout: 20_000 });
    const legend = await frame.locator('#chart .u-legend .u-series .u-label').allTextContents();
    for (const state of ['Backlog', 'waiting', 'active', 'delayed', 'completed', 'failed']) assert.ok(legend.includes(state), `legend: ${legend.join(', ')}`);

    // Redis goes away for ~3 s and comes back with the same data: one gap, drawn as a hole.
    const admin = new Redis({ port: srv!.port, host: '127.0.0.1' });
    await admin.save();
    admin.disconnect();
    await srv!.kill();
    await page.waitForTimeout(3000); // the outage itself: the thing under test is how long nothing could be read
    srv = await srv!.restart();
    await frame.locator('#detail-facts .jobs-gap').waitFor({ timeout: 30_000 });
    await row.locator('.badge.b-jobs', { hasText: '1 gap' }).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(2500); // two more reads after the gap, so the line resumes on the picture
    await wb.screenshot('redis-watch-gap');
    assert.deepEqual(await wb.notifications(), [], 'no error notification');
  });

  it('F5 on a BullMQ program: Queue and Worker rows with the bullmq badge, running 2/2, states', async () => {
    const program = [
      "const { Queue, Worker } = require('bullmq');",
      `const connection = { host: '127.0.0.1', port: ${srv!.port}, maxRetriesPerRequest: null };`,
      "const orders = new Queue('orders', { connection });",
      "const worker = new Worker('orders', () => new Promise((r) => setTimeout(r, 1500)), { connection, name: 'packer', concurrency: 2 });",
      "setInterval(() => orders.add('pack', { at: Date.now() }), 300);",
    ].join('\n');
    wb = await Workbench.open({
      files: {
        'orders.js': program,
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Run orders', program: '${workspaceFolder}/orders.js' }] }),
      },
    });
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
    await wb.runCommand('Debug: Start Debugging');
    await wb.runCommand(SHOW_PANEL);
    const { frame } = await wb.webviewElement('#overview', 60_000);
    const worker = frame.locator('#overview tbody tr', { hasText: 'orders worker packer' });
    await worker.waitFor({ timeout: 45_000 });
    await worker.locator('.b-lib[title^="bullmq@6."]', { hasText: /^bullmq$/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await worker.locator('td.c-status .b-running', { hasText: 'running 2/2' }).waitFor({ timeout: 30_000 });
    const queueRow = frame.locator('#overview tbody tr', { hasText: /^orders/ }).filter({ hasNotText: 'worker' });
    await queueRow.locator('.badge.b-jobs', { hasText: 'BullMQ' }).waitFor({ timeout: 30_000 });
    await worker.click();
    await frame.locator('#detail-facts .jobs-states', { hasText: 'active 2' }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await frame.locator('#detail-facts').textContent()) ?? '', /created at/, 'no creation site pointing into BullMQ');
    await wb.screenshot('bullmq-program-live');
    assert.deepEqual(await wb.notifications(), [], 'no error notification');
    await wb.runCommand('Debug: Stop');
  });
});
