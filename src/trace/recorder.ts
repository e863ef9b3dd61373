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

import { DEFAULT_DRAIN_BYTES, type HubReaderApi } from '../protocol/hub';
import { RECORDING_VERSION, sourceKey, type DrainBatch, type RecordingLine, type SourceInfo } from '../protocol/wire';
import { now } from './clock';
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

type Fs = Pick<typeof import('node:fs'), 'appendFileSync' | 'writeFileSync' | 'statSync'>;

export class Recorder implements ExitWriter {
  private src = '';
  private timer: unknown = undefined;
  private ended = false;
  private failed = false;

  constructor(
    private readonly hub: HubReaderApi,
    private readonly fs: Fs,
    private readonly path: string,
    private readonly intervalMs: number,
  ) {}

  /** Write the header (when first) and this realm's source line, then start flushing. */
  start(isMainThread: boolean): void {
    const attach = JSON.parse(this.hub.attach()) as Partial<SourceInfo> & { snapshot?: unknown; nextSeq?: unknown };
    const { snapshot, nextSeq: _nextSeq, ...info } = attach;
    this.src = sourceKey({ pid: Number(info.pid ?? 0), threadId: Number(info.threadId ?? 0) });
    const env = nodeEnv();
    const lines: RecordingLine[] = [];
    const header: RecordingLine = { type: 'qscope', v: RECORDING_VERSION, created: Date.now(), writer: 'hub', label: String(info.title ?? '') };
    if (isMainThread && env[SESSION_ENV] === undefined) {
      this.write(`${JSON.stringify(header)}\n`, true);
      env[SESSION_ENV] = this.src;
    } else if (this.isEmpty()) {
      lines.push(header);
    }
    lines.push({ type: 'source', src: this.src, info: info as SourceInfo, snapshot: snapshot as never });
    this.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''), false);
    this.schedule();
  }

  /** Append everything the hub has now. Never throws. */
  flush(): void {
    if (this.failed) return;
    try {
      let text = '';
      for (let i = 0; i < MAX_DRAINS_PER_FLUSH; i++) {
        // Hubs that predate columnar drains ignore the option and answer one event a line,
        // which version 2 files may hold too.
        const batch = JSON.parse(this.hub.drain(FLUSH_BYTES, { columns: true })) as DrainBatch;
        for (const ev of batch.events ?? []) text += `${JSON.stringify({ src: this.src, ...ev })}\n`;
        if (batch.more !== true) break;
      }
      if (text !== '') this.write(text, false);
    } catch {
      // a broken hub must not break the program
    }
  }

  /** Flush and write the end line, once. */
  end(reason: EndReason, detail: EndDetail = {}): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.write(`${JSON.stringify({ type: 'end', src: this.src, t: now(), reason, ...detail })}\n`, false);
  }

  private schedule(): void {
    if (this.ended || this.failed) return;
    this.timer = unrefTimer(() => {
      this.timer = undefined;
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
