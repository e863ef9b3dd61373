// Writes a recording (header + lines) as NDJSON, gzip-compressed once it is larger than
// GZIP_THRESHOLD_BYTES. The file appears atomically: everything goes to a temporary file
// in the same folder, which is flushed to disk and then renamed over the target, so a
// reader (or a crash) never sees half a recording under the real name.
// Memory stays bounded: at most the threshold's worth of lines is held to decide on
// compression; after that lines stream through with back-pressure.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { RecordingHeader, RecordingLine } from '../protocol/wire';
import { GZIP_MAGIC, GZIP_THRESHOLD_BYTES } from './format';

export interface WriteOptions {
  /** true: always gzip; false: never; 'auto' (default): gzip when larger than the threshold. */
  gzip?: boolean | 'auto';
  gzipThresholdBytes?: number;
  signal?: AbortSignal;
}

export interface WriteResult {
  path: string;
  lines: number;
  /** Uncompressed NDJSON size. */
  textBytes: number;
  /** Size on disk. */
  fileBytes: number;
  gzip: boolean;
}

/** Text handed to the file stream per write. */
const CHUNK_CHARS = 64 * 1024;

type LineSource = Iterable<RecordingLine> | AsyncIterable<RecordingLine>;

/** Writes `header` then every line of `body` to `target`, atomically. */
export async function writeRecording(target: string, header: RecordingHeader, body: LineSource, options: WriteOptions = {}): Promise<WriteResult> {
  const threshold = options.gzipThresholdBytes ?? GZIP_THRESHOLD_BYTES;
  const lines = toAsyncIterator(body);
  let count = 1;
  let textBytes = 0;
  const encode = (line: RecordingLine): string => {
    const text = JSON.stringify(line) + '\n';
    textBytes += Buffer.byteLength(text);
    return text;
  };

  // Look ahead up to the threshold to decide on compression without holding more.
  const head: string[] = [encode(header)];
  let exhausted = false;
  if (options.gzip === 'auto' || options.gzip === undefined) {
    while (textBytes <= threshold) {
      const next = await lines.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      head.push(encode(next.value));
      count++;
    }
  }
  const gzip = options.gzip === true || ((options.gzip === 'auto' || options.gzip === undefined) && !exhausted);

  // Lines are joined into chunks of about CHUNK_CHARS: one stream write per line is slow.
  async function* text(): AsyncGenerator<string> {
    let chunk = head.join('');
    head.length = 0;
    if (!exhausted) {
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        count++;
        chunk += encode(next.value);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
    if (chunk) yield chunk;
  }

  const size = await writeAtomically(target, Readable.from(text(), { objectMode: false }), gzip, options.signal);
  return { path: target, lines: count, textBytes, fileBytes: size, gzip };
}

/**
 * Streams `input` (gzip-compressed when asked) into a temporary file beside `target`,
 * flushes it to disk and renames it over `target`; on any failure the temporary file is
 * removed and `target` is untouched. Returns the size written.
 */
async function writeAtomically(target: string, input: Readable, gzip: boolean, signal: AbortSignal | undefined): Promise<number> {
  const temp = tempPathFor(target);
  const out = fs.createWriteStream(temp, { flags: 'wx' });
  try {
    if (gzip) await pipeline(input, zlib.createGzip(), out, { signal });
    else await pipeline(input, out, { signal });
    await fsyncFile(temp);
    await fs.promises.rename(temp, target);
  } catch (err) {
    input.destroy();
    out.destroy();
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  return (await fs.promises.stat(target)).size;
}

/**
 * Saves an NDJSON recording that already exists as a file (a session's spool, or an opened
 * recording) under `target`: the first `length` bytes (default: all), gzip-compressed when
 * larger than the threshold unless already compressed, written atomically.
 */
export async function copyRecordingFile(source: string, target: string, options: WriteOptions & { length?: number; trailer?: string } = {}): Promise<WriteResult> {
  const threshold = options.gzipThresholdBytes ?? GZIP_THRESHOLD_BYTES;
  const length = options.length ?? (await fs.promises.stat(source)).size;
  if (length <= 0) throw new Error(`Nothing to save: ${source} is empty.`);
  const alreadyGzip = await startsWithGzipMagic(source);
  if (alreadyGzip && options.trailer !== undefined) throw new Error('copyRecordingFile: a trailer goes after plain text only');
  const gzip = !alreadyGzip && (options.gzip === true || ((options.gzip === 'auto' || options.gzip === undefined) && length > threshold));
  const body = fs.createReadStream(source, { start: 0, end: length - 1 });
  const trailer = options.trailer;
  const input =
    trailer === undefined
      ? body
      : Readable.from(
          (async function* (): AsyncGenerator<Buffer> {
            yield* body;
            yield Buffer.from(trailer);
          })(),
        );
  const size = await writeAtomically(target, input, gzip, options.signal);
  return { path: target, lines: -1, textBytes: alreadyGzip ? -1 : length, fileBytes: size, gzip: gzip || alreadyGzip };
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** A temporary name next to `target` (same folder, so the final rename is atomic). */
export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${rand}.tmp`);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function toAsyncIterator(source: LineSource): AsyncIterator<RecordingLine> | Iterator<RecordingLine> {
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<RecordingLine>)[Symbol.asyncIterator]();
  return (source as Iterable<RecordingLine>)[Symbol.iterator]();
}
