// Status bar text from the model summary (no vscode: unit-tested).

import type { Summary } from '../../model/store';

/** Undefined when no running session has queues (the item hides). */
export function statusText(s: Summary): { text: string; tooltip: string; alarm: boolean } | undefined {
  if (s.queues === 0) return undefined;
  const parts = [`$(inbox) ${s.queues} queue${s.queues === 1 ? '' : 's'}`];
  if (s.blocked) parts.push(`$(arrow-circle-up) ${s.blocked} blocked`);
  if (s.waiting) parts.push(`$(arrow-circle-down) ${s.waiting} waiting`);
  return {
    text: parts.join('  '),
    tooltip: `QueueScope: ${s.queues} queue(s), ${s.blocked} blocked producer(s), ${s.waiting} waiting consumer(s). Click to open the panel.`,
    alarm: s.blocked > 0,
  };
}
