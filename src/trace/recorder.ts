// File recording without VS Code: QUEUESCOPE_TRACE_FILE=<path>. The recorder is the hub's
// reader: every recordMs (unref'd timer) it drains the hub and appends NDJSON lines
// (src/protocol/wire.ts, "Recording files") with synchronous writes, so a crash loses at
// most the last interval. It reads columnar drains, as the extension does, and writes them
// as they come (format version 2, like the extension's spool): at 2,000 busy queues one
// line per event was ~9x the bytes and twice the program's CPU time (docs/RECORDING.md).
// It flushes on exit, on an uncaught exception and on SIGINT/SIGTERM/SIGHUP
// (src/trace/exitHooks.ts) without changing the exit code or the program's own signal handling.
//
// One file per process tree: the first main thread to record truncates the file and writes
// the header, then sets QUEUESCOPE_TRACE_SESSION so that worker threads and child processes
// started later append to the same file (each line is written whole with O_APPEND; every
// realm is its own `src`).
//
// One outbox, two readers: under F5 a debugger drains the same hub. Each drain takes what it
// returns, so a recorder draining on its own would split the events with the debugger (the
// panel missing every other batch, the file missing queue names and the ends of waits).
// Instead the hub tees every drained batch to the recorder (HubReaderApi.tee), and while a
// debugger reads, the recorder writes what the debugger drained and drains nothing itself.
// It drains again READER_GRACE_MS after the debugger's last sign of life (the slowest poll
// is 10 s); meanwhile the hub's bounds hold what accumulates (docs/RECORDING.md).

import { DEFAULT_DRAIN_BYTES, type HubReaderApi, type HubTee } from '../protocol/hub';
import { RECORDING_VERSION, sourceKey, type DrainBatch, type RecordingLine, type SourceInfo } from '../protocol/wire';
import { epochNow, now } from './clock';
import { builtin, nodeEnv, nodeProcess, unrefTimer } from './env';
import { exitHooks, type EndDetail, type EndReason, type ExitWriter } from './exitHooks';

const RECORDER_KEY = Symbol.for('queuescope.recorder');
export const SESSION_ENV = 'QUEUESCOPE_TRACE_SESSION';
/**
 * Bytes asked of each drain; a flush loops while the hub says there is more. A file has no
 * debugger answer to fit in: four times the extension's budget leaves room for the summary
 * columns of thousands of queues plus the wait detail the hub's rate lets through.
 */
const FLUSH_BYTES = 4 * DEFAULT_DRAIN_BYTES;
const MAX_DRAINS_PER_FLUSH = 64;
/**
 * A realm that writes nothing for this long writes an empty `samples` line: the file then
 * says the program was alive until then. A program killed with -9 writes no end line, and a
 * quiet one (deadlocked, waiting on a lost callback) wrote nothing after its last change:
 * read back, it lived 110 ms where it ran 9 s, and its deadlock was never found.
 */
const HEARTBEAT_MS = 1000;
/** A debugger that has not drained for this long (the slowest poll is 10 s) is gone: drain again. */
export const READER_GRACE_MS = 15_000;

type Fs = Pick<typeof import('node:fs'), 'appendFileSync' | 'writeFileSync' | 'statSync'>;

export class Recorder implements ExitWriter, HubTee {
  private src = '';
  private timer: unknown = undefined;
  private ended = false;
  private failed = false;
  /** The hub tees its drains to us (a hub without tee(): we drain on our own, as before). */
  private teed = false;
  /** Our own drain() is running: the batch the tee hands us is ours, not a debugger's. */
  private draining = false;
  /**
   * Ticks since a debugger's reader last drained or attached; it reads while this is within
   * graceTicks. Counted in ticks, not time, because a pause at a breakpoint stops both the
   * debugger's polls and our timer: the reader is not gone when the program resumes.
   */
  private quietTicks = Infinity;
  private readonly graceTicks: number;
  /** Lines teed from drains, written at the next tick (or flush). */
  private pending = '';
  /** Hub time a debugger stopped the program (its pause snapshot), until our next tick. */
  private pausedAt: number | undefined;
  /** Hub time of the last line written (HEARTBEAT_MS). */
  private writtenAt = now();

  constructor(
    private readonly hub: HubReaderApi,
    private readonly fs: Fs,
    private readonly path: string,
    private readonly intervalMs: number,
    /** Runs `fn` once in `ms` without keeping the program alive (tests pass their own). */
    private readonly later: (fn: () => void, ms: number) => unknown = unrefTimer,
  ) {
    this.graceTicks = Math.ceil(READER_GRACE_MS / Math.max(1, intervalMs));
  }

  /** Write the header (when first) and this realm's source line, then start flushing. */
  start(isMainThread: boolean): void {
    const attach = JSON.parse(this.hub.attach()) as Partial<SourceInfo> & { snapshot?: unknown; nextSeq?: unknown };
    const { snapshot, nextSeq: _nextSeq, ...info } = attach;
    this.src = sourceKey({ pid: Number(info.pid ?? 0), threadId: Number(info.threadId ?? 0) });
    const env = nodeEnv();
    const lines: RecordingLine[] = [];
    const header: RecordingLine = { type: 'qscope', v: RECORDING_VERSION, created: epochNow(), writer: 'hub', label: String(info.title ?? '') };
    if (isMainThread && env[SESSION_ENV] === undefined) {
      this.write(`${JSON.stringify(header)}\n`, true);
      env[SESSION_ENV] = this.src;
    } else if (this.isEmpty()) {
      lines.push(header);
    }
    lines.push({ type: 'source', src: this.src, info: info as SourceInfo, snapshot: snapshot as never });
    this.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''), false);
    try {
      this.teed = typeof this.hub.tee === 'function' && this.hub.tee(this) === true;
    } catch {
      this.teed = false;
    }
    this.schedule();
  }

  /** HubTee: a batch some drain produced. Never throws. */
  take(batch: string): void {
    if (!this.draining) this.quietTicks = 0;
    if (this.ended || this.failed) return;
    try {
      this.pending += this.lines(JSON.parse(batch) as DrainBatch);
    } catch {
      // a batch we cannot read is the recording's loss only
    }
  }

  /** HubTee: a debugger attached (its first drain is coming, and it expects the next seq). */
  readerSeen(): void {
    this.quietTicks = 0;
  }

  /**
   * HubTee: a debugger stopped the program (its pause snapshot, at hub time `t`). The pause
   * ends when our timer runs again: no JavaScript runs while the program is stopped, and a
   * step that stops again before a timer could run is still one pause.
   */
  paused(t: number): void {
    this.quietTicks = 0;
    if (this.pausedAt !== undefined || this.ended || this.failed) return;
    this.pausedAt = t;
    this.pending += `${JSON.stringify({ type: 'pause', src: this.src, t })}\n`;
  }

  /** Our timer ran: the program runs, so a pause marked since ended (at the latest) now. */
  private ranAgain(): void {
    if (this.pausedAt === undefined) return;
    this.pausedAt = undefined;
    this.pending += `${JSON.stringify({ type: 'resume', src: this.src, t: now() })}\n`;
  }

  /** Append everything the hub has now (what a debugger drained, else our own drains). Never throws. */
  flush(): void {
    if (this.failed) return;
    try {
      if (!this.teed || this.quietTicks > this.graceTicks) this.drainAll();
      let text = this.pending;
      this.pending = '';
      const t = now();
      if (text === '' && t - this.writtenAt >= HEARTBEAT_MS && !this.ended) text = `${JSON.stringify({ type: 'samples', src: this.src, t, rows: [] })}\n`;
      if (text !== '') {
        this.write(text, false);
        this.writtenAt = t;
      }
    } catch {
      // a broken hub must not break the program
    }
  }

  private drainAll(): void {
    for (let i = 0; i < MAX_DRAINS_PER_FLUSH; i++) {
      // Hubs that predate columnar drains ignore the option and answer one event a line,
      // which version 2 files may hold too.
      this.draining = true;
      let text: string;
      try {
        text = this.hub.drain(FLUSH_BYTES, { columns: true });
      } finally {
        this.draining = false;
      }
      const batch = JSON.parse(text) as DrainBatch;
      if (!this.teed) this.pending += this.lines(batch); // a teeing hub handed it to take() already
      if (batch.more !== true) break;
    }
  }

  private lines(batch: DrainBatch): string {
    let text = '';
    for (const ev of batch.events ?? []) text += `${JSON.stringify({ src: this.src, ...ev })}\n`;
    return text;
  }

  /**
   * Flush and write the end line, once. Whatever is left is drained now, debugger or not: the
   * exit tail, which gives a debugger its last moments, has run first (ExitHooks.add) and
   * its drains came through the tee, so what remains would reach no reader but this file.
   */
  end(reason: EndReason, detail: EndDetail = {}): void {
    if (this.ended) return;
    this.quietTicks = Infinity;
    this.ranAgain(); // exit hooks run JavaScript: a pause marked before is over
    this.flush();
    this.ended = true;
    this.write(`${JSON.stringify({ type: 'end', src: this.src, t: now(), reason, ...detail })}\n`, false);
  }

  private schedule(): void {
    if (this.ended || this.failed) return;
    this.timer = this.later(() => {
      this.timer = undefined;
      if (this.quietTicks < Infinity) this.quietTicks++;
      this.ranAgain();
      this.flush();
      this.schedule();
    }, this.intervalMs);
  }

  private isEmpty(): boolean {
    try {
      return this.fs.statSync(this.path).size === 0;
    } catch {
      return true;
    }
  }

  private write(text: string, truncate: boolean): void {
    if (this.failed || text === '') return;
    try {
      if (truncate) this.fs.writeFileSync(this.path, text);
      else this.fs.appendFileSync(this.path, text);
    } catch (err) {
      this.failed = true;
      try {
        nodeProcess()?.emitWarning?.(`QueueScope: cannot write the recording ${JSON.stringify(this.path)}: ${String((err as Error)?.message ?? err)}`);
      } catch {
        // nothing more we can do
      }
    }
  }
}

/** Start this realm's recorder for `path` (once per realm). Never throws. */
export function startRecorder(hub: HubReaderApi, path: string, intervalMs: number): void {
  const g = globalThis as { [RECORDER_KEY]?: Recorder };
  if (g[RECORDER_KEY] !== undefined) return;
  try {
    const fs = builtin<Fs>('node:fs');
    const hooks = exitHooks();
    if (fs === undefined || hooks === undefined) return;
    const wt = builtin<{ isMainThread?: boolean }>('node:worker_threads');
    const rec = new Recorder(hub, fs, path, intervalMs);
    g[RECORDER_KEY] = rec;
    rec.start(wt?.isMainThread !== false);
    hooks.add(rec);
  } catch {
    // recording is best effort; the program runs on
  }
}
