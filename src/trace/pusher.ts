// The push channel's debuggee side (issue #17). Polling through DAP `evaluate` compiles one
// script per poll, and with the Debugger domain enabled V8 keeps every one (~0.5 KB of RSS
// per poll, bench/live/pollChannel.ts). A reader that can reach the debuggee over CDP
// instead installs a binding (Runtime.addBinding) and calls hub.push() once: from then on
// the hub drains itself on an unref'd timer and hands each columnar batch to the binding,
// which compiles nothing. The reader renews the lease now and then; when it stops (the
// debugger went away), pushing stops too.
//
// The interval adapts: the reader's interval while things change; doubling up to
// IDLE_MAX_MS while drains come back empty; never less than DUTY x the drain's own cost, so
// the hub's share of the program's time stays bounded whatever the load. `more` (the budget
// cut a batch) pushes again at once.

import { now } from './clock';
import { unrefTimer } from './env';

/** What one drain gave: the batch text, and whether it carried anything / left something. */
export interface PushDrain {
  text: string;
  empty: boolean;
  more: boolean;
  /** Debuggee ms the drain took. */
  ms: number;
}

export interface PushOptions {
  intervalMs: number;
  maxBytes: number;
  /** Push stops this long after the last start/renewal. */
  leaseMs: number;
}

/** Slowest push while nothing changes. */
export const IDLE_MAX_MS = 2000;
/** A drain may take at most 1/DUTY of the time between two drains. */
export const DUTY = 50;

export class Pusher {
  private timer: unknown = undefined;
  private until = 0;
  private idle = 0;
  private options: PushOptions = { intervalMs: 100, maxBytes: 256 * 1024, leaseMs: 30_000 };
  private send: ((text: string) => void) | undefined;
  /** Batches pushed (diagnostics). */
  pushed = 0;

  constructor(private readonly drain: (maxBytes: number) => PushDrain) {}

  get active(): boolean {
    return this.send !== undefined;
  }

  /** Start, retune or renew: `send` is the binding. Pushes a first batch at once. */
  start(send: (text: string) => void, options: PushOptions): void {
    this.send = send;
    this.options = options;
    this.until = now() + options.leaseMs;
    this.idle = 0;
    this.schedule(0);
  }

  stop(): void {
    this.send = undefined;
    this.timer = undefined; // an unref'd timer that fires finds nothing to do
  }

  private schedule(ms: number): void {
    const token = {};
    this.timer = token;
    unrefTimer(() => {
      if (this.timer === token) this.onTimer();
    }, ms);
  }

  private onTimer(): void {
    const send = this.send;
    if (send === undefined) return;
    if (now() > this.until) {
      this.stop(); // the reader stopped renewing: nobody is listening
      return;
    }
    let d: PushDrain;
    try {
      d = this.drain(this.options.maxBytes);
      send(d.text);
      this.pushed++;
    } catch {
      this.stop(); // the binding is gone (the debugger detached)
      return;
    }
    this.idle = d.empty ? this.idle + 1 : 0;
    let next = this.options.intervalMs;
    if (this.idle > 2) next = Math.min(IDLE_MAX_MS, next * 2 ** Math.min(10, this.idle - 2));
    next = Math.max(next, d.ms * DUTY);
    this.schedule(d.more ? 0 : next);
  }
}
