import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordingLine } from '../../../src/protocol/wire';
import { makeHeader } from '../../../src/recording/format';
import { readRecordingLines } from '../../../src/recording/reader';
import { writeRecording } from '../../../src/recording/writer';
import { syntheticRecording, tempDir } from './fixture';

describe('recording writer', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const header = makeHeader('extension', 'test session', 1_700_000_000_000);

  it('writes a small recording as plain NDJSON that reads back identically', async () => {
    const body = syntheticRecording({ ticks: 20 }).slice(1);
    const file = path.join(dir, 'small.qscope');
    const result = await writeRecording(file, header, body);
    assert.equal(result.gzip, false);
    assert.equal(result.lines, body.length + 1);
    const raw = fs.readFileSync(file, 'utf8');
    assert.equal(raw.split('\n')[0], JSON.stringify(header));
    assert.ok(raw.endsWith('\n'));
    const { lines } = await readRecordingLines(file);
    assert.deepEqual(lines, [header, ...body]);
  });

  it('gzips a recording larger than the threshold, and it reads back identically', async () => {
    const body = syntheticRecording({ ticks: 3000, queues: 4 }).slice(1);
    const file = path.join(dir, 'big.qscope');
    const result = await writeRecording(file, header, body, { gzipThresholdBytes: 64 * 1024 });
    assert.equal(result.gzip, true);
    assert.ok(result.textBytes > 64 * 1024);
    const bytes = fs.readFileSync(file);
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
    assert.ok(result.fileBytes < result.textBytes / 3, `compressed ${result.fileBytes} of ${result.textBytes}`);
    const { lines, result: read } = await readRecordingLines(file);
    assert.equal(read.gzip, true);
    assert.deepEqual(lines, [header, ...body]);
  });

  it('takes lines from an async source', async () => {
    const body = syntheticRecording({ ticks: 10 }).slice(1);
    async function* lines(): AsyncGenerator<RecordingLine> {
      for (const line of body) {
        await new Promise((r) => setImmediate(r));
        yield line;
      }
    }
    const file = path.join(dir, 'async.qscope');
    await writeRecording(file, header, lines(), { gzip: true });
    assert.deepEqual((await readRecordingLines(file)).lines, [header, ...body]);
  });

  it('is atomic: a failing source leaves the old file untouched and no temporary file behind', async () => {
    const file = path.join(dir, 'keep.qscope');
    fs.writeFileSync(file, 'previous content');
    async function* failing(): AsyncGenerator<RecordingLine> {
      yield* syntheticRecording({ ticks: 5 }).slice(1);
      throw new Error('model went away');
    }
    await assert.rejects(writeRecording(file, header, failing(), { gzip: false }), /model went away/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'previous content');
    assert.deepEqual(fs.readdirSync(dir), ['keep.qscope']);
  });

  it('replaces an existing file on success', async () => {
    const file = path.join(dir, 'replace.qscope');
    fs.writeFileSync(file, 'old');
    await writeRecording(file, header, []);
    assert.deepEqual((await readRecordingLines(file)).lines, [header]);
    assert.deepEqual(fs.readdirSync(dir), ['replace.qscope']);
  });
});
