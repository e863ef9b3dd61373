// Where and how each finding shows in an editor's problem list, as plain data: one problem
// per waiter with a call site (on the line where it waits: "blocked 12 s: Deadlock: …"),
// related entries for the other parties' lines and the related sites; findings without
// waiters sit on their first related site. src/extension/diagnostics/problems.ts only turns
// these into vscode.Diagnostics.

import type { CallSite } from '../protocol/wire';
import { formatMs } from './context';
import type { Finding, RuleId, Severity } from './findings';
import { lineKey, partyLabel, siteRoleText } from './parties';

export interface ProblemSpec {
  site: CallSite;
  message: string;
  severity: Severity;
  rule: RuleId;
  /** Finding id (problems of one finding share it). */
  finding: string;
  related: { site: CallSite; message: string }[];
}

/** Waits of one finding at one call site: one problem, however many queues they wait on. */
interface SiteWaits {
  site: CallSite;
  role: 'put' | 'get';
  queues: string[];
  longestMs: number;
}

/** A finding's waiters grouped by call site and role (a worker per tenant is one line of code). */
function bySite(f: Finding, usable: (site: CallSite) => boolean): SiteWaits[] {
  const groups = new Map<string, SiteWaits>();
  for (const w of f.waiters) {
    if (!w.site || !usable(w.site)) continue;
    const key = `${w.role}\u0000${lineKey(w.site)}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { site: w.site, role: w.role, queues: [w.queueName], longestMs: w.waitedMs });
    else {
      if (!g.queues.includes(w.queueName)) g.queues.push(w.queueName);
      if (w.waitedMs > g.longestMs) g.longestMs = w.waitedMs;
    }
  }
  return [...groups.values()];
}

function queuesText(queues: readonly string[]): string {
  return queues.length === 1 ? `\`${queues[0]}\`` : `${queues.length} queues (\`${queues[0]}\`, …)`;
}

/**
 * `usable` says whether a site can be shown (a local file); sites it rejects are skipped.
 * One problem per call site where the finding's waiters wait (on its line: "blocked 12 s:
 * Deadlock: …"), not one per waiter: 300 workers blocked on one line are one problem whose
 * related entries are the other lines, not 300 problems of 299 related entries each.
 */
export function findingProblems(findings: readonly Finding[], usable: (site: CallSite) => boolean = () => true): ProblemSpec[] {
  const out: ProblemSpec[] = [];
  for (const f of findings) {
    const sites = bySite(f, usable);
    const related = (except: SiteWaits | undefined, anchor: CallSite): ProblemSpec['related'] => {
      const list: ProblemSpec['related'] = [];
      for (const g of sites) {
        if (g === except) continue;
        const doing = g.role === 'put' ? `blocked putting into ${queuesText(g.queues)}` : `waiting to get from ${queuesText(g.queues)}`;
        list.push({ site: g.site, message: `${partyLabel(g.site)} ${doing} for ${formatMs(g.longestMs)}` });
      }
      // A related line already named (the anchor, or a line where parties wait) is not repeated.
      const named = new Set([lineKey(anchor), ...sites.map((g) => lineKey(g.site))]);
      for (const s of f.sites) {
        if (!usable(s) || named.has(lineKey(s))) continue;
        named.add(lineKey(s));
        list.push({ site: s, message: siteRoleText(s) });
      }
      return list;
    };
    const base = { severity: f.severity, rule: f.rule, finding: f.id };
    if (sites.length) {
      for (const g of sites) {
        const calls = g.queues.length > 1 ? ` (on ${g.queues.length} queues)` : '';
        out.push({ ...base, site: g.site, message: `${g.role === 'put' ? 'blocked' : 'waiting'} ${formatMs(g.longestMs)}${calls}: ${f.message}`, related: related(g, g.site) });
      }
      continue;
    }
    const site = f.sites.find(usable);
    if (site) out.push({ ...base, site, message: f.message, related: related(undefined, site) });
  }
  return out;
}

/**
 * The problems of several sessions' findings. A problem that a session has on a line where a
 * session started later has one of the same rule is left out: findings that stood at a run's
 * end stay (docs/DIAGNOSTICS.md), and three runs of one deadlocking program put three copies
 * of each line's problem in the Problems view. Newest by when the run started, not by when
 * its findings last changed: a recording of an old run, checked just now, must not hide the
 * running program's problem. Within one session nothing is merged.
 */
export function sessionsProblems(sessions: readonly { started: number; findings: readonly Finding[] }[], usable: (site: CallSite) => boolean = () => true): ProblemSpec[] {
  const out: ProblemSpec[] = [];
  const taken = new Set<string>();
  for (const { findings } of [...sessions].sort((a, b) => b.started - a.started)) {
    const mine = findingProblems(findings, usable).filter((p) => !taken.has(`${p.rule} ${lineKey(p.site)}`));
    for (const p of mine) taken.add(`${p.rule} ${lineKey(p.site)}`);
    out.push(...mine);
  }
  return out;
}
