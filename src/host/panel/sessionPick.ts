// Which session the panel shows when the user has not said, as one pure function.

export interface PickableSession {
  readonly id: string;
  readonly state: 'live' | 'paused' | 'ended';
}

/**
 * The session to show: the selected one while the user pinned it or it has not ended; else
 * the newest session that has not ended; else the selected one; else the newest; else none.
 * `sessions` is in creation order.
 */
export function pickSession(sessions: readonly PickableSession[], selected: string | null, pinned: boolean): string | null {
  const current = selected !== null ? sessions.find((s) => s.id === selected) : undefined;
  if (current && (pinned || current.state !== 'ended')) return current.id;
  let live: PickableSession | undefined;
  for (const s of sessions) if (s.state !== 'ended') live = s;
  const pick = live ?? current ?? sessions[sessions.length - 1];
  return pick ? pick.id : null;
}
