// Keeps a full-fidelity recording of every live model session, so "Save Recording" can
// write everything that was seen, not just what the model still holds (the model folds
// old samples into coarser points to bound its memory).
//
// How: the recorder taps the model's input entry points (openSession, attach, addSource,
// applyDrain, applyEvents, applySnapshot, setSourceState, endSession, removeSession). Each
// outermost call is turned into recording lines after the model applied it and appended
// to the session's spool file on disk (NDJSON, the .qscope format), so memory stays flat
// however long the session runs. Replaying a spool through ModelFeed calls the same entry
// points with the same data, which is what makes record -> save -> open exact.
//
// The tap wraps the methods of the model *instance*; calls the model makes to itself
// (attach -> addSource, endSession -> setSourceState) are not recorded twice.
// A hook in the model itself would be tidier; this keeps the model free of recording code.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttachInfo, DrainBatch, RecordingLine, Snapshot, SourceInfo, WireEvent } from '../protocol/wire';
import type { QueueModel } from '../model';
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
    // fails here (logged by the tap) instead of later on the stream.
    this.out = fs.createWriteStream(file, { fd: fs.openSync(file, 'w') });
    this.out.on('error', () => undefined); // reported on flush()
  }

  write(lines: RecordingLine[]): void {
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

type Method = 'openSession' | 'attach' | 'addSource' | 'applyDrain' | 'applyEvents' | 'applySnapshot' | 'setSourceState' | 'endSession' | 'removeSession';

export class SessionRecorder {
  private readonly spools = new Map<string, Spool>();
  /** Sessions replayed from a file: saving them copies that file. */
  private readonly files = new Map<string, string>();
  private readonly restore: (() => void)[] = [];
  private depth = 0;
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
    this.install();
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
    // Only the bytes written so far: the session may still be adding lines.
    return copyRecordingFile(spool.file, target, { ...options, length: spool.bytes });
  }

  /** Unhooks the model and deletes every spool file. */
  async dispose(): Promise<void> {
    for (const undo of this.restore.splice(0)) undo();
    const spools = [...this.spools.values()];
    this.spools.clear();
    await Promise.all(spools.map((s) => s.close(true)));
  }

  // -------------------------------------------------------------------------

  private install(): void {
    const model = this.model as unknown as Record<Method, (...args: unknown[]) => unknown>;
    const tap = (name: Method, record: (args: unknown[], result: unknown, before: unknown) => void, prepare?: (args: unknown[]) => unknown): void => {
      const original = model[name];
      model[name] = (...args: unknown[]): unknown => {
        if (this.depth > 0) return original.apply(this.model, args);
        const before = prepare?.(args);
        this.depth++;
        let result: unknown;
        try {
          result = original.apply(this.model, args);
        } finally {
          this.depth--;
        }
        try {
          record(args, result, before);
        } catch (err) {
          this.log(`recording: ${String(err)}`); // recording must never break the live model
        }
        return result;
      };
      this.restore.push(() => {
        model[name] = original;
      });
    };

    tap('openSession', ([id, name, origin]) => this.start(id as string, name as string, origin as string | undefined));
    tap('attach', ([session, info], key) => {
      const { snapshot, nextSeq: _nextSeq, ...sourceInfo } = info as AttachInfo;
      this.source(session as string, key as string, sourceInfo, snapshot);
    });
    tap('addSource', ([session, info, snapshot], key) => this.source(session as string, key as string, info as SourceInfo, snapshot as Snapshot | undefined));
    tap('applyDrain', ([session, source, batch], outcome) => {
      const b = batch as DrainBatch;
      if (!(outcome as { applied?: boolean } | undefined)?.applied) return;
      const lines = tagged(source as string, b.events);
      const spool = this.spools.get(session as string);
      if (spool?.droppedChanged(source as string, b.dropped)) lines.push({ type: 'dropped', src: source as string, t: b.t, total: b.dropped });
      spool?.write(lines);
    });
    tap('applyEvents', ([session, source, events]) => this.spools.get(session as string)?.write(tagged(source as string, events as WireEvent[])));
    tap('applySnapshot', ([session, source, snap]) => {
      // A pause snapshot is recorded as the source announcing itself again with it.
      const src = this.model.source(session as string, source as string);
      if (src) this.spools.get(session as string)?.write([{ type: 'source', src: src.key, info: src.info, snapshot: snap as Snapshot }]);
    });
    tap(
      'setSourceState',
      ([session, source, state], _r, wasEnded) => {
        if (state === 'ended' && wasEnded === false) this.end(session as string, [source as string]);
      },
      ([session, source]) => (this.model.source(session as string, source as string)?.state ?? 'ended') === 'ended',
    );
    tap(
      'endSession',
      ([session], _r, live) => this.end(session as string, live as string[]),
      ([session]) => [...(this.model.session(session as string)?.sources.values() ?? [])].filter((s) => s.state !== 'ended').map((s) => s.key),
    );
    tap('removeSession', ([session]) => {
      const spool = this.spools.get(session as string);
      this.spools.delete(session as string);
      this.files.delete(session as string);
      void spool?.close(true);
    });
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
      if (src) lines.push({ type: 'end', src: key, t: src.lastSeen - src.info.origin, reason: 'ended' });
    }
    spool.write(lines);
  }
}

function tagged(src: string, events: readonly WireEvent[]): RecordingLine[] {
  return events.map((e) => ({ ...e, src }));
}
