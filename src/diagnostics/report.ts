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
  /**
   * Notes on the file (checkNotes()): lines skipped, realms without an end line, a file
   * saved while its program ran. Not findings; `--json` has them as `notes`, and as
   * `warnings` too (its name before 2026-12-05), for scripts that read that.
   */
  warnings: readonly string[];
  /**
   * No realm's data could be checked (exit 2): the file holds only its header (nothing was
   * recorded), or only lines of realms without their source line (checkNotes says which).
   */
  nothingChecked?: boolean;
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

/**
 * Exit code of `queuescope check`: 1 when any finding at warning level was raised; 2 when
 * no realm's data could be checked (nothing was recorded, or no realm has its source line):
 * as for an empty file, nothing was checked, and a CI job must not pass on it.
 */
export function exitCodeOf(report: Pick<CheckReport, 'records' | 'nothingChecked'>): 0 | 1 | 2 {
  if (report.nothingChecked === true) return 2;
  return report.records.some((r) => r.finding.severity === 'warning') ? 1 : 0;
}

/** What checkNotes() reads of a RecordingCheck that has finished. */
export interface NotesSource {
  readonly span: { from: number; to: number } | undefined;
  readonly savedWhileRunning: number | undefined;
  readonly unended: readonly { key: string; lastSeen: number }[];
  readonly orphans: readonly { src: string; lines: number }[];
  readonly realmCount: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The notes of a check (`note:` lines, `notes` in --json), after the reader's own warnings
 * (`read`: corrupt lines, a cut file): lines of a realm that had no source line, nothing
 * recorded at all, a file saved while its program ran, realms without an end line.
 */
export function checkNotes(check: NotesSource, read: { warnings: readonly string[] }): string[] {
  const notes = [...read.warnings, ...orphanNotes(check.orphans)];
  const t0 = check.span?.from ?? 0;
  if (check.realmCount === 0 && check.orphans.length === 0) notes.push('nothing was recorded: the file holds its header and no realm\'s data (a program that died as it started, or a file another process truncated), so nothing was checked');
  else if (check.realmCount === 0) notes.push('nothing could be checked: no realm in the file has its source line');
  if (check.savedWhileRunning !== undefined) notes.push(`saved at +${formatMs(Math.max(0, check.savedWhileRunning - t0))} while the program ran: its realms were still running, so no exit is judged`);
  for (const u of check.unended) {
    notes.push(`realm ${u.key} ended without an end line (killed by a signal such as SIGKILL or SIGABRT, crashed, or the file was cut): its findings are as last seen, at +${formatMs(Math.max(0, u.lastSeen - t0))}`);
  }
  return notes;
}

/** Lines of realms with no source line, which nothing could place (the CLI's notes and VS Code's replay say so). */
export function orphanNotes(orphans: NotesSource['orphans']): string[] {
  return orphans.map((o) => `${plural(o.lines, 'line')} of realm ${o.src} ${o.lines === 1 ? 'was' : 'were'} skipped: no source line (the file may have been truncated by another process writing the same path)`);
}

export function siteText(site: CallSite): string {
  const file = site.file.replace(/^file:\/\//, '');
  const where = `${file}:${site.line}:${site.column}`;
  // No name: top-level code or an anonymous function; the place says it (as in the panel).
  return site.fn ? `${site.fn} (${where})` : where;
}

/** Longest queue name the text report prints whole; longer ones are cut (`--json` keeps them whole). */
export const TEXT_NAME_CHARS = 60;

/** A queue name as the text report writes it in backticks: cut with an ellipsis past TEXT_NAME_CHARS. */
function cutName(name: string): string {
  if (name.length <= TEXT_NAME_CHARS) return name;
  const points = Array.from(name.slice(0, TEXT_NAME_CHARS + 1)); // whole characters, no lone surrogate
  return `${points.slice(0, TEXT_NAME_CHARS).join('')}…`;
}

/**
 * The finding's queue names as the text writes them: a long name (a 100,000-character one was
 * printed whole, twice per finding) cut with an ellipsis, an empty one as "(unnamed queue #5)"
 * instead of empty backticks. Rewrites the `name` tokens of the finding's own queues in each
 * line, longest first (so "``x``" is not read as "``"); `--json` keeps the names whole.
 */
function nameShower(f: FindingRecord['finding']): (line: string) => string {
  const names = new Set<string>([...f.queues.map((q) => q.name), ...f.waiters.map((w) => w.queueName)]);
  for (const s of f.sites) if (s.what !== undefined) names.add(s.what.queue);
  const unnamed = new Set([...f.queues.filter((q) => q.name === '').map((q) => q.key), ...f.waiters.filter((w) => w.queueName === '').map((w) => w.queue)]);
  const unnamedText = unnamed.size === 1 ? `(unnamed queue #${splitQueueKey([...unnamed][0])[2]})` : '(unnamed queue)';
  const shown = new Map<string, string>();
  for (const name of names) {
    if (name === '') shown.set('``', unnamedText);
    else if (name.length > TEXT_NAME_CHARS) shown.set(`\`${name}\``, `\`${cutName(name)}\``);
  }
  if (shown.size === 0) return (line) => line;
  // A scan, not a regular expression: a name of 100,000 characters makes one too large.
  const tokens = [...names].map((n) => `\`${n}\``).sort((a, b) => b.length - a.length);
  return (line) => {
    let out = '';
    let from = 0;
    for (let i = line.indexOf('`'); i >= 0; i = line.indexOf('`', i)) {
      const token = tokens.find((t) => line.startsWith(t, i));
      if (token === undefined) {
        i++;
        continue;
      }
      out += line.slice(from, i) + (shown.get(token) ?? token);
      i += token.length;
      from = i;
    }
    return out + line.slice(from);
  };
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
  if (report.nothingChecked === true) {
    out.push(`${report.file}: nothing checked (see the note above).`);
    return terminalText(out);
  }
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
    const show = nameShower(f);
    out.push('');
    out.push(show(`${f.severity.padEnd(7)} ${f.rule}: ${f.message}`));
    const realms = realmsOf(report, f);
    if (realms.length > 0) out.push(`        in ${realms.join(', ')}`);
    out.push(`        since ${at(f.since)}, raised ${at(r.raised)}${r.cleared !== undefined ? `, ended ${at(r.cleared)}` : ', still there at the end'}`);
    for (const w of f.waiters) {
      const where = w.site ? ` at ${siteText(w.site)}` : ' (call site unknown)';
      out.push(show(`        ${w.role === 'put' ? 'blocked put' : 'waiting get'} on \`${w.queueName}\` for ${w.adopted ? 'at least ' : ''}${formatMs(w.waitedMs)}${where}`));
    }
    for (const s of dedupe(f.sites)) out.push(show(`        ${relatedText(s)}`));
    if (f.partial) out.push(show(`        partial knowledge: ${f.partial}`));
  }
  for (const [rule, { n, queues }] of folded) {
    const names = queues.slice(0, 3).map((q) => (q === '' ? '(unnamed queue)' : `\`${cutName(q)}\``)).join(', ') + (queues.length > 3 ? ', …' : '');
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
      notes: report.warnings,
      // The same notes under their old name (before 2026-12-05), for scripts that read it.
      warnings: report.warnings,
      ...(report.nothingChecked === true ? { nothingChecked: true } : {}),
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
