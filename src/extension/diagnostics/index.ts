// The extension's diagnostics part: one DiagnosticsEngine over the shared model, ticked at
// the poll interval (live sessions; a deadlock changes nothing in the model, so the engine
// cannot wait for model events), plus the findings of checked recordings. Everything that
// shows findings reads them from here, one list per session, and redraws on onDidChange:
// the Problems view (published below, in the same handler that fires onDidChange), the panel
// strip (panel.ts), the Queues tree (queuesTree.ts) and the status bar count (statusBar.ts),
// the last three through the pure functions of src/diagnostics/strip.ts. So they agree.
// activate() calls registerDiagnostics(context, services) and keeps it on services.diagnostics.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { DiagnosticsEngine } from '../../diagnostics/engine';
import type { Finding } from '../../diagnostics/findings';
import { RecordingCheck } from '../../diagnostics/recordingCheck';
import { orphanNotes } from '../../diagnostics/report';
import { TickPace } from '../../diagnostics/tickPace';
import { readRecording } from '../../recording/reader';
import type { ExtensionServices } from '../services';
import { ProblemsPublisher } from './problems';
import { DIAGNOSTICS_SECTION, readThresholds } from './settings';

/** The findings of one session changed; `findings` is its new active set (empty: cleared). */
export interface DiagnosticsChange {
  session: string;
  findings: readonly Finding[];
  /** A recording's check only: what it could not read (orphanNotes), also logged and shown. */
  notes?: readonly string[];
}

export interface DiagnosticsPart {
  /** The engine of live debug sessions (recordings are checked on their own time, below). */
  readonly engine: DiagnosticsEngine;
  /** Active findings of one session (live or checked recording), or of all, warnings first. */
  findings(session?: string): readonly Finding[];
  /** Fires after the Problems view has been updated for the session. */
  readonly onDidChange: vscode.Event<DiagnosticsChange>;
  /**
   * Check a recording opened as model session `session` (its file at `file`): the findings it
   * shows over its whole run go to the Problems view and the status bar until the session is
   * removed. Returns them (the panel strip shows the same list).
   */
  checkRecording(session: string, file: string): Promise<readonly Finding[]>;
}

export function registerDiagnostics(context: vscode.ExtensionContext, services: ExtensionServices): DiagnosticsPart {
  const log = { warn: (m: string) => services.output.warn(m) };
  const engine = new DiagnosticsEngine(services.model, { thresholds: readThresholds(log), sessions: (s) => s.origin === 'debug' });
  const problems = new ProblemsPublisher((session) => services.model.session(session)?.started ?? 0);
  const emitter = new vscode.EventEmitter<DiagnosticsChange>();
  const recorded = new Map<string, readonly Finding[]>();
  const changed = (session: string, list: readonly Finding[], notes?: readonly string[]): void => {
    problems.update(session, list);
    emitter.fire({ session, findings: list, ...(notes !== undefined ? { notes } : {}) });
  };
  const changes = engine.onDidChangeFindings((c) => changed(c.session, c.findings));
  const removed = services.model.onDidChange((c) => {
    if (c.kind === 'session' && c.removed && recorded.delete(c.session)) changed(c.session, []);
  });
  const findings = (session?: string): readonly Finding[] => {
    if (session !== undefined) return recorded.get(session) ?? engine.findings(session);
    return [...engine.findings(), ...[...recorded.values()].flat()];
  };

  const checkRecording = async (session: string, file: string): Promise<readonly Finding[]> => {
    // Sites as the views show them: through the program's source maps (docs/EXTENSION.md).
    const check = new RecordingCheck({ thresholds: readThresholds(log), pollMs: services.settings().pollIntervalMs, session, mapSite: (site) => services.model.mapSite(site) });
    await readRecording(file, { onLines: (lines) => check.push(lines) });
    // The whole history, each finding aged on the recording's clock (until it cleared, or the end).
    const records = check.finish();
    const end = check.span?.to;
    const findings = records.map((r): Finding => {
      const until = r.cleared ?? end;
      return until === undefined ? r.finding : { ...r.finding, until };
    });
    check.engine.dispose();
    if (!services.model.session(session)) return findings; // closed while it was being checked
    // The reader's own warnings were shown as the replay opened (qscopeFiles/load.ts); lines
    // only the check can tell apart (a realm with no source line) are said here.
    const notes = orphanNotes(check.orphans);
    for (const note of notes) {
      services.output.warn(`${path.basename(file)}: ${note}`);
      void vscode.window.showWarningMessage(`QueueScope: ${path.basename(file)}: ${note}`);
    }
    recorded.set(session, findings);
    changed(session, findings, notes);
    return findings;
  };

  // Every poll interval, stretched while ticks are dear (many queues): src/diagnostics/tickPace.ts.
  const pace = new TickPace(() => services.settings().pollIntervalMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const run = (): void => {
    const started = performance.now();
    try {
      engine.tick(Date.now());
    } catch (err) {
      services.output.warn(`diagnostics failed: ${String((err as Error)?.stack ?? err)}`);
    }
    if (!disposed) timer = setTimeout(run, pace.next(performance.now() - started));
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, services.settings().pollIntervalMs);
  };
  schedule();
  const config = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(DIAGNOSTICS_SECTION)) engine.setThresholds(readThresholds(log));
    if (e.affectsConfiguration('queuescope.pollIntervalMs')) schedule();
  });

  context.subscriptions.push(engine, problems, emitter, changes, removed, config, {
    dispose: () => {
      disposed = true;
      if (timer) clearTimeout(timer);
    },
  });
  return { engine, findings, onDidChange: emitter.event, checkRecording };
}
