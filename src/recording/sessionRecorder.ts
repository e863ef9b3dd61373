// Keeps a full-fidelity recording of every live model session, so "Save Recording" can
// write everything that was seen, not just what the model still holds (the model folds
// old samples into coarser points to bound its memory).
//
// How: the recorder listens to QueueModel.onDidApplyInput, which announces each outermost
// call of the model's input entry points (openSession, attach, addSource, applyDrain,
// applyEvents, applySnapshot, setSourceState, endSession, removeSession) once it was applied,
// with its arguments and outcome; the model's calls to itself are not announced, so nothing
// is recorded twice. Each input is turned into recording lines and appended to the session's
// spool file on disk (NDJSON, the .qscope format; a drain's columnar events stay one line
// each, expanded by the reader), so memory stays flat however long the session runs.
// Replaying a spool through ModelFeed calls the same entry points with the same data,
// which is what makes record -> save -> open exact. The model only announces its inputs;
// all recording code is here.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ColumnarEvent, RecordingLine, RecordingSavedLine, Snapshot, SourceInfo, StoredLine, WireEvent } from '../protocol/wire';
import type { Disposable, ModelInput, QueueModel } from '../model';
import { makeHeader } from './format';
import { copyRecordingFile, type WriteOptions, type WriteResult } from './writer';

export interface RecorderOptions {
  /** Folder for spool files (created if missing). */
  dir: string;
  /** A session's spool stops growing past this size (default 1 GiB); a warning is logged. */
  maxBytes?: number;
  log?: (message: string) => void;
}

/** One session's spool: an append-only .qscope file. */
class Spool {
  bytes = 0;
  full = false;
  private readonly out: fs.WriteStream;
  private lastDropped = new Map<string, number>();
  /** Settles when the latest write reached the file. */
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly maxBytes: number,
    private readonly onFull: () => void,
  ) {
    // Opened synchronously: the file exists at once, and a folder we cannot write to
    // fails here (logged by the recorder) instead of later on the stream.
    this.out = fs.createWriteStream(file, { fd: fs.openSync(file, 'w') });
    this.out.on('error', () => undefined); // reported on flush()
  }

  write(lines: StoredLine[]): void {
    if (this.full || !lines.length) return;
    let text = '';
    for (const line of lines) text += JSON.stringify(line) + '\n';
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.maxBytes) {
      this.full = true;
      this.onFull();
      return;
    }
    this.bytes += size;
    this.lastWrite = new Promise((resolve, reject) => this.out.write(text, (err) => (err ? reject(err) : resolve())));
    this.lastWrite.catch(() => undefined); // reported by flush()
  }

  /** Drop count last recorded for a source (only increases are written). */
  droppedChanged(src: string, total: number): boolean {
    if (total <= (this.lastDropped.get(src) ?? 0)) return false;
    this.lastDropped.set(src, total);
    return true;
  }

  /** Resolves once everything written so far is in the file. */
  flush(): Promise<void> {
    return this.lastWrite; // writes complete in order
  }

  async close(remove: boolean): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (remove) await fs.promises.rm(this.file, { force: true });
  }
}

export class SessionRecorder {
  private readonly spools = new Map<string, Spool>();
  /** Sessions replayed from a file: saving them copies that file. */
  private readonly files = new Map<string, string>();
  private readonly subscription: Disposable;
  private readonly maxBytes: number;
  private readonly log: (message: string) => void;
  private seq = 0;

  constructor(
    private readonly model: QueueModel,
    private readonly options: RecorderOptions,
  ) {
    this.maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
    this.log = options.log ?? (() => undefined);
    fs.mkdirSync(options.dir, { recursive: true });
    this.subscription = model.onDidApplyInput((input) => {
      try {
        this.record(input);
      } catch (err) {
        this.log(`recording: ${String(err)}`); // recording must never break the live model
      }
    });
  }

  /** Whether `session` can be saved (it has a spool or comes from a file). */
  canSave(session: string): boolean {
    return this.spools.has(session) || this.files.has(session);
  }

  /** Remember that a replayed session came from `file`. */
  setSourceFile(session: string, file: string): void {
    this.files.set(session, file);
  }

  /**
   * Where the session's recording can be read right now: its spool (with the length
   * written so far, since the session may still be appending) or the file it came from.
   */
  async recordingFile(session: string): Promise<{ path: string; length?: number } | undefined> {
    const file = this.files.get(session);
    if (file) return { path: file };
    const spool = this.spools.get(session);
    if (!spool) return undefined;
    await spool.flush();
    return { path: spool.file, length: spool.bytes };
  }

  /** Writes the session's recording to `target` (atomic; gzip when large). */
  async save(session: string, target: string, options: WriteOptions = {}): Promise<WriteResult> {
    const file = this.files.get(session);
    if (file) return copyRecordingFile(file, target, options);
    const spool = this.spools.get(session);
    if (!spool) throw new Error(`Session ${session} has no recording.`);
    await spool.flush();
    // Only the bytes written so far: the session may still be adding lines. Saved while it
    // runs, the copy says so in its last line: its end is not the program's.
    const running = this.model.session(session)?.state !== 'ended';
    const trailer = running ? `${JSON.stringify({ type: 'saved', at: Date.now() } satisfies RecordingSavedLine)}\n` : undefined;
    return copyRecordingFile(spool.file, target, { ...options, length: spool.bytes, trailer });
  }

  /** Unhooks the model and deletes every spool file. */
  async dispose(): Promise<void> {
    this.subscription.dispose();
    const spools = [...this.spools.values()];
    this.spools.clear();
    await Promise.all(spools.map((s) => s.close(true)));
  }

  // -------------------------------------------------------------------------

  /** Turns one applied model input into lines of its session's spool. */
  private record(input: ModelInput): void {
    switch (input.kind) {
      case 'openSession':
        this.start(input.session, input.name, input.origin);
        break;
      case 'attach': {
        const { snapshot, nextSeq: _nextSeq, ...info } = input.info;
        this.source(input.session, input.source, info, snapshot);
        break;
      }
      case 'addSource':
        this.source(input.session, input.source, input.info, input.snapshot);
        break;
      case 'applyDrain': {
        if (!input.outcome.applied) return;
        const { session, source, batch } = input;
        // Columnar events as they came, one line each (format version 2): at 10,000 busy
        // queues, one line per expanded event was ~5x the bytes and ~8x the time or more.
        const lines = tagged(source, batch.compact ?? batch.events);
        const spool = this.spools.get(session);
        if (spool?.droppedChanged(source, batch.dropped)) lines.push({ type: 'dropped', src: source, t: batch.t, total: batch.dropped });
        spool?.write(lines);
        break;
      }
      case 'applyEvents':
        this.spools.get(input.session)?.write(tagged(input.source, input.events));
        break;
      case 'applySnapshot': {
        // A pause snapshot is recorded as the source announcing itself again with it, and the
        // pause itself as a line of its own, so that a replay stops the clock as live did.
        const src = this.model.source(input.session, input.source);
        if (!src) break;
        const lines: StoredLine[] = [{ type: 'source', src: src.key, info: src.info, snapshot: input.snapshot }];
        if (input.paused) lines.push({ type: 'pause', src: src.key, t: input.pausedAt ?? input.snapshot.t });
        this.spools.get(input.session)?.write(lines);
        break;
      }
      case 'setSourceState': {
        if (input.state === 'ended' && input.previous !== undefined && input.previous !== 'ended') this.end(input.session, [input.source]);
        const src = input.state === 'live' && input.previous === 'paused' ? this.model.source(input.session, input.source) : undefined;
        // Running again when the model learnt it (the debugger said so), in the realm's own clock.
        if (src) this.spools.get(input.session)?.write([{ type: 'resume', src: src.key, t: input.at - src.info.origin }]);
        break;
      }
      case 'endSession':
        this.end(input.session, input.ended);
        break;
      case 'removeSession': {
        const spool = this.spools.get(input.session);
        this.spools.delete(input.session);
        this.files.delete(input.session);
        void spool?.close(true);
        break;
      }
    }
  }

  private start(session: string, name: string, origin?: string): void {
    if (origin === 'recording' || this.spools.has(session)) return;
    const safe = session.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
    const file = path.join(this.options.dir, `${process.pid}-${++this.seq}-${safe}.qscope`);
    const spool = new Spool(file, this.maxBytes, () => this.log(`recording of "${name}" stopped at ${this.maxBytes} bytes (queuescope recording limit)`));
    spool.write([makeHeader('extension', name)]);
    this.spools.set(session, spool);
  }

  private source(session: string, key: string, info: SourceInfo, snapshot: Snapshot | undefined): void {
    const spool = this.spools.get(session);
    if (!spool && this.model.session(session)?.origin !== 'recording') {
      // addSource may open the session implicitly: start its spool now.
      const s = this.model.session(session);
      if (s) this.start(session, s.name, s.origin);
    }
    const line: RecordingLine = snapshot ? { type: 'source', src: key, info, snapshot } : { type: 'source', src: key, info };
    this.spools.get(session)?.write([line]);
  }

  private end(session: string, sources: string[]): void {
    const spool = this.spools.get(session);
    if (!spool) return;
    const lines: RecordingLine[] = [];
    for (const key of sources) {
      const src = this.model.source(session, key);
      if (src) lines.push({ type: 'end', src: key, t: src.lastSeen - src.info.origin, ...(src.end ?? { reason: 'ended' }) });
    }
    spool.write(lines);
  }
}

function tagged(src: string, events: readonly (WireEvent | ColumnarEvent)[]): StoredLine[] {
  return events.map((e) => ({ ...e, src }));
}
