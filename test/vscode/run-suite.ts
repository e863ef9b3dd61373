// Runs the extension-host suite (test/vscode/suite) inside the VS Code server, with Chromium as
// its window. Same contract as @vscode/test-electron: the workbench loads the extension from
// extensionDevelopmentPath, runs extensionTestsPath's run() in the extension host, and reports
// through window.codeAutomationLog / window.codeAutomationExit, which we expose to the page.
//
//   npx tsx test/vscode/run-suite.ts [--grep <pattern>] [--extension <dir>]
//
// The last line of the output is always `N passed, N failed`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { launchBrowser, newPage } from './browser';
import { buildSuite, suiteOutDir } from './build-suite';
import { artifactsDir, projectRoot } from './config';
import { startServer, type VsCodeServer } from './server';

const COUNTS_LINE = /^(\d+) passed, (\d+) failed$/;
/** Marks the extension host's console lines among the workbench's log (see suite/index.ts). */
const TAG = '@@qs@@';

interface Args {
  grep?: string;
  extensionDir: string;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    extensionDir: process.env.QUEUESCOPE_EXTENSION_DIR ?? projectRoot,
    timeoutMs: Number(process.env.QUEUESCOPE_SUITE_TIMEOUT ?? 15 * 60_000),
    grep: process.env.QUEUESCOPE_TEST_GREP,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    if (argv[i] === '--grep' || argv[i] === '-g') args.grep = value();
    else if (argv[i] === '--extension') args.extensionDir = path.resolve(value());
    else throw new Error(`unknown argument ${argv[i]} (use --grep <pattern>, --extension <dir>)`);
  }
  return args;
}

/** Runs the suite once; resolves with the exit code VS Code reported (non-zero on failure). */
async function runSuite(args: Args): Promise<{ code: number; counts?: string }> {
  // A folder of this run's own: several runs on one tree (other terminals) must not rebuild under each other.
  const outDir = `${suiteOutDir}-run-${process.pid}`;
  const files = await buildSuite(outDir);
  console.log(`[suite] ${files.length} test file(s): ${files.join(', ')}`);
  if (args.extensionDir === projectRoot && !fs.existsSync(path.join(projectRoot, 'dist/extension/extension.js'))) {
    console.log('[suite] warning: dist/extension/extension.js is missing: run `npm run build` first');
  }

  const env: Record<string, string> = { QUEUESCOPE_SUITE_TAG: TAG };
  if (args.grep) env.QUEUESCOPE_TEST_GREP = args.grep;
  let server: VsCodeServer | undefined;
  const browser = await launchBrowser();
  let counts: string | undefined;
  const artifactDir = path.join(artifactsDir, 'vscode-suite');
  fs.rmSync(artifactDir, { recursive: true, force: true });
  fs.mkdirSync(artifactDir, { recursive: true });
  try {
    server = await startServer({ name: 'vscode-suite', env });
    const page = await newPage(browser);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));

    let finish: (code: number) => void = () => {};
    const finished = new Promise<number>((resolve) => (finish = resolve));
    // Console lines of the tests go to stdout; the workbench's own log goes to a file.
    const workbenchLog = fs.createWriteStream(path.join(artifactDir, 'workbench.log'));
    await page.exposeFunction('codeAutomationLog', (type: string, message: unknown) => {
      const parts = Array.isArray(message) ? message : [message];
      if (typeof parts[0] === 'string' && parts[0].startsWith(TAG)) {
        const text = util.format(parts[0].slice(TAG.length), ...parts.slice(1));
        for (const line of text.split('\n')) {
          if (COUNTS_LINE.test(line.trim())) counts = line.trim();
          console.log(line);
        }
      } else {
        workbenchLog.write(`[${type}] ${util.format(...parts)}\n`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      saveLogs(artifactDir, logs);
      finish(code);
    });

    const workspace = path.join(server.runDir, 'workspace');
    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(args.extensionDir)],
      ['extensionTestsPath', server.remoteUri(path.join(outDir, 'index.js'))],
    ]);
    await page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(-1), args.timeoutMs);
    });
    const code = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (code === -1) {
      await page.screenshot({ path: path.join(artifactDir, 'timeout.png') }).catch(() => {});
      console.log(`[suite] no result after ${args.timeoutMs / 1000} s (screenshot: ${path.relative(projectRoot, artifactDir)}/timeout.png)`);
    }
    if (pageErrors.length) fs.writeFileSync(path.join(artifactDir, 'page-errors.txt'), pageErrors.join('\n') + '\n');
    return { code: code === -1 ? 1 : code, counts };
  } finally {
    await browser.close().catch(() => {});
    await server?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/** VS Code hands over its logs with the exit code: keep them next to the server log. */
function saveLogs(dir: string, logs: { relativePath: string; contents: string }[] | undefined): void {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    const file = path.join(dir, 'workbench-logs', relativePath);
    if (!file.startsWith(dir + path.sep)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const { code, counts } = await runSuite(args);
  console.log(`[suite] finished in ${((Date.now() - started) / 1000).toFixed(1)} s with exit code ${code}; logs in ${path.relative(projectRoot, path.join(artifactsDir, 'vscode-suite'))}/`);
  // The contract: the output ends with the counts. A suite that died before mocha reported counts as one failure.
  const final = counts ?? '0 passed, 1 failed';
  console.log(final);
  const failed = Number(COUNTS_LINE.exec(final)?.[2] ?? 1);
  return code !== 0 || failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[suite] ${err instanceof Error ? err.stack : err}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
