// The extension's diagnostics part: one DiagnosticsEngine over the shared model, ticked at
// the poll interval (live sessions; a deadlock changes nothing in the model, so the engine
// cannot wait for model events), its findings published to the Problems view and counted in
// the status bar. The panel strip and the tree read the same engine (findings(),
// onDidChangeFindings) through the pure functions of src/diagnostics/strip.ts.
// Wiring (see the diag branch's report): activate() calls registerDiagnostics(context, services).

import * as vscode from 'vscode';
import { DiagnosticsEngine } from '../../diagnostics/engine';
import type { Finding } from '../../diagnostics/findings';
import { RecordingCheck } from '../../diagnostics/recordingCheck';
import { readRecording } from '../../recording/reader';
import type { ExtensionServices } from '../services';
import { ProblemsPublisher } from './problems';
import { DIAGNOSTICS_SECTION, readThresholds } from './settings';
import { FindingsStatusItem } from './statusItem';

export interface DiagnosticsPart {
  /** The engine of live debug sessions (recordings are checked on their own time, below). */
  readonly engine: DiagnosticsEngine;
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
  const problems = new ProblemsPublisher();
  const status = new FindingsStatusItem();
  const recorded = new Map<string, readonly Finding[]>();
  const refreshStatus = (): void => status.update([...engine.findings(), ...[...recorded.values()].flat()]);
  const changes = engine.onDidChangeFindings((c) => {
    problems.update(c.session, c.findings);
    refreshStatus();
  });
  const removed = services.model.onDidChange((c) => {
    if (c.kind === 'session' && c.removed && recorded.delete(c.session)) {
      problems.update(c.session, []);
      refreshStatus();
    }
  });

  const checkRecording = async (session: string, file: string): Promise<readonly Finding[]> => {
    const check = new RecordingCheck({ thresholds: readThresholds(log), pollMs: services.settings().pollIntervalMs, session });
    await readRecording(file, { onLines: (lines) => check.push(lines) });
    const findings = check.finish().map((r) => r.finding);
    check.engine.dispose();
    if (!services.model.session(session)) return findings; // closed while it was being checked
    recorded.set(session, findings);
    problems.update(session, findings);
    refreshStatus();
    return findings;
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  const schedule = (): void => {
    if (timer) clearInterval(timer);
    timer = setInterval(() => {
      try {
        engine.tick(Date.now());
      } catch (err) {
        services.output.warn(`diagnostics failed: ${String((err as Error)?.stack ?? err)}`);
      }
    }, services.settings().pollIntervalMs);
  };
  schedule();
  const config = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(DIAGNOSTICS_SECTION)) engine.setThresholds(readThresholds(log));
    if (e.affectsConfiguration('queuescope.pollIntervalMs')) schedule();
  });

  context.subscriptions.push(engine, problems, status, changes, removed, config, { dispose: () => timer && clearInterval(timer) });
  return { engine, checkRecording };
}
