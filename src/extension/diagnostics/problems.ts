// Findings as vscode.Diagnostics in the Problems view: each one on the line where a party
// waits ("blocked 12 s: deadlock with stageA (deadlock.js:6)"), with related information
// pointing at the other parties' lines, or (findings without waiters: growth, stuck work,
// bottleneck) on the first related line. Rebuilt per session whenever the engine reports a
// change, so a finding leaves the Problems view when its condition ends or its session is
// removed (cleared).

import * as vscode from 'vscode';
import { formatMs } from '../../diagnostics/context';
import type { Finding, Severity } from '../../diagnostics/findings';
import { partyLabel } from '../../diagnostics/parties';
import type { CallSite } from '../../protocol/wire';
import { siteToPath } from '../views/sites';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function location(site: CallSite): vscode.Location | undefined {
  const file = siteToPath(site.file);
  if (!file) return undefined;
  const pos = new vscode.Position(Math.max(0, site.line - 1), Math.max(0, site.column - 1));
  return new vscode.Location(vscode.Uri.file(file), pos);
}

/** Diagnostics of a set of findings, by file URI string. */
export function findingsToDiagnostics(findings: readonly Finding[]): Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }> {
  const out = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  const add = (loc: vscode.Location, d: vscode.Diagnostic): void => {
    const key = loc.uri.toString();
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { uri: loc.uri, diagnostics: [] }));
    entry.diagnostics.push(d);
  };
  for (const f of findings) {
    const anchors = f.waiters.filter((w) => w.site).map((w) => ({ site: w.site as CallSite, w }));
    const related = (except: CallSite | undefined): vscode.DiagnosticRelatedInformation[] => {
      const info: vscode.DiagnosticRelatedInformation[] = [];
      for (const w of f.waiters) {
        if (!w.site || w.site === except) continue;
        const loc = location(w.site);
        const doing = w.role === 'put' ? `blocked putting into \`${w.queueName}\`` : `waiting to get from \`${w.queueName}\``;
        if (loc) info.push(new vscode.DiagnosticRelatedInformation(loc, `${partyLabel(w.site)} ${doing} for ${formatMs(w.waitedMs)}`));
      }
      for (const s of f.sites) {
        const loc = location(s);
        if (loc && s !== except) info.push(new vscode.DiagnosticRelatedInformation(loc, `related: ${partyLabel(s)}`));
      }
      return info;
    };
    const make = (loc: vscode.Location, prefix: string, except: CallSite | undefined): void => {
      const d = new vscode.Diagnostic(new vscode.Range(loc.range.start, loc.range.start), `${prefix}${f.message}`, SEVERITY[f.severity]);
      d.source = 'QueueScope';
      d.code = f.rule;
      d.relatedInformation = related(except);
      add(loc, d);
    };
    if (anchors.length) {
      for (const { site, w } of anchors) {
        const loc = location(site);
        if (loc) make(loc, `${w.role === 'put' ? 'blocked' : 'waiting'} ${formatMs(w.waitedMs)}: `, site);
      }
    } else {
      const site = f.sites.find((s) => location(s));
      if (site) make(location(site) as vscode.Location, '', site);
    }
  }
  return out;
}

/** Keeps one DiagnosticCollection equal to the union of every session's findings. */
export class ProblemsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('queuescope');
  private readonly bySession = new Map<string, readonly Finding[]>();

  update(session: string, findings: readonly Finding[]): void {
    if (findings.length) this.bySession.set(session, findings);
    else this.bySession.delete(session);
    const merged = findingsToDiagnostics([...this.bySession.values()].flat());
    this.collection.clear();
    for (const { uri, diagnostics } of merged.values()) this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
