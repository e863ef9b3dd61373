// A waiter that has just left stays on the list for a moment. Waits that start and end
// between two polls would otherwise make the blocked list blink 0 -> 1 -> 0 while the
// producer is in fact blocked most of the time (issue 11); held for HOLD_MS, a producer that
// blocks again and again reads as "blocked", and the one that just left is shown as ended.
// Pure (no DOM), so it is unit-tested; waiters.ts draws what it returns.

import type { WaiterInfo } from '../protocol/webview';

/** How long a waiter that left stays listed (session ms). */
export const HOLD_MS = 1000;

export interface ShownWaiter {
  info: WaiterInfo;
  /** Set on a waiter that left: when it was seen gone (session ms). */
  endedAt?: number;
}

export class WaiterHold {
  private last = new Map<string, WaiterInfo>();
  private readonly held = new Map<string, ShownWaiter>();
  private scope: string | undefined;

  constructor(private readonly holdMs = HOLD_MS) {}

  /**
   * The list to show for `scope` (the selected queue) at `now`: the current waiters, then the
   * ones that left less than holdMs ago. `enabled` is false while paused, ended or replaying:
   * then the list is exactly the current one.
   */
  update(scope: string | undefined, current: readonly WaiterInfo[], now: number, enabled: boolean): ShownWaiter[] {
    if (scope !== this.scope || !enabled) {
      this.held.clear();
      this.last.clear();
      this.scope = scope;
    }
    const ids = new Set(current.map((w) => w.id));
    if (enabled) for (const [id, w] of this.last) if (!ids.has(id) && !this.held.has(id)) this.held.set(id, { info: w, endedAt: now });
    for (const id of ids) this.held.delete(id);
    for (const [id, h] of this.held) if (now - h.endedAt! >= this.holdMs) this.held.delete(id);
    this.last = new Map(current.map((w) => [w.id, w]));
    return [...current.map((info) => ({ info })), ...this.held.values()];
  }

  /** Some held waiter's time is up: the list must be drawn again. */
  expired(now: number): boolean {
    for (const h of this.held.values()) if (now - h.endedAt! >= this.holdMs) return true;
    return false;
  }
}
