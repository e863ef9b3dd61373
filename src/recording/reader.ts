// Streaming reader of .qscope files: file stream -> gunzip (when the file starts with the
// gzip magic bytes) -> line splitter -> JSON parse + validation -> the caller's sink, one
// batch of lines per chunk. Memory stays bounded whatever the file size: nothing holds
// more than one chunk plus one partial line, and the next chunk is only read once the
// sink has taken the previous batch (the async iterator gives us back-pressure).

import * as fs from 'node:fs';
import { pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import type { RecordingHeader, RecordingLine } from '../protocol/wire';
import { GZIP_MAGIC, MAX_LINE_BYTES, RecordingError } from './format';
import { LineSplitter } from './lineSplitter';
import { RecordingParser, type LineProblem } from './parser';

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 64 * 1024;

/** Compressed bytes per piece when a damaged gzip file is decoded again (see decodeUntilDamage). */
const RETRY_PIECE_BYTES = 64;
/** Damaged gzip files up to this size are decoded again that way; bigger ones keep what the stream gave. */
const RETRY_FILE_LIMIT = 1024 * 1024;

/** Longest stretch of reading without giving the event loop a turn. */
const YIELD_EVERY_MS = 8;

/** A file whose first this-many decoded bytes hold no header line is not a recording. */
const HEADER_SNIFF_BYTES = 1024 * 1024;

export interface ReadProgress {
  /** Bytes read from the file so far (compressed bytes for a gzip file). */
  bytesRead: number;
  totalBytes: number;
  /** Lines accepted so far. */
  lines: number;
}

export interface ReadOptions {
  /** Receives each batch of validated lines in file order; may return a promise (back-pressure). */
  onLines: (lines: RecordingLine[]) => void | Promise<void>;
  onProgress?: (progress: ReadProgress) => void;
  signal?: AbortSignal;
  /** Longest line accepted (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Read only the first `length` bytes (a spool file another writer is still appending to). */
  length?: number;
}

export interface ReadResult {
  header: RecordingHeader;
  gzip: boolean;
  totalBytes: number;
  /** Lines accepted (the header included). */
  lines: number;
  /** True when the file ended inside a line (a writer that crashed); that piece was dropped. */
  truncated: boolean;
  /** Lines skipped as corrupt (the first few, with their line numbers) and their total. */
  corrupt: LineProblem[];
  corruptCount: number;
  /** Lines of an event type this version does not know (skipped). */
  unknownLines: number;
  /** Human-readable warnings, empty when the file was perfect. */
  warnings: string[];
}

/** Reads a recording file, streaming its lines into `options.onLines`. Throws RecordingError. */
export async function readRecording(path: string, options: ReadOptions): Promise<ReadResult> {
  const probed = await probeFile(path);
  const gzip = probed.gzip;
  const totalBytes = options.length === undefined ? probed.totalBytes : Math.min(options.length, probed.totalBytes);
  if (totalBytes === 0) throw new RecordingError('empty', 'The recording is empty (0 bytes).');

  // Plain files are read into one reused buffer: a stream would allocate a fresh buffer per
  // chunk, and those pile up until a full GC (measured: RSS spikes to 250 MB on 200 MB).
  // Gzip files go through zlib's stream, whose output chunks are small and short-lived.
  const position = { bytesRead: 0 };
  let file: fs.ReadStream | undefined;
  let source: AsyncIterable<Buffer>;
  const gunzipFrom = (inputBytes: number): AsyncIterable<Buffer> => {
    file = fs.createReadStream(path, { highWaterMark: inputBytes, end: totalBytes - 1 });
    const counted = file;
    counted.on('data', (chunk: Buffer | string) => (position.bytesRead += chunk.length));
    // Z_SYNC_FLUSH at the end: a gzip file cut short by a crash yields what it holds
    // instead of an "unexpected end of file" error, so the whole lines are kept.
    return pipeline(counted, zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: CHUNK_BYTES }), () => undefined);
  };
  source = gzip ? gunzipFrom(CHUNK_BYTES) : readChunks(path, totalBytes, position);

  let splitter = new LineSplitter(options.maxLineBytes ?? MAX_LINE_BYTES);
  let parser = new RecordingParser();
  let decodedBytes = 0;
  let truncated = false;
  /** zlib's error, when the gzip data broke off after the header. */
  let damaged: string | undefined;
  /** zlib's error in the decode-again of a damaged file (decodeUntilDamage). */
  const retry: { error?: Error } = {};

  /** Lines the sink has; a decode-again skips as many (it parses the same lines again first). */
  let delivered = 0;
  let skip = 0;
  const deliver = async (batch: RecordingLine[]): Promise<void> => {
    if (skip > 0) {
      const dropped = Math.min(skip, batch.length);
      skip -= dropped;
      batch = batch.slice(dropped);
    }
    if (batch.length === 0) return;
    delivered += batch.length;
    await options.onLines(batch);
  };
  const checkCancelled = (): void => {
    if (options.signal?.aborted) throw new RecordingError('cancelled', 'Reading the recording was cancelled.');
  };

  // Chunks the stream already holds arrive as microtasks, without a turn of the event loop
  // in between: yield one now and then so a big file never starves the host's other work.
  let lastYield = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await readAll();
    } catch (err) {
      file?.destroy();
      if (gzip && isZlibError(err) && attempt === 0 && totalBytes <= RETRY_FILE_LIMIT) {
        // zlib drops what it decoded in the call that met the damage (up to 64 KB of output),
        // and the stream drops what it decoded before but was not read yet: a small file
        // damaged anywhere, even in its checksum, was refused whole or lost 40% of its lines.
        // Decode it again in small pieces, keeping every piece's output, so nearly all that
        // precedes the damage is read; the lines the sink already has are skipped.
        source = decodeUntilDamage(path, totalBytes, retry);
        splitter = new LineSplitter(options.maxLineBytes ?? MAX_LINE_BYTES);
        parser = new RecordingParser();
        decodedBytes = 0;
        skip = delivered;
        continue;
      }
      // Damaged gzip data after the header (a flipped byte in a copy): the lines decoded so far
      // are kept, as for a file cut short, instead of refusing the whole recording.
      if (!(gzip && parser.account.header && isZlibError(err))) throw asRecordingError(err, path);
      damaged = (err as Error).message;
    }
    break;
  }
  // The decoded-again output ends where zlib stopped: its error, unless the first line itself
  // was lost in the damage.
  if (retry.error !== undefined) {
    if (!parser.account.header) throw asRecordingError(retry.error, path);
    damaged = retry.error.message;
  }

  async function readAll(): Promise<void> {
    checkCancelled();
    for await (const chunk of source as AsyncIterable<Buffer>) {
      checkCancelled();
      decodedBytes += chunk.length;
      const batch: RecordingLine[] = [];
      for (const line of splitter.push(chunk)) parser.accept(line, batch);
      if (!parser.account.header && (decodedBytes > HEADER_SNIFF_BYTES || splitter.oversizedLines.length)) {
        throw notRecording();
      }
      await deliver(batch);
      options.onProgress?.({ bytesRead: position.bytesRead, totalBytes, lines: parser.account.lines });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  const rest = splitter.finish();
  if (rest && rest.text.trim() !== '') {
    // A last line without its newline is kept when it is whole JSON (some writers omit the
    // final newline); JSON cut short is the piece an interrupted writer left behind.
    if (!parser.sawAnyLine && !parsesAsJson(rest.text) && isCutHeader(rest.text)) {
      // The file ends inside its header line: a recording cut short as it started, not some
      // other file (it said "This is not a QueueScope recording" until 2026-12-05).
      throw new RecordingError('empty', 'The recording was cut short inside its first line (its "qscope" header), so it holds nothing to read: the program was probably killed as it started, or the file was copied while it was being written.');
    }
    if (parsesAsJson(rest.text) || !parser.account.header) {
      const last: RecordingLine[] = [];
      parser.accept(rest, last);
      await deliver(last);
    } else {
      truncated = true;
    }
  }
  for (const no of splitter.oversizedLines) parser.corrupt(no, `longer than ${options.maxLineBytes ?? MAX_LINE_BYTES} bytes`);

  const account = parser.account;
  if (!account.header) {
    if (parser.sawAnyLine) throw notRecording();
    // A gzip stream that yields nothing is damaged or cut before its first line, not empty.
    if (gzip) throw new RecordingError('not-recording', 'This is not a readable QueueScope recording: its gzip data holds no line (empty, damaged, or cut before its first line).');
    throw new RecordingError('empty', 'The recording is empty (it holds no lines).');
  }
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, lines: account.lines });

  const warnings: string[] = [];
  // zlib often finds damage only at the checksum at the end: lines decoded before it may
  // hold altered values, and the last ones decoded may be missing. Said as it is.
  const wholeLines = `${account.lines} whole line${account.lines === 1 ? '' : 's'}`;
  if (damaged !== undefined) warnings.push(`The gzip data is damaged (${damaged}); opened the ${wholeLines} read before zlib stopped. Some of them may hold altered values, and lines after them are missing.`);
  else if (truncated) warnings.push(`The file ends mid-line (the writer was probably interrupted); kept ${wholeLines}.`);
  if (account.corruptCount) {
    const shown = account.corrupt.map((p) => `line ${p.line}: ${p.reason}`).join('; ');
    const more = account.corruptCount > account.corrupt.length ? `; and ${account.corruptCount - account.corrupt.length} more` : '';
    warnings.push(`Skipped ${account.corruptCount} corrupt line${account.corruptCount === 1 ? '' : 's'} (${shown}${more}); kept the rest.`);
  }
  return {
    header: account.header,
    gzip,
    totalBytes,
    lines: account.lines,
    truncated: truncated || damaged !== undefined,
    corrupt: account.corrupt,
    corruptCount: account.corruptCount,
    unknownLines: account.unknownLines,
    warnings,
  };
}

/** Collects every line of a (small) recording in memory: for tests and tools, not for big files. */
export async function readRecordingLines(path: string, signal?: AbortSignal): Promise<{ lines: RecordingLine[]; result: ReadResult }> {
  const lines: RecordingLine[] = [];
  const result = await readRecording(path, { onLines: (batch) => void lines.push(...batch), signal });
  return { lines, result };
}

/**
 * The first `limit` bytes of a gzip file decoded RETRY_PIECE_BYTES at a time, each piece's
 * output passed on as it comes ('data' events), until zlib stops at the damage: a stream
 * read with `for await` drops what it decoded but was not yet read when it errs. A
 * generator, so the reader parses as it goes (a 1 MB file can decode to a gigabyte: held
 * whole, it took 1.2 GB of memory) and the next piece is only decoded once asked for.
 * zlib's error goes to `damage.error`.
 */
async function* decodeUntilDamage(path: string, limit: number, damage: { error?: Error }): AsyncGenerator<Buffer> {
  const input = Buffer.alloc(limit);
  const handle = await fs.promises.open(path, 'r');
  let got: number;
  try {
    got = (await handle.read(input, 0, limit, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  let out: Buffer[] = [];
  const gunzip = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: CHUNK_BYTES });
  gunzip.on('data', (chunk: Buffer) => out.push(chunk));
  // A write that meets the damage may never call back: the error wakes the loop instead.
  let wake: (() => void) | undefined;
  gunzip.on('error', (err: Error) => {
    damage.error ??= err;
    wake?.();
  });
  try {
    for (let at = 0; at < got && damage.error === undefined; at += RETRY_PIECE_BYTES) {
      const piece = input.subarray(at, Math.min(got, at + RETRY_PIECE_BYTES));
      await new Promise<void>((resolve) => {
        wake = resolve;
        gunzip.write(piece, () => resolve());
      });
      const ready = out;
      out = [];
      yield* ready;
    }
  } finally {
    gunzip.destroy();
  }
}

/**
 * The first `total` bytes of a file, CHUNK_BYTES at a time, always in the same buffer: the
 * consumer must be done with a chunk (copy what it keeps) before asking for the next.
 */
async function* readChunks(path: string, total: number, position: { bytesRead: number }): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    while (position.bytesRead < total) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, total - position.bytesRead), position.bytesRead);
      if (bytesRead === 0) break; // the file shrank
      position.bytesRead += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function probeFile(path: string): Promise<{ totalBytes: number; gzip: boolean }> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new RecordingError('io', `${path} is a folder, not a recording.`);
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return { totalBytes: stat.size, gzip: bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1] };
  } catch (err) {
    throw asRecordingError(err, path);
  } finally {
    await handle?.close();
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `text` (a last line that is not whole JSON) is the start of a header line: a prefix
 * of `{"type":"qscope"`, or that and more (every writer puts `type` first).
 */
function isCutHeader(text: string): boolean {
  const t = text.trim();
  const start = '{"type":"qscope"';
  return t.length > 0 && (start.startsWith(t) || /^\{\s*"type"\s*:\s*"qscope"/.test(t));
}

function notRecording(): RecordingError {
  return new RecordingError('not-recording', 'This is not a QueueScope recording: its first line is not a "qscope" header.');
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function asRecordingError(err: unknown, path: string): RecordingError {
  if (err instanceof RecordingError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new RecordingError('io', `No such file: ${path}`);
  if (e?.code === 'EISDIR') return new RecordingError('io', `${path} is a folder, not a recording.`);
  if (isZlibError(err)) {
    return new RecordingError('not-recording', `The recording is compressed but its gzip data is damaged (${e.message}).`);
  }
  return new RecordingError('io', `Could not read ${path}: ${e?.message ?? String(err)}`);
}
