// A synthetic program for engine tests: a model fed with hand-made wire events (what a hub
// would send) and an engine ticked at chosen times, so each rule is checked on exact input.

import { DiagnosticsEngine } from '../../../src/diagnostics/engine';
import type { Finding } from '../../../src/diagnostics/findings';
import { resolveThresholds, type Thresholds } from '../../../src/diagnostics/thresholds';
import { QueueModel } from '../../../src/model';
import type { CallSite, Counters, WireEvent } from '../../../src/protocol/wire';
import { attachInfo, counters, ORIGIN } from '../model/fixtures';

export const SESSION = 's1';

export function siteOf(fn: string, line: number): CallSite {
  return { file: '/app/app.js', line, column: 5, fn };
}

export class World {
  /** The model's clock: ORIGIN until a drain (drain()) moves it to that drain's time. */
  private at = ORIGIN;
  /** The attach fixture says nextSeq 1: a batch before it would be stale. */
  private seq = 1;
  readonly model = new QueueModel({ now: () => this.at });
  readonly engine: DiagnosticsEngine;
  readonly source: string;
  private nextW = 1;
  private readonly c = new Map<number, Counters & { unfinished: number }>();

  constructor(th: Partial<Thresholds> = {}) {
    this.engine = new DiagnosticsEngine(this.model, { thresholds: resolveThresholds(th) });
    this.model.openSession(SESSION, 'test', 'debug', ORIGIN);
    this.source = this.model.attach(SESSION, attachInfo({ now: 0 }));
  }

  apply(events: WireEvent[]): void {
    this.model.applyEvents(SESSION, this.source, events);
  }

  queue(t: number, q: number, name: string, maxsize = 0, site?: CallSite): void {
    this.c.set(q, { ...counters(), unfinished: 0 });
    this.apply([{ type: 'queue', t, q, name, kind: 'fifo', maxsize, size: 0, ...(site ? { site } : {}) }]);
  }

  /** A drain batch applied at t (empty, or carrying `events`), as a live session's poller applies it. */
  drain(t: number, events: WireEvent[] = []): void {
    this.at = ORIGIN + t;
    this.model.applyDrain(SESSION, this.source, { v: 1, seq: this.seq++, t, events, more: false, dropped: 0 });
  }

  /** n puts (and optional gets / taskDones) at t: counters and a depth sample, as a drain carries them. */
  move(t: number, q: number, d: { puts?: number; gets?: number; done?: number }): void {
    const c = this.c.get(q) as Counters & { unfinished: number };
    c.puts += d.puts ?? 0;
    c.gets += d.gets ?? 0;
    c.unfinished += (d.puts ?? 0) - (d.done ?? 0);
    const size = c.puts - c.gets;
    const { unfinished, ...rest } = c;
    this.apply([
      { type: 'samples', t, rows: [[q, size, size, size, d.puts ?? 0, d.gets ?? 0]] },
      { type: 'counters', t, q, c: { ...rest }, unfinished },
    ]);
  }

  /** A wait starts; returns its id. */
  wait(t: number, q: number, role: 'put' | 'get', site?: CallSite): number {
    const w = this.nextW++;
    this.apply([{ type: 'wait', t, q, w, role, ...(site ? { site } : {}) }]);
    return w;
  }

  waitEnd(t: number, q: number, w: number, ms: number): void {
    this.apply([{ type: 'waitEnd', t, q, w, outcome: 'served', ms }]);
  }

  /** A short wait seen as wait + waitEnd in one batch (teaches the engine a call site). */
  waited(t: number, q: number, role: 'put' | 'get', site: CallSite): void {
    const w = this.nextW++;
    this.apply([
      { type: 'wait', t, q, w, role, site },
      { type: 'waitEnd', t: t + 5, q, w, outcome: 'served', ms: 5 },
    ]);
  }

  tick(t: number): Finding[] {
    this.engine.tick(ORIGIN + t);
    return this.engine.findings(SESSION);
  }

  /** Tick every `step` ms from `from` to `to` (inclusive); returns the last findings. */
  ticks(from: number, to: number, step = 100): Finding[] {
    let out: Finding[] = [];
    for (let t = from; t <= to; t += step) out = this.tick(t);
    return out;
  }

  pause(): void {
    this.model.setSourceState(SESSION, this.source, 'paused');
  }

  resume(): void {
    this.model.setSourceState(SESSION, this.source, 'live');
  }

  end(t: number): void {
    this.model.endSession(SESSION, ORIGIN + t);
  }
}

export const rules = (fs: readonly Finding[]): string[] => fs.map((f) => f.rule);
