#!/usr/bin/env node
// Installs redis-server (Debian package) when it is missing, so the Redis tests and
// `npm run bench:redis` run on a fresh machine. Idempotent; .ci/run calls it before `npm test`.
//
//   node test/redis/install.js          install if missing, print the server's path
//   node test/redis/install.js --check  exit 1 when missing (no changes)
'use strict';
const { spawnSync } = require('node:child_process');

const log = (msg) => process.stderr.write(`[redis-install] ${msg}\n`);

/** Absolute path of redis-server on PATH, or null. */
function findRedisServer() {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function run(cmd, args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function ensureRedisServer() {
  const found = findRedisServer();
  if (found) return found;
  const asRoot = process.getuid?.() === 0;
  const aptGet = (...args) => (asRoot ? run('apt-get', args) : run('sudo', ['-n', 'apt-get', ...args]));
  log('installing apt package: redis-server');
  try {
    aptGet('update');
    aptGet('install', '-y', '--no-install-recommends', 'redis-server');
  } catch (err) {
    // The package's postinst starts the system service (no policy-rc.d outside Docker
    // images); when that start fails (port 6379 taken, no init system) dpkg reports an
    // error although the binary is in place. The tests start servers of their own, so
    // the binary is all they need.
    const unpacked = findRedisServer();
    if (unpacked) {
      log(`apt-get reported an error (${err.message}) but ${unpacked} is installed; the tests start their own servers`);
      return unpacked;
    }
    throw new Error(`cannot install redis-server: ${err.message}. Install it as root (apt-get install redis-server) and retry.`);
  }
  const installed = findRedisServer();
  if (!installed) throw new Error('redis-server is still not on PATH after installing it');
  return installed;
}

module.exports = { findRedisServer, ensureRedisServer };

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const found = findRedisServer();
    if (found) console.log(found);
    process.exit(found ? 0 : 1);
  }
  try {
    console.log(ensureRedisServer());
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
