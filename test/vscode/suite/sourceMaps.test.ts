// A TypeScript program compiled by the real tsc with `sourceMap: true` and run as its .js
// (F5 under js-debug, or plain node under the file recorder: the hub captures .js
// positions): the Queues tree and the Problems view point at the .ts lines (the extension
// maps through the .js.map, src/host/sourceMaps), live and from an opened recording.
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

/** Copies the fixture into the workspace and compiles it with the real tsc; returns [src/app.ts, dist/app.js]. */
async function compiledProject(name: string): Promise<[string, string]> {
  const root = extension().extensionPath;
  // Real path: the program reports real paths, and .vscode-test may be a symlink here.
  const project = path.join(fs.realpathSync(workspaceDir()), name);
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
  return [ts, js];
}

/** Every QueueScope diagnostic, as `file:line message`. */
function ours(): string[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, list]) => list.filter((d) => d.source === 'QueueScope').map((d) => `${uri.fsPath}:${d.range.start.line + 1} ${d.message}`));
}

describe('source-mapped call sites in VS Code', function () {
  this.timeout(120_000);
  let api: QueueScopeApi;

  before(async () => {
    api = (await activate()).exports as QueueScopeApi;
  });

  it('F5 on tsc output with source maps: the tree and the Problems view show the .ts line of the blocked put', async () => {
    const [ts, js] = await compiledProject('tsmap');
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
      // On the .ts line of `await jobs.put(`, none on the .js.
      assert.ok(ours().some((d) => d.startsWith(`${ts}:${putLine} `)), `${JSON.stringify(ours())}; findings: ${JSON.stringify(diagnostics.findings(session))}`);
      assert.ok(!ours().some((d) => d.startsWith(js)), JSON.stringify(ours()));
      // "Go to Source" may open it: the allow-list has the .ts.
      assert.ok(model.session(session)?.siteFiles.has(ts));
    } finally {
      await run.stop();
      await vscode.commands.executeCommand('queuescope.clearEndedSessions');
    }
  });

  it('the same program recorded by the file recorder and opened: its Problems entries are on the .ts line', async () => {
    const [ts, js] = await compiledProject('tsmap-recorded');
    const diagnostics = api.services.diagnostics!;
    const model = api.services.model;
    const file = path.join(path.dirname(path.dirname(js)), 'run.qscope');
    const register = path.join(extension().extensionPath, 'dist', 'lib', 'register.js');
    const env = { ...process.env, QUEUESCOPE_TRACE_FILE: file, QUEUESCOPE_LIB: libraryPath(), APP_HOLD_MS: '6000', ELECTRON_RUN_AS_NODE: '1' };
    await new Promise<void>((resolve, reject) => execFile(process.execPath, ['--require', register, js], { env }, (err) => (err ? reject(err) : resolve())));
    const before = new Set(model.sessions.map((s) => s.id));
    const checked = nextEvent(diagnostics.onDidChange, "the recording's findings", (c: DiagnosticsChange) => !before.has(c.session) && c.findings.length > 0, 60_000);
    await vscode.commands.executeCommand('queuescope.openRecording', vscode.Uri.file(file));
    const { session } = await checked;
    try {
      assert.ok(ours().some((d) => d.startsWith(`${ts}:${marker(ts, 'put')} `)), JSON.stringify(ours()));
      assert.ok(!ours().some((d) => d.startsWith(js)), JSON.stringify(ours()));
    } finally {
      model.removeSession(session);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
