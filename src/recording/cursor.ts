// The replay's time cursor: what a session looked like at one instant — each queue's depth
// (and the min/max of the sampling interval around that instant, so a spike between two
// samples still shows) and every wait in progress, from the recording's wait index.

import type { QueueModel } from '../model';
import type { CallSite, WaiterRoleWire } from '../protocol/wire';
import type { WaitIndex } from './waitIndex';

export interface CursorQueue {
  /** Model queue key. */
  key: string;
  /** Depth at the last sample at or before the instant. */
  depth: number;
  /** Lowest and highest depth in the sampling interval that contains the instant. */
  min: number;
  max: number;
}

export interface CursorWaiter {
  /** Model queue key. */
  queue: string;
  w: number;
  role: WaiterRoleWire;
  /** Epoch ms the wait started. */
  since: number;
  site?: CallSite;
}

export interface CursorState {
  /** Epoch ms. */
  at: number;
  queues: CursorQueue[];
  waiters: CursorWaiter[];
}

/** The state of `session` at epoch ms `at`; waiters only when the session has a wait index. */
export function cursorState(model: QueueModel, session: string, at: number, waits?: WaitIndex): CursorState {
  const queues: CursorQueue[] = [];
  for (const q of model.queuesOf(session)) {
    if (q.created > at || (q.collected !== undefined && q.collected < at)) continue;
    const s = q.timeline.series();
    // Last sample at or before `at`, and the one whose interval holds it.
    let lo = 0;
    let hi = s.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.t[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    const before = lo - 1;
    if (before < 0) {
      queues.push({ key: q.key, depth: 0, min: 0, max: s.t.length ? s.max[0] : 0 });
      continue;
    }
    const holding = s.t[before] === at || lo >= s.t.length ? before : lo;
    queues.push({ key: q.key, depth: s.depth[before], min: s.min[holding], max: s.max[holding] });
  }
  const waiters: CursorWaiter[] = (waits?.at(at) ?? []).map((w) => {
    const out: CursorWaiter = { queue: `${session}/${w.queue}`, w: w.w, role: w.role, since: w.since };
    if (w.site) out.site = model.mapSite(w.site); // the index keeps the recorded (raw) site
    return out;
  });
  return { at, queues, waiters };
}
