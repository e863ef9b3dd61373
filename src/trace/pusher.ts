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
// the hub's share of the program's time stays bounded whatever the load, nor than the drain's
// cost as a share of the program's own CPU time allows (src/protocol/drainPace.ts, as the
// poller's adaptive interval does). `more` (the budget
// cut a batch) drains again at once, up to MAX_BATCHES_PER_TICK batches per tick, then at
// the next tick the duty allows.
//
// Why one repeating timer and not a setTimeout per push (the pause under F6): js-debug
// reports a user's pause only once it reaches user code. A pause that lands in a push
// (skipped code) makes js-debug step statement by statement through the node internals that
// run after it; past 256 such steps it only steps out, and from node's timer internals that
// never reaches user code again, so the pause is never reported. A push that re-armed itself
// with setTimeout ran the Timeout constructor and the async-hook `init` (js-debug enables
// async stacks) inside every push: a pause landing there needed hundreds of steps. The
// interval is re-armed by node's own timer loop; after a push only that loop's tail runs
// before the next callback, as after any user timer. Ticks between pushes return at once.

import { cpuPacedInterval, DrainCost } from '../protocol/drainPace';
import { now } from './clock';
import { clearUnrefInterval, unrefInterval, unrefTimer } from './env';

/** What one drain gave: the batch text, and whether it carried anything / left something. */
export interface PushDrain {
  text: string;
  empty: boolean;
  more: boolean;
  /** Debuggee ms the drain took. */
  ms: number;
  /** The program's CPU ms per second since the previous drain, when known. */
  cpu?: number;
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

/** Batches drained in one tick while the budget keeps cutting them (`more`). */
export const MAX_BATCHES_PER_TICK = 8;

export class Pusher {
  /** The repeating timer (one per lease and interval) and its period. */
  private ticker: unknown = undefined;
  private tickMs = 0;
  /** The first push after start(): a one-shot timer, void once another start or stop comes. */
  private firstPush: object | undefined;
  /** now() before which ticks do nothing (the adaptive interval). */
  private nextAt = 0;
  private until = 0;
  private idle = 0;
  /** Drain ms as the CPU rule counts them (an isolated spike does not stretch it). */
  private readonly cost = new DrainCost();
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
    this.nextAt = 0;
    if (this.ticker === undefined || this.tickMs !== options.intervalMs) {
      this.clearTicker();
      this.tickMs = options.intervalMs;
      this.ticker = unrefInterval(() => this.onTick(), options.intervalMs);
    }
    const token = {};
    this.firstPush = token;
    unrefTimer(() => {
      if (this.firstPush === token) this.onTick();
    }, 0);
  }

  /**
   * Stop pushing. Calls nothing of node's (the next tick clears the timer): the reader sends
   * this when the user asks to pause, and a pause that V8 already holds for "the next call"
   * must not land in clearInterval, from where js-debug would smart-step through node's
   * timer internals.
   */
  stop(): void {
    this.send = undefined;
    this.firstPush = undefined;
  }

  private clearTicker(): void {
    if (this.ticker !== undefined) clearUnrefInterval(this.ticker);
    this.ticker = undefined;
  }

  private onTick(): void {
    this.firstPush = undefined;
    const send = this.send;
    if (send === undefined) {
      this.clearTicker(); // stopped since the last tick
      return;
    }
    const t = now();
    if (t > this.until) {
      this.stop(); // the reader stopped renewing: nobody is listening
      this.clearTicker();
      return;
    }
    if (t < this.nextAt) return;
    let d: PushDrain | undefined;
    let ms = 0;
    try {
      for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
        d = this.drain(this.options.maxBytes);
        // The binding serialises the batch into its CDP event here, on the program's thread:
        // part of what a push costs (~1 ms per 100 KB), which the drain's own ms leaves out.
        const sent = now();
        send(d.text);
        this.pushed++;
        ms += d.ms + (now() - sent);
        if (!d.more) break;
      }
    } catch {
      this.stop(); // the binding is gone (the debugger detached)
      this.clearTicker();
      return;
    }
    if (d === undefined) return;
    this.idle = d.empty ? this.idle + 1 : 0;
    let next = d.more ? 0 : this.options.intervalMs;
    if (this.idle > 2) next = Math.min(IDLE_MAX_MS, next * 2 ** Math.min(10, this.idle - 2));
    // Even with detail left behind (`more`), which at 10,000 busy queues can last: drains
    // back to back would take most of the program's time.
    next = Math.max(next, ms * DUTY, cpuPacedInterval(this.cost.add(ms), d.cpu));
    // Ticks come every intervalMs, give or take: half a tick early still counts as due.
    this.nextAt = t + next - this.tickMs / 2;
  }
}
