// Recording in a real VS Code: a real debug session is recorded while it is polled, saved
// with "Save Recording", opened again through the .qscope custom editor (a new ended
// session equal to the live one), and exported to the Chrome Trace Event format.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import type { ModelQueue } from '../../../src/model/entities';
import type { RecordingLine } from '../../../src/protocol/wire';
import { RecordingCheck } from '../../../src/diagnostics/recordingCheck';
import { defaultThresholds } from '../../../src/diagnostics/thresholds';
import { readRecordingLines } from '../../../src/recording/reader';
import { checkTraceEventJson } from '../../unit/recording/traceEventFormat';
import { activate, debugProgram, libraryPath, nextEvent, workspaceDir, writeWorkspaceFile } from './helpers';

/** Resolve once `check` returns a value, re-checking on every model change. */
function whenModel<T>(api: QueueScopeApi, what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  let found: T | undefined;
  return nextEvent(api.services.model.onDidChange as vscode.Event<unknown>, what, () => (found = check()) !== undefined, timeoutMs).then(() => found as T);
}

/** What a replay must reproduce of a queue. */
function picture(q: ModelQueue): unknown {
  return {
    name: q.name,
    kind: q.kind,
    maxsize: q.maxsize,
    size: q.size,
    shutdown: q.shutdown,
    counters: q.counters,
    waitStats: q.waitStats,
    recentWaits: q.recentWaits,
    created: q.created,
    timeline: q.timeline.series(),
  };
}

const PROGRAM = `
const { Queue } = require(${JSON.stringify(libraryPath())});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const jobs = new Queue({ maxsize: 2, name: 'jobs' });
  const done = new Queue({ name: 'done' });
  const consumer = (async () => {
    for (let i = 0; i < 30; i++) { const job = await jobs.get(); await sleep(15); await done.put(job); }
  })();
  for (let i = 0; i < 30; i++) await jobs.put(i); // blocks while the consumer is slow
  await consumer;
  await sleep(300); // let a last poll see the end
  console.log('recording-program-done');
}
main();
`;

describe('recording, replay and export', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;
  let liveSession: string;
  let saved: string;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  it('saves a live debug session to a .qscope file with everything it saw', async () => {
    const program = writeWorkspaceFile('recording-program.js', PROGRAM);
    const run = await debugProgram(program);
    try {
      await run.output('recording-program-done');
      await run.exited;
    } finally {
      await run.stop();
    }
    liveSession = await whenModel(api, 'the debug session ended with its two queues', () =>
      api.services.model.sessions.find((s) => s.origin === 'debug' && s.state === 'ended' && api.services.model.queuesOf(s.id).some((q) => q.name === 'jobs'))?.id,
    );
    saved = path.join(workspaceDir(), 'saved.qscope');
    const target = await vscode.commands.executeCommand<vscode.Uri | undefined>('queuescope.saveRecording', liveSession, vscode.Uri.file(saved));
    assert.equal(target?.fsPath, saved);
    const { lines, result } = await readRecordingLines(saved);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.header.writer, 'extension');
    const names = lines.flatMap((l) => (l.type === 'queue' ? [l.name] : l.type === 'source' ? (l.snapshot?.queues.map((q) => q.name) ?? []) : []));
    assert.ok(names.includes('jobs') && names.includes('done'), names.join(', '));
    assert.ok(lines.some((l) => l.type === 'wait' && l.role === 'put'), 'the blocked producer was recorded');
    assert.ok(lines.some((l) => l.type === 'end'), 'the end of the program was recorded');
    // On disk, each drain's counters are one columnar line (format version 2), which the reader expanded above.
    const raw = fs.readFileSync(saved);
    const text = (raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw).toString('utf8');
    assert.match(text, /^\{"type":"qscope","v":2,/);
    assert.match(text, /"type":"counterCols"/);
    assert.ok(lines.some((l) => l.type === 'counters'), 'the reader expands them');
  });

  it('opens the saved file in the recording editor as an ended session equal to the live one', async () => {
    const before = new Set(api.services.model.sessions.map((s) => s.id));
    await vscode.commands.executeCommand('queuescope.openRecording', vscode.Uri.file(saved));
    const replay = await whenModel(api, 'the replayed session', () => {
      const s = api.services.model.sessions.find((x) => !before.has(x.id) && x.origin === 'recording' && x.state === 'ended');
      return s && api.services.model.queuesOf(s.id).length ? s : undefined;
    });
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'queuescope.recording' && t.input.uri.fsPath === saved),
      `no recording editor among ${tabs.map((t) => t.label).join(', ')}`,
    );
    const live = api.services.model.queuesOf(liveSession).map(picture);
    const replayed = api.services.model.queuesOf(replay.id).map(picture);
    assert.deepEqual(replayed, live);
    // "Show the panel" for the recording's session (the status bar does it for its findings)
    // brings the recording's editor forward, not the live panel (which does not show recordings).
    const recordingTab = () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom && t.input.viewType === 'queuescope.recording' ? t : undefined;
    };
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    assert.equal(recordingTab(), undefined);
    const forward = nextEvent(vscode.window.tabGroups.onDidChangeTabs, 'the recording editor coming forward', () => recordingTab() !== undefined);
    await vscode.commands.executeCommand('queuescope.showPanel', replay.id);
    await forward;
    assert.equal((recordingTab()!.input as vscode.TabInputCustom).uri.fsPath, saved);
  });

  it('exports the recording as a Chrome trace that follows the Trace Event format', async () => {
    const out = path.join(workspaceDir(), 'saved.trace.json');
    const target = await vscode.commands.executeCommand<vscode.Uri | undefined>('queuescope.exportRecording', vscode.Uri.file(saved), 'chrome-trace', vscode.Uri.file(out));
    assert.equal(target?.fsPath, out);
    const { problems, counts } = checkTraceEventJson(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(problems, []);
    assert.ok(counts.X > 0 && counts.C > 0, JSON.stringify(counts));
  });

  it('exports a live session\'s recording as CSV', async () => {
    const out = path.join(workspaceDir(), 'saved.csv');
    await vscode.commands.executeCommand('queuescope.exportRecording', liveSession, 'csv', vscode.Uri.file(out));
    const rows = fs.readFileSync(out, 'utf8').split('\r\n');
    assert.equal(rows[0], 'time_ms,source,queue_id,queue_name,depth,min,max,puts,gets');
    assert.ok(rows.some((r) => r.split(',')[3] === 'jobs'));
  });

  it('keeps a breakpoint pause: pause and resume lines, and the check of the file does not count the pause as a wait (the saved recording and the hub\'s own file)', async () => {
    const program = writeWorkspaceFile('paused-program.js', `
const { Queue } = require(${JSON.stringify(libraryPath())});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const jobs = new Queue({ maxsize: 1, name: 'paused-jobs' });
  jobs.putNowait(0);
  const blocked = jobs.put(1); // blocked until the end, across the pause
  await sleep(300);
  debugger;
  await sleep(1200);
  await jobs.get();
  await blocked;
  jobs.getNowait();
  await sleep(300);
  console.log('paused-program-done');
})();
`);
    // QUEUESCOPE_TRACE_FILE too: the hub's own file hears of the pause from the pause snapshot.
    const hubFile = path.join(workspaceDir(), 'paused-hub.qscope');
    fs.rmSync(hubFile, { force: true });
    const run = await debugProgram(program, { env: { QUEUESCOPE_TRACE_FILE: hubFile } });
    const model = api.services.model;
    const root = run.parent.id;
    try {
      const paused = () => model.session(root)?.state === 'paused';
      if (!paused()) await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the stop at debugger;', paused);
      await new Promise((r) => setTimeout(r, 3000)); // the user looks around for 3 s (data, not synchronisation)
      const { threads } = (await run.child.customRequest('threads')) as { threads: { id: number }[] };
      await run.child.customRequest('continue', { threadId: threads[0].id });
      await run.output('paused-program-done');
      await run.exited;
    } finally {
      await run.stop();
    }
    // The session ends once its exit tail is applied (the program's last moments, the served
    // put among them): saved before that, the file had the wait and no end of it.
    const ended = () => model.session(root)?.state === 'ended';
    if (!ended()) await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session ended, its exit tail applied', ended);
    const file = path.join(workspaceDir(), 'paused.qscope');
    await vscode.commands.executeCommand('queuescope.saveRecording', root, vscode.Uri.file(file));
    // The producer waited ~1.5 s running and ~3 s paused: a 2.5 s long-block limit is not reached,
    // unless the pause counted (the file without its pause lines, as before). The check sees a
    // wait only as far as drains have come in, so the producer stays blocked 1.2 s after the
    // resume: with 0.3 s, a CI run whose first drain after the resume came later than the get
    // saw the wait only once it had ended, and found no long block either way.
    const longBlocks = (ls: RecordingLine[]): string[] => {
      const check = new RecordingCheck({ thresholds: { ...defaultThresholds(), longBlockPutMs: 2500 } });
      check.push(ls);
      return check
        .finish()
        .filter((r) => r.finding.rule === 'long-block')
        .map((r) => `${r.finding.message} (since ${r.finding.since})`);
    };
    for (const [what, recorded] of [['saved from the panel', file], ['written by the hub', hubFile]]) {
      const { lines } = await readRecordingLines(recorded);
      const marks = lines.filter((l) => l.type === 'pause' || l.type === 'resume');
      assert.deepEqual(marks.map((l) => l.type), ['pause', 'resume'], what);
      const [pause, resume] = marks as { t: number }[];
      assert.ok(resume.t - pause.t >= 2500, `${what}: paused ${resume.t - pause.t} ms`);
      // On failure, the finding and the lines of the wait say what the check counted.
      const waitLines = () => JSON.stringify(lines.filter((l) => l.type === 'wait' || l.type === 'waitEnd' || l.type === 'pause' || l.type === 'resume' || l.type === 'saved'));
      const withPause = longBlocks(lines);
      assert.equal(withPause.length, 0, `${what}: ${withPause.join('; ')}; ${waitLines()}`);
      assert.equal(longBlocks(lines.filter((l) => l.type !== 'pause' && l.type !== 'resume')).length, 1, what);
    }
    model.removeSession(root);
  });

  it('Clear Ended Sessions and Close leave an open recording alone (its editor shows it)', async () => {
    // Open (or, if its editor is still open, shown again): its session id names the file.
    await vscode.commands.executeCommand('queuescope.openRecording', vscode.Uri.file(saved));
    const replay = await whenModel(api, 'the recording open', () => api.services.model.sessions.find((s) => s.origin === 'recording' && s.id.endsWith(`:${saved}`)));
    const ended = await whenModel(api, 'an ended debug session', () => api.services.model.sessions.find((s) => s.origin === 'debug' && s.state === 'ended'));
    await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    assert.equal(api.services.model.session(ended.id), undefined, 'the ended debug session went');
    assert.ok(api.services.model.session(replay.id), 'the open recording stays (before: its editor was emptied)');
    assert.equal(await vscode.commands.executeCommand('queuescope.closeSession', replay.id), false);
    assert.ok(api.services.model.session(replay.id));
  });

  it('refuses a file that is not a recording and leaves no session behind', async () => {
    const bad = writeWorkspaceFile('not-a-recording.qscope', '{"hello":"world"}\n');
    const count = api.services.model.sessions.length;
    const closed = nextEvent(vscode.window.tabGroups.onDidChangeTabs, 'the recording editor', (e) => e.opened.length > 0 || e.changed.length > 0);
    await vscode.commands.executeCommand('queuescope.openRecording', vscode.Uri.file(bad));
    await closed;
    // The load fails and removes its session: wait for the model to settle back.
    await whenModel(api, 'no new session', () => (api.services.model.sessions.length === count ? true : undefined), 10_000);
    assert.equal(api.services.model.sessions.length, count);
  });
});
