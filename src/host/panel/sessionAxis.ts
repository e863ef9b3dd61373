// A session's time axis as the panel draws it: where zero is (fixed the first time the
// session is shown, so the axis never shifts), what "now" is (wall clock while live, frozen
// while paused or ended), and the session facts every message repeats.

import type { ModelSession } from '../../model/entities';
import type { PanelMode, SessionStatus } from '../../protocol/webview';

/** Panel times are sent in session ms rounded to 0.1 ms. */
export const round1 = (x: number) => Math.round(x * 10) / 10;

/** Time zero per session; forgotten when the session leaves the model. */
export class AxisStarts {
  private readonly starts = new Map<string, number>();

  /** Epoch ms of time zero: the session's start or its earliest queue, fixed at first use. */
  of(s: ModelSession): number {
    let start = this.starts.get(s.id);
    if (start === undefined) {
      start = s.started;
      for (const src of s.sources.values()) for (const q of src.queues.values()) start = Math.min(start, q.created);
      this.starts.set(s.id, start);
    }
    return start;
  }

  forget(session: string): void {
    this.starts.delete(session);
  }

  get size(): number {
    return this.starts.size;
  }
}

/** Epoch ms that is "now" for this session: wall clock while live, frozen when paused/ended. */
export function sessionNow(s: ModelSession, mode: PanelMode, clock: () => number): number {
  if (s.state === 'ended') return s.ended ?? lastSeen(s);
  if (s.state === 'paused') {
    let at = -Infinity;
    for (const src of s.sources.values()) if (src.pausedAt !== undefined) at = Math.max(at, src.pausedAt);
    return Number.isFinite(at) ? at : lastSeen(s);
  }
  return mode === 'replay' ? lastSeen(s) : clock();
}

/**
 * How often a running session's picture is refreshed, when reading it is paced past
 * PACED_REFRESH_MS (the slowest of its live sources), rounded to 0.1 s; undefined otherwise.
 * `shown`: the panel shows it now, so it stays until the interval falls below
 * PACED_REFRESH_HIDE_MS (1,000 busy queues are paced at ~0.6-1.4 s: no flicker at 1 s).
 */
export function pacedRefreshOf(s: ModelSession, shown = false): number | undefined {
  if (s.state !== 'live' || s.origin !== 'debug') return undefined;
  let ms = 0;
  for (const src of s.sources.values()) if (src.state === 'live' && src.refreshMs !== undefined) ms = Math.max(ms, src.refreshMs);
  return ms >= (shown ? PACED_REFRESH_HIDE_MS : PACED_REFRESH_MS) ? Math.round(ms / 100) * 100 : undefined;
}

/** Refresh intervals from here on are worth telling the user about (the setting's default is 100 ms)... */
export const PACED_REFRESH_MS = 1000;
/** ...and once told, until they fall below this. */
export const PACED_REFRESH_HIDE_MS = 800;

export function statusOf(s: ModelSession): SessionStatus {
  return s.state === 'live' ? 'running' : s.state;
}

export function droppedOf(s: ModelSession): number {
  let n = 0;
  for (const src of s.sources.values()) n += src.dropped;
  return n;
}

function lastSeen(s: ModelSession): number {
  let t = s.started;
  for (const src of s.sources.values()) t = Math.max(t, src.lastSeen);
  return t;
}
