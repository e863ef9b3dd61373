// A TypeScript program compiled by the real tsc with `sourceMap: true` and F5'd as its .js
// (js-debug, plain node: the hub captures .js positions): the Queues tree and the Problems
// view point at the .ts lines (the extension maps through the .js.map, src/host/sourceMaps).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosticsChange } from '../../../src/extension/diagnostics';
import type { QueueScopeApi } from '../../../src/extension/services';
import { activate, debugProgram, extension, libraryPath, nextEvent, treeText, workspaceDir } from './helpers';

/** 1-based line of the `// @site:<name>` marker. */
function marker(file: string, name: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`// @site:${name}`)) + 1;
}

describe('source-mapped call sites in VS Code', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  it('F5 on tsc output with source maps: the tree and the Problems view show the .ts line of the blocked put', async () => {
    const root = extension().extensionPath;
    const project = path.join(workspaceDir(), 'tsmap');
    fs.rmSync(project, { recursive: true, force: true });
    fs.mkdirSync(path.join(project, 'src'), { recursive: true });
    const ts = path.join(project, 'src', 'app.ts');
    fs.copyFileSync(path.join(root, 'test/fixtures/sourcemaps/app.ts'), ts);
    const compilerOptions = { target: 'es2022', module: 'commonjs', outDir: 'dist', rootDir: 'src', sourceMap: true, strict: true, types: [], lib: ['es2022'] };
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, _out, stderr) => (err ? reject(new Error(`tsc: ${stderr}`)) : resolve())),
    );
    const js = path.join(project, 'dist', 'app.js');
    assert.ok(fs.existsSync(`${js}.map`));
    const putLine = marker(ts, 'put');

    const diagnostics = api.services.diagnostics!;
    const model = api.services.model;
    // The consumer starts 8 s late: the producer stays blocked past the long-block hint (5 s).
    const run = await debugProgram(js, { env: { QUEUESCOPE_LIB: libraryPath(), APP_HOLD_MS: '8000' } });
    const session = run.parent.id;
    try {
      const put = (s: readonly { waiters: readonly { role: string; site?: { file: string } }[] }[]) =>
        s.some((f) => f.waiters.some((w) => w.role === 'put' && w.site?.file === ts));
      if (!put(diagnostics.findings(session))) {
        await nextEvent(diagnostics.onDidChange, 'a finding on the blocked put', (c: DiagnosticsChange) => c.session === session && put(c.findings), 60_000);
      }
      // The tree: the queue's creation and its blocked producer, both in app.ts.
      const tree = treeText(api).join('\n');
      assert.match(tree, new RegExp(`produce \\(app\\.ts:${putLine}\\)`), tree);
      assert.match(tree, new RegExp(`main \\(app\\.ts:${marker(ts, 'create')}\\)`), tree);
      assert.doesNotMatch(tree, /app\.js:/, tree);
      // The Problems view: on the .ts line of `await jobs.put(`.
      const ours = vscode.languages.getDiagnostics(vscode.Uri.file(ts)).filter((d) => d.source === 'QueueScope');
      assert.ok(ours.some((d) => d.range.start.line === putLine - 1), JSON.stringify(ours.map((d) => [d.range.start.line + 1, d.message])));
      assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(js)).filter((d) => d.source === 'QueueScope'), []);
      // "Go to Source" may open it: the allow-list has the .ts.
      assert.ok(model.session(session)?.siteFiles.has(ts));
    } finally {
      await run.stop();
      await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    }
  });
});
