// The file recorder and a debugger reading one hub (QUEUESCOPE_TRACE_FILE left set in a
// launch configuration): the hub tees every drain to the recorder, so the debugger sees every
// seq and the file every event. A private Hub, the real Recorder with an in-memory file and
// a timer the test fires itself (one call = one recorder tick).

import * as assert from 'node:assert/strict';
import { Queue } from '../../../src/queue/index';
import type { HubReaderApi } from '../../../src/protocol/hub';
import type { AttachInfo, DrainBatch } from '../../../src/protocol/wire';
import { DEFAULTS } from '../../../src/trace/config';
import { ExitHooks, type ExitWriter } from '../../../src/trace/exitHooks';
import { Hub } from '../../../src/trace/hub';
import { READER_GRACE_MS, Recorder } from '../../../src/trace/recorder';
import { driveClock } from '../../helpers/hubClock';

const INTERVAL_MS = 100;
const GRACE_TICKS = Math.ceil(READER_GRACE_MS / INTERVAL_MS);

interface Rig {
  hub: Hub;
  q: Queue<number>;
  recorder: Recorder;
  /** One recorder tick (its timer firing). */
  tick(): void;
  /** The events written to the file so far (after the header and source lines), without `src`. */
  fileEvents(): Record<string, unknown>[];
}

function rig(reader: (hub: Hub) => HubReaderApi = (hub) => hub): Rig {
  const hub = new Hub({ ...DEFAULTS });
  hub.arm();
  const q = new Queue<number>({ name: 'jobs' });
  q.setProbe(hub.register(q));
  let text = '';
  const fs = {
    appendFileSync: (_p: unknown, t: unknown) => void (text += String(t)),
    writeFileSync: (_p: unknown, t: unknown) => void (text = String(t)),
    statSync: () => {
      throw new Error('ENOENT');
    },
  };
  let due: (() => void) | undefined;
  const recorder = new Recorder(reader(hub), fs as never, 'run.qscope', INTERVAL_MS, (fn) => (due = fn));
  recorder.start(false); // not a main thread: leaves process.env alone
  return {
    hub,
    q,
    recorder,
    tick: () => {
      const fn = due;
      due = undefined;
      assert.ok(fn !== undefined, 'the recorder keeps its timer going');
      fn();
    },
    fileEvents: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.type !== 'qscope' && l.type !== 'source')
        .map(({ src: _src, ...ev }) => ev),
  };
}

const drain = (hub: Hub): DrainBatch => JSON.parse(hub.drain(undefined, { columns: true })) as DrainBatch;

describe('trace: the file recorder and a debugger on one hub (tee)', () => {
  it('while a debugger reads, it gets every seq and the file gets exactly what it drained', () => {
    const r = rig();
    const attach = JSON.parse(r.hub.attach()) as AttachInfo;
    let expected = attach.nextSeq;
    const readerEvents: unknown[] = [];
    for (let i = 1; i <= 30; i++) {
      r.q.putNowait(i);
      if (i % 2 === 0) r.q.getNowait();
      r.tick(); // the recorder's timer fires between the debugger's drains
      if (i % 3 === 0) {
        const batch = drain(r.hub);
        assert.equal(batch.seq, expected++, `drain after item ${i}: no seq taken by the recorder`);
        readerEvents.push(...batch.events);
      }
    }
    r.tick();
    assert.ok(readerEvents.some((e) => (e as { type: string }).type === 'queue'), 'the debugger saw the queue announced');
    assert.deepEqual(r.fileEvents(), readerEvents);
  });

  it('a debugger silent for READER_GRACE_MS of ticks is gone: the recorder drains on its own again', () => {
    const r = rig();
    r.hub.attach();
    drain(r.hub);
    r.q.putNowait(1);
    for (let i = 0; i < GRACE_TICKS; i++) r.tick();
    assert.deepEqual(r.fileEvents().map((e) => e.type), ['queue'], 'within the grace the put waits for the debugger');
    r.tick();
    const counters = r.fileEvents().filter((e) => e.type === 'counterCols');
    assert.equal(counters.length, 1, 'then the recorder drained it');
  });

  it('a pause at a breakpoint (the clock runs, no ticks) does not count as silence', () => {
    let t = performance.now();
    const restore = driveClock(() => t);
    try {
      const r = rig();
      r.hub.attach();
      let expected = drain(r.hub).seq + 1;
      for (let round = 0; round < 3; round++) {
        t += 60_000; // a minute paused: the debugger did not poll, the recorder's timer did not run
        r.tick(); // the first tick after the resume comes before the debugger's next poll
        r.q.putNowait(round);
        for (let i = 0; i < GRACE_TICKS - 2; i++) r.tick();
        assert.equal(drain(r.hub).seq, expected++, `round ${round}: the debugger's next drain follows its previous one`);
      }
    } finally {
      restore();
    }
  });

  it("a hub without tee() (another library copy's): the recorder drains it on its own", () => {
    const r = rig((hub) => ({ attach: (o) => hub.attach(o), drain: (m, o) => hub.drain(m, o), snapshot: (o) => hub.snapshot(o) }));
    r.q.putNowait(1);
    r.tick();
    assert.deepEqual(r.fileEvents().map((e) => e.type), ['queue', 'sampleCols', 'counterCols']);
  });

  it('at the end it drains what is left, debugger or not, and writes the end line', () => {
    const r = rig();
    r.hub.attach();
    drain(r.hub);
    r.q.putNowait(1);
    r.q.putNowait(2);
    r.recorder.end('exit', { code: 0 });
    const events = r.fileEvents();
    const counters = events.find((e) => e.type === 'counterCols') as { puts: number[] } | undefined;
    assert.deepEqual(counters?.puts, [2]);
    assert.deepEqual(events[events.length - 1].type, 'end');
  });

  it("a debugger's pause snapshot marks a pause, which ends when the recorder's timer runs again", () => {
    const r = rig();
    r.hub.attach();
    const snap = r.hub.snapshot({ items: 0, paused: true }); // the poller's, while the program is stopped
    r.hub.snapshot({ items: 0, paused: true }); // a step that stopped again before any timer ran: one pause
    r.hub.snapshot({ items: 0 }); // a resync while running: no pause
    r.tick(); // the program runs again
    const marks = r.fileEvents().filter((e) => e.type === 'pause' || e.type === 'resume');
    assert.deepEqual(marks.map((e) => e.type), ['pause', 'resume']);
    assert.equal(marks[0].t, snap.t);
    assert.ok((marks[1].t as number) >= snap.t);
    r.tick();
    assert.equal(r.fileEvents().filter((e) => e.type === 'pause' || e.type === 'resume').length, 2, 'nothing more until the next pause');
  });

  it("dates the pause from the debugger's stop when the snapshot says how long ago that was, not from the snapshot", () => {
    const r = rig();
    r.hub.attach();
    // The poller drained for 1.7 s after the stop (a loaded machine) before this snapshot.
    const snap = r.hub.snapshot({ items: 0, paused: true, pausedMs: 1700 });
    r.tick();
    const marks = r.fileEvents().filter((e) => e.type === 'pause' || e.type === 'resume');
    assert.deepEqual(marks.map((e) => e.type), ['pause', 'resume']);
    assert.equal(marks[0].t, snap.t - Math.min(1700, snap.t));
    // Malformed leads are ignored: the pause is dated at the snapshot, as from older extensions.
    for (const pausedMs of [-5, Number.NaN, '900', Infinity]) {
      const again = rig();
      again.hub.attach();
      const s = again.hub.snapshot({ items: 0, paused: true, pausedMs } as never);
      again.tick();
      assert.equal(again.fileEvents().find((e) => e.type === 'pause')?.t, s.t, String(pausedMs));
    }
  });

  it('exit writers added first run first (the exit tail before the recorder)', () => {
    const listeners = new Map<string, (arg: unknown) => void>();
    const proc = { on: (e: string, l: (arg: unknown) => void) => void listeners.set(e, l), removeListener: () => undefined, listeners: () => [], listenerCount: () => 0, kill: () => true, pid: 1, platform: 'linux' };
    const hooks = new ExitHooks(proc as never, false);
    const order: string[] = [];
    const writer = (name: string): ExitWriter => ({ end: () => void order.push(name), flush: () => undefined });
    hooks.add(writer('recorder'));
    hooks.add(writer('tail'), true);
    listeners.get('exit')!(0);
    assert.deepEqual(order, ['tail', 'recorder']);
  });
});
