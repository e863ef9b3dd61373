// Shared by the trace tests: build the library bundles when stale (so `npx mocha` alone
// works), run fixture programs as real child processes, collect their output.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandColumns } from '../../../src/model/parse';

export const ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/trace');
export const LIB = path.join(ROOT, 'dist/lib/index.js');
export const REGISTER = path.join(ROOT, 'dist/lib/register.js');
export const REGISTER_ESM = path.join(ROOT, 'dist/lib/register.mjs');
export const ESM_HOOKS = path.join(ROOT, 'dist/lib/esm-hooks.mjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Rebuild dist/lib/index.js, register.js/.mjs and esm-hooks.mjs (with esbuild.js's options) when a source is
 * newer than them. `npm test` builds first, so this usually does nothing.
 */
export async function ensureLibraryBuilt(): Promise<void> {
  const sources = Math.max(...['src/trace', 'src/queue', 'src/protocol'].map((d) => newestMtime(path.join(ROOT, d))));
  if ([LIB, REGISTER, REGISTER_ESM, ESM_HOOKS].every((f) => mtime(f) > sources)) return;
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022', platform: 'node', format: 'cjs', absWorkingDir: ROOT } as const;
  await esbuild.build({ ...common, entryPoints: ['src/trace/library.ts'], outfile: LIB });
  await esbuild.build({ ...common, entryPoints: ['src/trace/register.ts'], outfile: REGISTER });
  const esm = { ...common, format: 'esm' } as const;
  await esbuild.build({ ...esm, entryPoints: ['src/trace/register.ts'], outfile: REGISTER_ESM, banner: { js: 'const __queuescopeModuleUrl = import.meta.url;' } });
  await esbuild.build({ ...esm, entryPoints: ['src/trace/adapters/esmLoader.ts'], outfile: ESM_HOOKS });
}

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** 1-based line numbers of `// @site:<name>` markers in a fixture. */
export function markerLines(file: string): Map<string, number> {
  const out = new Map<string, number>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /\/\/ @site:(\w+)/.exec(line);
      if (m !== null) out.set(m[1], i + 1);
    });
  return out;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: the parent's minus every QUEUESCOPE_* variable, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUEUESCOPE_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, QUEUESCOPE_LIB: LIB, ...extra };
}

export function start(args: string[], env: Record<string, string>, options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Wait for a child to end, with everything it printed. */
export function finished(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function run(args: string[], env: Record<string, string>): Promise<RunResult> {
  return finished(start(args, env));
}

export function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-trace-'));
  return path.join(dir, name);
}

/** Parse an NDJSON file into objects (every line must be JSON); columnar lines come expanded. */
export function readNdjson(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (text === '') continue;
    out.push(...expandedLine(JSON.parse(text) as Record<string, unknown>));
  }
  return out;
}

/** A recording line; a columnar one as the events it stands for, the way every reader expands it. */
export function expandedLine<T extends Record<string, unknown>>(line: T): T[] {
  const expanded = line.type === 'sampleCols' || line.type === 'counterCols' ? expandColumns(line) : undefined;
  return expanded === undefined ? [line] : expanded.map((e) => ({ src: line.src, ...e }) as unknown as T);
}
