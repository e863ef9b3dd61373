// A short program's last moments in a real VS Code with the real js-debug: a 3-stage pipeline
// that is over in well under a second, run three times (natural exit, process.exit(), an
// uncaught exception). After each run the model, the Queues tree and the saved recording end
// with the program's own totals (puts, gets and final depth of every queue), through the exit
// tail the hub writes when the program ends (docs/EXTENSION.md, "The last moments").
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { QueueModel } from '../../../src/model';
import type { QueueScopeApi } from '../../../src/extension/services';
import { ModelFeed } from '../../../src/recording/modelFeed';
import { readRecordingLines } from '../../../src/recording/reader';
import { activate, debugProgram, evaluate, extension, libraryPath, nextEvent, treeText, workspaceDir, writeWorkspaceFile } from './helpers';

type Totals = Record<string, { puts: number; gets: number; size: number }>;

function finalState(model: QueueModel, session: string): Totals {
  const out: Totals = {};
  for (const q of model.queuesOf(session)) out[q.name] = { puts: q.counters.puts, gets: q.counters.gets, size: q.size };
  return out;
}

/** Where a recording file's replay ends: read and fed into a fresh model, as the recording editor does. */
async function replayedState(file: string): Promise<{ totals: Totals; warnings: readonly unknown[] }> {
  const { lines, result } = await readRecordingLines(file);
  const replay = new QueueModel();
  const feed = new ModelFeed(replay, 'replay', path.basename(file));
  feed.push(lines);
  feed.finish();
  return { totals: finalState(replay, 'replay'), warnings: result.warnings };
}

describe('the last moments of a short program', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;
  let program: string;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
    const fixture = path.join(extension().extensionPath, 'test/fixtures/trace/exit-pipeline.js');
    program = writeWorkspaceFile('last/pipeline.js', fs.readFileSync(fixture, 'utf8'));
  });

  for (const mode of ['natural', 'process-exit', 'uncaught']) {
    it(`${mode}: the model, the tree and the saved recording end with the program's own totals`, async () => {
      const run = await debugProgram(program, { env: { QUEUESCOPE_LIB: libraryPath(), EXIT_MODE: mode } });
      const root = run.parent.id;
      const model = api.services.model;
      try {
        const out = await run.output('TOTALS');
        const totals = (JSON.parse(/TOTALS (\{.*\})/.exec(out)![1]) as { totals: Totals }).totals;
        if (model.session(root)?.state !== 'ended') {
          await nextEvent(model.onDidChange as vscode.Event<{ kind: string; session?: string }>, 'the session to end', () => model.session(root)?.state === 'ended');
        }
        assert.deepEqual(finalState(model, root), totals, 'the model');

        api.queuesTree.refreshNow();
        const labels = treeText(api).map((l) => l.trim());
        assert.ok(labels.some((l) => l.startsWith(`parsed-records — ${totals['parsed-records'].size}/50`)), labels.join('\n'));

        const saved = path.join(workspaceDir(), `last-${mode}.qscope`);
        const target = await vscode.commands.executeCommand<vscode.Uri | undefined>('queuescope.saveRecording', root, vscode.Uri.file(saved));
        assert.equal(target?.fsPath, saved);
        assert.deepEqual((await replayedState(saved)).totals, totals, 'the saved recording');
      } finally {
        await run.stop();
      }
    });
  }

  // Saved the moment the program's session ends, before its exit tail is read: the save waits
  // for it (a few ms to a few hundred), so the copy ends with the program's end, not with a
  // "saved while running" mark and the depths of the last poll.
  it('Save Recording right at the exit waits for the last moments', async () => {
    const run = await debugProgram(program, { env: { QUEUESCOPE_LIB: libraryPath(), EXIT_MODE: 'process-exit' } });
    const root = run.parent.id;
    try {
      const out = await run.output('TOTALS');
      const totals = (JSON.parse(/TOTALS (\{.*\})/.exec(out)![1]) as { totals: Totals }).totals;
      await run.exited;
      const saved = path.join(workspaceDir(), 'last-at-exit.qscope');
      await vscode.commands.executeCommand('queuescope.saveRecording', root, vscode.Uri.file(saved));
      const { lines } = await readRecordingLines(saved);
      assert.deepEqual(lines.filter((l) => l.type === 'saved'), [], 'saved as a running session');
      assert.equal(api.services.model.session(root)?.state, 'ended');
      assert.deepEqual((await replayedState(saved)).totals, totals, 'the saved recording');
    } finally {
      await run.stop();
    }
  });

  // Killed without warning, the program writes no exit tail: the user is told its figures end
  // at the last read. Stopped from the debugger (which may kill it as hard), it is no news.
  // 'Stop after a worker ended': the worker's session said its program ended first; the user's
  // Stop of the main thread is still a stop.
  for (const how of ['SIGKILL', 'Stop', 'Stop after a worker ended'] as const) {
    it(`${how === 'SIGKILL' ? 'killed by SIGKILL: the session says so' : `${how}: no such word`}, in the model, the tree and the saved recording`, async () => {
      const mode = how === 'SIGKILL' ? 'sigkill' : how === 'Stop' ? 'signal' : 'worker-stays';
      const run = await debugProgram(program, { env: { QUEUESCOPE_LIB: libraryPath(), EXIT_MODE: mode, WAIT_FOR_READER: '1' } });
      const root = run.parent.id;
      const model = api.services.model;
      try {
        await run.output(how === 'Stop after a worker ended' ? 'worker ended' : 'TOTALS');
        if (how !== 'SIGKILL') {
          const mainRead = () => [...(model.session(root)?.sources.values() ?? [])].some((s) => s.info.threadId === 0);
          if (!mainRead()) await nextEvent(model.onDidChange as vscode.Event<{ kind: string; session?: string }>, 'the main thread to be read', mainRead);
          await vscode.debug.stopDebugging(run.parent);
        }
        if (model.session(root)?.state !== 'ended') {
          await nextEvent(model.onDidChange as vscode.Event<{ kind: string; session?: string }>, 'the session to end', () => model.session(root)?.state === 'ended');
        }
        const main = [...(model.session(root)?.sources.values() ?? [])].find((s) => s.info.threadId === 0);
        assert.ok(main, 'the main thread was read');
        api.queuesTree.refreshNow();
        // This session's lines of the tree (earlier tests' sessions stay listed, ended).
        const all = treeText(api);
        const at = all.findIndex((l) => l.startsWith(`${run.parent.name} — `));
        assert.ok(at >= 0, all.join('\n'));
        const next = all.findIndex((l, i) => i > at && !l.startsWith(' '));
        const tree = all.slice(at, next < 0 ? undefined : next).join('\n');
        const saved = path.join(workspaceDir(), `last-${mode}.qscope`);
        await vscode.commands.executeCommand('queuescope.saveRecording', root, vscode.Uri.file(saved));
        const { lines } = await readRecordingLines(saved);
        const ends = lines.flatMap((l) => (l.type === 'end' ? [l.reason] : []));
        if (how === 'SIGKILL') {
          assert.deepEqual(main.end, { reason: 'abrupt' });
          assert.match(tree, /ended · abruptly/, tree);
          assert.deepEqual(ends, ['abrupt']);
        } else {
          // js-debug's Stop kills the program as hard as SIGKILL (no exit tail either): only the
          // stop request tells the two apart. The end says the debugger asked for it, and the
          // saved recording keeps that.
          assert.deepEqual(main.end, { reason: 'ended', requested: true }, `Stop ended it with ${JSON.stringify(main.end)}`);
          assert.doesNotMatch(tree, /abruptly/);
          assert.ok(!ends.includes('abrupt'), ends.join(', '));
          assert.ok(lines.some((l) => l.type === 'end' && l.src === main.key && l.requested === true), 'the end line says it was asked for');
        }
      } finally {
        await run.stop();
      }
    });
  }
  // QUEUESCOPE_TRACE_FILE left in the launch configuration: the program's own file recorder
  // and the extension read one hub. Each gets every event (the hub tees the debugger's drains
  // to the recorder), so the live model loses no batch and the file ends with the same totals.
  it('with QUEUESCOPE_TRACE_FILE in the launch: the model loses no batch, and the model and the file end with the totals', async () => {
    const file = path.join(workspaceDir(), 'last-with-file.qscope');
    fs.rmSync(file, { force: true });
    const run = await debugProgram(program, { env: { QUEUESCOPE_LIB: libraryPath(), EXIT_MODE: 'natural', WAIT_FOR_READER: 'go', QUEUESCOPE_TRACE_FILE: file } });
    const root = run.parent.id;
    const model = api.services.model;
    try {
      // The recorder drains too, so the program's own wait for a reader would not wait for ours.
      const attached = () => (model.session(root)?.sources.size ?? 0) > 0;
      if (!attached()) await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the extension to attach', attached);
      await evaluate(run.child, 'globalThis.__go = true');
      const out = await run.output('TOTALS');
      const totals = (JSON.parse(/TOTALS (\{.*\})/.exec(out)![1]) as { totals: Totals }).totals;
      if (model.session(root)?.state !== 'ended') {
        await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the session to end', () => model.session(root)?.state === 'ended');
      }
      assert.deepEqual(finalState(model, root), totals, 'the model');
      assert.deepEqual([...model.session(root)!.sources.values()].map((s) => s.lostBatches), [0], 'no drain batch went to the recorder instead');

      const fromFile = await replayedState(file);
      assert.deepEqual(fromFile.warnings, []);
      assert.deepEqual(fromFile.totals, totals, 'the file');
    } finally {
      await run.stop();
    }
  });
});
