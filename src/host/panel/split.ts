// Large panel messages go out in parts of at most ROWS_PER_MESSAGE queue rows and
// POINTS_PER_MESSAGE samples. Each message is relayed by the workbench and cloned on the
// renderer thread it shares with the panel, in one task that grows with its size (24-33 ms
// of CPU for ~300 KB at 1,000 queues; an update at 10,000 busy queues is ~2 MB). Rows alone
// do not bound the size: when the extension host falls behind, each row carries more
// samples (a CI run saw the relay of a 500-row part take 29 ms, plus a 29 ms garbage
// collection in the same task; docs/PANEL.md). Parts are sent one per
// macrotask (outbox.ts), so the renderer can paint and take input between them.

import type { FeedMessage, InitMessage, SeriesChunk, UpdateMessage, WaitCountChunk } from '../../protocol/webview';
import type { QueuePatch } from '../../protocol/queuePatch';

/**
 * Rows per message: up to 160 KB of JSON for whole rows (the first update after an init),
 * up to 95 KB for patches with their new samples (measured at 1,000 busy queues).
 */
export const ROWS_PER_MESSAGE = 250;
/**
 * Depth samples and wait-count steps per message (~30 bytes each: ~150 KB, what 250 whole rows
 * weigh), unless one row alone has more. An update at 1,000 busy queues carried ~600 per 250
 * rows with the host keeping up. At 1,250, a panel shown again on an ended 600-queue session
 * (its whole history in the init) took over a second of parts to list every queue.
 */
export const POINTS_PER_MESSAGE = 5_000;

/**
 * `msg` as messages that say the same in order. An update's later parts carry their rows,
 * and those rows' samples and wait-count steps; the waiter list and the removed keys go
 * with the first. An init's later parts are updates carrying whole rows (the webview has
 * no row for those queues yet, so a whole row is what it takes; protocol/queuePatch.ts).
 */
export function splitFeedMessage(msg: FeedMessage, limit: Limit = { rows: ROWS_PER_MESSAGE, points: POINTS_PER_MESSAGE }): FeedMessage[] {
  if (msg.type === 'update') return fits(msg.queues, msg.series, msg.waitCounts, limit) ? [msg] : splitUpdate(msg, limit);
  if (msg.type === 'init' && msg.session && !fits(msg.session.queues, msg.session.series, msg.session.waitCounts, limit)) return splitInit(msg, limit);
  return [msg];
}

/** Most rows, and most samples plus steps, that one message carries. */
export interface Limit {
  rows: number;
  points: number;
}

function fits(queues: readonly unknown[], series: readonly SeriesChunk[], waitCounts: readonly WaitCountChunk[], limit: Limit): boolean {
  if (queues.length > limit.rows) return false;
  let points = 0;
  for (const c of series) points += c.t.length;
  for (const c of waitCounts) points += c.t.length;
  return points <= limit.points;
}

function splitUpdate(msg: UpdateMessage, limit: Limit): UpdateMessage[] {
  const parts = partition(msg.queues, msg.series, msg.waitCounts, limit);
  return parts.map((p, i) => {
    const part: UpdateMessage = { ...msg, queues: p.queues, series: p.series, waitCounts: p.waitCounts, removed: i === 0 ? msg.removed : [] };
    if (i > 0) delete part.waiters;
    return part;
  });
}

function splitInit(msg: InitMessage, limit: Limit): FeedMessage[] {
  const s = msg.session!;
  const [head, ...tail] = partition(s.queues, s.series, s.waitCounts, limit);
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

/**
 * Rows in runs of at most `limit.rows` rows and `limit.points` points (a row with more points
 * than that goes alone), each with its own queues' chunks. Chunks of a queue with no row in
 * the message (its row did not change) follow the rows, packed the same way.
 */
function partition(queues: QueuePatch[], series: SeriesChunk[], waitCounts: WaitCountChunk[], limit: Limit): Part[] {
  const pointsOf = new Map<string, number>();
  for (const c of [...series, ...waitCounts]) pointsOf.set(c.queue, (pointsOf.get(c.queue) ?? 0) + c.t.length);
  const rowless = new Set(pointsOf.keys());
  for (const q of queues) rowless.delete(q.key);
  const parts: Part[] = [{ queues: [], series: [], waitCounts: [] }];
  const partOf = new Map<string, Part>();
  let rows = 0;
  let points = 0;
  const place = (key: string, row: QueuePatch | undefined) => {
    const p = pointsOf.get(key) ?? 0;
    if ((row && rows >= limit.rows) || (rows + points > 0 && points + p > limit.points)) {
      parts.push({ queues: [], series: [], waitCounts: [] });
      rows = 0;
      points = 0;
    }
    const part = parts[parts.length - 1];
    if (row) {
      part.queues.push(row);
      rows++;
    }
    points += p;
    partOf.set(key, part);
  };
  for (const q of queues) place(q.key, q);
  for (const key of rowless) place(key, undefined);
  for (const c of series) partOf.get(c.queue)!.series.push(c);
  for (const c of waitCounts) partOf.get(c.queue)!.waitCounts.push(c);
  return parts;
}
