// Status bar text from the model summary and the findings count (no vscode: unit-tested).
// One item says both, so the queue count and the findings count never compete for the bar.

import type { Summary } from '../../model/store';

/** The findings part, as src/diagnostics/strip.ts findingsStatus() computes it. */
export interface FindingsStatusPart {
  text: string;
  tooltip: string;
  warning: boolean;
}

/** Undefined when no running session has queues and nothing was found (the item hides). */
export function statusText(s: Summary, findings?: FindingsStatusPart): { text: string; tooltip: string; alarm: boolean } | undefined {
  if (s.queues === 0 && !findings) return undefined;
  const parts = s.queues ? [`$(inbox) ${s.queues} queue${s.queues === 1 ? '' : 's'}`] : [];
  if (s.blocked) parts.push(`$(arrow-circle-up) ${s.blocked} blocked`);
  if (s.waiting) parts.push(`$(arrow-circle-down) ${s.waiting} waiting`);
  if (findings) parts.push(findings.text);
  const lines = s.queues ? [`QueueScope: ${s.queues} queue(s), ${s.blocked} blocked producer(s), ${s.waiting} waiting consumer(s).`] : ['QueueScope'];
  if (findings) lines.push(findings.tooltip);
  lines.push(findings ? 'Click to open the panel at the findings.' : 'Click to open the panel.');
  return {
    text: parts.join('  '),
    tooltip: s.queues && !findings ? lines.join(' ') : lines.join('\n'),
    alarm: s.blocked > 0 || (findings?.warning ?? false),
  };
}
