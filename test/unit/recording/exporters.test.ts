import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { QueueSnapshot, RecordingLine, SourceInfo } from '../../../src/protocol/wire';
import { ChromeTraceExporter } from '../../../src/recording/exportChromeTrace';
import { CsvExporter, CSV_COLUMNS, csvQuote, csvText } from '../../../src/recording/exportCsv';
import { exportLines } from '../../../src/recording/exporter';
import { exportRecordingFile } from '../../../src/recording/exportFile';
import { writeRecording } from '../../../src/recording/writer';
import { makeHeader } from '../../../src/recording/format';
import { syntheticRecording, tempDir } from './fixture';
import { checkTraceEventJson } from './traceEventFormat';

/** Splits RFC 4180 CSV text into rows of fields (the parser a spreadsheet would use). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}

describe('Chrome trace export', () => {
  it('follows the Trace Event format on a synthetic recording with overlapping waits', () => {
    const lines = syntheticRecording({ sources: 2, queues: 3, ticks: 200 });
    const exporter = new ChromeTraceExporter();
    const { problems, events, counts } = checkTraceEventJson(exportLines(exporter, lines));
    assert.deepEqual(problems, []);
    assert.equal(exporter.reordered, 0);
    const waits = lines.filter((l) => l.type === 'wait').length;
    assert.equal(counts.X, waits, 'one complete event per announced wait, including those still open at the end');
    const samples = lines.reduce((n, l) => n + (l.type === 'samples' ? l.rows.length : 0), 0);
    assert.equal(counts.C, samples + 6, 'one counter per sample row, plus each queue\'s creation');
    const pids = new Set(events.map((e) => e.pid));
    assert.equal(pids.size, 2, 'one pid per source');
    // Concurrent waits of a queue forced extra lanes.
    const laneNames = events.filter((e) => e.name === 'thread_name').map((e) => (e.args as { name: string }).name);
    assert.ok(laneNames.some((n) => /jobs-1 #1 waits \(2\)/.test(n)), laneNames.join(', '));
  });

  it('puts a wait on the right time axis, in microseconds, with its outcome and call site', () => {
    const [header, source] = syntheticRecording({ ticks: 0, queues: 0 });
    const src = (source as { src: string }).src;
    const lines: RecordingLine[] = [
      header,
      source,
      { type: 'queue', src, t: 1, q: 7, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0 },
      { type: 'wait', src, t: 2.5, q: 7, w: 1, role: 'put', site: { file: '/a.js', line: 3, column: 4, fn: 'produce' } },
      { type: 'samples', src, t: 3, rows: [[7, 1, 0, 1, 1, 0]] },
      { type: 'waitEnd', src, t: 4, q: 7, w: 1, outcome: 'served', ms: 1.5 },
    ];
    const { problems, events } = checkTraceEventJson(exportLines(new ChromeTraceExporter(), lines));
    assert.deepEqual(problems, []);
    const x = events.find((e) => e.ph === 'X') as { ts: number; dur: number; name: string; args: Record<string, unknown> };
    assert.deepEqual({ ts: x.ts, dur: x.dur, name: x.name }, { ts: 2500, dur: 1500, name: 'blocked put' });
    assert.deepEqual(x.args, { outcome: 'served', site: 'produce /a.js:3:4' });
    const c = events.filter((e) => e.ph === 'C').map((e) => [e.name, e.ts, e.args]);
    assert.deepEqual(c, [
      ['jobs #7 depth', 1000, { depth: 0 }],
      ['jobs #7 depth', 3000, { depth: 1 }],
    ]);
  });

  it('treats a source announced again (a pause snapshot) as an observation, not as new queues', () => {
    const [header, source] = syntheticRecording({ ticks: 0, queues: 0 });
    const src = (source as { src: string }).src;
    const info = (source as { info: SourceInfo }).info;
    const snapQueue = (q: number, size: number, waiters: QueueSnapshot['waiters'] = []): QueueSnapshot => ({
      q, name: `q${q}`, kind: 'fifo', maxsize: 0, size, shutdown: false, unfinished: 0, counters: { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: size, dropped: 0 }, waiters, items: [],
    });
    const lines: RecordingLine[] = [
      header,
      { type: 'source', src, info, snapshot: { v: 1, t: 1, queues: [snapQueue(1, 2)] } },
      { type: 'queue', src, t: 2, q: 2, name: 'q2', kind: 'fifo', maxsize: 0, size: 0 },
      { type: 'wait', src, t: 3, q: 2, w: 7, role: 'get' },
      { type: 'samples', src, t: 4, rows: [[1, 1, 1, 2, 0, 1]] },
      { type: 'source', src, info, snapshot: { v: 1, t: 5, queues: [snapQueue(1, 1), snapQueue(2, 0, [{ w: 7, q: 2, role: 'get', since: 3, waitMs: 2 }])] } },
      { type: 'waitEnd', src, t: 6, q: 2, w: 7, outcome: 'served', ms: 3 },
    ];
    const { problems, events } = checkTraceEventJson(exportLines(new ChromeTraceExporter(), lines));
    assert.deepEqual(problems, []);
    assert.deepEqual(events.filter((e) => e.ph === 'i').map((e) => e.name), ['queue q1 #1', 'queue q2 #2']);
    const x = events.filter((e) => e.ph === 'X');
    assert.equal(x.length, 1);
    assert.deepEqual([x[0].ts, x[0].dur], [3000, 3000], 'the wait keeps its start from the wait event');
    const csv = exportLines(new CsvExporter(), lines).trim().split('\r\n');
    assert.deepEqual(csv.slice(1).map((r) => r.split(',').slice(0, 5).join(',')), ['1,4000:0,1,q1,2', '2,4000:0,2,q2,0', '4,4000:0,1,q1,1']);
  });

  it('streams a recording file to a trace file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const lines = syntheticRecording({ ticks: 100 });
      const input = path.join(dir, 'in.qscope');
      await writeRecording(input, makeHeader('hub'), lines.slice(1));
      const output = path.join(dir, 'out.trace.json');
      await exportRecordingFile(input, output, new ChromeTraceExporter());
      assert.deepEqual(checkTraceEventJson(fs.readFileSync(output, 'utf8')).problems, []);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['in.qscope', 'out.trace.json']);
    } finally {
      cleanup();
    }
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and defuses formulas in program-supplied names', () => {
    assert.equal(csvQuote('plain'), 'plain');
    assert.equal(csvQuote('a,b'), '"a,b"');
    assert.equal(csvQuote('say "hi"'), '"say ""hi"""');
    assert.equal(csvQuote('two\nlines'), '"two\nlines"');
    assert.equal(csvText('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
    for (const lead of ['=', '+', '-', '@', '\t']) assert.equal(csvText(`${lead}1`)[0], "'");
    assert.equal(csvText('jobs-1'), 'jobs-1');
  });

  it('writes one row per sample with the queue names intact after parsing', () => {
    const names = ['=cmd|calc', 'a,"b"\r\nc', 'plain'];
    const lines = syntheticRecording({ sources: 1, queues: 3, ticks: 20, names });
    const exporter = new CsvExporter();
    const rows = parseCsv(exportLines(exporter, lines));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    const samples = lines.flatMap((l) => (l.type === 'samples' ? l.rows.map((r) => ({ t: l.t, r })) : []));
    const body = rows.slice(1).filter((r) => r[0] !== '0.5' && r[0] !== '1' && r[0] !== '1.5'); // skip creation rows
    assert.equal(body.length, samples.length);
    body.forEach((row, i) => {
      const { t, r } = samples[i];
      assert.equal(row.length, CSV_COLUMNS.length);
      assert.deepEqual(row.slice(4).map(Number), r.slice(1));
      assert.equal(Number(row[0]), t);
      assert.equal(row[1], '4000:0');
      assert.equal(row[2], String(r[0]));
    });
    assert.deepEqual(new Set(rows.slice(1).map((r) => r[3])), new Set(["'=cmd|calc", 'a,"b"\r\nc', 'plain']));
  });
});
