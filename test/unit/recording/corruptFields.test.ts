// A corrupt field value (an unknown enum value, a site that is no call site, a snapshot queue
// without its items) is a corrupt line: skipped with a note, never a crash of the reader, the
// model or the engine behind `queuescope check` and the replay (docs/RECORDING.md, "corrupt
// lines"). Found by a field-level fuzz of real recordings: a wait's role "eet", a shortWaits
// role "" and a queue's site "x" stopped `check` with "internal error: TypeError".

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordingCheck } from '../../../src/diagnostics/recordingCheck';
import { checkNotes, jsonReport, textReport } from '../../../src/diagnostics/report';
import { defaultThresholds } from '../../../src/diagnostics/thresholds';
import { RecordingParser } from '../../../src/recording/parser';
import { readRecording } from '../../../src/recording/reader';
import type { RecordingLine } from '../../../src/protocol/wire';
import { tempDir } from './fixture';

const H = { type: 'qscope', v: 2, created: 1796449640494, writer: 'hub', label: 'node' };
const SITE = { file: '/app/app.js', line: 4, column: 13, fn: 'main' };
const SNAP_QUEUE = {
  q: 2, name: 'old', kind: 'fifo', maxsize: 1, size: 1, shutdown: false, unfinished: 1, site: SITE,
  counters: { puts: 1, gets: 0, blockedPuts: 1, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 1, dropped: 0 },
  waiters: [{ w: 9, q: 2, role: 'put', since: 1, waitMs: 0, site: SITE }],
  items: ['"a"'],
};
const S = {
  type: 'source', src: '1:0',
  info: { v: 1, pid: 1, threadId: 0, isMainThread: true, title: 'node', argv: ['node', 'app.js'], origin: 1796449640494, now: 1, sampleInterval: 10, armedAt: 1 },
  snapshot: { v: 1, t: 1, queues: [SNAP_QUEUE] },
};
const COUNTERS = { puts: 2, gets: 1, blockedPuts: 1, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 1, dropped: 0 };
/** A small recording with one line of every kind the model reads. */
const BODY: Record<string, unknown>[] = [
  S,
  { src: '1:0', type: 'queue', t: 2, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0, site: SITE },
  { src: '1:0', type: 'samples', t: 3, rows: [[1, 1, 0, 1, 1, 0]] },
  { src: '1:0', type: 'wait', t: 3, q: 1, w: 1, role: 'put', site: { ...SITE, line: 7 } },
  { src: '1:0', type: 'wait', t: 4, q: 2, w: 2, role: 'get', site: { ...SITE, line: 8 } },
  { src: '1:0', type: 'shortWaits', t: 5, q: 1, role: 'get', count: 1, totalMs: 1, hist: [0, 1, 0, 0, 0, 0, 0] },
  { src: '1:0', type: 'counters', t: 5, q: 1, c: COUNTERS, unfinished: 1, blocked: 1, waiting: 0, sampled: 1 },
  { src: '1:0', type: 'waitEnd', t: 6, q: 2, w: 2, outcome: 'served', ms: 2 },
  { src: '1:0', type: 'shutdown', t: 7, q: 2, immediate: false },
  { src: '1:0', type: 'gc', t: 8, q: 2, final: { size: 1, puts: 1, gets: 0, unfinished: 1, blocked: 1, waiting: 0 } },
  { src: '1:0', type: 'dropped', t: 8, total: 0 },
  { src: '1:0', type: 'pause', t: 8.5 },
  { src: '1:0', type: 'resume', t: 8.7 },
  { type: 'end', src: '1:0', t: 900, reason: 'uncaughtException', error: 'Error: boom', at: SITE },
];

/** Odd values of a field's kind (the fuzzer's): another type, an empty or unknown value, extremes. */
function oddValues(v: unknown): unknown[] {
  if (typeof v === 'string') return ['zzz', '', 5, null, {}];
  if (typeof v === 'number') return [-1, 1e308, -1e308, 0.5, 'x', null];
  if (typeof v === 'boolean') return ['x', 0, null];
  if (Array.isArray(v)) return [[], v.map(() => -1), v.map(() => 1e20), [v[0]], 'x', [null], [{}]];
  if (v && typeof v === 'object') return [{}, [], 'x', null, 5];
  return ['x'];
}

/** Every (line, field path, value) mutation: top-level fields and one level down. */
function mutations(): { line: number; path: string[]; value: unknown }[] {
  const out: { line: number; path: string[]; value: unknown }[] = [];
  BODY.forEach((line, i) => {
    for (const [k, v] of Object.entries(line)) {
      for (const value of oddValues(v)) out.push({ line: i, path: [k], value });
      if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) for (const value of oddValues(v2)) out.push({ line: i, path: [k, k2], value });
    }
  });
  // The snapshot's queue and its waiter, field by field.
  for (const [k, v] of Object.entries(SNAP_QUEUE)) for (const value of oddValues(v)) out.push({ line: 0, path: ['snapshot', 'queues', '0', k], value });
  for (const [k, v] of Object.entries(SNAP_QUEUE.waiters[0])) for (const value of oddValues(v)) out.push({ line: 0, path: ['snapshot', 'queues', '0', 'waiters', '0', k], value });
  return out;
}

function mutated(line: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(line) as Record<string, unknown>;
  let o = copy as Record<string, unknown>;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[at[at.length - 1]] = value;
  return copy;
}

/** Reads `body` as `check` does and builds both reports: throws where the CLI would say "internal error". */
async function check(file: string, body: Record<string, unknown>[]): Promise<{ corrupt: number; text: string }> {
  fs.writeFileSync(file, [H, ...body].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const run = new RecordingCheck();
  const result = await readRecording(file, { onLines: (lines) => run.push(lines) });
  return { corrupt: result.corruptCount, text: reports(run, result) };
}

/** The same in memory (the reader's parser without the file), for the many mutations. */
function checkInMemory(body: Record<string, unknown>[]): void {
  const parser = new RecordingParser();
  const lines: RecordingLine[] = [];
  [H, ...body].forEach((l, i) => parser.accept({ no: i + 1, text: JSON.stringify(l) }, lines));
  const run = new RecordingCheck();
  run.push(lines);
  reports(run, { warnings: [] });
}

function reports(run: RecordingCheck, result: { warnings: readonly string[] }): string {
  const file = 'f.qscope';
  const records = run.finish();
  const report = { file, span: run.span, records, warnings: checkNotes(run, result), thresholds: defaultThresholds(), ended: run.ended, alsoEnded: run.otherEnds, realms: run.realms };
  jsonReport(report);
  return textReport(report);
}

describe('corrupt field values in a recording', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it("the review's three: a wait's role \"eet\", a shortWaits role \"\", a queue's site \"x\" are corrupt lines, skipped with a note; the rest is checked", async () => {
    const file = path.join(dir, 'c.qscope');
    const cases: [number, string, unknown, RegExp][] = [
      [3, 'role', 'eet', /line 5: wait: field "role" should be "put" or "get"/],
      [5, 'role', '', /line 7: shortWaits: field "role" should be "put" or "get"/],
      [1, 'site', 'x', /line 3: queue: field "site" should be a call site/],
    ];
    for (const [i, key, value, reason] of cases) {
      const body = BODY.map((l, j) => (j === i ? mutated(l, [key], value) : l));
      const { corrupt, text } = await check(file, body);
      assert.equal(corrupt, 1, `${key}=${JSON.stringify(value)}`);
      assert.match(text, reason);
      assert.match(text, /The program ended: uncaught Error: boom/, 'the rest was checked');
    }
  });

  it('no mutation of any field, one level down or in the snapshot, makes the parser, the model, the engine or the reports throw', function () {
    this.timeout(60_000);
    const all = mutations();
    assert.ok(all.length > 300, `${all.length} mutations`);
    const failures: string[] = [];
    for (const m of all) {
      const body = BODY.map((l, j) => (j === m.line ? mutated(l, m.path, m.value) : l));
      try {
        checkInMemory(body);
      } catch (err) {
        failures.push(`line ${m.line + 2} ${m.path.join('.')}=${JSON.stringify(m.value)}: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ')}`);
      }
    }
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${all.length} mutations threw`);
  });
});
