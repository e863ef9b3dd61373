// Long block (a soft hint, not a warning): producers blocked longer than longBlockPutMs, or
// consumers waiting longer than longBlockGetMs (up to the last drain read), grouped per queue and role. Waits already
// named by a deadlock finding are left out (one problem, one message).

import { findingQueue, findingWaiter, formatMs, queueLabel, type SessionContext } from '../context';
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
      const longest = Math.max(...waiters.map((w) => w.waitedMs));
      const who = long.length === 1 ? (role === 'put' ? 'A producer has been blocked' : 'A consumer has been waiting') : `${long.length} ${role === 'put' ? 'producers have been blocked' : 'consumers have been waiting'}`;
      out.push({
        id: `long-block:${t.key}:${role}`,
        rule: 'long-block',
        severity: 'hint',
        session: ctx.session.id,
        message: `${who} ${role === 'put' ? 'putting into' : 'to get from'} ${queueLabel(t)} for ${long.length === 1 ? '' : 'up to '}${formatMs(longest)}.`,
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
