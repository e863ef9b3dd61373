// The pause race, handled in one place (docs/EXTENSION.md, "The pause race"; the measured
// facts are in docs/CONTRACTS.md). V8 lands a pending pause on the next statement it runs.
// When that is a poll already sent (js-debug may forward our evaluate after the user's
// pause), the statement is in a skipFiles (blackboxed) script and V8 drops the pause without
// stopping: measured in a real VS Code, the user's pause is then simply lost. So once
// nothing of ours is in flight, if the debugger showed no sign of life (no stop, and no
// 'continued' from js-debug stepping out of skipped code), the pause is sent again, once.
// And a pause that never becomes a stop (refused, or the program exited) must not halt
// polling forever: after a grace time the poller gives up waiting.

import type { PollerClock, PollerLog } from './poller';

export interface PauseRaceHost {
  clock: PollerClock;
  log: PollerLog;
  /** Name of the polled session, for the log. */
  channel: string;
  /** Still waiting for the stop a pause should bring (no stop, continue or end since). */
  awaitingStop(): boolean;
  /** Pause the program again; undefined when the target cannot (asked each time). */
  pauser(): (() => Promise<void>) | undefined;
  /** Stop waiting: resume polling. */
  giveUp(): void;
}

export interface PauseRaceTiming {
  repauseMs: number;
  pauseGraceMs: number;
}

export class PauseRace {
  /** Counts the user's pause requests; a timer armed for an older one does nothing. */
  private request = 0;
  /** Our own re-sent pause is on its way (the tracker will report it as a pause request). */
  private repausing = false;
  /** The debugger showed activity since the last pause request. */
  private busy = false;
  private repauseTimer: unknown;
  private graceTimer: unknown;
  /** Pauses re-sent because a poll swallowed the user's. */
  repauses = 0;

  constructor(private readonly host: PauseRaceHost, private readonly timing: PauseRaceTiming) {}

  /**
   * The tracker saw a pause request. Returns false when it is our own re-sent pause (the
   * caller ignores it). `inFlight` settles when no request of ours is in flight.
   */
  requested(inFlight: Promise<void>): boolean {
    if (this.repausing) return false;
    this.cancelTimers();
    this.busy = false;
    const request = ++this.request;
    void inFlight.then(() => {
      if (!this.host.pauser() || request !== this.request) return;
      this.repauseTimer = this.host.clock.setTimeout(() => {
        this.repauseTimer = undefined;
        if (request !== this.request || !this.host.awaitingStop() || this.busy) return;
        const pause = this.host.pauser();
        if (!pause) return;
        this.host.log.info(`${this.host.channel}: a pause was lost in a poll in flight; pausing again`);
        this.repausing = true;
        this.repauses++;
        pause().catch((err) => this.host.log.warn(`${this.host.channel}: pause failed: ${err instanceof Error ? err.message : String(err)}`));
        this.armGrace();
      }, this.timing.repauseMs);
    });
    this.armGrace();
    return true;
  }

  /** js-debug is stepping out of skipped code (a 'continued' while we wait): the stop is coming. */
  debuggerBusy(): void {
    this.busy = true;
    this.armGrace();
  }

  /** The program stopped or continued: the race is over. */
  settled(): void {
    this.cancelTimers();
    this.request++; // a re-send still waiting for our request in flight is void too
    this.repausing = false;
  }

  /** Drop both timers (a step, the end of the session, a new request), and the re-pause a poll in flight would still arm. */
  cancelTimers(): void {
    this.request++; // the pending `inFlight.then` of requested() sees a newer request and arms nothing
    if (this.repauseTimer !== undefined) {
      this.host.clock.clearTimeout(this.repauseTimer);
      this.repauseTimer = undefined;
    }
    if (this.graceTimer !== undefined) {
      this.host.clock.clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
  }

  private armGrace(): void {
    if (this.graceTimer !== undefined) this.host.clock.clearTimeout(this.graceTimer);
    this.graceTimer = this.host.clock.setTimeout(() => {
      this.graceTimer = undefined;
      if (this.host.awaitingStop()) this.host.giveUp();
    }, this.timing.pauseGraceMs);
  }
}
