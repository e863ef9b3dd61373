// What the diagnostics engine reports: one Finding per problem, each carrying its evidence
// (queues, waiters, call sites, since when) so every reader (CLI, Problems view, panel strip,
// tree) shows the same facts. Plain data: it crosses to the webview and into --json as is.

import type { CallSite, WaiterRoleWire } from '../protocol/wire';

export type RuleId = 'deadlock' | 'stuck' | 'exit-work-left' | 'collected-work-left' | 'growth' | 'bottleneck' | 'long-block';

/** warning: a bug to fix (the CLI exits 1); info: worth knowing; hint: soft, may be normal. */
export type Severity = 'warning' | 'info' | 'hint';

export const RULE_SEVERITY: Readonly<Record<RuleId, Severity>> = {
  deadlock: 'warning',
  stuck: 'warning',
  'exit-work-left': 'warning',
  'collected-work-left': 'warning',
  growth: 'warning',
  bottleneck: 'info',
  'long-block': 'hint',
};

/** A waiter named in a finding. */
export interface FindingWaiter {
  /** Queue key (`session/source/id`). */
  queue: string;
  queueName: string;
  /** Waiter id within its source. */
  id: number;
  role: WaiterRoleWire;
  /** Epoch ms the wait started. */
  since: number;
  /** Active (unpaused) ms it has waited at the finding's time. */
  waitedMs: number;
  site?: CallSite;
  /** It was already waiting when QueueScope attached: `since` is the arming time, `waitedMs` a lower bound. */
  adopted?: true;
}

/** A call site a finding names besides its waiters' own, and what the program does there. */
export interface FindingSite extends CallSite {
  /** The line creates `queue`, or gets from it or puts into it (absent: just related). */
  what?: { does: 'creates' | 'gets' | 'puts'; queue: string };
}

/** A queue named in a finding. */
export interface FindingQueue {
  key: string;
  name: string;
  size: number;
  maxsize: number;
}

export interface Finding {
  /** Stable while the condition lasts: the same problem keeps its id from tick to tick. */
  id: string;
  rule: RuleId;
  severity: Severity;
  session: string;
  /** One sentence for people. */
  message: string;
  /** Epoch ms the condition began (as far as the evidence goes). */
  since: number;
  /** `since` is when QueueScope attached: the condition began earlier (its age is a lower bound). */
  sinceAtLeast?: true;
  queues: FindingQueue[];
  waiters: FindingWaiter[];
  /** Call sites involved besides the waiters' own (feeders, drainers, creation lines). */
  sites: FindingSite[];
  /** Set when the call-site knowledge the finding rests on is incomplete: what is missing. */
  partial?: string;
  /** Numbers behind the finding (slope, p99, ages…), for --json and tooltips. */
  figures: Record<string, number>;
  /**
   * A recording's finding (its whole history is shown): epoch ms, on the recording's clock,
   * of the tick that cleared it (the first that no longer saw it) or of the recording's end,
   * so its age is not read against today's clock.
   */
  until?: number;
}

/** A finding in the engine's history: when it was raised and, once its condition ended, when. */
export interface FindingRecord {
  finding: Finding;
  /** Epoch ms of the tick that first raised it. */
  raised: number;
  /** Epoch ms of the tick that no longer saw it (absent while active). */
  cleared?: number;
  /**
   * A stuck finding that cleared as the task it named ended (engine.ts, taskEnded), not by a
   * shutdown, the program's end or the program getting busy again, which also clear it.
   * `queuescope check` reports it as a long task (report.ts, inHindsight).
   */
  workDone?: true;
}
