#!/usr/bin/env node
// First half of `npm run demo` on a fresh machine: installs the npm dependencies when they
// are missing or older than package-lock.json, then the offline VS Code server
// (test/vscode/install.js, a no-op once installed). Uses only node:* so it runs before
// `npm ci` has put anything in node_modules.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function depsCurrent() {
  const installed = path.join(root, 'node_modules/.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  return fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
}

try {
  if (!depsCurrent()) {
    console.log('[setup] installing npm dependencies (npm ci)');
    run(npm, ['ci', '--no-audit', '--no-fund']);
  }
  run(process.execPath, [path.join(root, 'test/vscode/install.js')]);
} catch (err) {
  console.error(`[setup] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
