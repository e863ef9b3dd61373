// Findings as vscode.Diagnostics in the Problems view, from the plain problem specs of
// src/diagnostics/problems.ts (which line, which message, which related lines). Rebuilt per
// session whenever the engine reports a change, so a finding leaves the Problems view when
// its condition ends or its session is removed (cleared).

import * as vscode from 'vscode';
import type { Finding, Severity } from '../../diagnostics/findings';
import { sessionsProblems } from '../../diagnostics/problems';
import type { CallSite } from '../../protocol/wire';
import { siteToPath } from '../../host/views/sites';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function location(site: CallSite): vscode.Location {
  const pos = new vscode.Position(Math.max(0, site.line - 1), Math.max(0, site.column - 1));
  return new vscode.Location(vscode.Uri.file(siteToPath(site.file) as string), pos);
}

/** Diagnostics of sessions' findings, by file URI string. */
export function findingsToDiagnostics(sessions: readonly { started: number; findings: readonly Finding[] }[]): Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }> {
  const out = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  for (const p of sessionsProblems(sessions, (s) => siteToPath(s.file) !== undefined)) {
    const loc = location(p.site);
    const d = new vscode.Diagnostic(new vscode.Range(loc.range.start, loc.range.start), p.message, SEVERITY[p.severity]);
    d.source = 'QueueScope';
    d.code = p.rule;
    d.relatedInformation = p.related.map((r) => new vscode.DiagnosticRelatedInformation(location(r.site), r.message));
    const key = loc.uri.toString();
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { uri: loc.uri, diagnostics: [] }));
    entry.diagnostics.push(d);
  }
  return out;
}

/** Keeps one DiagnosticCollection equal to the union of every session's findings. */
export class ProblemsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('queuescope');
  private readonly bySession = new Map<string, readonly Finding[]>();

  /** `startedOf`: when a session's program started (epoch ms), newest first wins a shared line. */
  constructor(private readonly startedOf: (session: string) => number) {}

  update(session: string, findings: readonly Finding[]): void {
    if (findings.length) this.bySession.set(session, findings);
    else this.bySession.delete(session);
    const merged = findingsToDiagnostics([...this.bySession].map(([id, findings]) => ({ started: this.startedOf(id), findings })));
    this.collection.clear();
    for (const { uri, diagnostics } of merged.values()) this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
