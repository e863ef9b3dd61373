// When to poll next, from what the last drain cost and carried (issue #17). Pure: the
// poller feeds it each batch's figures and asks for the next delay.
//
// - Things change: the user's interval (queuescope.pollIntervalMs).
// - Nothing changes: back off by doubling, up to idleMaxMs, so an idle program costs a few
//   evaluates a minute (each one is a script V8 keeps while the Debugger domain is on).
// - Heavy answers: never more than maxBytesPerSecond through the debugger, the drains' own
//   debuggee time at most 1/duty of the wall clock, and reading them in the extension host at
//   most 1/hostDuty of it, whatever the number of queues. Both duties are long-run rates with
//   a little credit (DutyCredit): a one-off dear drain (the first at 10,000 queues) is not
//   followed by a long silence while later drains are cheap.
// - A busy program: the drains' own time at most a small share of the CPU time the program
//   itself spends (the hub reports it; src/protocol/drainPace.ts, shared with the hub's
//   pusher), so that what tracing costs a program stays proportionate to what it does.
// - `more` (the hub cut the batch at its budget): again as soon as the ceilings above
//   allow, without waiting for the base interval. Not at once whatever it costs: at 10,000
//   busy queues wait detail can stay behind for good (each announced wait's end must follow
//   it), and back-to-back 30-60 ms drains took most of the program's time.

import { cpuPacedInterval, DrainCost, DutyCredit } from '../../protocol/drainPace';

export interface IntervalOptions {
  /** The interval while things change (the setting). */
  baseMs: number;
  /** Slowest interval while nothing changes. Default 2000. */
  idleMaxMs?: number;
  /**
   * Slowest interval while the program has shown nothing yet (no event since the attach,
   * whose snapshot had no queue), for its first startIdleDrains empty drains. Default 250.
   * A program that compiles for a while first (tsx) would otherwise have backed off to
   * seconds by the time it made its first queue, so the queue appeared late in the panel
   * and its first row spanned all that time.
   */
  startIdleMaxMs?: number;
  /** Empty drains (from the attach) that startIdleMaxMs holds for; then idleMaxMs, as for a program that never makes a queue. Default 120 (~30 s). */
  startIdleDrains?: number;
  /** Empty drains before backing off. Default 3. */
  idleAfter?: number;
  /** Ceiling on answer bytes per second. Default 4 MiB/s. */
  maxBytesPerSecond?: number;
  /** A drain may take at most 1/duty of the interval in the debuggee. Default 50 (2%). */
  duty?: number;
  /** Reading a drain (parse + model) may take at most 1/hostDuty of the interval in the extension host. Default 10 (10%). */
  hostDuty?: number;
  /** Debuggee ms of drains that may go beyond the duty at once (DutyCredit). Default 500. */
  dutyCreditMs?: number;
  /** Extension-host ms of reading that may go beyond hostDuty at once. Default 1000. */
  hostCreditMs?: number;
  /** The debuggee credit the first drain finds (DutyCredit's startMs): what an attach brings at once. Default 2000. */
  dutyStartMs?: number;
  /** The extension-host credit the first drain finds. Default 3000. */
  hostStartMs?: number;
}

/** What one drain gave. */
export interface DrainFigures {
  /** Events in the batch (0: nothing changed). */
  events: number;
  /** Answer length in characters. */
  bytes: number;
  /** Debuggee ms of the drain, when the hub reports it (columnar drains). */
  debuggeeMs?: number;
  /** Extension-host ms spent reading it (parse + model apply). */
  hostMs?: number;
  /** The program's CPU ms per second since the previous drain, when the hub reports it. */
  programCpu?: number;
  more: boolean;
}

export class AdaptiveInterval {
  private idle = 0;
  /** Something was seen: a drain with events, or queues in the attach snapshot. */
  private started = false;
  /** The drains' debuggee ms as the CPU rule counts them (an isolated spike does not stretch it). */
  private readonly cost = new DrainCost();
  private debuggeeCredit: DutyCredit | undefined;
  private hostCredit: DutyCredit | undefined;
  /** The delay asked after the previous drain (the gap before this one, roughly). */
  private lastDelay = 0;

  constructor(private readonly options: () => IntervalOptions) {}

  /** Delay before the next drain, given the one that just finished. */
  next(d: DrainFigures): number {
    const o = this.options();
    const base = Math.max(1, o.baseMs);
    this.idle = d.events === 0 ? this.idle + 1 : 0;
    if (d.events > 0) this.started = true;
    let ms = d.more ? 0 : base;
    const after = o.idleAfter ?? 3;
    const starting = !this.started && this.idle <= (o.startIdleDrains ?? 120);
    const idleMax = starting ? (o.startIdleMaxMs ?? 250) : (o.idleMaxMs ?? 2000);
    if (this.idle >= after) ms = Math.min(Math.max(base, idleMax), base * 2 ** Math.min(16, this.idle - after + 1));
    ms = Math.max(ms, (d.bytes * 1000) / (o.maxBytesPerSecond ?? 4 * 1024 * 1024));
    const since = this.lastDelay + (d.debuggeeMs ?? 0);
    this.debuggeeCredit ??= new DutyCredit(o.dutyStartMs ?? 2000);
    this.hostCredit ??= new DutyCredit(o.hostStartMs ?? 3000);
    ms = Math.max(ms, this.debuggeeCredit.spend(d.debuggeeMs ?? 0, since, o.duty ?? 50, o.dutyCreditMs ?? 500));
    ms = Math.max(ms, this.hostCredit.spend(d.hostMs ?? 0, since, o.hostDuty ?? 10, o.hostCreditMs ?? 1000));
    const counted = d.debuggeeMs !== undefined && d.debuggeeMs >= 0 ? this.cost.add(d.debuggeeMs) : undefined;
    ms = Math.max(ms, cpuPacedInterval(counted, d.programCpu));
    this.lastDelay = Math.round(ms);
    return this.lastDelay;
  }

  /** The attach snapshot showed queues: idle from here on is a program's quiet, not its start. */
  sawQueues(): void {
    this.started = true;
  }

  /** Something happened that the next drain should see at once (a continue, a setting). */
  reset(): void {
    this.idle = 0;
  }
}
