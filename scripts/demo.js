#!/usr/bin/env node
// `npm run demo`: QueueScope in a real VS Code, in your browser, on a machine without VS Code.
// Builds the extension, installs it into a VS Code server (the one the tests use, see
// docs/TESTING.md), opens a workspace holding the sample programs, prints the URL, and stops
// everything on Ctrl+C.
//
//   npm run demo                      any free port
//   QUEUESCOPE_DEMO_PORT=8080 npm run demo
//
// The server listens on 127.0.0.1 only and has no connection token: from another machine, use an
// SSH tunnel (ssh -L 8080:127.0.0.1:8080 host) rather than exposing it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
require('tsx/cjs'); // the harness is TypeScript
const config = require('../test/vscode/config');
const { startServer } = require('../test/vscode/server.ts');

const root = config.projectRoot;
const demoDir = path.join(config.testRoot, 'demo');

function build() {
  const r = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  if (!fs.existsSync(path.join(root, 'dist/extension/extension.js'))) throw new Error('dist/extension/extension.js was not built');
}

/** What a .vsix would carry, copied the way VS Code lays out an installed extension. */
function installExtension(extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dest = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'dist', 'media', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md']) {
    const from = path.join(root, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, entry), { recursive: true });
  }
  return `${manifest.publisher}.${manifest.name}`;
}

/** The built samples (they load the library from ../lib), with one launch configuration each. */
function makeWorkspace(workspace) {
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const samplesDir = path.join(root, 'dist/samples');
  const samples = fs.existsSync(samplesDir) ? fs.readdirSync(samplesDir).filter((f) => f.endsWith('.js')).sort() : [];
  if (samples.length) {
    fs.cpSync(samplesDir, path.join(workspace, 'samples'), { recursive: true });
    fs.cpSync(path.join(root, 'dist/lib'), path.join(workspace, 'lib'), { recursive: true });
  }
  const configurations = samples.map((f) => ({
    type: 'node',
    request: 'launch',
    name: `Sample: ${f.replace(/\.js$/, '')}`,
    program: `\${workspaceFolder}/samples/${f}`,
    console: 'integratedTerminal',
  }));
  fs.writeFileSync(path.join(workspace, '.vscode/launch.json'), JSON.stringify({ version: '0.2.0', configurations }, null, 2) + '\n');
  fs.writeFileSync(
    path.join(workspace, 'README.md'),
    [
      '# QueueScope demo',
      '',
      samples.length
        ? 'Open **Run and Debug**, pick a `Sample: …` configuration and start it (F5), then run **QueueScope: Show Panel** from the command palette (F1).'
        : 'No samples were built (dist/samples is empty).',
      'Or run **QueueScope: Launch Sample Scenario…** from the command palette.',
      '',
    ].join('\n'),
  );
  return samples.length;
}

async function main() {
  console.log('[demo] building');
  build();
  fs.rmSync(demoDir, { recursive: true, force: true });
  const extensionsDir = path.join(demoDir, 'extensions');
  const workspace = path.join(demoDir, 'workspace');
  const id = installExtension(extensionsDir);
  const count = makeWorkspace(workspace);
  console.log(`[demo] installed ${id} into ${path.relative(root, extensionsDir)}; workspace with ${count} sample(s): ${path.relative(root, workspace)}`);

  const port = process.env.QUEUESCOPE_DEMO_PORT ? Number(process.env.QUEUESCOPE_DEMO_PORT) : undefined;
  const server = await startServer({ name: 'demo', extensionsDir, port });
  const url = server.workbenchUrl(workspace);
  console.log('');
  console.log(`  QueueScope demo (the VS Code inside code-server ${config.CODE_SERVER_VERSION}) is running. Open in a browser:`);
  console.log('');
  console.log(`    ${url}`);
  console.log('');
  console.log('  Press Ctrl+C to stop.');
  console.log('');
}

main().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
