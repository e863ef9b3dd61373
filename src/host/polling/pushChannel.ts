// The push channel's extension side (issue #17): drains arrive as Runtime.bindingCalled
// over a CDP connection instead of being fetched with DAP evaluate, so polling compiles no
// script in the debuggee (bench/live/pollChannel.ts: evaluate leaves ~0.5 KB of RSS per poll
// with the Debugger domain on; a push leaves none). In VS Code the connection is js-debug's
// CDP proxy for extensions (`extension.js-debug.requestCDPProxy`); tests use a direct
// `node --inspect` connection. No vscode import.
//
// Protocol: Runtime.addBinding(name) once; JsDebug.subscribe to Runtime.bindingCalled (only
// js-debug's proxy needs it; a plain CDP endpoint answers "method not found", ignored);
// then startPushExpression() through Runtime.evaluate, renewed every leaseMs/3. Each renewal
// compiles one small script: at the default 120 s lease (renewed every 40 s), 90 an hour per realm instead
// of 36,000 evaluates at 10 polls/s.
// If any step fails, the channel reports it and the poller keeps evaluating (the fallback).
//
// When the program halts (the user asks to pause, a breakpoint, a step) the hub stops
// pushing (stopPushExpression, sent at once: the user's pause request reaches us before
// js-debug sends Debugger.pause, and the debuggee runs our evaluate before that pause when
// it comes first) and renewals wait; the first renewal after the program runs again
// restarts pushing. A user's pause that lands in a push is slow to report and can be lost:
// js-debug smart-steps out of skipped code for at most 256 steps (docs/SCALE.md, "Pauses
// under push"), so no push may run while a pause is on its way. flush() is an ordering barrier: a CDP command that compiles nothing
// (Runtime.getHeapUsage), whose answer comes after every bindingCalled the debuggee sent
// before it (one connection keeps its order; js-debug's proxy forwards events as they come).

import { startPushExpression, stopPushExpression, type PushStarted } from '../../protocol/hub';

/** The slice of a CDP connection the channel needs. */
export interface CdpLink {
  send(method: string, params?: object): Promise<unknown>;
  /** Subscribe to an event; returns an unsubscribe function. */
  on(event: string, listener: (params: unknown) => void): () => void;
}

export interface PushChannelOptions {
  /** Binding name (unique per extension instance; keep it a JS identifier). */
  binding: string;
  /** Read at every start and renewal, so a settings change applies at the next renewal. */
  intervalMs: number | (() => number);
  maxBytes: number;
  /** Lease of each start; renewed every third of it. Default 120 s. */
  leaseMs?: number;
  /** Each pushed batch (DrainBatch JSON text, columnar). */
  onBatch(text: string): void;
  /** The channel stopped working (the poller should fall back to evaluate). */
  onLost?(why: string): void;
  /** Timers, injectable for tests. */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (h: unknown) => void;
}

export type PushChannelState = 'idle' | 'starting' | 'pushing' | 'closed';

export class PushChannel {
  private stateValue: PushChannelState = 'idle';
  private renewTimer: unknown;
  private unsubscribe: (() => void) | undefined;
  private halted = false;
  /** Batches received (diagnostics, tests). */
  received = 0;
  /** Start/renew/stop evaluates sent: the only scripts this channel compiles. */
  renewals = 0;

  constructor(
    private readonly link: CdpLink,
    private readonly options: PushChannelOptions,
  ) {}

  get state(): PushChannelState {
    return this.stateValue;
  }

  /**
   * Install the binding and start the hub pushing. Resolves to the seq of the first pushed
   * batch, or undefined when this debuggee cannot push (no hub, an older hub, no CDP):
   * then nothing was left running.
   */
  async start(): Promise<number | undefined> {
    if (this.stateValue !== 'idle') return undefined;
    this.stateValue = 'starting';
    const name = this.options.binding;
    try {
      this.unsubscribe = this.link.on('Runtime.bindingCalled', (p) => {
        const params = p as { name?: unknown; payload?: unknown };
        if (params.name !== name || typeof params.payload !== 'string' || this.stateValue === 'closed') return;
        this.received++;
        this.options.onBatch(params.payload);
      });
      await this.link.send('JsDebug.subscribe', { events: ['Runtime.bindingCalled'] }).catch(() => undefined);
      await this.link.send('Runtime.addBinding', { name });
      const started = await this.renew();
      if (started?.ok !== true || this.stateValue !== 'starting') {
        // Cannot push, or the connection went away meanwhile; a hub that did start stops
        // pushing on its own when the lease runs out (nobody renews it).
        this.close();
        return undefined;
      }
      this.stateValue = 'pushing';
      const every = Math.max(1000, (this.options.leaseMs ?? 120_000) / 3);
      const setI = this.options.setInterval ?? ((fn, ms) => setInterval(fn, ms));
      this.renewTimer = setI(() => {
        if (!this.halted) this.renewNow();
      }, every);
      return started.nextSeq;
    } catch {
      this.close();
      return undefined;
    }
  }

  /**
   * The program halted (true) or runs again (false). Halting stops the hub pushing and
   * renewals wait; the first one after it runs again is sent at once and restarts pushing.
   */
  setHalted(on: boolean): void {
    const was = this.halted;
    this.halted = on;
    if (this.stateValue !== 'pushing') return;
    if (on && !was) this.stopPushing();
    else if (was && !on) this.renewNow();
  }

  /** Stop the hub pushing until the next renewal; sent synchronously (see the top). */
  private stopPushing(): void {
    this.renewals++;
    void this.link.send('Runtime.evaluate', { expression: stopPushExpression(), silent: true }).catch(() => undefined);
  }

  /**
   * Resolves once every batch the debuggee pushed before this call was delivered to onBatch
   * (or after `timeoutMs`, or at once when the connection fails).
   */
  async flush(timeoutMs = 2000): Promise<void> {
    if (this.stateValue !== 'pushing') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.link.send('Runtime.getHeapUsage').catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** The connection went away: the poller falls back to evaluate. */
  connectionLost(why: string): void {
    if (this.stateValue === 'pushing') this.lost(why);
    else if (this.stateValue === 'starting') this.close(); // start() resolves to undefined
  }

  /** Stop the hub pushing and let go of the binding. */
  async stop(): Promise<void> {
    if (this.stateValue === 'closed') return;
    const wasPushing = this.stateValue === 'pushing';
    this.close();
    if (!wasPushing) return;
    await this.link.send('Runtime.evaluate', { expression: stopPushExpression(), silent: true }).catch(() => undefined);
    await this.link.send('Runtime.removeBinding', { name: this.options.binding }).catch(() => undefined);
  }

  private renewNow(): void {
    void this.renew().then((r) => {
      if (r?.ok !== true && this.stateValue === 'pushing') this.lost(r?.error ?? 'renewal failed');
    });
  }

  private async renew(): Promise<PushStarted | undefined> {
    this.renewals++;
    try {
      const i = this.options.intervalMs;
      const expression = startPushExpression(this.options.binding, { intervalMs: typeof i === 'function' ? i() : i, maxBytes: this.options.maxBytes, leaseMs: this.options.leaseMs ?? 120_000 });
      const r = (await this.link.send('Runtime.evaluate', { expression, returnByValue: true, silent: true })) as { result?: { value?: unknown } };
      const text = r.result?.value;
      if (typeof text !== 'string') return undefined;
      const parsed = JSON.parse(text) as PushStarted | null;
      return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private lost(why: string): void {
    if (this.stateValue === 'closed') return;
    this.close();
    this.options.onLost?.(why);
  }

  private close(): void {
    this.stateValue = 'closed';
    if (this.renewTimer !== undefined) (this.options.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>)))(this.renewTimer);
    this.renewTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
