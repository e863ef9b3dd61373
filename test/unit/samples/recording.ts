// Test helper: run a built sample in a real child process under the tracer's file
// recording (`QUEUESCOPE_TRACE_FILE=<path> node --require dist/lib/register.js …`) and
// read the recording back as per-queue traces the sample tests assert on.

import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type {
  CallSite,
  Counters,
  QueueKindWire,
  RecordingEndLine,
  RecordingHeader,
  RecordingLine,
  RecordingSourceLine,
  WaiterRoleWire,
  WaitOutcomeWire,
} from '../../../src/protocol/wire';
import { WaitTracker } from '../../../src/model/waitRules';
import { expandedLine } from '../trace/helpers';

export const ROOT = path.resolve(__dirname, '../../..');
const REGISTER = path.join(ROOT, 'dist/lib/register.js');

export function samplePath(id: string): string {
  return path.join(ROOT, 'dist/samples', `${id}.js`);
}

/** Build once if the bundles the tests run are missing (`npm test` builds first anyway). */
export function ensureBuilt(ids: readonly string[]): void {
  const needed = [REGISTER, path.join(ROOT, 'dist/lib/index.js'), ...ids.map(samplePath)];
  if (needed.every((f) => fs.existsSync(f))) return;
  execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SampleRun extends ProcessResult {
  id: string;
  recording: Recording;
}

/**
 * Run dist/samples/<id>.js with `args` under the tracer and wait for it to exit. Rejects
 * (after killing it) if it runs longer than `limitMs`: every sample must end by itself.
 */
export async function runSample(id: string, args: string[], limitMs = 30_000): Promise<SampleRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qscope-sample-${id}-`));
  const file = path.join(dir, 'run.qscope');
  try {
    // Every wait is recorded individually (none folded into 'shortWaits'), so the tests can
    // count outcomes exactly.
    const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file, QUEUESCOPE_SHORT_WAIT_MS: '0' };
    delete env.QUEUESCOPE_TRACE; // the file recording alone arms the hub
    const result = await runNode(id, ['--require', REGISTER, samplePath(id), ...args], env, dir, limitMs);
    if (!fs.existsSync(file)) throw new Error(`sample ${id} left no recording (exit ${result.code})\n${result.stdout}\n${result.stderr}`);
    return { id, ...result, recording: parseRecording(fs.readFileSync(file)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run dist/samples/<id>.js as a user would from a terminal: no tracer, no QUEUESCOPE_* variables. */
export function runPlain(id: string, args: string[], limitMs = 30_000): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('QUEUESCOPE_')) delete env[key];
  return runNode(id, [samplePath(id), ...args], env, os.tmpdir(), limitMs);
}

/**
 * A small concurrency limit: `schedule(task)` runs at most `n` tasks at once, in the order
 * they were scheduled. The sample runs are timing-driven programs; running all of them at once
 * on a 2-core machine would starve their timers and blur their patterns.
 */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function runNode(id: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string, limitMs: number): Promise<ProcessResult> {
  const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sample ${id} still running after ${limitMs} ms\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------
// Reading a recording
// ---------------------------------------------------------------------------

export interface Sample {
  t: number;
  depth: number;
  min: number;
  max: number;
  puts: number;
  gets: number;
}

export interface Wait {
  w: number;
  role: WaiterRoleWire;
  /** Start time (absent if only the end was recorded). */
  start?: number;
  site?: CallSite;
  /** End time and outcome; absent while it was still waiting when the recording ended. */
  end?: number;
  outcome?: WaitOutcomeWire;
  ms?: number;
}

/** Everything recorded about one queue of one source (thread). */
export interface QueueTrace {
  src: string;
  q: number;
  name: string;
  kind: QueueKindWire;
  maxsize: number;
  site?: CallSite;
  samples: Sample[];
  waits: Wait[];
  shortWaits: { role: WaiterRoleWire; count: number }[];
  shutdowns: { t: number; immediate: boolean }[];
  /** The last counters recorded, and the unfinished tasks at that time. */
  counters?: Counters;
  unfinished?: number;
}

export interface Recording {
  header: RecordingHeader;
  sources: RecordingSourceLine[];
  ends: RecordingEndLine[];
  queues: QueueTrace[];
  /** The one queue with this name (throws if there is none or more than one). */
  queue(name: string): QueueTrace;
}

/** Parse a recording file's bytes (gzip-compressed or not). Throws on malformed input. */
export function parseRecording(bytes: Buffer): Recording {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => expandedLine(JSON.parse(l) as RecordingLine & Record<string, unknown>) as RecordingLine[]);
  const header = lines[0];
  if (header?.type !== 'qscope') throw new Error('not a QueueScope recording: the first line is not a header');

  const sources: RecordingSourceLine[] = [];
  const ends: RecordingEndLine[] = [];
  const byKey = new Map<string, QueueTrace>();
  const trace = (src: string, q: number): QueueTrace => {
    const found = byKey.get(`${src}/${q}`);
    if (found === undefined) throw new Error(`event for queue ${q} of ${src} before its 'queue' line`);
    return found;
  };
  // The wait rules are the model's own (src/model/waitRules.ts), on hub time.
  const waitOf = new Map<string, Wait>();
  const tracker = new WaitTracker(
    {
      started: (w) => {
        const wait: Wait = { w: w.w, role: w.role, start: w.since, site: w.site };
        waitOf.set(`${w.src}/${w.w}`, wait);
        trace(w.src, w.q).waits.push(wait);
      },
      refined: (w) => Object.assign(waitOf.get(`${w.src}/${w.w}`)!, { start: w.since, site: w.site }),
      ended: (w, e) => {
        const wait = waitOf.get(`${w.src}/${w.w}`)!;
        waitOf.delete(`${w.src}/${w.w}`);
        // Still waiting when its realm ended: no end. Otherwise the hub's own outcome and duration.
        if (e.cause === 'waitEnd') Object.assign(wait, { end: e.at, outcome: e.outcome, ms: e.ms });
      },
      unmatchedEnd: (src, e) => {
        throw new Error(`waitEnd for unknown waiter ${e.w} of ${src}/${e.q}`);
      },
    },
    (_src, t) => t,
  );
  const addQueue = (src: string, q: Omit<QueueTrace, 'src' | 'samples' | 'waits' | 'shortWaits' | 'shutdowns'>): void => {
    if (!byKey.has(`${src}/${q.q}`)) byKey.set(`${src}/${q.q}`, { ...q, src, samples: [], waits: [], shortWaits: [], shutdowns: [] });
  };

  for (const line of lines.slice(1)) {
    switch (line.type) {
      case 'source':
        sources.push(line);
        for (const q of line.snapshot?.queues ?? []) addQueue(line.src, q);
        if (line.snapshot) tracker.snapshot(line.src, line.snapshot);
        break;
      case 'end':
        ends.push(line);
        tracker.endSource(line.src, line.t);
        break;
      case 'queue':
        addQueue(line.src, line);
        break;
      case 'samples':
        for (const [q, depth, min, max, puts, gets] of line.rows) trace(line.src, q).samples.push({ t: line.t, depth, min, max, puts, gets });
        break;
      case 'wait':
      case 'waitEnd':
        trace(line.src, line.q);
        tracker.event(line.src, line);
        break;
      case 'shortWaits':
        trace(line.src, line.q).shortWaits.push({ role: line.role, count: line.count });
        tracker.event(line.src, line);
        break;
      case 'counters': {
        const qt = trace(line.src, line.q);
        qt.counters = line.c;
        qt.unfinished = line.unfinished;
        break;
      }
      case 'shutdown':
        trace(line.src, line.q).shutdowns.push({ t: line.t, immediate: line.immediate });
        break;
      default:
        break; // readers ignore event types they do not know (gc, dropped, future ones)
    }
  }

  const queues = [...byKey.values()];
  return {
    header,
    sources,
    ends,
    queues,
    queue(name: string): QueueTrace {
      const found = queues.filter((q) => q.name === name);
      if (found.length !== 1) throw new Error(`expected one queue named ${JSON.stringify(name)}, found ${found.length} (${queues.map((q) => q.name).join(', ')})`);
      return found[0];
    },
  };
}

/** The largest depth a queue ever reached, from the samples' interval maxima. */
export function peakDepth(q: QueueTrace): number {
  return Math.max(0, ...q.samples.map((s) => s.max));
}

/** Sum of puts (or gets) the samples counted in the time window (from, to]. */
export function activity(q: QueueTrace, from: number, to: number): number {
  return q.samples.filter((s) => s.t > from && s.t <= to).reduce((n, s) => n + s.puts + s.gets, 0);
}
