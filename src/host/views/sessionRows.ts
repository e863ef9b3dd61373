// How a session reads in a quick pick (Save Recording, Export Recording): its name, what it
// is, and when it ran and for how long, so several runs of one program tell apart.

import type { ModelSession } from '../../model/entities';
import { formatDuration } from './sites';

/** "1 queue", "2 queues". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export interface SessionRowInput {
  name: string;
  origin: ModelSession['origin'];
  state: 'live' | 'paused' | 'ended';
  /** Epoch ms. */
  started: number;
  ended?: number;
  queueCount: number;
}

export interface SessionRow {
  label: string;
  description: string;
  detail: string;
}

/** `now` (epoch ms) measures a session that still runs; `time` formats a clock time. */
export function sessionRow(s: SessionRowInput, now: number, time: (epochMs: number) => string = (t) => new Date(t).toLocaleTimeString()): SessionRow {
  const end = s.ended ?? now;
  const ran = s.state === 'ended' ? `ran ${formatDuration(end - s.started)}` : `running for ${formatDuration(end - s.started)}`;
  return {
    label: s.name,
    description: s.origin === 'recording' ? 'recording' : s.state,
    detail: `${plural(s.queueCount, 'queue')} · started ${time(s.started)} · ${ran}`,
  };
}
