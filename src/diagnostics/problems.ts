// Where and how each finding shows in an editor's problem list, as plain data: one problem
// per waiter with a call site (on the line where it waits: "blocked 12 s: Deadlock: …"),
// related entries for the other parties' lines and the related sites; findings without
// waiters sit on their first related site. src/extension/diagnostics/problems.ts only turns
// these into vscode.Diagnostics.

import type { CallSite } from '../protocol/wire';
import { formatMs } from './context';
import type { Finding, RuleId, Severity } from './findings';
import { partyLabel } from './parties';

export interface ProblemSpec {
  site: CallSite;
  message: string;
  severity: Severity;
  rule: RuleId;
  /** Finding id (problems of one finding share it). */
  finding: string;
  related: { site: CallSite; message: string }[];
}

/** `usable` says whether a site can be shown (a local file); sites it rejects are skipped. */
export function findingProblems(findings: readonly Finding[], usable: (site: CallSite) => boolean = () => true): ProblemSpec[] {
  const out: ProblemSpec[] = [];
  for (const f of findings) {
    const related = (except: CallSite): ProblemSpec['related'] => {
      const list: ProblemSpec['related'] = [];
      for (const w of f.waiters) {
        if (!w.site || w.site === except || !usable(w.site)) continue;
        const doing = w.role === 'put' ? `blocked putting into \`${w.queueName}\`` : `waiting to get from \`${w.queueName}\``;
        list.push({ site: w.site, message: `${partyLabel(w.site)} ${doing} for ${formatMs(w.waitedMs)}` });
      }
      for (const s of f.sites) if (s !== except && usable(s)) list.push({ site: s, message: `related: ${partyLabel(s)}` });
      return list;
    };
    const base = { severity: f.severity, rule: f.rule, finding: f.id };
    const anchored = f.waiters.filter((w) => w.site && usable(w.site));
    if (anchored.length) {
      for (const w of anchored) {
        const site = w.site as CallSite;
        out.push({ ...base, site, message: `${w.role === 'put' ? 'blocked' : 'waiting'} ${formatMs(w.waitedMs)}: ${f.message}`, related: related(site) });
      }
      continue;
    }
    const site = f.sites.find(usable);
    if (site) out.push({ ...base, site, message: f.message, related: related(site) });
  }
  return out;
}
