// Entry of the extension-host suite, with @vscode/test-electron's contract: VS Code loads this
// file in the extension host (extensionTestsPath) and awaits run(). Both launchers use it:
// test/vscode/run-suite.ts (the VS Code server here) and test/vscode/runTest.ts (desktop VS Code).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import SpecWithCounts = require('../reporter');

/**
 * The launcher here receives the extension host's console mixed with the workbench's own log; when it
 * sets QUEUESCOPE_SUITE_TAG, every console line of the run carries that tag so it can tell them apart.
 */
function tagConsole(tag: string | undefined): () => void {
  if (!tag) return () => {};
  const methods = ['log', 'info', 'warn', 'error'] as const;
  // VS Code's extension host installs these as getter/setter pairs whose setter ignores writes,
  // so replace the properties themselves (they are configurable) and put the originals back after.
  const saved = methods.map((m) => Object.getOwnPropertyDescriptor(console, m));
  for (const m of methods) {
    const original = console[m];
    const tagged = (...raw: unknown[]) => {
      const args = raw.map(clip);
      return typeof args[0] === 'string' ? original(tag + args[0], ...args.slice(1)) : original(tag, ...args);
    };
    Object.defineProperty(console, m, { value: tagged, configurable: true, writable: true, enumerable: true });
  }
  // Mocha's reporters print through a copy of console.log taken when mocha loaded.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const savedBase = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => console.log(...args);
  return () => {
    methods.forEach((m, i) => {
      const d = saved[i];
      if (d) Object.defineProperty(console, m, d);
    });
    base.consoleLog = savedBase;
  };
}

/**
 * A long string cut to its head: VS Code forwards the extension host's console to the
 * launcher only below a size limit and drops a larger message whole, so a failure whose
 * message listed every session of the suite printed no reason at all.
 */
function clip(arg: unknown): unknown {
  const MAX = 20_000;
  return typeof arg === 'string' && arg.length > MAX ? `${arg.slice(0, MAX)}… (cut: ${arg.length} characters)` : arg;
}

export async function run(): Promise<void> {
  const untag = tagConsole(process.env.QUEUESCOPE_SUITE_TAG);
  try {
    await runMocha();
  } finally {
    untag();
  }
}

function runMocha(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.QUEUESCOPE_TEST_TIMEOUT ?? 60_000),
    reporter: SpecWithCounts,
  });
  // The launchers pass a filter through the environment: the extension host inherits it.
  if (process.env.QUEUESCOPE_TEST_GREP) mocha.grep(process.env.QUEUESCOPE_TEST_GREP);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}
