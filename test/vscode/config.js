// Paths and versions shared by the VS Code harness scripts (install, server, runners, demo).
'use strict';
const os = require('node:os');
const path = require('node:path');

/** code-server 4.100.3 = VS Code 1.100.3 with js-debug 1.100.1, runs on Node 20. */
const CODE_SERVER_VERSION = '4.100.3';

const projectRoot = path.resolve(__dirname, '../..');
const testRoot = path.join(projectRoot, '.vscode-test');

/** The project's own install of code-server (git-ignored). */
const installDir = () => process.env.QUEUESCOPE_VSCODE_DIR || path.join(testRoot, `code-server-${CODE_SERVER_VERSION}`);

/** Machine-wide copy shared by clones; null when disabled with QUEUESCOPE_VSCODE_CACHE=off. */
function machineCacheDir() {
  const base = process.env.QUEUESCOPE_VSCODE_CACHE ?? path.join(os.homedir(), '.cache', 'queuescope-vscode');
  if (!base || base === 'off' || base === '0') return null;
  return path.join(base, `code-server-${CODE_SERVER_VERSION}`);
}

/** VS Code puts its sockets in TMPDIR: keep them inside the project. */
const tmpDir = () => path.join(testRoot, 'tmp');

const vscodeDir = (pkgRoot) => path.join(pkgRoot, 'node_modules/code-server/lib/vscode');
const serverMain = (pkgRoot) => path.join(vscodeDir(pkgRoot), 'out/server-main.js');

/** Screenshots and logs of the VS Code tiers (git-ignored). */
const artifactsDir = path.join(projectRoot, 'test-artifacts');

module.exports = { CODE_SERVER_VERSION, projectRoot, testRoot, installDir, machineCacheDir, tmpDir, vscodeDir, serverMain, artifactsDir };
