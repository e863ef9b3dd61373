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
  if (current && pinned && current.state === 'ended') {
    // A later run of the same launch (Debug: Restart, a reload: `<id>~<n>`, SessionWatcher
    // .modelSessionOf) takes the pin over: the user picked the program, not its killed run.
    const base = launchOf(current.id);
    const later = sessions.slice(sessions.indexOf(current) + 1).filter((s) => launchOf(s.id) === base);
    if (later.length > 0) return later[later.length - 1].id;
  }
  if (current && (pinned || current.state !== 'ended')) return current.id;
  let live: PickableSession | undefined;
  for (const s of sessions) if (s.state !== 'ended') live = s;
  const pick = live ?? current ?? sessions[sessions.length - 1];
  return pick ? pick.id : null;
}

/** The launch a run belongs to: its model session id without the `~<n>` of a later run. */
function launchOf(id: string): string {
  return id.replace(/~\d+$/, '');
}
