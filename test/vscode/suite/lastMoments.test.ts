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
import { activate, debugProgram, extension, libraryPath, nextEvent, treeText, workspaceDir, writeWorkspaceFile } from './helpers';

type Totals = Record<string, { puts: number; gets: number; size: number }>;

function finalState(model: QueueModel, session: string): Totals {
  const out: Totals = {};
  for (const q of model.queuesOf(session)) out[q.name] = { puts: q.counters.puts, gets: q.counters.gets, size: q.size };
  return out;
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
        const { lines } = await readRecordingLines(saved);
        const replay = new QueueModel();
        const feed = new ModelFeed(replay, 'replay', 'saved');
        feed.push(lines);
        feed.finish();
        assert.deepEqual(finalState(replay, 'replay'), totals, 'the saved recording');
      } finally {
        await run.stop();
      }
    });
  }
});
