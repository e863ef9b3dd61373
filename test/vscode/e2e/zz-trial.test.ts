// Temporary: F5 on a program of my own (not committed).
import * as path from 'node:path';
import { projectRoot } from '../config';
import { Workbench } from './workbench';

const LIB = path.join(projectRoot, 'dist/lib/index.js');
const PROGRAM = `const { Queue } = require(process.env.QUEUESCOPE_LIB);
const tenants = Array.from({ length: 300 }, (_, i) => new Queue({ name: 'tenant-' + String(i).padStart(3, '0'), maxsize: 20 }));
tenants.forEach((q, i) => {
  (async function worker() {
    let n = 0;
    for (;;) {
      await q.get();
      if (i === 7 && ++n === 5) await new Promise(() => {}); // a worker that never comes back
      await new Promise((r) => setTimeout(r, 2));
      q.taskDone();
    }
  })();
});
let k = 0;
async function dispatch() {
  for (;;) {
    const q = tenants[k++ % tenants.length];
    await q.put({ k });
    if (k % 60 === 0) await new Promise((r) => setTimeout(r, 5));
  }
}
dispatch();
setTimeout(() => process.exit(0), 25000);
`;

describe('trial', function () {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await Workbench.open({
      files: {
        'tenants.js': PROGRAM,
        '.vscode/launch.json': JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Tenants', program: '${workspaceFolder}/tenants.js', env: { QUEUESCOPE_LIB: LIB } }] }),
      },
    });
  });
  after(async () => {
    await wb?.close();
  });
  it('runs', async () => {
    await wb!.runCommand('Debug: Start Debugging');
    const { frame } = await wb!.webviewElement('#overview', 60_000);
    await frame.locator('#overview tbody tr', { hasText: 'tenant-007' }).first().waitFor({ timeout: 45_000 });
    await wb!.page.waitForTimeout(8000);
    await wb!.screenshot('trial-1');
    await frame.locator('#overview th.h-blocked button').click();
    await frame.locator('#overview th.h-blocked button').click();
    await wb!.page.waitForTimeout(1500);
    await frame.locator('#overview tbody tr[data-key]').first().click();
    await wb!.page.waitForTimeout(1500);
    await wb!.screenshot('trial-2');
    await wb!.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await wb!.page.waitForTimeout(1500);
    await wb!.screenshot('trial-3');
  });
});
