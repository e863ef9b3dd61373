// `npm run demo` (scripts/demo.js): prints a URL where VS Code runs with QueueScope installed (not
// in development mode) on a workspace of samples, and stops its server on Ctrl+C.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { declaredCommands, Workbench } from './workbench';

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      res.resume();
      resolve(true);
    }).on('error', () => resolve(false));
  });
}

/** Resolves with the printed URL, or rejects with the demo's output when it exits first. */
function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no URL after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code} before printing a URL:\n${output}`));
    });
  });
}

describe('npm run demo', function () {
  let demo: ChildProcess | undefined;
  let wb: Workbench | undefined;
  after(async () => {
    await wb?.close();
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  });

  it('serves VS Code with QueueScope installed and the samples, and stops on Ctrl+C', async function () {
    demo = spawn(process.execPath, [path.join(projectRoot, 'scripts/demo.js')], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await waitForUrl(demo, 90_000);
    const origin = new URL(url).origin;

    wb = await Workbench.open({ url });
    // Installed, not loaded for development: QueueScope's commands are in the palette all the same.
    const command = declaredCommands().find((c) => c.inPalette);
    if (command) assert.ok(await wb.paletteHas(command.label), `"${command.label}" is not in the demo's palette`);
    await wb.runCommand('View: Show Explorer');
    await wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'samples' }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot('demo');
    await wb.close();
    wb = undefined;

    const exited = new Promise<number | null>((resolve) => demo?.once('exit', (code) => resolve(code)));
    demo.kill('SIGINT');
    assert.equal(await exited, 130, 'the demo exits with 130 after Ctrl+C');
    assert.equal(await answers(origin), false, 'the demo server still answers after Ctrl+C');
  });
});
