// The VS Code part of `npm test`: the extension-host suite, then the UI tests, each in the real
// VS Code server (installed on first use). Both tiers run even when the first fails.
// QUEUESCOPE_SKIP_VSCODE=1 skips them for a quick local loop, but never when CI=true.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from './config';
import { install } from './install';

const COUNTS_LINE = /^(\d+) passed, (\d+) failed$/;

interface TierResult {
  name: string;
  code: number;
  counts: string;
  seconds: number;
}

/** Runs one tier, passing its output through and keeping its final counts line. */
function runTier(name: string, command: string, args: string[]): Promise<TierResult> {
  const started = Date.now();
  console.log(`\n=== ${name}: ${[command, ...args].map((a) => path.relative(projectRoot, a) || a).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let counts = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (COUNTS_LINE.test(line.trim())) counts = line.trim();
    });
    const done = (code: number) => {
      if (COUNTS_LINE.test(pending.trim())) counts = pending.trim();
      resolve({ name, code, counts: counts || '0 passed, 1 failed (no result)', seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => {
      console.error(`[${name}] ${err.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  if (process.env.QUEUESCOPE_SKIP_VSCODE === '1') {
    if (!inCi) {
      console.log('\nQUEUESCOPE_SKIP_VSCODE=1: skipping the extension-host and UI tests (never skipped when CI=true).');
      return 0;
    }
    console.log('\nQUEUESCOPE_SKIP_VSCODE=1 is ignored because CI=true.');
  }
  install();
  const bin = (name: string) => path.join(projectRoot, 'node_modules/.bin', name);
  const results = [
    await runTier('extension-host tests', bin('tsx'), [path.join(projectRoot, 'test/vscode/run-suite.ts')]),
    // Colours only for a terminal: CI=true makes mocha colour its output even into a log file.
    await runTier('UI tests', bin('mocha'), ['--config', path.join(projectRoot, 'test/vscode/e2e/mocharc.json'), process.stdout.isTTY ? '--color' : '--no-color']),
  ];
  console.log('\n=== VS Code tiers');
  for (const r of results) console.log(`${r.name}: ${r.counts} (${r.seconds.toFixed(1)} s${r.code ? `, exit code ${r.code}` : ''})`);
  return results.some((r) => r.code !== 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
