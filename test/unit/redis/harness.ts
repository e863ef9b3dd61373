// Shared pieces of the Redis watch tests: BullMQ child processes (test/redis/fixtures),
// a sink that keeps every wire message and lets a test await one, and a watch wired to a
// real QueueModel and SessionRecorder, so what is checked is what a recording holds.

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueueModel } from '../../../src/model';
import type { SourceInfo, WireEvent } from '../../../src/protocol/wire';
import { SessionRecorder } from '../../../src/recording/sessionRecorder';
import { modelSink, parseRedisTarget, RedisWatch, type RedisWatchOptions, type RedisWatchSink } from '../../../src/redis';

const FIXTURES = path.join(__dirname, '../../redis/fixtures');

/** Every child forked here, killed after each test. */
const children = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  /** Resolves with the first IPC message that matches. */
  message<T = Record<string, unknown>>(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
}

export function startChild(fixture: 'worker' | 'producer', env: Record<string, string | number>): Child {
  const proc = fork(path.join(FIXTURES, `${fixture}.js`), [], {
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  const seen: Array<Record<string, unknown>> = [];
  proc.on('message', (m) => seen.push(m as Record<string, unknown>));
  return {
    proc,
    message: <T>(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
      new Promise<T>((resolve, reject) => {
        const hit = seen.find(pred);
        if (hit) return resolve(hit as T);
        const timer = setTimeout(() => reject(new Error(`${fixture}: no matching message in ${timeoutMs} ms`)), timeoutMs);
        const on = (m: unknown): void => {
          if (pred(m as Record<string, unknown>)) {
            clearTimeout(timer);
            proc.off('message', on);
            resolve(m as T);
          }
        };
        proc.on('message', on);
        proc.once('exit', (code, sig) => {
          clearTimeout(timer);
          reject(new Error(`${fixture} exited (${code ?? sig}) before the message`));
        });
      }),
  };
}

export async function killChildren(): Promise<void> {
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** A sink that keeps everything, forwards to another, and wakes waiters. */
export class CaptureSink implements RedisWatchSink {
  info: SourceInfo | undefined;
  readonly captured: WireEvent[] = [];
  ended: string | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly next?: RedisWatchSink) {}

  source(info: SourceInfo): void {
    this.info = info;
    this.next?.source(info);
  }
  events(events: WireEvent[]): void {
    this.captured.push(...events);
    this.next?.events(events);
    for (const w of this.waiters.splice(0)) w();
  }
  end(t: number, reason: string): void {
    this.ended = reason;
    this.next?.end(t, reason);
  }

  /** The first captured event (from index `from`) that matches, awaited. */
  async waitFor<E extends WireEvent>(pred: (e: WireEvent) => e is E, timeoutMs = 15_000, from = 0): Promise<E> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.captured.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('expected wire event did not come');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface Watched {
  watch: RedisWatch;
  sink: CaptureSink;
  model: QueueModel;
  recorder: SessionRecorder;
  logs: string[];
  dir: string;
  /** The recording's text (flushes the spool by saving it). */
  recording(): Promise<string>;
  dispose(): Promise<void>;
}

export function watchInto(url: string, opts: Partial<RedisWatchOptions> & { password?: string } = {}): Watched {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-redis-rec-'));
  const model = new QueueModel();
  const recorder = new SessionRecorder(model, { dir });
  const sink = new CaptureSink(modelSink(model, 'redis:1', 'BullMQ test'));
  const logs: string[] = [];
  const watch = new RedisWatch({
    target: parseRedisTarget(url, opts.password !== undefined ? { password: opts.password } : {}),
    sink,
    log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`) },
    ...opts,
  });
  return {
    watch,
    sink,
    model,
    recorder,
    logs,
    dir,
    async recording() {
      const out = path.join(dir, 'saved.qscope');
      await recorder.save('redis:1', out, { gzip: false });
      return fs.readFileSync(out, 'utf8');
    },
    async dispose() {
      await watch.stop();
      await recorder.dispose();
      model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const is =
  <K extends WireEvent['type']>(type: K) =>
  (e: WireEvent): e is Extract<WireEvent, { type: K }> =>
    e.type === type;
