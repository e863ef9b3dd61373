import * as assert from 'node:assert/strict';
import type { RecordingLine } from '../../../src/protocol/wire';
import { decodePngDataUrl } from '../../../src/recording/png';
import { WaitIndex } from '../../../src/recording/waitIndex';
import { syntheticRecording } from './fixture';

/** Brute force: every wait of `lines` as [key, {since, ended}] (epoch ms). */
function spansOf(lines: RecordingLine[]): [string, { since: number; ended: number }][] {
  const origin = new Map<string, number>();
  const spans = new Map<string, { since: number; ended: number }>();
  for (const l of lines) {
    if (l.type === 'source') origin.set(l.src, l.info.origin);
    if (l.type === 'wait') spans.set(`${l.src}/${l.q}/${l.w}`, { since: origin.get(l.src)! + l.t, ended: Infinity });
    if (l.type === 'waitEnd') {
      const s = spans.get(`${l.src}/${l.q}/${l.w}`);
      if (s) s.ended = origin.get(l.src)! + l.t;
    }
    if (l.type === 'end') for (const [k, s] of spans) if (k.startsWith(`${l.src}/`) && s.ended === Infinity) s.ended = origin.get(l.src)! + l.t;
  }
  return [...spans];
}

function waitingAt(spans: [string, { since: number; ended: number }][], t: number): string[] {
  return spans.filter(([, s]) => s.since <= t && t < s.ended).map(([k]) => k).sort();
}

describe('wait index (time cursor)', () => {
  it('answers who was waiting at any instant, as the recording says', () => {
    const lines = syntheticRecording({ sources: 2, queues: 3, ticks: 300, seed: 3 });
    const index = new WaitIndex();
    index.push(lines);
    const origin = 1_700_000_000_000;
    const spans = spansOf(lines);
    let nonEmpty = 0;
    for (let t = origin; t < origin + 3100; t += 7.3) {
      const got = index.at(t).map((w) => `${w.queue}/${w.w}`).sort();
      assert.deepEqual(got, waitingAt(spans, t), `at ${t - origin}`);
      if (got.length) nonEmpty++;
    }
    assert.ok(nonEmpty > 100, 'the fixture has waits to find');
  });

  it('reports role, outcome and call site, and closes waits at the end of their source', () => {
    const [header, source] = syntheticRecording({ ticks: 0, queues: 0 });
    const src = (source as { src: string }).src;
    const origin = (source as { info: { origin: number } }).info.origin;
    const site = { file: '/a.js', line: 1, column: 2, fn: 'f' };
    const index = new WaitIndex();
    index.push([
      header,
      source,
      { type: 'wait', src, t: 10, q: 1, w: 1, role: 'put', site },
      { type: 'wait', src, t: 12, q: 1, w: 2, role: 'get' },
      { type: 'waitEnd', src, t: 20, q: 1, w: 1, outcome: 'timeout', ms: 10 },
      { type: 'end', src, t: 30, reason: 'exit' },
    ]);
    assert.deepEqual(index.at(origin + 15), [
      { queue: `${src}/1`, w: 1, role: 'put', since: origin + 10, ended: origin + 20, outcome: 'timeout', site },
      { queue: `${src}/1`, w: 2, role: 'get', since: origin + 12, ended: origin + 30 },
    ]);
    assert.deepEqual(index.at(origin + 30), []);
  });

  it('lists the waits of one queue, oldest first, up to a limit of the most recent', () => {
    const lines = syntheticRecording({ sources: 1, queues: 3, ticks: 300, seed: 9 });
    const index = new WaitIndex();
    index.push(lines);
    const ids = lines.flatMap((l) => (l.type === 'wait' && l.q === 2 ? [l.w] : []));
    assert.ok(ids.length > 10);
    assert.deepEqual(index.ofQueue('4000:0/2').map((w) => w.w), ids);
    assert.deepEqual(index.ofQueue('4000:0/2', 5).map((w) => w.w), ids.slice(-5));
    assert.deepEqual(index.ofQueue('nope/1'), []);
  });

  it('stays within its bound by dropping the oldest waits, and counts them', () => {
    const lines = syntheticRecording({ ticks: 2000, seed: 5 });
    const index = new WaitIndex(64);
    index.push(lines);
    assert.ok(index.size <= 64);
    assert.ok(index.dropped > 0);
    const last = lines.filter((l) => l.type === 'wait').length;
    assert.equal(index.size + index.dropped, last);
  });
});

describe('PNG data URL check', () => {
  // A real 1x1 PNG.
  const onePixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('accepts a PNG and returns its bytes', () => {
    const bytes = decodePngDataUrl(`data:image/png;base64,${onePixel}`);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.length, 70);
  });

  it('refuses anything else', () => {
    assert.equal(decodePngDataUrl(42), 'not a string');
    assert.equal(decodePngDataUrl(`data:image/svg+xml;base64,${onePixel}`), 'not a data:image/png;base64 URL');
    assert.equal(decodePngDataUrl('data:image/png;base64,<script>'), 'not valid base64');
    assert.equal(decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a'.repeat(10)).toString('base64')}`), 'not a PNG image');
  });
});
