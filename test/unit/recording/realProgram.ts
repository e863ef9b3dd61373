// Runs built samples under the file recorder (QUEUESCOPE_TRACE_FILE), for tests that need
// a recording made by a real program.

import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const REGISTER = path.join(ROOT, 'dist/lib/register.js');
const sample = (id: string): string => path.join(ROOT, 'dist/samples', `${id}.js`);

/** Runs a built sample under the file recorder; resolves with the recording's path once it exited. */
export async function recordSample(id: string, args: string[], file: string): Promise<void> {
  if (![REGISTER, sample(id)].every((f) => fs.existsSync(f))) execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
  const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file };
  delete env.QUEUESCOPE_TRACE;
  delete env.QUEUESCOPE_TRACE_SESSION;
  const child = spawn(process.execPath, ['--require', REGISTER, sample(id), ...args], { env, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${id} did not end`));
    }, 20_000);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0, `${id} exited with ${code}`);
}

/** Starts a sample under the file recorder and SIGKILLs it once its recording holds `bytes`. */
export async function recordAndKill(id: string, args: string[], file: string, bytes: number): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file };
  delete env.QUEUESCOPE_TRACE;
  delete env.QUEUESCOPE_TRACE_SESSION;
  const child = spawn(process.execPath, ['--require', REGISTER, sample(id), ...args], { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  // Polling the file size is the only signal a recording gives; this waits for the program, not for time.
  while ((fs.existsSync(file) ? fs.statSync(file).size : 0) < bytes) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${id} never wrote ${bytes} bytes of recording`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
}

const cache = new Map<string, Promise<string>>();
let cacheDir: string | undefined;

/** A recording of `id` run with `args`, made once per test run and shared between test files. */
export function cachedSampleRecording(id: string, args: string[]): Promise<string> {
  const key = JSON.stringify([id, args]);
  let made = cache.get(key);
  if (!made) {
    if (!cacheDir) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-samples-'));
      cacheDir = dir;
      process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    const file = path.join(cacheDir, `${id}-${cache.size}.qscope`);
    made = recordSample(id, args, file).then(() => file);
    cache.set(key, made);
  }
  return made;
}

/** The multi-thread sample run the recording tests share. */
export const WORKERS_RUN: [string, string[]] = ['worker-threads', ['--duration', '1.2', '--rate', '40']];
