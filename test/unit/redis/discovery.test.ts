// Discovery on a real redis-server: the sampling SCAN step that makes the first picture
// fast on a big keyspace (any key under the prefix names its queue; candidates are
// confirmed by their meta hash), and the meta walk that finds the rest.

import * as assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { QueueScanner, queueOfAnyKey } from '../../../src/redis/keys';
import { RedisServer } from '../../helpers/redisServer';

describe('Redis watch: discovery', function () {
  this.timeout(60_000);
  let server: RedisServer;
  let client: Redis;

  before(async () => {
    server = await RedisServer.start();
    client = new Redis({ port: server.port, host: '127.0.0.1' });
    const connection = { host: '127.0.0.1', port: server.port };
    // 5 queues of 2,000 jobs, one queue of 1 job, and 20,000 keys under the prefix that belong to no queue.
    for (let q = 0; q < 6; q++) {
      const queue = new Queue(`big${q}`, { connection });
      const n = q === 5 ? 1 : 2000;
      for (let i = 0; i < n; i += 500) await queue.addBulk(Array.from({ length: Math.min(500, n - i) }, () => ({ name: 'j', data: {} })));
      await queue.close();
    }
    const p = client.pipeline();
    for (let i = 0; i < 20_000; i++) p.set(`bull:junk:${i}`, 'x');
    await p.exec();
  });
  after(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('names the queue of any key under the prefix', () => {
    assert.equal(queueOfAnyKey('bull', 'bull:mail:123'), 'mail');
    assert.equal(queueOfAnyKey('{t:1}', '{t:1}:mail:wait'), 'mail');
    assert.equal(queueOfAnyKey('bull', 'bull:mail'), undefined);
    assert.equal(queueOfAnyKey('bull', 'bullx:mail:1'), undefined);
  });

  it('one sampling step names every big queue; a name without meta is checked once and rejected; the walk finds the tiny queue', async () => {
    const scanner = new QueueScanner('bull', 1000);
    const first = await scanner.step(client, 'sample');
    assert.deepEqual(first.fresh.filter((q) => q.startsWith('big') && q !== 'big5').sort(), ['big0', 'big1', 'big2', 'big3', 'big4']);
    assert.ok(!first.fresh.includes('junk'));
    const checks = scanner.stats.checks;
    assert.ok(checks <= 7, `EXISTS checks after one step: ${checks}`);
    // A second sample step does not ask about 'junk' again.
    await scanner.step(client, 'sample');
    assert.ok(scanner.stats.checks - checks <= 1, 'junk re-checked');
    // The rest of the walk, meta steps on the same cursor, finds the queue of one job.
    for (let walked = false; !walked; ) walked = (await scanner.step(client, 'meta')).walked;
    assert.deepEqual([...scanner.found].sort(), ['big0', 'big1', 'big2', 'big3', 'big4', 'big5']);
  });
});
