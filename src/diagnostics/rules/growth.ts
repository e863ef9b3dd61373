// Unbounded growth: over the last growthWindowMs (active time) an unbounded queue's depth
// rises (least-squares slope >= growthMinSlope items/s, and the trend explains at least
// growthMinFit of the depth's variance), arrivals outpace departures, the
// oldest item's age rises, and the depth never falls back to where the window began (its
// minimum in the second half stays above its minimum in the first half). No fixed depth
// threshold: a deep queue that holds steady is fine, a shallow one that keeps rising is not.
// With growthBudgetItems set, the finding says when the budget will be reached. Bounded
// queues cannot grow without bound; when full they show as blocked producers instead.
// Cost: O(1) per queue per tick (running sums) unless the slope is already steep.

import { findingQueue, formatMs, queueLabel, type SessionContext } from '../context';
import type { Finding } from '../findings';
import { creationSite, partySites } from '../parties';
import { countersRates } from '../queueTrack';

export function growthRule(ctx: SessionContext): Finding[] {
  const out: Finding[] = [];
  const nowT = ctx.clock.active(ctx.now);
  for (const t of ctx.tracks) {
    if (t.q.maxsize > 0) continue;
    const win = t.growth;
    if (!win.covered(nowT)) continue;
    const slope = win.slope();
    if (slope <= 0 || slope < ctx.th.growthMinSlope) continue;
    const fit = win.fit();
    if (fit < ctx.th.growthMinFit) continue; // a depth that bounces around is not a trend
    const a = win.first;
    const b = win.last;
    if (!a || !b || b.t <= a.t) continue;
    const rates = countersRates(a, b);
    if (!rates) continue;
    const arrivals = rates.puts;
    const departures = rates.gets;
    if (arrivals <= departures || b.oldestAge <= a.oldestAge) continue;
    // The rare full scan: the depth must not come back down to where the window began.
    const mid = a.t + (b.t - a.t) / 2;
    let minFirst = Infinity;
    let minSecond = Infinity;
    for (const x of win.samples()) {
      if (x.t < mid) minFirst = Math.min(minFirst, x.size);
      else minSecond = Math.min(minSecond, x.size);
    }
    if (!(minSecond > minFirst)) continue;
    const figures: Record<string, number> = { slopePerS: slope, fit, arrivalsPerS: arrivals, departuresPerS: departures, oldestAgeMs: b.oldestAge, windowMs: b.t - a.t, depth: t.q.size };
    let budget = '';
    if (ctx.th.growthBudgetItems > 0) {
      const left = ctx.th.growthBudgetItems - t.q.size;
      const eta = left <= 0 ? 0 : (left / slope) * 1000;
      figures.budgetEtaMs = eta;
      budget = left <= 0 ? `; past its budget of ${ctx.th.growthBudgetItems} items` : `; reaches its budget of ${ctx.th.growthBudgetItems} items in about ${formatMs(eta)}`;
    }
    out.push({
      id: `growth:${t.key}`,
      rule: 'growth',
      severity: 'warning',
      session: ctx.session.id,
      message: `${queueLabel(t)} keeps growing: +${slope.toFixed(1)} items/s over ${formatMs(b.t - a.t)} (arrivals ${arrivals.toFixed(1)}/s, departures ${departures.toFixed(1)}/s); its oldest item has waited ${formatMs(b.oldestAge)}${budget}.`,
      since: ctx.now - (nowT - a.t),
      queues: [findingQueue(t)],
      waiters: [],
      sites: [...partySites(ctx.book.parties(t.key, 'get').values(), 'get', t.q.name), ...creationSite(t.q.name, t.q.site)],
      figures,
    });
  }
  return out;
}
