// How many ended debug sessions the model keeps (setting queuescope.maxEndedSessions): the
// oldest beyond the limit are removed. Loaded recordings are never evicted (their editor
// shows them); ended Redis watches go like debug sessions. Pure, so the rule is unit-tested; the extension applies it.

import type { ModelSession } from '../../model/entities';

export interface EvictableSession {
  readonly id: string;
  readonly origin: ModelSession['origin'];
  readonly state: 'live' | 'paused' | 'ended';
  /** Epoch ms the session ended (undefined while it runs). */
  readonly ended?: number;
  readonly started: number;
}

/** Ids of the ended debug sessions to remove so that at most `limit` remain, oldest first. */
export function endedSessionsToEvict(sessions: readonly EvictableSession[], limit: number): string[] {
  const ended = sessions.filter((s) => s.origin !== 'recording' && s.state === 'ended');
  if (ended.length <= limit) return [];
  const byAge = [...ended].sort((a, b) => (a.ended ?? a.started) - (b.ended ?? b.started));
  return byAge.slice(0, ended.length - Math.max(0, limit)).map((s) => s.id);
}
