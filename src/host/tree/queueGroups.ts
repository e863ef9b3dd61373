// How the Queues tree lists a realm's queues when there are many (issue #17: a server with a
// queue per connection reaches 10,000). Up to `flatMax` queues: the queues themselves. Beyond:
// a "most troubled" group first (blocked producers, then full, then waiting consumers, then
// fullest), then the queues in name order in ranges of at most `rangeSize`, each range named
// by its first and last queue. Pure (no vscode): the tree adapter turns groups into nodes.

import { waitCounts, type ModelQueue } from '../../model/entities';
import { compareNames, NaturalKeys, troubleScore as score } from '../../protocol/queueOrder';

export interface GroupOptions {
  /** List queues directly up to this many. Default 50. */
  flatMax?: number;
  /** Queues in the "most troubled" group. Default 20. */
  troubledCount?: number;
  /** Queues per range group. Default 100 (10,000 queues: 100 ranges). */
  rangeSize?: number;
}

export type QueueListing =
  | { kind: 'flat'; queues: ModelQueue[] }
  | { kind: 'grouped'; groups: QueueGroup[] };

export interface QueueGroup {
  /** Stable across refreshes while the set of queues is (keeps expansion state). */
  id: string;
  label: string;
  description: string;
  queues: ModelQueue[];
  /** The most-troubled group (shown first, expanded). */
  troubled: boolean;
}

/** How troubled a queue is: higher first. Zero means nothing to look at (the panel's State sort uses the same score). */
export function troubleScore(q: ModelQueue): number {
  const { blocked, waiting } = waitCounts(q);
  return score({ blocked, waiting, size: q.size, maxsize: q.maxsize });
}

export function groupQueues(queues: readonly ModelQueue[], options: GroupOptions = {}): QueueListing {
  const flatMax = options.flatMax ?? 50;
  if (queues.length <= flatMax) return { kind: 'flat', queues: [...queues] };
  const groups: QueueGroup[] = [];
  const troubled = queues
    .map((q) => ({ q, score: troubleScore(q) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, options.troubledCount ?? 20)
    .map((x) => x.q);
  if (troubled.length > 0) {
    groups.push({ id: 'troubled', label: 'Most troubled', description: `${troubled.length} of ${queues.length}`, queues: troubled, troubled: true });
  }
  const keys = new NaturalKeys();
  const byName = [...queues].sort((a, b) => compareNames(a.name, b.name, keys) || a.id - b.id);
  const size = Math.max(1, options.rangeSize ?? 100);
  for (let i = 0; i < byName.length; i += size) {
    const part = byName.slice(i, i + size);
    const first = part[0].name;
    const last = part[part.length - 1].name;
    let blocked = 0;
    let waiting = 0;
    for (const q of part) {
      const n = waitCounts(q);
      blocked += n.blocked;
      waiting += n.waiting;
    }
    const bits = [`${part.length} queues`];
    if (blocked) bits.push(`${blocked} blocked`);
    if (waiting) bits.push(`${waiting} waiting`);
    groups.push({ id: `range:${i / size}`, label: first === last ? first : `${first} … ${last}`, description: bits.join(' · '), queues: part, troubled: false });
  }
  return { kind: 'grouped', groups };
}
