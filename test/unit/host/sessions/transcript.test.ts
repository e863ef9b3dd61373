// fixtures/hub-transcript.json is the real hub's answers that the poller tests replay. This
// golden test records them again from today's hub (fixtures/recordTranscript.ts, in a fresh
// process) and compares, with times, pids and the wall clock masked: a change to the wire
// output makes it fail instead of leaving the poller tested against stale answers.
// After an intended change: QUEUESCOPE_UPDATE_GOLDEN=1 npx mocha test/unit/host/sessions/transcript.test.ts
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Transcript } from './fixtures/recordTranscript';

const GOLDEN = path.join(__dirname, 'fixtures/hub-transcript.json');
const RECORDER = path.join(__dirname, 'fixtures/recordTranscript.ts');
const ROOT = path.join(__dirname, '../../../..');

/** Numbers that differ on every run. */
const VOLATILE = new Set(['t', 'since', 'waitMs', 'ms', 'totalMs', 'origin', 'now', 'pid', 'armedAt']);

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE.has(k) && typeof v === 'number' ? 0 : mask(v)]));
}

/**
 * Whether a row carries firstChange (a quiet start, SampleRow) depends on how long the
 * recording program's steps took: left out, with the rest of the clock.
 */
function withoutFirstChange(drain: { events?: Record<string, unknown>[] }): unknown {
  for (const e of drain.events ?? []) {
    if (e.type === 'samples') e.rows = (e.rows as number[][]).map((r) => r.slice(0, 6));
    if (e.type === 'sampleCols') delete e.first;
  }
  return drain;
}

const comparable = (t: Transcript) =>
  mask({ attach: JSON.parse(t.attach), drains: t.drains.map((d) => withoutFirstChange(JSON.parse(d) as { events?: Record<string, unknown>[] })), pausedSnapshot: JSON.parse(t.pausedSnapshot) });

describe('hub transcript (golden)', function () {
  this.timeout(60_000);

  it("matches what today's hub answers", () => {
    const text = execFileSync(process.execPath, ['--require', 'tsx/cjs', RECORDER], {
      cwd: ROOT,
      env: { ...process.env, QUEUESCOPE_TRACE: '1', QUEUESCOPE_TRACE_FILE: '' },
      encoding: 'utf8',
    });
    const fresh = JSON.parse(text) as Transcript;
    if (process.env.QUEUESCOPE_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, text);
    const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Transcript;
    assert.deepEqual(comparable(fresh), comparable(golden), 'the hub answers differently: if intended, re-record (see the top of this file)');
  });

  it('holds no absolute path of the machine that recorded it', () => {
    const text = fs.readFileSync(GOLDEN, 'utf8');
    for (const local of [ROOT, path.dirname(process.execPath), '/home/', '/Users/', 'C:\\\\']) assert.ok(!text.includes(local), `contains ${local}`);
    assert.match(text, /\/fixtures\/recordTranscript\.ts/);
  });
});
