// The Redis watch's pure parts, without a server: URL parsing and what it may show, error
// scrubbing, BullMQ key and client-name parsing, and the wire bookkeeping.

import * as assert from 'node:assert/strict';
import type { WireEvent } from '../../../src/protocol/wire';
import { emptyCounts } from '../../../src/redis/counts';
import { globEscape, queueOfKey, queuesFromClientList } from '../../../src/redis/keys';
import { describeRedisError, redact } from '../../../src/redis/redact';
import { parseRedisTarget } from '../../../src/redis/target';
import { WireBuilder } from '../../../src/redis/wireBuilder';
import { workersByQueue } from '../../../src/redis/workers';
import { splitCredentials } from '../../../src/extension/redis/secrets';
import { QueueModel } from '../../../src/model';
import { filterEvents } from '../../../src/model/parse';
import { modelSink } from '../../../src/redis/modelSink';

describe('Redis watch: pure parts', () => {
  it('parses URLs into options and a display without credentials', () => {
    const t = parseRedisTarget('redis://alice:s%40cret@cache.example:6380/2');
    assert.equal(t.display, 'redis://cache.example:6380/2');
    assert.deepEqual({ ...t.options }, { host: 'cache.example', port: 6380, db: 2, username: 'alice', password: 's@cret' });
    assert.ok(t.secrets.includes('s@cret') && t.secrets.includes('alice:s@cret'));
    const tls = parseRedisTarget('rediss://cache.example', { password: 'from-secret-storage' });
    assert.deepEqual(tls.options.tls, { servername: 'cache.example', rejectUnauthorized: true });
    assert.equal(tls.options.password, 'from-secret-storage');
    assert.deepEqual({ ...parseRedisTarget('unix:///run/redis/redis.sock?db=3').options }, { path: '/run/redis/redis.sock', db: 3 });
    assert.equal(parseRedisTarget('/tmp/r.sock').display, 'unix:///tmp/r.sock');
    assert.throws(() => parseRedisTarget('http://x'), /unsupported scheme "http:"/);
    assert.throws(() => parseRedisTarget('redis://h/x'), /database must be a number/);
    assert.throws(() => parseRedisTarget('redis://u:pw@[bad'), (e: Error) => !e.message.includes('pw'));
  });

  it('scrubs secrets and URL credentials from any text, and names the cause', () => {
    const t = parseRedisTarget('redis://u:hunter2@h:1');
    assert.equal(redact('x redis://u:hunter2@h:1 hunter2', t.secrets), 'x redis://***@h:1 ***');
    assert.equal(describeRedisError(new Error('WRONGPASS invalid username-password pair'), t), 'cannot read redis://h:1: authentication failed (wrong user name or password)');
    assert.equal(describeRedisError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), t), 'cannot read redis://h:1: connection refused (is redis-server running there?)');
    assert.equal(describeRedisError(new Error('odd failure with hunter2 inside'), t), 'cannot read redis://h:1: odd failure with *** inside');
  });

  it('moves a typed password out of the URL that is remembered', () => {
    assert.deepEqual(splitCredentials('redis://default:p%40ss@h:6379/1'), { url: 'redis://default@h:6379/1', password: 'p@ss' });
    assert.deepEqual(splitCredentials('redis://h:6379'), { url: 'redis://h:6379' });
  });

  it('recognises queue keys under any prefix and escapes it for SCAN', () => {
    assert.equal(queueOfKey('bull', 'bull:mail:meta'), 'mail');
    assert.equal(queueOfKey('{t:1}', '{t:1}:mail:meta'), 'mail');
    assert.equal(queueOfKey('bull', 'bull:mail:repeat:x:meta'), undefined, 'queue names never hold ":"');
    assert.equal(queueOfKey('bull', 'bullx:mail:meta'), undefined);
    assert.equal(globEscape('a*b?[c]\\'), 'a\\*b\\?\\[c\\]\\\\');
  });

  it('finds queues with a connected BullMQ client in CLIENT LIST, under the prefix only', () => {
    const b = (s: string): string => Buffer.from(s).toString('base64');
    const list = [
      `id=1 name=bull:${b('mail')}:w:alpha age=1`,
      `id=2 name=bull:${b('mail')}:qe age=1`,
      `id=3 name=bull:${b('späť')} age=1`,
      `id=4 name=other:${b('x')} age=1`,
      'id=5 name=bull:not-base64! age=1',
      `id=6 name=bull:${b('a:b')} age=1`,
      'id=7 name= age=1',
    ].join('\n');
    assert.deepEqual(queuesFromClientList(list, 'bull').sort(), ['mail', 'späť']);
  });

  it("finds workers by BullMQ's connection names", () => {
    const b64 = Buffer.from('mail').toString('base64');
    const list = [
      `id=7 addr=10.0.0.1:5000 name=bull:${b64}:w:alpha age=12 idle=0 cmd=bzpopmin`,
      `id=8 addr=10.0.0.2:5000 name=bull:${b64} age=3 idle=1 cmd=evalsha`,
      `id=9 addr=10.0.0.3:5000 name=bull:${b64}:qe age=3 idle=1`, // QueueEvents, not a worker
      'id=10 addr=x name= age=1 idle=1',
    ].join('\n');
    assert.deepEqual(workersByQueue(list, 'bull', ['mail']).get('mail'), [
      { id: '7', name: 'alpha', age: 12, idle: 0 },
      { id: '8', name: '', age: 3, idle: 1 },
    ]);
  });

  it('emits a queue once, rows only on change or flow, counters and jobCounts when they change', () => {
    const wb = new WireBuilder();
    const c = { ...emptyCounts(), waiting: 5, active: 2 };
    const ev: WireEvent[] = [];
    wb.reading(ev, 10, 'mail', c, 100, undefined);
    assert.deepEqual(ev.map((e) => e.type), ['queue', 'samples', 'counters', 'jobCounts']);
    ev.length = 0;
    wb.reading(ev, 20, 'mail', c, 100, undefined);
    assert.equal(ev.length, 0, 'nothing changed: nothing sent');
    wb.reading(ev, 30, 'mail', { ...c, waiting: 3, completed: 2 }, 50, { added: 0, active: 2, completed: 2, failed: 0, stalled: 0 });
    assert.deepEqual(ev.find((e) => e.type === 'samples'), { type: 'samples', t: 30, rows: [[1, 3, 3, 5, 0, 2]] });
    assert.deepEqual(ev.find((e) => e.type === 'counters'), { type: 'counters', t: 30, q: 1, c: { puts: 0, gets: 2, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 5, dropped: 0 }, unfinished: 5 });
  });

  it('the model keeps per-state history, job events, workers and gaps; recordings keep the new events', () => {
    const model = new QueueModel({ now: () => 1_000 });
    const sink = modelSink(model, 'redis:9', 'BullMQ test');
    sink.source({ v: 1, pid: 0, threadId: 0, isMainThread: true, title: 't', argv: [], origin: 1_000_000, now: 0, sampleInterval: 1000 });
    const wb = new WireBuilder();
    const ev: WireEvent[] = [];
    wb.reading(ev, 1000, 'mail', { ...emptyCounts(), waiting: 4, failed: 1 }, 250, { added: 4, active: 0, completed: 0, failed: 1, stalled: 0 });
    wb.notice(ev, 900, 'mail', 'failed', '17', 'boom', '<b>x</b>');
    wb.workers(ev, 1000, 'mail', [{ id: '3', name: 'w1', age: 1, idle: 0 }]);
    ev.push({ type: 'gap', t: 5000, since: 1000, reason: 'redis unreachable' });
    wb.reading(ev, 5000, 'mail', { ...emptyCounts(), waiting: 2, failed: 1 }, null, undefined);
    const { events, skipped } = filterEvents(JSON.parse(JSON.stringify(ev)) as unknown[]);
    assert.equal(skipped, 0, 'the reader of recordings accepts every new event');
    sink.events(events);
    assert.equal(model.session('redis:9')?.origin, 'redis');
    const q = model.queuesOf('redis:9')[0];
    assert.equal(q.name, 'mail');
    assert.equal(q.size, 2, 'depth = ready backlog');
    assert.deepEqual(q.jobs?.history.waiting?.series().depth, [4, 2]);
    assert.deepEqual(q.jobs?.history.failed?.series().depth, [1], 'an unchanged state adds no point');
    assert.equal(q.jobs?.oldestWaitMs, null);
    assert.deepEqual(q.jobs?.recent, [{ at: 1_000_900, event: 'failed', jobId: '17', name: '<b>x</b>', reason: 'boom' }]);
    assert.deepEqual(q.jobs?.workers.map((w) => w.name), ['w1']);
    assert.deepEqual([...model.session('redis:9')!.sources.values()][0].gaps, [{ from: 1_001_000, to: 1_005_000, reason: 'redis unreachable' }]);
    sink.end(6000, 'stopped');
    assert.equal(model.session('redis:9')?.state, 'ended');
  });
});
