// The optional facts a queue of another library carries (src/trace/adapters): its library,
// concurrency, running count and units, read defensively so that a broken adapter target
// can never break the hub. Every field is additive on the wire (docs/PROTOCOL.md).

import type { ProbeTarget } from '../queue/probe';
import type { Counters } from '../protocol/wire';

export interface LibFields {
  lib?: string;
  concurrency?: number;
  units?: 'bytes';
}

/** `lib`, `concurrency` and `units` of a queue, for its 'queue' event and snapshot; {} for our own. */
export function libFields(q: ProbeTarget): LibFields {
  const out: LibFields = {};
  try {
    if (typeof q.lib === 'string') out.lib = q.lib;
    const c = q.lib === undefined ? undefined : q.concurrency;
    if (typeof c === 'number' && Number.isFinite(c)) out.concurrency = c;
    if (q.units === 'bytes') out.units = 'bytes';
  } catch {
    // a target that throws simply carries no extra facts
  }
  return out;
}

/** The counters with `running` added when the queue is a task pool that reports it. */
export function withRunning(c: Counters, q: ProbeTarget | undefined): Counters {
  if (q === undefined || typeof q.running !== 'function') return c;
  try {
    const n = q.running();
    if (typeof n === 'number' && Number.isFinite(n)) c.running = n;
  } catch {
    // leave it out
  }
  return c;
}

/** What a snapshot adds for a queue of another library: libFields plus its `stats`. */
export function snapshotFields(q: ProbeTarget): LibFields & { stats?: Record<string, number> } {
  const out: LibFields & { stats?: Record<string, number> } = libFields(q);
  try {
    const s = typeof q.stats === 'function' ? q.stats() : undefined;
    if (typeof s === 'object' && s !== null && Object.keys(s).length > 0) out.stats = s;
  } catch {
    // leave it out
  }
  return out;
}
