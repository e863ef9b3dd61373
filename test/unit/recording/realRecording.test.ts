// Recordings made by real programs: the built samples run in child processes under
// `QUEUESCOPE_TRACE_FILE=<tmp> node --require dist/lib/register.js`, then the files are
// read, exported and replayed by this module's code.

import * as assert from 'node:assert/strict';
import { QueueModel } from '../../../src/model';
import type { RecordingLine } from '../../../src/protocol/wire';
import { ChromeTraceExporter } from '../../../src/recording/exportChromeTrace';
import { CsvExporter } from '../../../src/recording/exportCsv';
import { exportLines } from '../../../src/recording/exporter';
import { ModelFeed } from '../../../src/recording/modelFeed';
import { readRecordingLines } from '../../../src/recording/reader';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cachedSampleRecording, recordAndKill, WORKERS_RUN } from './realProgram';
import { tempDir } from './fixture';
import { checkTraceEventJson } from './traceEventFormat';

describe('recordings of real programs', function () {
  this.timeout(60_000);
  let workers: RecordingLine[];
  let backPressure: RecordingLine[];

  before(async () => {
    const [workersFile, bpFile] = await Promise.all([
      cachedSampleRecording(...WORKERS_RUN),
      cachedSampleRecording('back-pressure', ['--duration', '1', '--rate', '200', '--work', '20']),
    ]);
    const read = await Promise.all([readRecordingLines(workersFile), readRecordingLines(bpFile)]);
    for (const { result } of read) assert.deepEqual(result.warnings, [], 'a normal exit leaves a clean recording');
    [workers, backPressure] = read.map((r) => r.lines);
  });

  it('the Chrome trace export of a multi-thread program follows the Trace Event format', () => {
    const exporter = new ChromeTraceExporter();
    const { problems, events, counts } = checkTraceEventJson(exportLines(exporter, workers));
    assert.deepEqual(problems, []);
    const sources = workers.filter((l) => l.type === 'source').length;
    assert.ok(sources >= 2, `main thread and workers are sources (${sources})`);
    const named = events.filter((e) => e.name === 'process_name');
    assert.equal(new Set(named.map((e) => e.pid)).size, sources, 'one named process per source');
    assert.ok(counts.C > 10 && counts.X > 0, JSON.stringify(counts));
    for (const e of events) assert.ok(['M', 'C', 'X', 'i'].includes(e.ph as string));
  });

  it('exports one complete event per announced wait and one counter per depth sample', () => {
    const { problems, events } = checkTraceEventJson(exportLines(new ChromeTraceExporter(), backPressure));
    assert.deepEqual(problems, []);
    const waits = backPressure.filter((l) => l.type === 'wait');
    assert.ok(waits.length > 5, 'the producer blocked');
    const slices = events.filter((e) => e.ph === 'X');
    assert.equal(slices.filter((e) => e.name === 'blocked put').length, waits.filter((w) => w.type === 'wait' && w.role === 'put').length);
    const rows = backPressure.reduce((n, l) => n + (l.type === 'samples' ? l.rows.length : 0), 0);
    const created = backPressure.filter((l) => l.type === 'queue').length;
    assert.equal(events.filter((e) => e.ph === 'C').length, rows + created);
    // Every sampled depth of "uploads" stays within maxsize.
    for (const e of events) if (e.ph === 'C') assert.ok((e.args as { depth: number }).depth <= 5);
  });

  it('the CSV export has one row per sample plus a row per queue at creation', () => {
    const exporter = new CsvExporter();
    const text = exportLines(exporter, workers);
    const rows = workers.reduce((n, l) => n + (l.type === 'samples' ? l.rows.length : 0), 0);
    const created = workers.filter((l) => l.type === 'queue').length;
    const snapQueues = workers.reduce((n, l) => n + (l.type === 'source' ? (l.snapshot?.queues.length ?? 0) : 0), 0);
    assert.equal(text.split('\r\n').length - 2, rows + created + snapQueues);
    assert.equal(exporter.rows, rows + created + snapQueues);
  });

  it('replays into the model with every queue, ended', () => {
    const model = new QueueModel();
    const feed = new ModelFeed(model, 'replay', 'workers.qscope');
    feed.push(workers);
    feed.finish();
    const session = model.session('replay');
    assert.equal(session?.state, 'ended');
    assert.equal(session?.origin, 'recording');
    const names = new Set(workers.flatMap((l) => (l.type === 'queue' ? [`${l.src}/${l.name}`] : [])));
    assert.deepEqual(new Set(model.queuesOf('replay').map((q) => `${q.source}/${q.name}`)), names);
    for (const q of model.queuesOf('replay')) assert.equal(q.waiters.size, 0, 'nobody waits in an ended program');
    // The replay keeps the recording's own times (not the time it was loaded) and, for a
    // hub recording whose label is just the process title, the file's name.
    const origins = new Map(workers.flatMap((l) => (l.type === 'source' ? [[l.src, l.info.origin] as const] : [])));
    const last = Math.max(...workers.flatMap((l) => (l.type !== 'qscope' && l.type !== 'source' && l.type !== 'saved' ? [origins.get(l.src)! + l.t] : [])));
    assert.equal(session?.ended, last);
    // It starts where the data does: the earliest hub arming, or the file's creation if earlier.
    const header = workers[0];
    const armed = workers.flatMap((l) => (l.type === 'source' && l.info.armedAt !== undefined ? [l.info.origin + l.info.armedAt] : []));
    assert.ok(armed.length > 0, 'hub recordings say when each hub armed');
    assert.equal(session?.started, Math.min(header.type === 'qscope' ? header.created : Infinity, ...armed));
    assert.equal(session?.name, 'workers.qscope');
  });

  it('a recording cut at any byte (a crash mid-write) opens with every whole line, plain or gzip', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const text = backPressure.map((l) => JSON.stringify(l)).join('\n') + '\n';
      const bytes = Buffer.from(text);
      const cuts = Array.from({ length: 12 }, (_, k) => Math.floor((bytes.length * (k + 1)) / 13));
      // Also the edges of one line: just before its newline, and just after.
      const nl = bytes.indexOf(0x0a, cuts[5]);
      cuts.push(nl, nl + 1);
      for (const [k, cut] of cuts.entries()) {
        const file = path.join(dir, `cut-${k}.qscope`);
        fs.writeFileSync(file, bytes.subarray(0, cut));
        const { lines, result } = await readRecordingLines(file);
        // A cut just before a newline leaves the last line whole (only its newline is
        // missing): the reader keeps it.
        const lineComplete = bytes[cut - 1] === 0x0a || bytes[cut] === 0x0a;
        const whole = bytes.subarray(0, cut).toString('utf8').split('\n').length - 1 + (bytes[cut] === 0x0a ? 1 : 0);
        assert.equal(lines.length, whole, `cut at ${cut}`);
        assert.deepEqual(lines, backPressure.slice(0, whole));
        assert.equal(result.truncated, !lineComplete);
        if (result.truncated) assert.match(result.warnings[0], new RegExp(`kept ${whole} whole lines`));
      }
      const gz = zlib.gzipSync(bytes);
      const file = path.join(dir, 'cut.gz.qscope');
      fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
      const { lines } = await readRecordingLines(file);
      assert.ok(lines.length > 1);
      assert.deepEqual(lines, backPressure.slice(0, lines.length));
    } finally {
      cleanup();
    }
  });

  it('the recording of a program killed with SIGKILL opens', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'killed.qscope');
      await recordAndKill('back-pressure', ['--duration', '30', '--rate', '200', '--work', '5'], file, 4096);
      const { lines, result } = await readRecordingLines(file);
      assert.equal(lines[0].type, 'qscope');
      assert.ok(lines.some((l) => l.type === 'samples'), 'depth samples up to the kill');
      assert.equal(lines.some((l) => l.type === 'end'), false, 'no end line: the process never got to write it');
      assert.equal(result.corruptCount, 0);
    } finally {
      cleanup();
    }
  });
});
