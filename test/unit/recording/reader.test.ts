import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { RecordingLine } from '../../../src/protocol/wire';
import { RecordingError } from '../../../src/recording/format';
import { readRecording, readRecordingLines, type ReadProgress } from '../../../src/recording/reader';
import { syntheticRecording, tempDir, toNdjson } from './fixture';

describe('recording reader', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const write = (name: string, content: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const rejectsWith = async (file: string, code: string, message: RegExp): Promise<void> => {
    await assert.rejects(readRecordingLines(file), (err: unknown) => {
      assert.ok(err instanceof RecordingError, `expected a RecordingError, got ${String(err)}`);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    });
  };

  it('reads a plain file line for line, in order', async () => {
    const lines = syntheticRecording({ sources: 2, ticks: 30 });
    const { lines: read, result } = await readRecordingLines(write('a.qscope', toNdjson(lines)));
    assert.deepEqual(read, lines);
    assert.equal(result.lines, lines.length);
    assert.equal(result.gzip, false);
    assert.deepEqual(result.warnings, []);
  });

  it('reads a gzip file (detected by its magic bytes, whatever its name) to the same lines', async () => {
    const lines = syntheticRecording({ ticks: 30 });
    const { lines: read, result } = await readRecordingLines(write('plain-name.qscope', zlib.gzipSync(toNdjson(lines))));
    assert.equal(result.gzip, true);
    assert.deepEqual(read, lines);
  });

  it('keeps every whole line across chunk boundaries, including multi-byte UTF-8', async () => {
    // Names full of multi-byte characters, many ticks: lines straddle 256 KB chunks.
    const lines = syntheticRecording({ ticks: 4000, queues: 3, names: ['äöü-é', '队列', '🚀 rockets'] });
    const text = toNdjson(lines);
    assert.ok(Buffer.byteLength(text) > 600 * 1024, 'fixture must span several chunks');
    const { lines: read } = await readRecordingLines(write('big.qscope', text));
    assert.deepEqual(read, lines);
  });

  it('streams in batches with progress that ends at the file size', async () => {
    const lines = syntheticRecording({ ticks: 4000 });
    const file = write('p.qscope', toNdjson(lines));
    const progress: ReadProgress[] = [];
    let batches = 0;
    await readRecording(file, { onLines: () => void batches++, onProgress: (p) => progress.push(p) });
    assert.ok(batches > 1, 'a big file arrives in more than one batch');
    const size = fs.statSync(file).size;
    assert.equal(progress.at(-1)?.bytesRead, size);
    assert.equal(progress.at(-1)?.lines, lines.length);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytesRead >= progress[i - 1].bytesRead);
  });

  it('waits for an async sink before reading on (back-pressure)', async () => {
    const file = write('bp.qscope', toNdjson(syntheticRecording({ ticks: 4000 })));
    let inSink = false;
    await readRecording(file, {
      onLines: async () => {
        assert.equal(inSink, false, 'a batch arrived while the previous one was still being taken');
        inSink = true;
        await new Promise((r) => setImmediate(r));
        inSink = false;
      },
    });
  });

  it('keeps the whole lines of a file cut mid-line, with a warning that says so', async () => {
    const lines = syntheticRecording({ ticks: 20 });
    const text = toNdjson(lines);
    const cut = text.slice(0, text.length - 25); // the last line loses its end
    const { lines: read, result } = await readRecordingLines(write('cut.qscope', cut));
    assert.deepEqual(read, lines.slice(0, -1));
    assert.equal(result.truncated, true);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /ends mid-line/);
    assert.match(result.warnings[0], new RegExp(`kept ${lines.length - 1} whole lines`));
  });

  it('says "1 whole line", not "1 whole lines", for a file cut after its header', async () => {
    const header = JSON.stringify(syntheticRecording({ ticks: 1 })[0]);
    const { result } = await readRecordingLines(write('one.qscope', `${header}\n{"type":"source","src":"1:0","in`));
    assert.deepEqual(result.warnings, ['The file ends mid-line (the writer was probably interrupted); kept 1 whole line.']);
  });

  // A review: a file cut inside its header said "This is not a QueueScope recording".
  it('a file cut inside its header line says it was cut short, not that it is no recording; plain and gzip', async () => {
    const header = JSON.stringify(syntheticRecording({ ticks: 1 })[0]);
    for (const cut of [5, 12, 20, header.length - 3]) {
      const text = header.slice(0, cut);
      await rejectsWith(write(`cut${cut}.qscope`, text), 'empty', /cut short inside its first line \(its "qscope" header\), so it holds nothing to read/);
      await rejectsWith(write(`cut${cut}.gz.qscope`, zlib.gzipSync(text)), 'empty', /cut short inside its first line/);
    }
    // Not a prefix of a header: still not a recording.
    await rejectsWith(write('other.qscope', '{"type":"other","v":2'), 'not-recording', /not a QueueScope recording/);
    await rejectsWith(write('csv.qscope', 'name,depth'), 'not-recording', /not a QueueScope recording/);
  });

  it('keeps the whole lines of a gzip file cut short by a crash', async () => {
    const lines = syntheticRecording({ ticks: 400 });
    const gz = zlib.gzipSync(toNdjson(lines));
    const { lines: read, result } = await readRecordingLines(write('cut.qscope', gz.subarray(0, Math.floor(gz.length * 0.6))));
    assert.ok(read.length > 10 && read.length < lines.length, `kept ${read.length} of ${lines.length}`);
    assert.deepEqual(read, lines.slice(0, read.length));
    assert.equal(result.truncated, true);
  });

  it('accepts a last line that lacks only its newline, without a warning', async () => {
    const lines = syntheticRecording({ ticks: 5 });
    const { lines: read, result } = await readRecordingLines(write('nonl.qscope', toNdjson(lines).trimEnd()));
    assert.deepEqual(read, lines);
    assert.deepEqual(result.warnings, []);
  });

  it('skips corrupt lines with their line numbers and keeps the rest', async () => {
    const lines = syntheticRecording({ ticks: 10 });
    const texts = lines.map((l) => JSON.stringify(l));
    texts[3] = '{"type":"samples","src":"4000:0","t":1,"rows":[[1,2,3]]}'; // short row
    texts[5] = '{not json';
    texts[7] = '{"type":"wait","src":"4000:0","t":"soon","q":1,"w":9,"role":"put"}'; // t not a number
    const { lines: read, result } = await readRecordingLines(write('bad.qscope', texts.join('\n') + '\n'));
    const kept = lines.filter((_, i) => i !== 3 && i !== 5 && i !== 7);
    assert.deepEqual(read, kept);
    assert.equal(result.corruptCount, 3);
    assert.deepEqual(result.corrupt.map((p) => p.line), [4, 6, 8]);
    assert.match(result.warnings.join(' '), /Skipped 3 corrupt lines \(line 4: samples: row 0 .*line 6: invalid JSON.*line 8: wait: field "t" should be a number/);
  });

  it('skips lines of event types it does not know, quietly (forward compatibility)', async () => {
    const lines = syntheticRecording({ ticks: 3 });
    const texts = lines.map((l) => JSON.stringify(l));
    texts.splice(2, 0, '{"type":"futureThing","src":"4000:0","t":3}', '{"type":"fileLevelThing","note":"no src"}', '{"type":"toString"}');
    const { lines: read, result } = await readRecordingLines(write('future.qscope', texts.join('\n')));
    assert.deepEqual(read, lines);
    assert.equal(result.unknownLines, 3);
    assert.deepEqual(result.warnings, []);
  });

  it('refuses an empty file clearly', async () => {
    await rejectsWith(write('empty.qscope', ''), 'empty', /empty/);
    await rejectsWith(write('blank.qscope', '\n\n'), 'empty', /empty/);
  });

  it('refuses a file that is not a recording clearly', async () => {
    await rejectsWith(write('x.qscope', '{"hello":"world"}\n'), 'not-recording', /not a QueueScope recording/);
    await rejectsWith(write('y.qscope', 'name,depth\nq,1\n'), 'not-recording', /not a QueueScope recording/);
    // Binary without any newline: refused after a bounded look, not read to the end.
    await rejectsWith(write('z.bin', Buffer.alloc(3 * 1024 * 1024, 7)), 'not-recording', /not a QueueScope recording/);
    await rejectsWith(write('g.qscope', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), 'not-recording', /gzip data is damaged/);
  });

  it('damaged gzip data: the lines before the damage are kept with a warning; damage before the first line is "not a recording", not "empty"', async () => {
    const lines = syntheticRecording({ ticks: 400 });
    const gz = zlib.gzipSync(toNdjson(lines), { level: 1 });
    const flipped = Buffer.from(gz);
    flipped[Math.floor(gz.length * 0.6)] ^= 0xff;
    const { lines: read, result } = await readRecordingLines(write('flipped.qscope', flipped));
    assert.ok(read.length > 10 && read.length < lines.length, `kept ${read.length} of ${lines.length}`);
    assert.deepEqual(read, lines.slice(0, read.length), 'the lines kept are the first ones, unchanged');
    assert.equal(result.truncated, true);
    assert.match(result.warnings.join(' '), /The gzip data is damaged \(.+\); opened the \d+ whole lines read before zlib stopped\. Some of them may hold altered values/);
    await rejectsWith(write('garbage.qscope', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('garbage')])), 'not-recording', /not a (readable )?QueueScope recording/);
    await rejectsWith(write('cut.qscope', gz.subarray(0, 12)), 'not-recording', /gzip data holds no line \(empty, damaged, or cut before its first line\)/);
  });

  it('a small damaged gzip file (one read) keeps its lines before the damage, a flipped checksum too', async () => {
    const lines = syntheticRecording({ ticks: 30 });
    const gz = zlib.gzipSync(toNdjson(lines));
    assert.ok(gz.length < 16 * 1024, `${gz.length} bytes: one read`);
    const middle = Buffer.from(gz);
    middle[Math.floor(gz.length * 0.6)] ^= 0xff;
    const crc = Buffer.from(gz);
    crc[gz.length - 6] ^= 0xff; // the CRC-32 in the trailer: every line decodes intact
    for (const [name, file] of [['small-middle.qscope', middle], ['small-crc.qscope', crc]] as const) {
      const { lines: read, result } = await readRecordingLines(write(name, file));
      assert.ok(read.length > 3, `${name}: kept ${read.length} of ${lines.length}`);
      assert.deepEqual(read.slice(0, 3), lines.slice(0, 3), name);
      assert.equal(result.truncated, true);
      assert.match(result.warnings.join(' '), /The gzip data is damaged/);
    }
    // A damaged checksum: only what the last 64-byte piece of input held is missing, in a
    // file of one read and in one of several (whose first read decodes fine).
    const { lines: most } = await readRecordingLines(write('small-crc-again.qscope', crc));
    assert.ok(most.length >= lines.length - 10, `kept ${most.length} of ${lines.length}`);
    assert.deepEqual(most, lines.slice(0, most.length));
    const bigger = syntheticRecording({ ticks: 3000 });
    const gzBig = zlib.gzipSync(toNdjson(bigger), { level: 1 });
    assert.ok(gzBig.length > 64 * 1024 && gzBig.length < 1024 * 1024, `${gzBig.length} bytes`);
    gzBig[gzBig.length - 6] ^= 0xff;
    const { lines: nearly } = await readRecordingLines(write('bigger-crc.qscope', gzBig));
    assert.ok(nearly.length >= bigger.length - 10, `kept ${nearly.length} of ${bigger.length}`);
    assert.deepEqual(nearly, bigger.slice(0, nearly.length), 'each line once, in order: the ones read before the retry are not read twice');
  });

  it('a damaged gzip file is decoded again as it is read, not held whole (a 1 MB file decodes to hundreds of MB)', async function () {
    this.timeout(60_000);
    const file = path.join(dir, 'bomb.qscope');
    const header = JSON.stringify(syntheticRecording({ ticks: 1 })[0]);
    const line = Buffer.from('{"type":"pause","src":"4000:0","t":1}\n'.repeat(2048));
    const gz = zlib.createGzip({ level: 9 });
    const done = new Promise<void>((resolve, reject) => gz.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject));
    gz.write(`${header}\n`);
    const copies = 4000; // ~310 MB of lines
    for (let i = 0; i < copies; i++) if (!gz.write(line)) await new Promise((r) => gz.once('drain', r));
    gz.end();
    await done;
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length < 1024 * 1024, `${bytes.length} bytes: decoded again`);
    bytes[bytes.length - 6] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const before = process.memoryUsage().rss;
    let peak = before;
    let lines = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const result = await readRecording(file, { onLines: (batch) => void (lines += batch.length) }).finally(() => clearInterval(sample));
    assert.ok(lines > 0.99 * copies * 2048, `${lines} lines`);
    assert.match(result.warnings.join(' '), /gzip data is damaged/);
    assert.ok(peak - before < 200 * 1024 * 1024, `memory grew by ${Math.round((peak - before) / 1048576)} MB`);
  });

  it('refuses an unknown format version with the version numbers in the message', async () => {
    const text = '{"type":"qscope","v":7,"created":1,"writer":"hub"}\n{"type":"end","src":"1:0","t":1,"reason":"exit"}\n';
    await rejectsWith(write('v7.qscope', text), 'version', /format version 7; this QueueScope reads versions 1 to 2\. Update QueueScope/);
    await rejectsWith(write('v0.qscope', text.replace('"v":7', '"v":0')), 'version', /format version 0; this QueueScope reads versions 1 to 2\.$/);
  });

  it('expands a columnar line into the lines it stands for, in place; a malformed one is corrupt and the rest kept', async () => {
    const head = '{"type":"qscope","v":2,"created":1,"writer":"extension"}';
    const queue = '{"type":"queue","src":"1:0","t":1,"q":3,"name":"a","kind":"fifo","maxsize":0,"size":0}';
    const samples = '{"type":"sampleCols","src":"1:0","t":2,"q":[3,4],"depth":[1,0],"min":[0,0],"max":[2,1],"puts":[5,1],"gets":[4,1]}';
    const counters =
      '{"type":"counterCols","src":"1:0","t":2,"q":[3,4],"puts":[5,1],"gets":[4,1],"blockedPuts":[0,0],"waitedGets":[2,1],"timeouts":[0,0],"aborts":[0,0],' +
      '"highWater":[2,1],"dropped":[0,0],"unfinished":[1,0],"blocked":[0,0],"waiting":[0,1],"sampled":[0,0],"running":[1,-1]}';
    const ragged = '{"type":"counterCols","src":"1:0","t":3,"q":[3,4],"puts":[5]}';
    const end = '{"type":"end","src":"1:0","t":4,"reason":"exit"}';
    const { lines, result } = await readRecordingLines(write('cols.qscope', [head, queue, samples, counters, ragged, end].join('\n') + '\n'));
    assert.deepEqual(
      lines.map((l) => l.type),
      ['qscope', 'queue', 'samples', 'counters', 'counters', 'end'],
    );
    assert.deepEqual(lines[2], { type: 'samples', t: 2, rows: [[3, 1, 0, 2, 5, 4], [4, 0, 0, 1, 1, 1]], src: '1:0' });
    assert.deepEqual(lines[3], {
      type: 'counters', t: 2, q: 3, src: '1:0',
      c: { puts: 5, gets: 4, blockedPuts: 0, waitedGets: 2, timeouts: 0, aborts: 0, highWater: 2, dropped: 0, running: 1 },
      unfinished: 1, blocked: 0, waiting: 0, sampled: 0,
    });
    assert.equal(lines[4].type === 'counters' && lines[4].q === 4 && lines[4].waiting === 1 && !('running' in lines[4].c), true);
    assert.equal(result.corruptCount, 1);
    assert.deepEqual(result.corrupt, [{ line: 5, reason: 'counterCols: columns should be arrays of numbers, all of one length' }]);
    assert.equal(result.lines, 5, 'file lines accepted, the header included');
  });

  it('refuses a missing file with its path', async () => {
    await rejectsWith(path.join(dir, 'nope.qscope'), 'io', /No such file: .*nope\.qscope/);
  });

  it('stops when cancelled', async () => {
    const file = write('c.qscope', toNdjson(syntheticRecording({ ticks: 4000 })));
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      readRecording(file, {
        signal: controller.signal,
        onLines: (batch: RecordingLine[]) => {
          seen += batch.length;
          controller.abort();
        },
      }),
      (err: unknown) => err instanceof RecordingError && err.code === 'cancelled',
    );
    assert.ok(seen > 0);
  });

  it('drops a line longer than the limit as corrupt and keeps the others', async () => {
    const lines = syntheticRecording({ ticks: 3 });
    const texts = lines.map((l) => JSON.stringify(l));
    texts.splice(2, 0, JSON.stringify({ type: 'dropped', src: '4000:0', t: 1, total: 1, pad: 'x'.repeat(5000) }));
    const { lines: read, result } = await readRecording(write('long.qscope', texts.join('\n') + '\n'), { onLines: () => undefined, maxLineBytes: 4096 }).then(
      async (r) => ({ result: r, lines: (await readRecordingLines(path.join(dir, 'long.qscope'))).lines }),
    );
    assert.equal(result.corruptCount, 1);
    assert.deepEqual(result.corrupt[0], { line: 3, reason: 'longer than 4096 bytes' });
    assert.equal(read.length, lines.length + 1, 'the default limit accepts it');
  });
});
