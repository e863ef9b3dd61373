// Large panel messages go out in parts of at most ROWS_PER_MESSAGE queue rows. Each message
// is relayed by the workbench and cloned on the renderer thread it shares with the panel,
// in one task that grows with its size (24-33 ms of CPU for ~300 KB at 1,000 queues; an
// update at 10,000 busy queues is ~2 MB). Parts are sent one per macrotask (outbox.ts), so
// the renderer can paint and take input between them.

import type { FeedMessage, InitMessage, SeriesChunk, UpdateMessage, WaitCountChunk } from '../../protocol/webview';
import type { QueuePatch } from '../../protocol/queuePatch';

/** Rows per message: ~100-170 KB of JSON for rows with their new samples. */
export const ROWS_PER_MESSAGE = 500;

/**
 * `msg` as messages that say the same in order. An update's later parts carry their rows,
 * and those rows' samples and wait-count steps; the waiter list and the removed keys go
 * with the first. An init's later parts are updates carrying whole rows (the webview has
 * no row for those queues yet, so a whole row is what it takes; protocol/queuePatch.ts).
 */
export function splitFeedMessage(msg: FeedMessage, rows = ROWS_PER_MESSAGE): FeedMessage[] {
  if (msg.type === 'update') return msg.queues.length > rows ? splitUpdate(msg, rows) : [msg];
  if (msg.type === 'init' && msg.session && msg.session.queues.length > rows) return splitInit(msg, rows);
  return [msg];
}

function splitUpdate(msg: UpdateMessage, rows: number): UpdateMessage[] {
  const parts = partition(msg.queues, msg.series, msg.waitCounts, rows);
  return parts.map((p, i) => {
    const part: UpdateMessage = { ...msg, queues: p.queues, series: p.series, waitCounts: p.waitCounts, removed: i === 0 ? msg.removed : [] };
    if (i > 0) delete part.waiters;
    return part;
  });
}

function splitInit(msg: InitMessage, rows: number): FeedMessage[] {
  const s = msg.session!;
  const [head, ...tail] = partition(s.queues, s.series, s.waitCounts, rows);
  const first: InitMessage = { ...msg, session: { ...s, queues: head.queues as typeof s.queues, series: head.series, waitCounts: head.waitCounts } };
  const rest = tail.map((p): UpdateMessage => {
    const u: UpdateMessage = { type: 'update', session: s.id, status: s.status, now: s.now, queues: p.queues, removed: [], series: p.series, waitCounts: p.waitCounts, dropped: s.dropped };
    if (s.refreshMs !== undefined) u.refreshMs = s.refreshMs;
    return u;
  });
  return [first, ...rest];
}

interface Part {
  queues: QueuePatch[];
  series: SeriesChunk[];
  waitCounts: WaitCountChunk[];
}

/** Rows in runs of `rows`, each with its own queues' chunks; chunks of a queue with no row go first. */
function partition(queues: QueuePatch[], series: SeriesChunk[], waitCounts: WaitCountChunk[], rows: number): Part[] {
  const parts: Part[] = [];
  const partOf = new Map<string, Part>();
  for (let i = 0; i < queues.length; i += rows) {
    const part: Part = { queues: queues.slice(i, i + rows), series: [], waitCounts: [] };
    for (const q of part.queues) partOf.set(q.key, part);
    parts.push(part);
  }
  for (const c of series) (partOf.get(c.queue) ?? parts[0]).series.push(c);
  for (const c of waitCounts) (partOf.get(c.queue) ?? parts[0]).waitCounts.push(c);
  return parts;
}
