// TEMPORARY user trial (not committed): a 10,000-tenant gateway under F5, watched for 20 s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { currentSession } from './session';
import { Workbench } from './workbench';

const program = (lib: string) => `const { Queue } = require(${JSON.stringify(lib)});
const TENANTS = 10000;
const inboxes = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let t = 0; t < TENANTS; t++) {
  const inbox = new Queue({ maxsize: 20, name: 'tenant-' + String(t).padStart(5, '0') + '/inbox' });
  inboxes.push(inbox);
  const slow = t % 997 === 0; // a few tenants whose handler is stuck on a slow backend
  (async () => {
    for (;;) {
      const req = await inbox.get();
      if (slow) await sleep(2000);
      inbox.taskDone();
      void req;
    }
  })();
}
let n = 0;
let puts = 0;
const fs = require('node:fs');
setInterval(() => { fs.writeFileSync(__dirname + '/progress', JSON.stringify({ t: Date.now(), puts, pid: process.pid, cpu: process.cpuUsage() })); }, 1000);
setInterval(async () => {
  // ~3 requests per tenant per second
  for (let k = 0; k < 300; k++) {
    const inbox = inboxes[(n++ * 7919) % TENANTS];
    inbox.put({ id: n, path: '/v1/items/' + n }).catch(() => {});
    puts++;
  }
}, 10);
`;

describe('trial: 10,000 tenants', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  after(async () => {
    if (wb) {
      await wb.runCommand('Debug: Stop').catch(() => undefined);
      await wb.close();
    }
  });
  it('watch for 20 s', async () => {
    wb = await Workbench.open({
      files: {
        'gateway.js': program(path.join(projectRoot, 'dist/lib/index.js')),
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Gateway', program: '${workspaceFolder}/gateway.js' }] }),
      },
    });
    await wb.runCommand('Debug: Start Debugging');
    await wb.runCommand('QueueScope: Show Panel');
    const { frame } = await wb.webviewElement('#overview', 90_000);
    await frame.waitForFunction(() => document.querySelectorAll('#overview tbody tr[data-key]').length > 10, undefined, { timeout: 90_000 });
    for (let i = 0; i < 6; i++) {
      await wb.page.waitForTimeout(5_000);
      console.log('      progress', fs.readFileSync(path.join(wb.workspace, 'progress'), 'utf8'), 'toolbar', (await frame.evaluate(() => document.querySelector('#status')?.parentElement?.textContent ?? '')).replace(/\s+/g, ' ').slice(0, 80));
    }
    const { browser } = currentSession();
    await browser.startTracing(wb.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    for (let i = 0; i < 4; i++) {
      await wb.page.waitForTimeout(5_000);
      console.log('      progress', fs.readFileSync(path.join(wb.workspace, 'progress'), 'utf8'));
    }
    const trace = await browser.stopTracing();
    const out = path.join(projectRoot, 'test-artifacts/e2e/trial10k-trace.json');
    fs.writeFileSync(out, trace);
    await wb.screenshot('trial10k');
    const text = await frame.evaluate(() => document.querySelector('#status')?.parentElement?.textContent ?? '');
    console.log('      toolbar:', text.replace(/\s+/g, ' ').slice(0, 200));
  });
});
