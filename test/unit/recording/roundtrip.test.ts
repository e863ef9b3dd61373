// record -> save -> open reproduces the model exactly: a live model fed through its
// entry points (attach, drains, a pause snapshot, end) is recorded by SessionRecorder,
// saved to a .qscope file, read back by the streaming reader and fed into a fresh model
// by ModelFeed; every queue, waiter, counter, wait statistic and timeline point matches.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel, type ModelQueue, type RetentionOptions } from '../../../src/model';
import { PROTOCOL_VERSION, type AttachInfo, type DrainBatch, type RecordingLine, type Snapshot, type WireEvent } from '../../../src/protocol/wire';
import { readRecording } from '../../../src/recording/reader';
import { SessionRecorder } from '../../../src/recording/sessionRecorder';
import { replayFile, syntheticRecording, tempDir } from './fixture';
import { cachedSampleRecording, WORKERS_RUN } from './realProgram';
import { readRecordingLines } from '../../../src/recording/reader';
import { parseAttachInfo, parseDrainBatch } from '../../../src/model/parse';
import { Queue } from '../../../src/queue/index';
import { DEFAULTS } from '../../../src/trace/config';
import { Hub } from '../../../src/trace/hub';

// Small tiers so that folding into coarser points happens within the fixture.
const RETENTION: RetentionOptions = { recentMs: 200, recentMaxSamples: 20, tiers: [{ widthMs: 50, capacity: 10 }, { widthMs: 200, capacity: 4 }] };
const newModel = (): QueueModel => new QueueModel({ retention: RETENTION, now: () => 1_700_000_100_000, recentWaitsPerQueue: 8 });

/** The fixture's lines of one source as an attach answer plus drain batches of ~`per` events. */
function asLiveInput(lines: RecordingLine[], src: string, per: number): { attach: AttachInfo; batches: DrainBatch[] } {
  const source = lines.find((l) => l.type === 'source' && l.src === src);
  assert.ok(source && source.type === 'source');
  const events = lines.filter((l): l is RecordingLine & WireEvent => l.type !== 'qscope' && l.type !== 'source' && l.type !== 'end' && l.type !== 'saved' && l.src === src);
  const batches: DrainBatch[] = [];
  // A drain's time is never before any event it holds nor before the previous drain (a
  // columnar drain lists its waits, older than its summary columns, after them).
  let t = -Infinity;
  for (let i = 0; i < events.length; i += per) {
    const chunk = events.slice(i, i + per).map(({ src: _src, ...e }) => e as WireEvent);
    for (const e of chunk) t = Math.max(t, e.t);
    batches.push({ v: PROTOCOL_VERSION, seq: batches.length, t, events: chunk, more: false, dropped: batches.length > 3 ? 7 : 0 });
  }
  return { attach: { ...source.info, snapshot: source.snapshot as Snapshot, nextSeq: 0 }, batches };
}

/** A pause snapshot of what model `m` shows now for a source (what hub.snapshot() would answer). */
function pauseSnapshot(m: QueueModel, session: string, source: string, t: number): Snapshot {
  const src = m.source(session, source);
  assert.ok(src);
  const queues = [...src.queues.values()].map((q) => ({
    q: q.id,
    name: q.name,
    kind: q.kind,
    maxsize: q.maxsize,
    size: q.size,
    shutdown: q.shutdown !== false,
    unfinished: q.unfinished,
    site: q.site,
    counters: { ...q.counters },
    waiters: [...q.waiters.values()].map((w) => ({ w: w.id, q: q.id, role: w.role, since: w.since - src.info.origin, waitMs: t - (w.since - src.info.origin), site: w.site })),
    items: [`item of ${q.name}`, '"quoted"'],
  }));
  return { v: PROTOCOL_VERSION, t, queues };
}

/** Everything the views can read of a queue. */
function picture(q: ModelQueue): unknown {
  return {
    id: q.id,
    name: q.name,
    kind: q.kind,
    maxsize: q.maxsize,
    size: q.size,
    unfinished: q.unfinished,
    shutdown: q.shutdown,
    site: q.site,
    counters: q.counters,
    waiters: [...q.waiters.values()],
    recentWaits: q.recentWaits,
    waitStats: q.waitStats,
    created: q.created,
    collected: q.collected,
    items: q.items,
    itemsAt: q.itemsAt,
    timeline: q.timeline.series(),
  };
}

function modelPicture(m: QueueModel, session: string): unknown {
  const s = m.session(session);
  assert.ok(s, `session ${session} exists`);
  return {
    state: s.state,
    // lastSeen: the moment each realm's clocks stand at once ended (ages, waits open at its end).
    sources: [...s.sources.values()].map((src) => ({ key: src.key, info: src.info, state: src.state, lastSeen: src.lastSeen, dropped: src.dropped, queues: [...src.queues.values()].map(picture) })),
  };
}

describe('recording round trip through the model', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** Feeds `lines` into a live model as attach + drains (+ a pause), saves, replays; returns both pictures. */
  async function roundTrip(lines: RecordingLine[], gzipThresholdBytes: number): Promise<{ live: QueueModel; expected: unknown; actual: unknown; gzip: boolean }> {
    const live = newModel();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      live.openSession('dbg-1', 'My program');
      const srcs = lines.flatMap((l) => (l.type === 'source' ? [l.src] : []));
      const inputs = srcs.map((src) => asLiveInput(lines, src, 25));
      const keys = inputs.map((input) => live.attach('dbg-1', input.attach, 'child-session'));
      // Interleave the sources' drains, pause once in the middle, then resume.
      const rounds = Math.max(...inputs.map((i) => i.batches.length));
      for (let r = 0; r < rounds; r++) {
        inputs.forEach((input, k) => {
          const batch = input.batches[r];
          if (batch) assert.equal(live.applyDrain('dbg-1', keys[k], batch).applied, true);
        });
        if (r === Math.floor(rounds / 2)) {
          const t = inputs[0].batches[r]?.t ?? 0;
          live.applySnapshot('dbg-1', keys[0], pauseSnapshot(live, 'dbg-1', keys[0], t));
          live.setSourceState('dbg-1', keys[0], 'live');
        }
      }
      live.setSourceState('dbg-1', keys[keys.length - 1], 'ended');
      live.endSession('dbg-1');

      const file = path.join(dir, 'run.qscope');
      const saved = await recorder.save('dbg-1', file, { gzipThresholdBytes });

      const replay = newModel();
      const result = await replayFile(file, replay, 'replay-1');
      assert.deepEqual(result.warnings, []);
      assert.equal(result.header.label, 'My program');
      assert.equal(replay.session('replay-1')?.name, 'My program');
      assert.equal(replay.session('replay-1')?.origin, 'recording');
      return { live, expected: modelPicture(live, 'dbg-1'), actual: modelPicture(replay, 'replay-1'), gzip: saved.gzip };
    } finally {
      await recorder.dispose();
    }
  }

  it('record -> save -> open reproduces the model exactly', async () => {
    const fixture = syntheticRecording({ sources: 2, queues: 3, ticks: 400, seed: 7 });
    const { live, expected, actual, gzip } = await roundTrip(fixture, 64 * 1024);
    assert.equal(gzip, true, 'a recording over the threshold is compressed');
    assert.deepEqual(actual, expected);
    // The comparison is not vacuous: folding happened, waits and items are there.
    const queues = live.queuesOf('dbg-1');
    assert.equal(queues.length, 6);
    assert.ok(queues.every((q) => q.timeline.stats().points > 0));
    assert.ok(queues.some((q) => q.recentWaits.length > 0));
    assert.ok(queues.some((q) => q.items?.length));
  });

  it('a session saved while it runs ends its file with a "saved" line, and `check` judges no exit on it', async function () {
    this.timeout(30_000);
    const { lines } = await readRecordingLines(await cachedSampleRecording(...WORKERS_RUN));
    const checkJson = (file: string): { findings: { rule: string }[]; warnings: string[] } => {
      const out = spawnSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli/queuescope.js'), 'check', file, '--json'], { encoding: 'utf8' });
      return JSON.parse(out.stdout) as { findings: { rule: string }[]; warnings: string[] };
    };
    for (const ended of [false, true]) {
      const live = newModel();
      const recorder = new SessionRecorder(live, { dir: path.join(dir, `spool-${ended}`) });
      try {
        live.openSession('dbg-1', 'My program');
        const srcs = lines.flatMap((l) => (l.type === 'source' ? [l.src] : []));
        for (const src of srcs) {
          const input = asLiveInput(lines, src, 25);
          const key = live.attach('dbg-1', input.attach, 'child-session');
          // Stop half-way: the program still has work in its queues.
          for (const batch of input.batches.slice(0, Math.floor(input.batches.length / 2))) live.applyDrain('dbg-1', key, batch);
        }
        if (ended) live.endSession('dbg-1');
        const file = path.join(dir, `mid-${ended}.qscope`);
        await recorder.save('dbg-1', file, { gzip: false });
        const { lines: saved } = await readRecordingLines(file);
        const last = saved[saved.length - 1];
        assert.equal(last.type === 'saved', !ended, `last line ${last.type}`);
        const report = checkJson(file);
        const exits = report.findings.filter((f) => f.rule === 'exit-work-left').length;
        if (ended) assert.ok(exits > 0, 'the same run, ended there, leaves work at its exit (the check is not vacuous)');
        else {
          assert.equal(exits, 0, JSON.stringify(report.findings));
          assert.ok(report.warnings.some((w) => /saved at \+.* while the program ran/.test(w)), JSON.stringify(report.warnings));
          assert.ok(!report.warnings.some((w) => /no end line/.test(w)));
        }
      } finally {
        await recorder.dispose();
      }
    }
  });

  it('records a debugger pause as pause and resume lines, in the realm\'s clock', async () => {
    let now = 1_700_000_100_000;
    const live = new QueueModel({ retention: RETENTION, now: () => now });
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      const fixture = syntheticRecording({ sources: 1, queues: 2, ticks: 40, seed: 3 });
      const [src] = fixture.flatMap((l) => (l.type === 'source' ? [l.src] : []));
      const input = asLiveInput(fixture, src, 25);
      live.openSession('dbg-1', 'My program');
      const key = live.attach('dbg-1', input.attach, 'child-session');
      for (const batch of input.batches) live.applyDrain('dbg-1', key, batch);
      const t = input.batches[input.batches.length - 1].t;
      // Stopped at a breakpoint at t; the snapshot came 300 ms later (the poller drained first).
      live.applySnapshot('dbg-1', key, pauseSnapshot(live, 'dbg-1', key, t + 300), { paused: true, pausedAt: t });
      now = input.attach.origin + t + 4000; // the user looked around for 4 s
      live.setSourceState('dbg-1', key, 'live');
      live.endSession('dbg-1');
      const file = path.join(dir, 'paused.qscope');
      await recorder.save('dbg-1', file);
      const { lines } = await readRecordingLines(file);
      assert.deepEqual(lines.flatMap((l) => (l.type === 'pause' || l.type === 'resume' ? [[l.type, l.src, l.t]] : [])), [
        ['pause', key, t],
        ['resume', key, t + 4000],
      ]);
    } finally {
      await recorder.dispose();
    }
  });

  it('record -> save -> open reproduces the model exactly for a real program (worker threads)', async function () {
    this.timeout(30_000);
    const { lines } = await readRecordingLines(await cachedSampleRecording(...WORKERS_RUN));
    const { live, expected, actual, gzip } = await roundTrip(lines, 1024 * 1024);
    assert.equal(gzip, false, 'a small recording stays plain text');
    assert.deepEqual(actual, expected);
    assert.ok(live.queuesOf('dbg-1').length >= 3);
  });

  it('records a columnar drain\'s columns as one line each, and the file opens to the same model', async () => {
    const live = newModel();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      // 300 queues of a real hub, each with a consumer, read by columnar drains as the poller reads them.
      const hub = new Hub({ ...DEFAULTS, shortWaitMs: 0 });
      const queues = Array.from({ length: 300 }, (_, i) => {
        const q = new Queue<number>({ name: `tenant-${i}`, maxsize: i % 3 === 0 ? 4 : 0 });
        q.setProbe(hub.register(q));
        return q;
      });
      const consumers = queues.map(async (q) => {
        for (;;) if ((await q.get()) < 0) return;
      });
      live.openSession('dbg-c', 'gateway');
      const attach = parseAttachInfo(hub.attach());
      assert.ok(attach.ok);
      const key = live.attach('dbg-c', attach.value, 'child-session');
      let expanded = 0;
      for (let round = 0; round < 6; round++) {
        queues.forEach((q, i) => {
          for (let k = 0; k < 1 + ((i + round) % 5); k++) q.putNowait(round * 10 + k);
        });
        await new Promise((r) => setImmediate(r));
        const batch = parseDrainBatch(hub.drain(512 * 1024, { columns: true }));
        assert.ok(batch.ok);
        assert.ok(batch.value.compact, 'the drain held columnar events');
        expanded += batch.value.events.filter((e) => e.type === 'counters').length;
        assert.equal(live.applyDrain('dbg-c', key, batch.value).applied, true);
      }
      for (const q of queues) q.putNowait(-1);
      await Promise.all(consumers);
      live.endSession('dbg-c');

      const file = path.join(dir, 'columns.qscope');
      await recorder.save('dbg-c', file, { gzipThresholdBytes: Infinity });
      const stored = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; v?: number });
      assert.equal(stored[0].v, 2, 'a file that may hold columnar lines says format version 2');
      const types = stored.map((l) => l.type);
      assert.equal(types.filter((t) => t === 'counters').length, 0, 'counters stay columnar');
      assert.equal(types.filter((t) => t === 'counterCols').length, 6);
      assert.ok(expanded >= 1500, `${expanded} counters events went into the model`);

      const replay = newModel();
      const result = await replayFile(file, replay, 'replay-c');
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(modelPicture(replay, 'replay-c'), modelPicture(live, 'dbg-c'));
      const busiest = live.queuesOf('dbg-c').find((q) => q.name === 'tenant-4');
      assert.ok(busiest && busiest.counters.puts > 6 && busiest.timeline.stats().points > 0, 'the comparison is not vacuous');
    } finally {
      await recorder.dispose();
    }
  });

  it('exposes a live session\'s recording so far, whole lines only, while it keeps growing', async () => {
    const live = newModel();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      live.openSession('dbg-5', 'growing');
      const input = asLiveInput(syntheticRecording({ ticks: 60 }), '4000:0', 10);
      const key = live.attach('dbg-5', input.attach);
      const half = Math.floor(input.batches.length / 2);
      for (const b of input.batches.slice(0, half)) live.applyDrain('dbg-5', key, b);
      const now = await recorder.recordingFile('dbg-5');
      assert.ok(now?.length);
      for (const b of input.batches.slice(half)) live.applyDrain('dbg-5', key, b); // appended after
      const lines: RecordingLine[] = [];
      const result = await readRecording(now.path, { length: now.length, onLines: (batch) => void lines.push(...batch) });
      assert.deepEqual(result.warnings, []);
      const events = input.batches.slice(0, half).reduce((n, b) => n + b.events.length, 0);
      assert.equal(lines.filter((l) => l.type !== 'qscope' && l.type !== 'source' && l.type !== 'dropped').length, events);
    } finally {
      await recorder.dispose();
    }
  });

  it('does not record replayed sessions, and saves them by copying their file', async () => {
    const live = newModel();
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool') });
    try {
      live.openSession('rec-1', 'old', 'recording');
      assert.equal(recorder.canSave('rec-1'), false);
      const original = path.join(dir, 'orig.qscope');
      fs.writeFileSync(original, JSON.stringify(syntheticRecording({ ticks: 1 })[0]) + '\n');
      recorder.setSourceFile('rec-1', original);
      await recorder.save('rec-1', path.join(dir, 'copy.qscope'));
      assert.equal(fs.readFileSync(path.join(dir, 'copy.qscope'), 'utf8'), fs.readFileSync(original, 'utf8'));
    } finally {
      await recorder.dispose();
    }
  });

  it('unhooks the model and removes its spool files on dispose', async () => {
    const live = newModel();
    const spoolDir = path.join(dir, 'spool');
    const recorder = new SessionRecorder(live, { dir: spoolDir });
    live.openSession('dbg-2', 'x');
    assert.equal(fs.readdirSync(spoolDir).length, 1);
    await recorder.dispose();
    assert.deepEqual(fs.readdirSync(spoolDir), []);
    live.openSession('dbg-3', 'y');
    assert.deepEqual(fs.readdirSync(spoolDir), [], 'no more recording after dispose');
  });

  it('stops recording at the size limit with a warning, and the live model keeps working', async () => {
    const live = newModel();
    const logs: string[] = [];
    const recorder = new SessionRecorder(live, { dir: path.join(dir, 'spool'), maxBytes: 4096, log: (m) => logs.push(m) });
    try {
      live.openSession('dbg-4', 'tiny');
      const input = asLiveInput(syntheticRecording({ ticks: 50 }), '4000:0', 10);
      const key = live.attach('dbg-4', input.attach);
      for (const b of input.batches) live.applyDrain('dbg-4', key, b);
      assert.equal(live.queuesOf('dbg-4')[0].timeline.stats().points > 0, true, 'the model still got its data');
      assert.equal(logs.length, 1);
      assert.match(logs[0], /recording of "tiny" stopped at 4096 bytes/);
      const file = path.join(dir, 'cut.qscope');
      await recorder.save('dbg-4', file);
      const size = fs.statSync(file).size;
      assert.ok(size <= 4096 && size > 0, `saved ${size} bytes`);
      const result = await readRecording(file, { onLines: () => undefined });
      assert.deepEqual(result.warnings, [], 'the spool holds whole lines only');
    } finally {
      await recorder.dispose();
    }
  });
});
