#!/usr/bin/env node
// Installs the VS Code that the harness runs: the VS Code server inside the npm package
// `code-server` (see /docs/TESTING.md). Idempotent: does nothing when the install is complete.
//
//   node test/vscode/install.js          install if missing, print the package directory
//   node test/vscode/install.js --check  exit 1 when not installed (no changes)
//
// Where it goes: .vscode-test/code-server-<version>/ in the project. A finished install is also
// hard-linked into a machine-wide cache (~/.cache/queuescope-vscode/, or $QUEUESCOPE_VSCODE_CACHE;
// set it to "off" to disable) so a second clone on the same machine starts in seconds.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const config = require('./config');

// g++/make/python3 build code-server's native modules (argon2, kerberos, node-pty, @parcel/watcher).
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'pkg-config', 'g++', 'make', 'python3'];
// @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache holds the tarball.
// These are the values code-server 4.100.3 pulls in (node_modules/@vscode/ripgrep/lib/postinstall.js),
// for x86_64 Linux; on another architecture the postinstall would look for another name and download.
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const log = (msg) => process.stderr.write(`[vscode-install] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function aptInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** apt-get only when something is missing: CI runs as root on a fresh machine, developers rarely need it. */
function missingAptPackages(packages = APT_PACKAGES) {
  return packages.filter((p) => !aptInstalled(p));
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (!missing.length) return;
  const asRoot = process.getuid?.() === 0;
  const aptGet = (...args) => (asRoot ? run('apt-get', args, { env }) : run('sudo', ['-n', 'apt-get', ...args], { env }));
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing apt packages: ${missing.join(' ')}`);
  try {
    aptGet('update');
    aptGet('install', '-y', ...missing);
  } catch (err) {
    throw new Error(`cannot install apt packages (${missing.join(' ')}): ${err.message}. Install them as root and retry.`);
  }
}

/** Debian's rg, packed the way the ripgrep postinstall expects to find its download. */
function seedRipgrepCache(tmpDir) {
  const dir = path.join(tmpDir, RIPGREP_CACHE_DIR);
  const tarball = path.join(dir, RIPGREP_TARBALL);
  if (fs.existsSync(tarball)) return;
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  fs.mkdirSync(dir, { recursive: true });
  // The release tarballs hold `rg` at their root; the postinstall extracts into its bin/.
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  run('tar', ['-czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
}

function isComplete(dir) {
  return fs.existsSync(path.join(dir, '.installed')) && fs.existsSync(config.serverMain(dir));
}

/** Copy a tree as hard links (free and fast); fall back to a real copy across file systems. */
function linkTree(from, to) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const r = spawnSync('cp', ['-al', from, to], { stdio: 'ignore' });
  if (r.status !== 0) {
    fs.rmSync(to, { recursive: true, force: true });
    run('cp', ['-a', from, to]);
  }
}

function npmInstall(staging, tmpDir) {
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'queuescope-vscode-test', private: true }, null, 2) + '\n');
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    // As root, code-server refuses its install scripts without unsafe_perm; node-pty runs `npx node-gyp`.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  log(`npm install code-server@${config.CODE_SERVER_VERSION} (a few minutes on a cold machine)`);
  run('npm', ['install', '--no-save', '--loglevel=error', `code-server@${config.CODE_SERVER_VERSION}`], { cwd: staging, env });
  const rg = path.join(staging, 'node_modules/@vscode/ripgrep/bin/rg');
  const rgNested = path.join(config.vscodeDir(staging), 'node_modules/@vscode/ripgrep/bin/rg');
  if (!fs.existsSync(config.serverMain(staging))) throw new Error(`install incomplete: ${config.serverMain(staging)} missing`);
  if (!fs.existsSync(rg) && !fs.existsSync(rgNested)) log('warning: ripgrep binary not found in the install; search in VS Code may not work');
}

function install() {
  // Chromium is needed even when code-server is already there: check the packages every time (cheap).
  ensureAptPackages();
  const dir = config.installDir();
  if (isComplete(dir)) return dir;

  const cache = config.machineCacheDir();
  if (cache && isComplete(cache)) {
    log(`reusing machine-wide cache ${cache}`);
    linkTree(cache, dir);
    if (isComplete(dir)) return dir;
  }

  const tmpDir = config.tmpDir();
  fs.mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  const staging = `${dir}.partial`;
  npmInstall(staging, tmpDir);
  fs.writeFileSync(path.join(staging, '.installed'), `code-server@${config.CODE_SERVER_VERSION} ${new Date().toISOString()}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);

  if (cache) {
    try {
      linkTree(dir, `${cache}.partial`);
      fs.rmSync(cache, { recursive: true, force: true });
      fs.renameSync(`${cache}.partial`, cache);
      log(`cached in ${cache}`);
    } catch (err) {
      log(`could not fill the machine-wide cache (${err.message}); continuing`);
    }
  }
  return dir;
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    process.exit(isComplete(config.installDir()) ? 0 : 1);
  }
  const started = Date.now();
  try {
    const dir = install();
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`);
    process.stdout.write(`${dir}\n`);
  } catch (err) {
    log(`FAILED: ${err.message}`);
    process.exit(1);
  }
}

module.exports = { install, isComplete, missingAptPackages };
