// What the views show of the findings, as pure functions so the panel strip, the Queues tree
// and the status bar agree at every moment (they are all computed from one findings list):
// the panel's findings strip rows, per-queue badges for tree decorations, and the status
// bar's count. The webview receives the rows as data (see FindingsStripMessage).

import type { StripRow } from '../protocol/webview';
import { formatMs, longestWaiter } from './context';
import type { Finding, RuleId, Severity } from './findings';

/** The strip's row and message types are the panel protocol's (src/protocol/webview.ts). */
export type { StripRow, FindingsMessage as FindingsStripMessage } from '../protocol/webview';

export const RULE_TITLES: Readonly<Record<RuleId, string>> = {
  deadlock: 'Deadlock',
  stuck: 'Stuck work',
  'exit-work-left': 'Work left at exit',
  'collected-work-left': 'Work lost with its queue',
  growth: 'Unbounded growth',
  bottleneck: 'Bottleneck',
  'long-block': 'Long block',
};

/** Short words for a queue's State badge in the panel's overview (a narrow column). */
export const RULE_BADGES: Readonly<Record<RuleId, string>> = {
  deadlock: 'deadlock',
  stuck: 'stuck',
  'exit-work-left': 'work left',
  'collected-work-left': 'work lost',
  growth: 'growing',
  bottleneck: 'bottleneck',
  'long-block': 'long block',
};

/** The finding's sentence without a leading "<title>: " (the views print the title beside it). */
function sentence(f: Finding): string {
  const prefix = `${RULE_TITLES[f.rule]}: `;
  return f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message;
}

/** "Deadlock: <sentence>", the title once. */
function titled(f: Finding): string {
  return `${RULE_TITLES[f.rule]}: ${sentence(f)}`;
}

const ICONS: Readonly<Record<Severity, string>> = { warning: 'warning', info: 'info', hint: 'lightbulb' };
const RANK: Readonly<Record<Severity, number>> = { warning: 0, info: 1, hint: 2 };

/** Rows for the strip: warnings first, then oldest first. */
export function findingsStripRows(findings: readonly Finding[], now: number): StripRow[] {
  return [...findings]
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.since - b.since)
    .map((f) => {
      const first = longestWaiter(f.waiters);
      const longest = first?.waitedMs ?? 0;
      // An age that began at QueueScope's attach (an adopted wait, a task already running) is a lower bound.
      const lower = (longest > 0 ? first?.adopted === true : f.sinceAtLeast === true) ? '≥ ' : '';
      const row: StripRow = {
        id: f.id,
        severity: f.severity,
        icon: ICONS[f.severity],
        title: RULE_TITLES[f.rule],
        badge: RULE_BADGES[f.rule],
        text: sentence(f),
        age: f.rule === 'exit-work-left' || f.rule === 'collected-work-left' ? '' : `for ${lower}${formatMs(longest || Math.max(0, (f.until ?? now) - f.since))}`,
        queues: f.queues.map((q) => q.key),
        waiters: f.waiters.map((w) => ({ queue: w.queue, id: w.id })),
        sites: [...f.waiters.flatMap((w) => (w.site ? [w.site] : [])), ...f.sites],
      };
      if (f.partial) row.partial = f.partial;
      return row;
    });
}

/** A tree decoration for one queue: the worst finding touching it. */
export interface QueueBadge {
  severity: Severity;
  /** One or two characters for FileDecoration.badge. */
  badge: string;
  tooltip: string;
}

/** Per queue key, the badge its tree item shows (queues named by no finding are absent). */
export function queueBadges(findings: readonly Finding[]): Map<string, QueueBadge> {
  const out = new Map<string, QueueBadge>();
  for (const f of findings) {
    for (const q of f.queues) {
      const prev = out.get(q.key);
      if (prev && RANK[prev.severity] <= RANK[f.severity]) {
        prev.tooltip += `\n${titled(f)}`;
        continue;
      }
      const tooltip = `${titled(f)}${prev ? `\n${prev.tooltip}` : ''}`;
      out.set(q.key, { severity: f.severity, badge: f.severity === 'warning' ? '!' : f.severity === 'info' ? 'i' : '·', tooltip });
    }
  }
  return out;
}

/** The status bar's text: undefined when there is nothing at warning or info level. */
export function findingsStatus(findings: readonly Finding[]): { text: string; tooltip: string; warning: boolean; session: string } | undefined {
  const shown = findings.filter((f) => f.severity !== 'hint');
  if (shown.length === 0) return undefined;
  const warnings = shown.filter((f) => f.severity === 'warning').length;
  return {
    text: `$(${warnings ? 'warning' : 'info'}) ${shown.length} finding${shown.length === 1 ? '' : 's'}`,
    tooltip: shown.map(titled).join('\n'),
    warning: warnings > 0,
    // Where a click takes the panel: the worst finding's session, which may not be the one
    // it shows (a compound launch's other program that crashed, an ended run).
    session: (shown.find((f) => f.severity === 'warning') ?? shown[0]).session,
  };
}
