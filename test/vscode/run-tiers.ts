// The test part of `npm test`: the unit tests (plain Node and real browser), then the
// extension-host suite and the UI tests, each in the real VS Code server (installed on first
// use). Every tier runs even when an earlier one fails, and the last line is the grand total,
// `N passed, N failed`. QUEUESCOPE_SKIP_VSCODE=1 skips the VS Code tiers for a quick local
// loop, but never when CI=true.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from './config';
import { install } from './install';
import { ensureRedisServer } from '../redis/install';
import { COUNTS_LINE, tierTotals, type TierOutcome } from './tierTotals';

interface TierResult extends TierOutcome {
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
      resolve({ name, code, counts, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => {
      console.error(`[${name}] ${err.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const bin = (name: string) => path.join(projectRoot, 'node_modules/.bin', name);
  // Colours only for a terminal: CI=true makes mocha colour its output even into a log file.
  const colour = process.stdout.isTTY ? '--color' : '--no-color';
  // The BullMQ watch tests start redis-servers of their own: install the Debian package when
  // missing, as install() does for the VS Code tiers, so `npm test` alone works on a fresh machine.
  ensureRedisServer();
  const results = [await runTier('unit tests', bin('mocha'), [colour])];
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  if (process.env.QUEUESCOPE_SKIP_VSCODE === '1' && !inCi) {
    console.log('\nQUEUESCOPE_SKIP_VSCODE=1: skipping the extension-host and UI tests (never skipped when CI=true).');
  } else {
    if (process.env.QUEUESCOPE_SKIP_VSCODE === '1') console.log('\nQUEUESCOPE_SKIP_VSCODE=1 is ignored because CI=true.');
    install();
    results.push(await runTier('extension-host tests', bin('tsx'), [path.join(projectRoot, 'test/vscode/run-suite.ts')]));
    results.push(await runTier('UI tests', bin('mocha'), ['--config', path.join(projectRoot, 'test/vscode/e2e/mocharc.json'), colour]));
  }
  console.log('\n=== test tiers');
  const totals = tierTotals(results);
  totals.lines.forEach((line, i) => console.log(`${line} (${results[i].seconds.toFixed(1)} s)`));
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return totals.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
