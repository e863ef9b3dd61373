// Another library's queue live in the panel (issue #14): F5 on an ordinary p-queue ES module
// program with no QueueScope import. The extension preloads its register.js into the launch
// (NODE_OPTIONS), so the panel's overview shows the queue with its library badge
// ("p-queue@10.0.0") and its running count against its concurrency, while it runs; a
// rate-limited queue says so, and the selected pool shows its oldest running task's age.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { hasCommand, Workbench } from './workbench';

const SHOW_PANEL = 'QueueScope: Show Panel';

/**
 * A steady backlog: a task every 40 ms, each takes 300 ms, two at a time, at most 6 waiting.
 * Beside it, uploads limited to one start per 2 s: rate-limited nearly all the time.
 */
const PROGRAM = `import PQueue from 'p-queue';
const thumbnails = new PQueue({ concurrency: 2 });
const resize = () => new Promise((resolve) => setTimeout(resolve, 300));
setInterval(() => {
  if (thumbnails.size < 6) thumbnails.add(resize);
}, 40);
class Uploads extends PQueue {}
const uploads = new Uploads({ concurrency: 4, intervalCap: 1, interval: 2000 });
setInterval(() => {
  if (uploads.size < 3) uploads.add(resize);
}, 40);
`;

describe('a p-queue program live in the panel (adapters)', function () {
  let wb: Workbench | undefined;
  before(async function () {
    if (!hasCommand(SHOW_PANEL)) this.skip();
    wb = await Workbench.open({
      files: {
        'thumbnails.mjs': PROGRAM,
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Run thumbnails', program: '${workspaceFolder}/thumbnails.mjs' }] }),
      },
    });
    // The user's project has p-queue installed: its node_modules is the project's.
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(wb.workspace, 'node_modules'), 'dir');
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the PQueue row with its library badge and running 2/2, live', async () => {
    assert.ok(wb);
    await wb.runCommand('Debug: Start Debugging');
    await wb.runCommand(SHOW_PANEL);
    const { frame } = await wb.webviewElement('#overview');
    const row = frame.locator('#overview tbody tr', { hasText: 'PQueue' });
    await row.waitFor({ timeout: 45_000 });
    // The library badge beside the name (its name; the version in its tooltip), visible (not
    // only in the DOM), and the library with its version in the kind column.
    const badge = row.locator('.b-lib[title^="p-queue@10."]', { hasText: /^p-queue$/ });
    await badge.waitFor({ state: 'visible', timeout: 20_000 });
    const box = await badge.boundingBox();
    assert.ok(box && box.width > 40, `the badge is drawn: ${JSON.stringify(box)}`);
    // The kind alone in the narrow Kind column (the library with its version in its tooltip);
    // the pool's slots in State, visible (not cut off).
    await row.locator('td.c-kind span[title*="p-queue@10."]', { hasText: /^priority$/ }).waitFor({ timeout: 20_000 });
    const running = row.locator('td.c-status .b-running', { hasText: 'running 2/2' });
    await running.waitFor({ state: 'visible', timeout: 20_000 });
    const cellBox = await row.locator('td.c-status').boundingBox();
    const runBox = await running.boundingBox();
    assert.ok(cellBox && runBox && runBox.x + runBox.width <= cellBox.x + cellBox.width, `the running badge fits its cell: ${JSON.stringify({ cellBox, runBox })}`);
    // Live: the depth moves (a backlog of up to 6, unbounded queue).
    // Playwright polls the row's depth text in the page until it has shown two values.
    const seen = await frame.waitForFunction(
      () => {
        const w = window as unknown as { seenDepths?: Set<string> };
        const tr = [...document.querySelectorAll('#overview tbody tr')].find((r) => r.textContent?.includes('PQueue'));
        const text = tr?.querySelector('.depth-text')?.textContent;
        if (text) (w.seenDepths ??= new Set()).add(text);
        return (w.seenDepths?.size ?? 0) >= 2 ? [...w.seenDepths!] : false;
      },
      undefined,
      { timeout: 20_000, polling: 50 },
    );
    const depths = (await seen.jsonValue()) as string[];
    for (const d of depths) assert.match(d, /^[0-6] \/ ∞$/);
    // Pool state, live through the real drains (issue #14): the rate-limited queue says so in
    // its row; the selected pool's facts tick the age of its oldest running task.
    const uploads = frame.locator('#overview tbody tr', { hasText: 'Uploads' });
    await uploads.locator('td.c-status .b-pool', { hasText: 'rate-limited' }).waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    await frame.locator('#detail-facts .b-lib', { hasText: /^p-queue@10\./ }).waitFor({ state: 'visible', timeout: 20_000 });
    await frame.locator('#detail-facts .pool-age', { hasText: /^oldest running \d+ ms$/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await wb.screenshot('adapters-pqueue-live');
    assert.deepEqual(await wb.notifications(), [], 'no error notification');
    await wb.runCommand('Debug: Stop');
  });
});
