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
    // Real path: the program reports real paths, and .vscode-test may be a symlink here.
    const project = path.join(fs.realpathSync(workspaceDir()), 'tsmap');
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
    // The consumer starts 8 s late: the producer stays blocked past the findings' 5 s.
    const run = await debugProgram(js, { env: { QUEUESCOPE_LIB: libraryPath(), APP_HOLD_MS: '8000' } });
    const session = run.parent.id;
    try {
      // The blocked producer shows in the model, then in the tree: both sites in app.ts.
      const blocked = () => model.queuesOf(session).some((q) => q.name === 'jobs' && [...q.waiters.values()].some((w) => w.role === 'put'));
      if (!blocked()) await nextEvent(model.onDidChange as vscode.Event<unknown>, 'the blocked put', blocked);
      const tree = treeText(api).join('\n');
      assert.match(tree, new RegExp(`produce \\(app\\.ts:${putLine}\\)`), tree);
      assert.match(tree, new RegExp(`main \\(app\\.ts:${marker(ts, 'create')}\\)`), tree);
      assert.doesNotMatch(tree, /app\.js:/, tree);
      // A finding on the blocked put (the whole program waits: deadlock after 5 s quiet) reaches the Problems view.
      const put = (list: readonly { waiters: readonly { role: string }[] }[]) => list.some((f) => f.waiters.some((w) => w.role === 'put'));
      if (!put(diagnostics.findings(session))) {
        await nextEvent(diagnostics.onDidChange, 'a finding on the blocked put', (c: DiagnosticsChange) => c.session === session && put(c.findings), 30_000).catch((err: Error) => {
          throw new Error(`${err.message}; findings: ${JSON.stringify(diagnostics.findings(session))}; tree:\n${treeText(api).join('\n')}`);
        });
      }
      // The Problems view: on the .ts line of `await jobs.put(`.
      const ours = vscode.languages.getDiagnostics(vscode.Uri.file(ts)).filter((d) => d.source === 'QueueScope');
      const all = vscode.languages.getDiagnostics().flatMap(([uri, list]) => list.filter((d) => d.source === 'QueueScope').map((d) => `${uri.fsPath}:${d.range.start.line + 1} ${d.message}`));
      assert.ok(ours.some((d) => d.range.start.line === putLine - 1), `${JSON.stringify(all)}; findings: ${JSON.stringify(diagnostics.findings(session))}`);
      assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(js)).filter((d) => d.source === 'QueueScope'), []);
      // "Go to Source" may open it: the allow-list has the .ts.
      assert.ok(model.session(session)?.siteFiles.has(ts));
    } finally {
      await run.stop();
      await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    }
  });
});
