// Long block (a soft hint, not a warning): producers blocked longer than longBlockPutMs, or
// consumers waiting longer than longBlockGetMs (up to the last drain read), grouped per queue and role. Waits already
// named by a deadlock finding are left out (one problem, one message).

import { atLeast, findingQueue, findingWaiter, formatMs, longestWaiter, queueLabel, type SessionContext } from '../context';
import type { Finding } from '../findings';

export function longBlockRule(ctx: SessionContext, covered: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  for (const t of ctx.tracks) {
    for (const role of ['put', 'get'] as const) {
      const limit = role === 'put' ? ctx.th.longBlockPutMs : ctx.th.longBlockGetMs;
      // Known to wait only as far as drains have come in: with drains paced seconds apart
      // (10,000 queues), a wait's end may simply not have been read yet.
      const known = Math.min(ctx.now, ctx.seenUntil);
      const long = t.waiters.filter((w) => w.role === role && !covered.has(`${t.q.source}#${w.id}`) && ctx.clock.between(w.since, known) >= limit);
      if (long.length === 0) continue;
      const waiters = long.map((w) => findingWaiter(t, w, ctx.clock, ctx.now));
      const first = longestWaiter(waiters)!;
      const longest = first.waitedMs;
      // A wait already blocked when QueueScope attached is at least this old (docs/PROTOCOL.md, adopted).
      const age = long.length === 1 ? `for ${atLeast(first.adopted)}${formatMs(longest)}` : first.adopted ? `, the longest for at least ${formatMs(longest)}` : `for up to ${formatMs(longest)}`;
      const who = long.length === 1 ? (role === 'put' ? 'A producer has been blocked' : 'A consumer has been waiting') : `${long.length} ${role === 'put' ? 'producers have been blocked' : 'consumers have been waiting'}`;
      out.push({
        id: `long-block:${t.key}:${role}`,
        rule: 'long-block',
        severity: 'hint',
        session: ctx.session.id,
        message: `${who} ${role === 'put' ? 'putting into' : 'to get from'} ${queueLabel(t)} ${age}.`,
        since: Math.min(...long.map((w) => w.since)),
        queues: [findingQueue(t)],
        waiters,
        sites: [],
        figures: { waiters: long.length, longestMs: longest, limitMs: limit },
      });
    }
  }
  return out;
}
