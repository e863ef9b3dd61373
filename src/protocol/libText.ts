// How a queue of another library (p-queue, fastq, async, streams, piscina; see
// docs/ADAPTERS.md) is labelled, shared by the tree (extension host) and the panel
// (webview), so both say the same: the library badge, running/concurrency for task pools
// and the unit of byte streams. Pure functions of the wire fields; QueueScope's own
// queues (no `lib`) get '' everywhere, so their display is unchanged.

import type { Counters } from './wire';

export interface LibFacts {
  lib?: string;
  concurrency?: number;
  units?: 'bytes';
  counters: Pick<Counters, 'running'>;
}

/** The queue's library fields, copied only when well-formed (a reader must never trust them). */
export function libFacts(x: { lib?: unknown; concurrency?: unknown; units?: unknown }): Pick<LibFacts, 'lib' | 'concurrency' | 'units'> {
  const out: Pick<LibFacts, 'lib' | 'concurrency' | 'units'> = {};
  if (typeof x.lib === 'string' && x.lib !== '') out.lib = x.lib;
  if (typeof x.concurrency === 'number' && Number.isFinite(x.concurrency)) out.concurrency = x.concurrency;
  if (x.units === 'bytes') out.units = 'bytes';
  return out;
}

/** "running 2/4" for task pools (running, against concurrency when known); '' otherwise. */
export function poolText(q: LibFacts): string {
  const r = q.counters.running;
  if (typeof r !== 'number') return '';
  return q.concurrency !== undefined && Number.isFinite(q.concurrency) ? `running ${r}/${q.concurrency}` : `running ${r}`;
}

/** " B" after depths of byte streams; '' for queues that count items. */
export function unitSuffix(q: Pick<LibFacts, 'units'>): string {
  return q.units === 'bytes' ? ' B' : '';
}

/** The kind column / tooltip: "FIFO · fastq@1.20.3 · running 2/2". */
export function kindLabel(kind: string, q: LibFacts): string {
  const k = kind === 'fifo' ? 'FIFO' : kind === 'lifo' ? 'LIFO' : 'priority';
  return [k, q.lib ?? '', poolText(q)].filter(Boolean).join(' · ');
}
