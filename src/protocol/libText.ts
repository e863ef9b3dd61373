// How a queue of another library (p-queue, fastq, async, streams, piscina; see
// docs/ADAPTERS.md) is labelled, shared by the tree (extension host) and the panel
// (webview), so both say the same: the library badge, running/concurrency for task pools,
// their state (paused, rate-limited, the oldest running task's age, library figures) and
// the unit of byte streams. Pure functions of the wire fields; QueueScope's own
// queues (no `lib`) get '' everywhere, so their display is unchanged.

import { formatDuration } from './durationText';
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

/** "2/4" for task pools (running, against concurrency when known); '' otherwise. */
export function poolCount(q: LibFacts): string {
  const r = q.counters.running;
  if (typeof r !== 'number') return '';
  return q.concurrency !== undefined && Number.isFinite(q.concurrency) ? `${r}/${q.concurrency}` : `${r}`;
}

/** "running 2/4" for task pools; '' otherwise. */
export function poolText(q: LibFacts): string {
  const count = poolCount(q);
  return count === '' ? '' : `running ${count}`;
}

/** " B" after depths of byte streams; '' for queues that count items. */
export function unitSuffix(q: Pick<LibFacts, 'units'>): string {
  return q.units === 'bytes' ? ' B' : '';
}

/** The kind column / tooltip: "FIFO · fastq@1.20.3 · running 2/2". */
export function kindLabel(kind: string, q: LibFacts): string {
  return [kindName(kind), q.lib ?? '', poolText(q)].filter(Boolean).join(' · ');
}

/** "FIFO", "LIFO" or "priority". */
export function kindName(kind: string): string {
  return kind === 'fifo' ? 'FIFO' : kind === 'lifo' ? 'LIFO' : 'priority';
}

/** A pool's state as the views get it: counters' flags and the oldest running task's start (any clock, same as `now`). */
export interface PoolStateFacts {
  counters: Pick<Counters, 'paused' | 'rateLimited' | 'runningAdopted'>;
  runningSince?: number;
}

/**
 * "paused", "rate-limited", "oldest running 12.0 s" (age at `now`, on runningSince's clock;
 * "≥ 12.0 s" when that task was already running as QueueScope attached); [] for other queues.
 */
export function poolStateTexts(q: PoolStateFacts, now: number | undefined): string[] {
  const out: string[] = [];
  if (q.counters.paused === true) out.push('paused');
  if (q.counters.rateLimited === true) out.push('rate-limited');
  if (q.runningSince !== undefined && now !== undefined) {
    out.push(`oldest running ${q.counters.runningAdopted === true ? '≥ ' : ''}${formatDuration(Math.max(0, now - q.runningSince))}`);
  }
  return out;
}

/** Library figures by name, e.g. piscina's: "threads 2 · utilization 35% · wait p50 1.2 ms, p90 … · run mean 120 ms, p99 …". */
export function statsText(stats: Record<string, number> | undefined): string {
  if (stats === undefined) return '';
  const parts: string[] = [];
  const waits: string[] = [];
  const runs: string[] = [];
  for (const [k, v] of Object.entries(stats)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (k.startsWith('wait_')) waits.push(`${k.slice(5)} ${formatMs(v)}`);
    else if (k === 'run_total') continue; // a running sum for the rules, no fact for a reader
    else if (k.startsWith('run_')) runs.push(`${k.slice(4)} ${formatMs(v)}`);
    else if (k === 'utilization') parts.push(`utilization ${Math.round(v * 100)}%`);
    else parts.push(`${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
  }
  if (waits.length > 0) parts.push(`wait ${waits.join(', ')}`);
  if (runs.length > 0) parts.push(`run ${runs.join(', ')}`);
  return parts.join(' · ');
}

/** Wait-time figures are ms with fractions (piscina's histogram): 0.42 ms, 12 ms, 3.2 s. */
function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : formatDuration(ms);
}
