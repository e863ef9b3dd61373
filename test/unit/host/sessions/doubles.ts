// Test doubles at the edge of the poller: a scripted debug session and a manual clock.

import { attachExpression, boundedExpression, chunkExpression, drainExpression, snapshotExpression } from '../../../../src/protocol/hub';
import type { EvaluateTarget, PollerClock, PollerLog } from '../../../../src/host/sessions/poller';

export type Kind = 'attach' | 'drain' | 'snapshot' | 'chunk';

/** Which poll expression was sent; throws on anything else (the poller must only send these). */
export function kindOf(expression: string): Kind {
  const chunk = /h\.chunk\((\d+),(\d+),(\d+)\)/.exec(expression);
  if (chunk && expression === chunkExpression(Number(chunk[1]), Number(chunk[2]), Number(chunk[3]))) return 'chunk';
  // The poller asks for long answers in parts: its expressions come wrapped (boundedExpression).
  const max = /h\.bounded\(a,(\d+)\)/.exec(expression);
  const as = (e: string): boolean => expression === e || (max !== null && expression === boundedExpression(e, Number(max[1])));
  const tail = /h\.attach\((\{"tail":"(?:[^"\\]|\\.)*"\})\)/.exec(expression);
  if (as(attachExpression()) || (tail && as(attachExpression(JSON.parse(tail[1]) as { tail: string })))) return 'attach';
  const drain = /h\.drain\((\d+)/.exec(expression);
  if (drain && (as(drainExpression(Number(drain[1]))) || as(drainExpression(Number(drain[1]), { columns: true })))) return 'drain';
  const items = /"items":(\d+)/.exec(expression);
  // The pause snapshot says so (a file recorder marks the pause), and how long ago the stop came; a resync's does not.
  const lead = /"pausedMs":(\d+)/.exec(expression);
  const pausedMs = lead ? { pausedMs: Number(lead[1]) } : {};
  if (items && (as(snapshotExpression({ items: Number(items[1]) })) || as(snapshotExpression({ items: Number(items[1]), paused: true, ...pausedMs })))) return 'snapshot';
  throw new Error(`unexpected expression: ${expression}`);
}

type Answer = string | Error | (() => Promise<string>);

/**
 * A debug session that answers each kind of expression from a script (in order). When a
 * script runs out, attach answers NO_HUB, drain answers an empty batch with the next seq.
 */
export class ScriptedSession implements EvaluateTarget {
  readonly sent: { kind: Kind; expression: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly scripts: Record<Kind, Answer[]> = { attach: [], drain: [], snapshot: [], chunk: [] };
  private nextSeq = 1;
  /** Set by tests that exercise re-sent pauses. */
  pause?: () => Promise<void>;

  script(kind: Kind, ...answers: Answer[]): this {
    this.scripts[kind].push(...answers);
    return this;
  }

  count(kind: Kind): number {
    return this.sent.filter((s) => s.kind === kind).length;
  }

  async evaluate(expression: string): Promise<string> {
    const kind = kindOf(expression);
    this.sent.push({ kind, expression });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const answer = this.scripts[kind].shift();
      if (answer instanceof Error) throw answer;
      const text = typeof answer === 'function' ? await answer() : answer;
      if (text !== undefined) {
        const seq = /^\{"v":1,"seq":(\d+)/.exec(text);
        if (seq) this.nextSeq = Number(seq[1]) + 1;
        return text;
      }
      if (kind === 'attach') return 'null';
      if (kind === 'chunk') return '';
      if (kind === 'drain') return JSON.stringify({ v: 1, seq: this.nextSeq++, t: 1, events: [], more: false, dropped: 0 });
      return JSON.stringify({ v: 1, t: 1, queues: [] });
    } finally {
      this.inFlight--;
    }
  }
}

/** Let every pending promise chain run (the poller's awaits are all microtasks with the scripted session). */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Timers that only fire when the test advances time. */
export class ManualClock implements PollerClock {
  now = 0;
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private ids = 0;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ id, at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending(): number[] {
    return this.timers.map((t) => t.at - this.now);
  }

  /** Advance time, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
    await settle();
  }
}

export class MemoryLog implements PollerLog {
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  info(m: string): void {
    this.infos.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
}

/** A promise with its resolve function outside, for answers the test releases. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
