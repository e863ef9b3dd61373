// The detail area's facts for a task pool of another library (issue #14): paused,
// rate-limited, the age of its oldest running task (ticking while the session runs: a
// worker that never calls back shows there), library figures (piscina's threads,
// utilization and wait percentiles) and, while paused, the running tasks' data (async).
// Everything is program data or derived from it: text nodes only, theme colours only.

import type { QueueInfo } from '../protocol/webview';
import { poolStateTexts, statsText } from '../protocol/libText';
import { el } from './dom';

export interface PoolFacts {
  nodes: Node[];
  /** Re-renders the oldest-running age at session time `now` (undefined: the queue has none). */
  tick?: (now: number) => void;
}

export function poolFacts(q: QueueInfo, now: number): PoolFacts {
  const nodes: Node[] = [];
  const flags = poolStateTexts({ counters: q.counters }, undefined);
  for (const f of flags) nodes.push(el('span', { class: 'badge b-pool', text: f }));
  let tick: PoolFacts['tick'];
  if (q.runningSince !== undefined) {
    const since = q.runningSince;
    const stopped = q.stoppedAt;
    const adopted = q.counters.runningAdopted === true;
    const title = adopted ? 'How long the oldest running task has run, at least: it was already running when QueueScope attached' : 'How long the oldest running task has run';
    const age = el('span', { class: 'pool-age', attrs: { title } });
    tick = (t) => {
      // A process that ended or paused while the session goes on: its tasks' age stops there.
      const at = stopped === undefined ? t : Math.min(t, stopped);
      age.textContent = poolStateTexts({ counters: { runningAdopted: adopted }, runningSince: since }, at)[0] ?? '';
    };
    tick(now);
    nodes.push(age);
  }
  const stats = statsText(q.stats);
  if (stats !== '') nodes.push(el('span', { class: 'pool-stats', text: stats }));
  if (q.runningItems && q.runningItems.length > 0) nodes.push(el('span', { class: 'pool-running', text: `running: ${q.runningItems.join(', ')}` }));
  return { nodes, ...(tick ? { tick } : {}) };
}
