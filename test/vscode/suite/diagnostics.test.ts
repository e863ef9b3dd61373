// Findings in the real VS Code (issue #15): the deadlock sample, F5'd under js-debug, gets a
// QueueScope diagnostic in the Problems view on the line where each party waits, related to
// the other party's line; the Queues tree flags the same queues; clearing the ended session
// takes the diagnostics away. The same sample recorded by the file recorder and opened as a
// .qscope gets the same diagnostics, which leave with the recording's session. A healthy
// sample (producer-consumer) gets none.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosticsChange } from '../../../src/extension/diagnostics';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, extension, nextEvent, workspaceDir } from './helpers';

/** Every QueueScope diagnostic VS Code holds, with its file. */
function ours(): { uri: vscode.Uri; d: vscode.Diagnostic }[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, list]) => list.filter((d) => d.source === 'QueueScope').map((d) => ({ uri, d })));
}

/** The text of a line of a file on disk (0-based line, as vscode.Position has it). */
function lineOf(uri: vscode.Uri, line: number): string {
  return fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/)[line] ?? '';
}

const sample = (name: string) => path.join(extension().extensionPath, 'dist', 'samples', `${name}.js`);

describe('diagnostics in VS Code', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
    assert.ok(api.services.diagnostics, 'activate() exposes services.diagnostics');
  });

  it('deadlock sample: a Problems diagnostic on each waiting line, related to the other party; gone when the session is cleared', async () => {
    const diagnostics = api.services.diagnostics!;
    const model = api.services.model;
    // Batches outgrow "records" (maxsize 3) at the 4th batch; the watchdog gives up after 60 s.
    const run = await debugProgram(sample('deadlock'), { args: ['--duration', '60', '--grow', '1', '--pace', '20'] });
    const session = run.parent.id;
    let keys: string[] = [];
    try {
      const hasDeadlock = (list: readonly { rule: string }[]) => list.some((f) => f.rule === 'deadlock');
      if (!hasDeadlock(diagnostics.findings(session))) {
        await nextEvent(diagnostics.onDidChange, 'a deadlock finding', (c: DiagnosticsChange) => c.session === session && hasDeadlock(c.findings), 60_000);
      }
      // onDidChange fires after the Problems view was updated: it holds the finding now.
      const dead = ours().filter(({ d }) => d.code === 'deadlock');
      assert.equal(dead.length, 2, `one diagnostic per waiting party: ${JSON.stringify(dead.map(({ uri, d }) => `${uri.fsPath}:${d.range.start.line + 1} ${d.message}`))}`);
      const put = dead.find(({ uri, d }) => /records\.put\(/.test(lineOf(uri, d.range.start.line)));
      const get = dead.find(({ uri, d }) => /headers\.get\(/.test(lineOf(uri, d.range.start.line)));
      assert.ok(put && get, `diagnostics on the sender's put and the receiver's get: ${dead.map(({ uri, d }) => lineOf(uri, d.range.start.line).trim()).join(' | ')}`);
      assert.equal(put.d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(put.d.message, /^blocked \d.*: .*deadlock/i);
      assert.match(get.d.message, /^waiting \d/);
      // Related information points at the other party's line.
      const related = (x: typeof put, re: RegExp) => (x.d.relatedInformation ?? []).some((r) => re.test(lineOf(r.location.uri, r.location.range.start.line)));
      assert.ok(related(put, /headers\.get\(/), `the put's related information names the receiver's get: ${JSON.stringify(put.d.relatedInformation?.map((r) => r.message))}`);
      assert.ok(related(get, /records\.put\(/), 'the get\'s related information names the sender\'s put');

      // The tree and the status bar read the same findings: both queues are flagged.
      keys = model.queuesOf(session).filter((q) => q.name === 'records' || q.name === 'headers').map((q) => q.key);
      assert.equal(keys.length, 2);
      for (const key of keys) assert.equal(api.queuesTree.flagOf(key)?.severity, 'warning', `tree flag of ${key}`);
    } finally {
      await run.stop();
    }
    // Cleared: the session leaves the model, its findings the Problems view and the tree.
    if (model.session(session)?.state !== 'ended') {
      await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session to end', () => model.session(session)?.state === 'ended');
    }
    const cleared = nextEvent(diagnostics.onDidChange, 'the findings to clear', (c: DiagnosticsChange) => c.session === session && c.findings.length === 0);
    const hadAny = diagnostics.findings(session).length > 0;
    await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    if (hadAny) await cleared;
    assert.equal(model.session(session), undefined);
    assert.deepEqual(ours().map(({ d }) => d.message), [], 'no QueueScope diagnostics left');
    assert.equal(diagnostics.findings(session).length, 0);
    for (const key of keys) assert.equal(api.queuesTree.flagOf(key), undefined, `no tree flag left on ${key}`);
  });

  it('a deadlock recording opened in VS Code: its findings reach the Problems view and leave with the session', async () => {
    const diagnostics = api.services.diagnostics!;
    const model = api.services.model;
    // Recorded without VS Code, by the in-program file recorder; the watchdog ends it after 8 s.
    // The partial-knowledge rule wants quiet longer than 3x the longest gap seen before the
    // deadlock: on a loaded machine one 1 s hiccup in the first batches asked for 3 s, and a
    // 4 s run (its deadlock at ~0.5 s) ended before that (a clean-clone run: no finding).
    const file = path.join(workspaceDir(), 'diag-deadlock.qscope');
    fs.rmSync(file, { force: true });
    const register = path.join(extension().extensionPath, 'dist', 'lib', 'register.js');
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['--require', register, sample('deadlock'), '--duration', '8', '--pace', '100', '--grow', '2', '--capacity', '2'], { env: { ...process.env, QUEUESCOPE_TRACE_FILE: file, ELECTRON_RUN_AS_NODE: '1' } }, (err) => (err ? reject(err) : resolve())),
    );
    // A line of a realm with no source line (another process writing the same path truncated
    // the file): the replay cannot place it, and says so.
    fs.appendFileSync(file, '{"src":"99999:0","type":"gc","t":5,"q":1}\n');
    const before = new Set(model.sessions.map((s) => s.id));
    // The check publishes once per recording: wait for it, whatever it found, so a check that
    // finds no deadlock fails here with its findings, and one that never reports says so.
    const checked = nextEvent(diagnostics.onDidChange, 'the recording\'s check to publish its findings', (c: DiagnosticsChange) => !before.has(c.session), 60_000);
    await vscode.commands.executeCommand('queuescope.openRecording', vscode.Uri.file(file));
    const { session, findings, notes } = await checked;
    assert.deepEqual(notes, ['1 line of realm 99999:0 was skipped: no source line (the file may have been truncated by another process writing the same path)']);
    assert.ok(findings.some((f) => f.rule === 'deadlock'), `a deadlock among the recording's findings (${fs.statSync(file).size} bytes): ${JSON.stringify(findings.map((f) => `${f.rule}: ${f.message}`))}`);
    assert.equal(model.session(session)?.origin, 'recording');
    // Aged on the recording's clock: each finding lasted until a moment of the recording (8 s
    // of program, written before it was opened), not until now.
    const written = fs.statSync(file).mtimeMs; // the program's last line, before the file was opened
    for (const f of findings) assert.ok(f.until !== undefined && f.until >= f.since && f.until <= written + 1000, `${f.rule}: since ${f.since}, until ${f.until}, file written at ${written}`);
    const dead = ours().filter(({ d }) => d.code === 'deadlock');
    assert.ok(dead.some(({ uri, d }) => /records\.put\(/.test(lineOf(uri, d.range.start.line))), 'on the sender\'s put line');
    assert.ok(dead.some(({ uri, d }) => /headers\.get\(/.test(lineOf(uri, d.range.start.line))), 'on the receiver\'s get line');
    const cleared = nextEvent(diagnostics.onDidChange, 'the recording\'s findings to leave', (c: DiagnosticsChange) => c.session === session && c.findings.length === 0);
    model.removeSession(session);
    await cleared;
    assert.deepEqual(ours().map(({ d }) => d.message), []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('healthy sample (producer-consumer): no finding and no diagnostic from start to exit', async () => {
    const diagnostics = api.services.diagnostics!;
    const seen: string[] = [];
    const run = await debugProgram(sample('producer-consumer'), { args: ['--duration', '4'] });
    const session = run.parent.id;
    const sub = diagnostics.onDidChange((c) => {
      if (c.session === session) for (const f of c.findings) seen.push(`${f.rule}: ${f.message}`);
    });
    try {
      await run.exited; // the program's own end (4 s of orders, then shutdown)
      const model = api.services.model;
      if (model.session(session)?.state !== 'ended') {
        await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session to end', () => model.session(session)?.state === 'ended');
      }
      assert.ok(model.queuesOf(session).some((q) => q.counters.gets > 0), 'the sample ran and moved orders');
      assert.deepEqual(seen, []);
      assert.deepEqual(diagnostics.findings(session), []);
      assert.deepEqual(ours().map(({ d }) => d.message), []);
    } finally {
      sub.dispose();
      await run.stop();
      await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    }
  });
});
