// Synthetic recordings built from the wire types: a deterministic simulation of bounded
// queues with producers that block and consumers that wait, sampled like the hub does.
// Used where a recording from a real traced program is not needed (format edge cases).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROTOCOL_VERSION, type Counters, type RecordingLine, type SampleRow, type SourceInfo } from '../../../src/protocol/wire';
import type { QueueModel } from '../../../src/model';
import { makeHeader } from '../../../src/recording/format';
import { ModelFeed } from '../../../src/recording/modelFeed';
import { readRecording, type ReadResult } from '../../../src/recording/reader';
import { seededRandom } from '../../helpers/prng';

export interface FixtureOptions {
  sources?: number;
  queues?: number;
  ticks?: number;
  seed?: number;
  /** Queue names to use (cycled), e.g. to test quoting. */
  names?: string[];
}

export function syntheticRecording(options: FixtureOptions = {}): RecordingLine[] {
  const { sources = 1, queues = 2, ticks = 50, seed = 1 } = options;
  const rand = seededRandom(seed);
  const lines: RecordingLine[] = [makeHeader('hub', 'synthetic', 1_700_000_000_000)];
  for (let s = 0; s < sources; s++) {
    const src = `${4000 + s}:0`;
    const info: SourceInfo = {
      v: PROTOCOL_VERSION,
      pid: 4000 + s,
      threadId: 0,
      isMainThread: true,
      title: 'node',
      argv: ['node', 'app.js'],
      origin: 1_700_000_000_000 + s * 5,
      now: 0,
      sampleInterval: 10,
    };
    lines.push({ type: 'source', src, info, snapshot: { v: PROTOCOL_VERSION, t: 0, queues: [] } });
    const depth: number[] = [];
    const counters: Counters[] = [];
    let waiter = 1;
    const open: { w: number; q: number; role: 'put' | 'get'; t: number }[] = [];
    for (let q = 1; q <= queues; q++) {
      const name = options.names ? options.names[(q - 1) % options.names.length] : `jobs-${q}`;
      lines.push({ type: 'queue', src, t: q * 0.5, q, name, kind: 'fifo', maxsize: 5, size: 0, site: { file: '/app/app.js', line: 10 + q, column: 3, fn: 'main' } });
      depth[q] = 0;
      counters[q] = { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 0, dropped: 0 };
    }
    for (let tick = 1; tick <= ticks; tick++) {
      const t = tick * 10;
      const rows: SampleRow[] = [];
      for (let q = 1; q <= queues; q++) {
        const puts = Math.floor(rand() * 4);
        const gets = Math.min(depth[q] + puts, Math.floor(rand() * 4));
        const min = Math.max(0, depth[q] - gets);
        depth[q] = depth[q] + puts - gets;
        const max = Math.max(depth[q], min + puts);
        counters[q].puts += puts;
        counters[q].gets += gets;
        counters[q].highWater = Math.max(counters[q].highWater, max);
        rows.push([q, depth[q], min, max, puts, gets]);
        if (rand() < 0.3) {
          const role = rand() < 0.5 ? 'put' : 'get';
          const w = waiter++;
          open.push({ w, q, role, t: t - 3 });
          lines.push({ type: 'wait', src, t: t - 3, q, w, role, site: { file: '/app/app.js', line: 40, column: 9, fn: role === 'put' ? 'producer' : 'consumer' } });
          if (role === 'put') counters[q].blockedPuts++;
          else counters[q].waitedGets++;
        }
      }
      lines.push({ type: 'samples', src, t, rows });
      // End some open waits, oldest first or not, so lanes overlap.
      for (let i = open.length - 1; i >= 0; i--) {
        if (rand() < 0.4) {
          const [o] = open.splice(i, 1);
          lines.push({ type: 'waitEnd', src, t: t + 1, q: o.q, w: o.w, outcome: rand() < 0.9 ? 'served' : 'timeout', ms: t + 1 - o.t });
        }
      }
      if (tick % 10 === 0) {
        for (let q = 1; q <= queues; q++) lines.push({ type: 'counters', src, t: t + 2, q, c: { ...counters[q] }, unfinished: depth[q] });
        lines.push({ type: 'shortWaits', src, t: t + 2, q: 1, role: 'get', count: 3, totalMs: 0.4, hist: [2, 1, 0, 0, 0, 0, 0] });
      }
    }
    const endT = ticks * 10 + 5;
    lines.push({ type: 'shutdown', src, t: endT - 1, q: 1, immediate: false });
    // Some waits stay open: the exporter must close them at the end.
    lines.push({ type: 'end', src, t: endT, reason: 'exit' });
  }
  return lines;
}

export function toNdjson(lines: RecordingLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-test-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A .qscope file replayed into `model` as `session`, as the extension opens one; the reader's result. */
export async function replayFile(file: string, model: QueueModel, session = 'replay'): Promise<ReadResult> {
  const feed = new ModelFeed(model, session, path.basename(file));
  const result = await readRecording(file, { onLines: (lines) => feed.push(lines) });
  feed.finish();
  return result;
}
