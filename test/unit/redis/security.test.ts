// Connecting safely: one clear error for a wrong password, an unreachable or unknown host
// and an untrusted TLS certificate (rediss:// verifies by default); no credential in any
// error, log line, wire message or recording; hostile job names stay literal data; queues
// found under any prefix, {hash tag} prefixes included.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { parseRedisTarget, redact, RedisWatchError } from '../../../src/redis';
import { freePort, RedisServer } from '../../helpers/redisServer';
import { is, watchInto, type Watched } from './harness';

const PASSWORD = 'pw-Zq81!x@y:z/%';

describe('BullMQ watch: connection errors and credentials', function () {
  this.timeout(30_000);
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const track = (w: Watched): Watched => (cleanup.push(() => w.dispose()), w);

  async function connectionsReceived(srv: RedisServer, password?: string): Promise<number> {
    const admin = new Redis({ port: srv.port, host: '127.0.0.1', ...(password ? { password } : {}) });
    const info = await admin.info('stats');
    admin.disconnect();
    return Number(/total_connections_received:(\d+)/.exec(info)?.[1]);
  }

  it('a wrong password gives one clear error and one connection attempt, without the password', async () => {
    const srv = await RedisServer.start({ password: PASSWORD });
    cleanup.push(() => srv.stop());
    const before = await connectionsReceived(srv, PASSWORD);
    const w = track(watchInto(`redis://default:${encodeURIComponent(`wrong-${PASSWORD}`)}@127.0.0.1:${srv.port}`));
    const err = await w.watch.start().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RedisWatchError);
    assert.equal(err.message, `cannot read redis://127.0.0.1:${srv.port}: authentication failed (wrong user name or password)`);
    assert.equal(w.watch.state, 'failed');
    await new Promise((r) => setTimeout(r, 1000)); // time for a retry that must not happen
    // +1 for our attempt, +1 for the admin connection that reads the figure.
    assert.equal((await connectionsReceived(srv, PASSWORD)) - before, 2, 'no retries after a refused password');
    assert.equal(w.watch.stats.reconnectAttempts, 0);
  });

  it('an unreachable port and an unknown host give one clear error each', async () => {
    const port = await freePort();
    const refused = track(watchInto(`redis://127.0.0.1:${port}`));
    await assert.rejects(refused.watch.start(), { message: `cannot read redis://127.0.0.1:${port}: connection refused (is redis-server running there?)` });
    const unknown = track(watchInto('redis://no-such-host.invalid:6379'));
    await assert.rejects(unknown.watch.start(), { message: 'cannot read redis://no-such-host.invalid:6379: host not found' });
    const socket = track(watchInto('unix:///nonexistent/redis.sock'));
    await assert.rejects(socket.watch.start(), { message: 'cannot read unix:///nonexistent/redis.sock: no such socket' });
  });

  it('rediss:// verifies certificates by default: a self-signed server is refused', async function () {
    const srv = await RedisServer.start();
    cleanup.push(() => srv.stop());
    const key = path.join(srv.dir, 'key.pem');
    const cert = path.join(srv.dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tlsPort = await freePort();
    const tls = await RedisServer.start({ extraArgs: ['--tls-port', String(tlsPort), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-auth-clients', 'no'] });
    cleanup.push(() => tls.stop());
    assert.equal(parseRedisTarget('rediss://h:1').options.tls?.rejectUnauthorized, true);
    const w = track(watchInto(`rediss://127.0.0.1:${tlsPort}`));
    await assert.rejects(w.watch.start(), /cannot read rediss:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted/);
    // The same server is readable when its certificate is trusted explicitly: the refusal above was the verification.
    const trusted = parseRedisTarget(`rediss://127.0.0.1:${tlsPort}`);
    const client = new Redis({ ...trusted.options, tls: { ...trusted.options.tls, ca: fs.readFileSync(cert) }, retryStrategy: () => null });
    client.on('error', () => undefined);
    assert.equal(await client.ping(), 'PONG');
    client.disconnect();
  });

  it('no credential in any error, log line, wire message or recording', async () => {
    let srv = await RedisServer.start({ password: PASSWORD });
    const q = new Queue('secretive', { connection: { host: '127.0.0.1', port: srv.port, password: PASSWORD } });
    const job = await q.add('j', { i: 1 });
    await job.moveToFailed(new Error('boom'), '0', false).catch(() => undefined);
    await q.close();
    const url = `redis://default:${encodeURIComponent(PASSWORD)}@127.0.0.1:${srv.port}`;
    const w = watchInto(url, { backoff: { initialMs: 50, maxMs: 200 } });
    await w.watch.start();
    srv = await srv.restart(); // logs the loss and the reconnection; the data is gone (no SAVE)
    await w.sink.waitFor(is('gap'));
    const recording = await w.recording();
    const errors = [parseRedisTarget(url).display, redact(`failed: ${url}`, parseRedisTarget(url).secrets)];
    await w.dispose();
    await srv.stop();
    const texts = [recording, ...w.logs, ...errors, JSON.stringify(w.sink.captured), JSON.stringify(w.sink.info)];
    assert.ok(w.logs.some((l) => l.includes('reconnected')), 'the log was exercised');
    for (const text of texts) {
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'default:']) assert.ok(!text.includes(secret), `no credential in: ${text.slice(0, 200)}`);
    }
  });

  it('hostile job names and failure reasons stay literal text', async () => {
    const srv = await RedisServer.start();
    cleanup.push(() => srv.stop());
    const hostile = '<img src=x onerror=alert(1)>\u202e"; DROP TABLE jobs; --\u0000';
    const connection = { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null };
    const q = new Queue('hostile', { connection });
    cleanup.push(() => q.close());
    const w = track(watchInto(srv.url));
    await q.add('first', {});
    await w.watch.start();
    const worker = new Worker('hostile', async () => {
      throw new Error(hostile);
    }, { connection });
    cleanup.push(() => worker.close());
    await q.add(hostile, { html: hostile });
    const failed = await new Promise<void>((resolve) => worker.on('failed', (j) => j?.name === hostile && resolve()));
    void failed;
    await w.watch.pollNow();
    const notice = w.sink.captured.filter(is('jobEvent')).find((e) => e.event === 'failed' && e.name === hostile);
    assert.ok(notice, 'the failure is listed with its name as sent');
    assert.equal(notice.reason, hostile);
    const recorded = (await w.recording()).split('\n').filter((l) => l.includes('"jobEvent"')).map((l) => JSON.parse(l) as { name?: string });
    assert.ok(recorded.some((e) => e.name === hostile), 'recorded byte for byte');
    assert.equal(w.model.queuesOf('redis:1')[0].jobs?.recent.find((e) => e.name === hostile)?.reason, hostile);
  });

  it('finds queues under a configured prefix, {hash tag} prefixes included, and only there', async () => {
    const srv = await RedisServer.start();
    cleanup.push(() => srv.stop());
    const connection = { host: '127.0.0.1', port: srv.port };
    const tagged = ['a', 'b'].map((n) => new Queue(n, { connection, prefix: '{tenant:1}' }));
    const plain = new Queue('c', { connection });
    cleanup.push(() => Promise.all([...tagged, plain].map((q) => q.close())));
    for (const q of [...tagged, plain]) await q.add('j', {});
    const w = track(watchInto(srv.url, { prefix: '{tenant:1}' }));
    await w.watch.start();
    assert.deepEqual(w.watch.queues.sort(), ['a', 'b']);
    const d = track(watchInto(srv.url));
    await d.watch.start();
    assert.deepEqual(d.watch.queues, ['c']);
  });
});
