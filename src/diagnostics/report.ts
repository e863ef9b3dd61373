// Text and JSON reports of a recording's findings (the CLI's output), as pure functions.

import { sessionEndLine, type SessionEnd } from '../protocol/endText';
import type { CallSite } from '../protocol/wire';
import { splitQueueKey } from '../model/store';
import { formatMs } from './context';
import type { FindingRecord, FindingSite, Severity } from './findings';
import { partyDoes } from './parties';
import type { Thresholds } from './thresholds';

export interface CheckReport {
  file: string;
  /** Epoch ms of the recording's first and last data. */
  span?: { from: number; to: number };
  records: readonly FindingRecord[];
  warnings: readonly string[];
  thresholds: Thresholds;
  /** How the program ended, when that is news, and whose end (RecordingCheck.ended). */
  ended?: SessionEnd;
  /** Realm names by source key, when the recording has more than one (RecordingCheck.realms). */
  realms?: ReadonlyMap<string, string>;
  /** The other realms' notable ends (RecordingCheck.otherEnds). */
  alsoEnded?: readonly SessionEnd[];
}

/** "Worker thread 3 ended: uncaught Error: …, thrown at …": one line per notable end. */
function endLines(ends: readonly (SessionEnd | undefined)[]): string[] {
  const out: string[] = [];
  for (const e of ends) {
    const line = sessionEndLine(e);
    if (line === undefined) continue;
    const thrown = e?.end.at;
    out.push(`${line.lead}${line.note}${thrown ? `, thrown at ${siteText(thrown)}` : ''}`);
  }
  return out;
}

/** Whose queues a finding is about ("worker thread 3"), when the recording has several realms. */
function realmsOf(report: CheckReport, f: FindingRecord['finding']): string[] {
  const realms = report.realms;
  if (realms === undefined || realms.size < 2) return [];
  const names = new Set<string>();
  for (const q of f.queues) {
    const name = realms.get(splitQueueKey(q.key)[1]);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * What the whole recording shows of a finding raised on the way: a stuck task that completed
 * before the program ended (FindingRecord.workDone) was a long task, not a lost one. Reported
 * as an info saying so, not a warning: a batch job whose one big item took 20 s (the rest:
 * 100 ms at p99) failed `check` with "a stuck worker or a lost callback", though the same
 * recording showed it done. Live, the warning stands while the task runs (nobody knows yet);
 * one cleared by a shutdown, or still there at the end, stays a warning.
 */
export function inHindsight(records: readonly FindingRecord[], t0: number): FindingRecord[] {
  return records.map((r) => {
    const f = r.finding;
    if (f.rule !== 'stuck' || f.severity !== 'warning' || r.workDone !== true || r.cleared === undefined) return r;
    return { ...r, finding: { ...f, severity: 'info', message: `${f.message} It completed at +${formatMs(Math.max(0, r.cleared - t0))}: a long task rather than a lost one.` } };
  });
}

/** Exit code of `queuescope check`: 1 when any finding at warning level was raised. */
export function exitCodeOf(report: Pick<CheckReport, 'records'>): 0 | 1 {
  return report.records.some((r) => r.finding.severity === 'warning') ? 1 : 0;
}

export function siteText(site: CallSite): string {
  const file = site.file.replace(/^file:\/\//, '');
  const where = `${file}:${site.line}:${site.column}`;
  // No name: top-level code or an anonymous function; the place says it (as in the panel).
  return site.fn ? `${site.fn} (${where})` : where;
}

/** Hints of one rule the text report lists before it folds the rest into a count. */
export const HINTS_LISTED = 5;

const RANK: Readonly<Record<Severity, number>> = { warning: 0, info: 1, hint: 2 };

/**
 * Warnings, then infos, then hints, each in the order raised. Warnings and infos are all
 * listed; past HINTS_LISTED hints of one rule (a server's 500 idle consumers are 500
 * exit-work-left hints) the rest of that rule is one line, unless `all`.
 */
export function textReport(report: CheckReport, all = false): string {
  const out: string[] = [];
  const t0 = report.span?.from ?? 0;
  const at = (t: number): string => `+${formatMs(Math.max(0, t - t0))}`;
  const count = (sev: Severity): number => report.records.filter((r) => r.finding.severity === sev).length;
  const length = report.span ? ` (${formatMs(report.span.to - report.span.from)} recorded)` : '';
  for (const w of report.warnings) out.push(`note: ${w}`);
  const ends = endLines([report.ended, ...(report.alsoEnded ?? [])]);
  const endLine = ends.length === 0 ? [] : ['', ...ends];
  if (report.records.length === 0) {
    out.push(`${report.file}: no findings${length}.`, ...endLine);
    return terminalText(out);
  }
  out.push(`${report.file}: ${count('warning')} warning(s), ${count('info')} info, ${count('hint')} hint(s)${length}`, ...endLine);
  const ordered = [...report.records].sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity]);
  const hintsOf = new Map<string, number>();
  /** Per rule: how many hints were folded, and the queues of the first few. */
  const folded = new Map<string, { n: number; queues: string[] }>();
  for (const r of ordered) {
    const f = r.finding;
    if (f.severity === 'hint' && !all) {
      const n = (hintsOf.get(f.rule) ?? 0) + 1;
      hintsOf.set(f.rule, n);
      if (n > HINTS_LISTED) {
        const fold = folded.get(f.rule) ?? { n: 0, queues: [] };
        fold.n++;
        for (const q of f.queues) if (fold.queues.length <= 3 && !fold.queues.includes(q.name)) fold.queues.push(q.name);
        folded.set(f.rule, fold);
        continue;
      }
    }
    out.push('');
    out.push(`${f.severity.padEnd(7)} ${f.rule}: ${f.message}`);
    const realms = realmsOf(report, f);
    if (realms.length > 0) out.push(`        in ${realms.join(', ')}`);
    out.push(`        since ${at(f.since)}, raised ${at(r.raised)}${r.cleared !== undefined ? `, ended ${at(r.cleared)}` : ', still there at the end'}`);
    for (const w of f.waiters) {
      const where = w.site ? ` at ${siteText(w.site)}` : ' (call site unknown)';
      out.push(`        ${w.role === 'put' ? 'blocked put' : 'waiting get'} on \`${w.queueName}\` for ${formatMs(w.waitedMs)}${where}`);
    }
    for (const s of dedupe(f.sites)) out.push(`        ${relatedText(s)}`);
    if (f.partial) out.push(`        partial knowledge: ${f.partial}`);
  }
  for (const [rule, { n, queues }] of folded) {
    const names = queues.slice(0, 3).map((q) => `\`${q}\``).join(', ') + (queues.length > 3 ? ', …' : '');
    out.push('');
    out.push(`hint    ${rule}: ${n} more, not listed${names ? ` (${names})` : ''}; --all lists every one, --json has them all`);
  }
  return terminalText(out);
}

/**
 * The report's lines as one text for a terminal or a CI log. Queue names, error lines and
 * paths are the program's: a newline in one would forge a line of the report ("warning
 * deadlock: …"), and an escape sequence would reach the terminal (clear the screen, set its
 * title). Control characters inside a line are written as escapes instead.
 */
function terminalText(lines: string[]): string {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
  const escape = (c: string): string => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return lines.map((l) => l.replace(control, escape)).join('\n');
}

export function jsonReport(report: CheckReport): string {
  return JSON.stringify(
    {
      file: report.file,
      span: report.span,
      warnings: report.warnings,
      thresholds: report.thresholds,
      exitCode: exitCodeOf(report),
      ...(report.ended !== undefined && sessionEndLine(report.ended) !== undefined ? { ended: { ...report.ended.end, ...(report.ended.realm !== undefined ? { realm: report.ended.realm } : {}) } } : {}),
      ...(report.alsoEnded !== undefined && report.alsoEnded.length > 0 ? { alsoEnded: report.alsoEnded.map((e) => ({ ...e.end, ...(e.realm !== undefined ? { realm: e.realm } : {}) })) } : {}),
      findings: report.records.map((r) => {
        const realms = realmsOf(report, r.finding);
        return { ...r.finding, raised: r.raised, ...(r.cleared !== undefined ? { cleared: r.cleared } : {}), ...(realms.length > 0 ? { realms } : {}) };
      }),
    },
    null,
    2,
  );
}

/** "gets from `jobs` at worker (/src/app.js:12:5)", "`jobs` created at …", "related: …". */
function relatedText(s: FindingSite): string {
  const where = siteText(s);
  if (s.what === undefined) return `related: ${where}`;
  if (s.what.does === 'creates') return `\`${s.what.queue}\` created at ${where}`;
  return `${partyDoes({ does: s.what.does, queue: s.what.queue })} at ${where}`;
}

function dedupe<T extends CallSite>(sites: readonly T[]): T[] {
  const seen = new Set<string>();
  return sites.filter((s) => {
    const k = `${s.file}:${s.line}:${s.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
