// How far a drain's cost stretches the time to the next one, by the program's own CPU time
// (issue #17): shared by the poller's adaptive interval (extension host) and the hub's
// pusher (debuggee), so both channels pace a busy program alike. Pure, dependency-free.

/** Drains may cost the debuggee at most this share of the program's own CPU time. */
export const DRAIN_CPU_SHARE = 0.04;
/** ...but are always allowed this many ms a second (a near-idle program's drains are cheap anyway). */
export const DRAIN_CPU_FLOOR_MS_PER_S = 2;
/** The longest interval this rule alone asks for. */
export const DRAIN_CPU_STRETCH_MAX_MS = 5000;

/**
 * Debuggee ms to hand back an answer of `chars` characters through `Runtime.evaluate` (DAP
 * evaluate): the inspector serialises the string into its reply on the program's thread,
 * after the hub's own `ms` was taken: 8-16 ms per million characters on the machine of
 * docs/SCALE.md (bench/live/evaluateCost.ts), so a 0.9 MB drain at 10,000 queues costs
 * ~10 ms more than its `ms` says. The evaluate's fixed cost (~0.45 ms, whatever the size) is left
 * out: it does not grow with the load, and the base interval bounds it.
 */
export function evaluateReplyMs(chars: number): number {
  return chars > 0 ? chars * EVALUATE_REPLY_MS_PER_CHAR : 0;
}
export const EVALUATE_REPLY_MS_PER_CHAR = 12e-6;

/**
 * A drain's cost as the CPU rule counts it: the last drain's ms, unless it stands alone above
 * the two before it (then the median of the three). One drain that a scavenge or a late
 * compile made 10x dearer held the next one back 10x longer: a 6-queue log shipper's drains
 * took 0.2-0.6 ms and now and then 2.4-4.1 ms, each of which stretched the interval to
 * 1.2-1.6 s (the panel said "every 1.1 s"). Two dear drains in a row count (a load that
 * grew), and a cheap one counts at once (a burst that ended: a running mean took ~25 s to
 * come back from two 30 ms drains). A spike every third drain escapes the rule; it stays a
 * spike, and the duty rule (2% of the wall clock) still holds every drain.
 */
export class DrainCost {
  private readonly last: number[] = [];

  /** Record a drain's ms; returns the ms the CPU rule should count for it. */
  add(ms: number): number {
    const l = this.last;
    l.push(ms);
    if (l.length > 3) l.shift();
    if (l.length < 3) return ms;
    const [a, b, c] = l;
    const median = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    return Math.min(ms, median);
  }
}

/**
 * The least interval (ms) after a drain that took `drainMs` in a program spending
 * `programCpu` ms of CPU a second; 0 when either figure is missing.
 */
export function cpuPacedInterval(drainMs: number | undefined, programCpu: number | undefined): number {
  if (programCpu === undefined || drainMs === undefined || !(drainMs > 0) || !(programCpu >= 0)) return 0;
  return Math.min(DRAIN_CPU_STRETCH_MAX_MS, (drainMs * 1000) / Math.max(DRAIN_CPU_FLOOR_MS_PER_S, DRAIN_CPU_SHARE * programCpu));
}

/**
 * A duty rule with credit: drains may take 1/duty of the wall clock, as a long-run rate with
 * bursts up to `capMs` rather than drain by drain. Credit builds up while drains are cheap
 * (1/duty of the time between them, up to the cap) and a drain spends its own cost; the next
 * drain waits only while the credit is below zero. At 10,000 queues the first drain after an
 * attach (their lifecycle, and a snapshot's waits ending) took ~0.4 s, and charging it alone
 * held the next one back 20 s while every later drain cost a tenth of it. With the cap as the
 * only slack, drain time over any window T stays under T/duty + capMs.
 */
export class DutyCredit {
  private credit: number | undefined;

  /**
   * @param startMs the credit the first drain finds, which may exceed the cap: it carries
   * what an attach brings at once (at 10,000 queues, 1.2 s of debuggee time on a loaded
   * machine, the ends of a snapshot's 9,757 waits included), as the attach itself is not
   * paced either. The cap applies from the second drain on.
   */
  constructor(private readonly startMs = 0) {}

  /**
   * After a drain that cost `ms`, begun `sinceLastMs` after the previous one: the least delay
   * before the next (0: the credit covers it).
   */
  spend(ms: number, sinceLastMs: number, duty: number, capMs: number): number {
    const cap = Math.max(0, capMs);
    const earned = sinceLastMs > 0 && duty > 0 ? sinceLastMs / duty : 0;
    const had = this.credit === undefined ? Math.max(cap, this.startMs) : Math.min(cap, this.credit + earned);
    const c = had - (ms > 0 ? ms : 0);
    this.credit = c;
    return c >= 0 ? 0 : -c * duty;
  }
}

