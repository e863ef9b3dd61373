// Real program runs for the diagnostics tests: fixture programs (test/fixtures/diagnostics)
// and built samples run under the file recorder, then `queuescope check` (the built CLI) run
// on the recording, as a CI job would.

import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const REGISTER = path.join(ROOT, 'dist/lib/register.js');
export const CLI = path.join(ROOT, 'dist/cli/queuescope.js');

/** Build once if the bundles the tests run are missing or older than their sources. */
export function ensureBuilt(): void {
  const built = [REGISTER, CLI, path.join(ROOT, 'dist/samples/deadlock.js')];
  const newest = (dir: string): number =>
    Math.max(...fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.statSync(path.join(e.parentPath, e.name)).mtimeMs));
  const stale = built.some((f) => !fs.existsSync(f)) || fs.statSync(CLI).mtimeMs < newest(path.join(ROOT, 'src/diagnostics'));
  if (stale) execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
}

let dir: string | undefined;
export function tmpFile(name: string): string {
  if (!dir) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-diag-'));
    dir = d;
    process.once('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  }
  return path.join(dir, name);
}

/** A program: a fixture (`fixture:name`) or a built sample (`sample:id`), with its arguments. */
export interface Program {
  script: string;
  args: string[];
}

export const fixture = (name: string, ...args: string[]): Program => ({ script: path.join(ROOT, 'test/fixtures/diagnostics', `${name}.js`), args });
export const sample = (id: string, ...args: string[]): Program => ({ script: path.join(ROOT, 'dist/samples', `${id}.js`), args });

/** Runs the program under the file recorder to its end; resolves with the recording's path. */
/** Records `p` into `file`; it must exit with `exitCode` (a crashing program: 1). */
export async function record(p: Program, file: string, exitCode = 0): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file };
  delete env.QUEUESCOPE_TRACE;
  delete env.QUEUESCOPE_TRACE_SESSION;
  const child = spawn(process.execPath, ['--require', REGISTER, p.script, ...p.args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${p.script} did not end`));
    }, 60_000);
    child.on('error', reject);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== exitCode) throw new Error(`${p.script} ${p.args.join(' ')} exited with ${code}: ${stderr}`);
  return file;
}

/** Runs several recordings, a few at a time (the machine is shared). */
export async function recordAll(programs: Record<string, Program>, parallel = 4): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const names = Object.keys(programs);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++];
      out[name] = await record(programs[name], tmpFile(`${name}.qscope`));
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return out;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI. */
export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

export interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  partial?: string;
  since: number;
  raised: number;
  cleared?: number;
  queues: { name: string }[];
  waiters: { queueName: string; role: string; site?: { fn: string; line: number; file: string } }[];
  sites: { fn: string; what?: { does: string; queue: string } }[];
  figures: Record<string, number>;
}

/** `queuescope check --json` on a recording: exit code and findings. */
export async function check(file: string, flags: string[] = []): Promise<{ code: number; findings: JsonFinding[]; span: { from: number; to: number } }> {
  const r = await runCli(['check', file, '--json', ...flags]);
  if (r.code === 2) throw new Error(`queuescope check failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { findings: JsonFinding[]; exitCode: number; span: { from: number; to: number } };
  if (json.exitCode !== r.code) throw new Error(`exit code ${r.code} but the report says ${json.exitCode}`);
  return { code: r.code, findings: json.findings, span: json.span };
}
