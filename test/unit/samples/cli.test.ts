// The samples' option parsing: defaults, both `--name value` and `--name=value`, and a
// clear error (never a half-started program) for bad input.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { UsageError, parseOptions, usage } from '../../../src/samples/lib/cli';
import { ensureBuilt, samplePath } from './recording';

const spec = {
  duration: { default: 30, min: 0, help: 'seconds' },
  rate: { default: 8, min: 0.1, help: 'per second' },
};

describe('sample options', function () {
  it('uses the defaults when nothing is given', function () {
    assert.deepEqual(parseOptions(spec, []), { help: false, duration: 30, rate: 8 });
  });

  it('reads --name value and --name=value', function () {
    assert.deepEqual(parseOptions(spec, ['--duration', '2.5', '--rate=12']), { help: false, duration: 2.5, rate: 12 });
  });

  it('rejects unknown options, missing values, non-numbers and values below the minimum', function () {
    assert.throws(() => parseOptions(spec, ['--speed', '3']), UsageError);
    assert.throws(() => parseOptions(spec, ['--rate']), UsageError);
    assert.throws(() => parseOptions(spec, ['--rate', 'fast']), /--rate expects a number, got "fast"/);
    assert.throws(() => parseOptions(spec, ['--rate', '']), /--rate expects a number/);
    assert.throws(() => parseOptions(spec, ['--rate', 'Infinity']), /--rate expects a number/);
    assert.throws(() => parseOptions(spec, ['--rate', '0']), /--rate must be at least 0.1, got 0/);
    assert.throws(() => parseOptions(spec, ['positional']), UsageError);
  });

  it('recognises --help and lists every option with its default', function () {
    assert.equal(parseOptions(spec, ['--help']).help, true);
    const text = usage('demo', spec);
    assert.match(text, /--duration <n>\s+seconds \(default 30\)/);
    assert.match(text, /--rate <n>\s+per second \(default 8\)/);
  });

  it('a sample running until Ctrl+C winds down cleanly on SIGINT and exits 0', async function () {
    this.timeout(20_000);
    ensureBuilt(['producer-consumer']);
    const child = spawn(process.execPath, [samplePath('producer-consumer'), '--duration', '0', '--rate', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const safety = setTimeout(() => child.kill('SIGKILL'), 15_000); // never leave it running
    try {
      await new Promise<void>((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          if (/order #1 done/.test(stdout)) resolve(); // it is running: interrupt it
        }),
      );
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      clearTimeout(safety);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    assert.match(stdout, /Ctrl\+C: winding down/);
    assert.match(stdout, /all \d+ orders were consumed/);
  });

  it('a built sample given a bad option exits 2 with the reason and usage, before doing anything', function () {
    ensureBuilt(['back-pressure']);
    const result = spawnSync(process.execPath, [samplePath('back-pressure'), '--rate', 'lots'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /back-pressure: --rate expects a number, got "lots"/);
    assert.match(result.stderr, /usage: node back-pressure\.js/);
  });
});
