// Beyond one server: a BullMQ watch pointed at a read replica reads the same counts as
// BullMQ on the primary (every command the watch sends is a read), and a Redis Cluster node
// is refused with one clear error instead of a partial picture (docs/REDIS.md says why).

import * as assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { RedisServer } from '../../helpers/redisServer';
import { watchInto, type Watched } from './harness';

describe('BullMQ watch: replicas and cluster', function () {
  this.timeout(30_000);
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const track = (w: Watched): Watched => (cleanup.push(() => w.dispose()), w);

  it('reads a replica: the same counts as getJobCounts() on the primary', async () => {
    const primary = await RedisServer.start();
    cleanup.push(() => primary.stop());
    const replica = await RedisServer.start({ extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)] });
    cleanup.push(() => replica.stop());
    const q = new Queue('mirrored', { connection: { host: '127.0.0.1', port: primary.port } });
    cleanup.push(() => q.close());
    for (let i = 0; i < 30; i++) await q.add('j', { i }, i % 3 === 0 ? { delay: 60_000 } : {});
    const admin = new Redis(primary.port, '127.0.0.1');
    cleanup.push(async () => admin.disconnect());
    // WAIT: the replica acknowledged every write so far (the link comes up asynchronously).
    for (;;) {
      if ((await admin.wait(1, 1000)) >= 1) break;
    }
    const w = track(watchInto(replica.url, { workersEveryMs: 0 }));
    await w.watch.start();
    const counts = w.model.queuesOf('redis:1')[0].jobs!.counts;
    const expected = await q.getJobCounts();
    for (const [state, n] of Object.entries(expected)) assert.equal(counts[state as keyof typeof counts], n, state);
    assert.equal(counts.delayed, 10);
  });

  it('refuses a Redis Cluster node with one clear error', async () => {
    const node = await RedisServer.start({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
    cleanup.push(() => node.stop());
    const w = track(watchInto(node.url));
    await assert.rejects(w.watch.start(), /it is a Redis Cluster node, and watching a cluster is not supported yet/);
    assert.equal(w.watch.state, 'failed');
  });
});
