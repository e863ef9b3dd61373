// Runs the same extension-host suite in a desktop VS Code through @vscode/test-electron, for
// machines that can download one (this project's CI cannot: it uses run-suite.ts instead).
//
//   npx tsx test/vscode/runTest.ts [--grep <pattern>]     (VSCODE_VERSION picks the build; default 1.100.3)
//   VSCODE_EXECUTABLE=/path/to/code npx tsx test/vscode/runTest.ts   use an installed VS Code
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSuite, suiteIndex } from './build-suite';
import { projectRoot } from './config';

async function main(): Promise<void> {
  const grepAt = process.argv.indexOf('--grep');
  const grep = grepAt >= 0 ? process.argv[grepAt + 1] : process.env.QUEUESCOPE_TEST_GREP;
  await buildSuite();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'queuescope-suite-'));
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: suiteIndex,
      extensionTestsEnv: grep ? { QUEUESCOPE_TEST_GREP: grep } : undefined,
      // Only QueueScope and the built-in extensions (js-debug is built in).
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
