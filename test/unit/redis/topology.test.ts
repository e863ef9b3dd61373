// Beyond one server: a BullMQ watch pointed at a read replica reads the same counts as
// BullMQ on the primary (every command the watch sends is a read), and pointed at any node
// of a real three-master Redis Cluster it finds the queues on every master and reads the
// same counts as BullMQ, with a `{bull}` prefix and with hash tags in the queue names.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker } from 'bullmq';
import Redis, { Cluster } from 'ioredis';
import { keySlot } from '../../../src/redis/slots';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redisCluster';
import { RedisServer } from '../../helpers/redisServer';
import { RedisWatchError } from '../../../src/redis';
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

  describe('on a real 3-master Redis Cluster', function () {
    let cluster: RedisClusterHandle;
    before(async () => {
      cluster = await startRedisCluster();
    });
    after(async () => cluster?.stop());

    /** A cluster client of the test's own, closed after the test (BullMQ leaves a passed-in connection open). */
    const connection = (): Cluster => {
      const c = new Cluster(cluster.seeds);
      cleanup.push(async () => c.disconnect());
      return c;
    };
    const clusterQueue = (name: string, prefix: string): Queue => {
      const q = new Queue(name, { connection: connection(), prefix });
      cleanup.push(() => q.close());
      return q;
    };

    /** Jobs in every state a producer and a short-lived worker leave: waiting, delayed, prioritized, completed, failed. */
    const fill = async (q: Queue, n: number, prefix: string): Promise<void> => {
      await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'j', data: { i, fail: i % 4 === 0 } })));
      const worker = new Worker(q.name, async (job) => {
        if ((job.data as { fail: boolean }).fail) throw new Error('planned failure');
      }, { connection: connection(), prefix, autorun: false });
      const drained = new Promise<void>((resolve) => worker.once('drained', () => resolve()));
      void worker.run();
      await drained;
      await worker.close();
      await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'k', data: { i }, opts: i % 3 === 0 ? { delay: 60_000 } : i % 3 === 1 ? { priority: 1 + (i % 5) } : {} })));
    };

    /** Index of the node holding a slot (startRedisCluster splits the slots in three, in node order). */
    const masterOf = (slot: number): number => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);

    const assertCountsMatch = async (w: Watched, queues: Queue[]): Promise<void> => {
      const seen = new Map(w.model.queuesOf('redis:1').map((m) => [m.name, m.jobs!.counts]));
      assert.deepEqual([...seen.keys()].sort(), queues.map((q) => q.name).sort(), 'every queue on every master was discovered');
      for (const q of queues) {
        const expected = await q.getJobCounts();
        const got = seen.get(q.name)!;
        for (const [state, n] of Object.entries(expected)) assert.equal(got[state as keyof typeof got], n, `${q.name} ${state}`);
        assert.ok(expected.completed > 0 && expected.failed > 0 && expected.delayed > 0 && expected.prioritized > 0 && expected.waiting > 0, `${q.name}: every state is exercised`);
      }
    };

    it('what is not supported gets one clear error: a cluster through a unix socket, a database other than 0', async () => {
      const socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-sock-')), 'cluster.sock');
      cleanup.push(async () => fs.rmSync(path.dirname(socket), { recursive: true, force: true }));
      const node = await RedisServer.start({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--unixsocket', socket] });
      cleanup.push(() => node.stop());
      const viaSocket = track(watchInto(`unix://${socket}`));
      await assert.rejects(viaSocket.watch.start(), (err: Error) => err instanceof RedisWatchError && /^cannot read unix:\/\/\S+ as a Redis Cluster: a Redis Cluster is reached by host:port, not through a unix socket$/.test(err.message));
      assert.equal(viaSocket.watch.state, 'failed');
      const db1 = track(watchInto(`${cluster.nodes[0].url}/1`));
      await assert.rejects(db1.watch.start(), (err: Error) => err instanceof RedisWatchError && /^cannot read redis:\/\/127\.0\.0\.1:\d+\/1 as a Redis Cluster: a Redis Cluster has only database 0 \(the URL names database 1\)$/.test(err.message));
      assert.equal(db1.watch.state, 'failed');
    });

    it('hashes keys to the slots the cluster uses (CLUSTER KEYSLOT)', async () => {
      const admin = new Redis(cluster.nodes[0].port, '127.0.0.1');
      cleanup.push(async () => admin.disconnect());
      for (const key of ['bull:q:meta', '{bull}:q:meta', 'bull:{tenant:1}:wait', 'x{}y', '{}{a}', 'a{b', 'ünïcode{ø}', '']) {
        assert.equal(keySlot(key), Number(await admin.call('CLUSTER', 'KEYSLOT', key)), JSON.stringify(key));
      }
    });

    it("a '{bull}' prefix: the counts of every queue equal getJobCounts(), through any node", async () => {
      const queues = ['emails', 'images', 'reports'].map((n) => clusterQueue(n, '{bull}'));
      for (const q of queues) await fill(q, 24, '{bull}');
      // Seeded with a node that holds none of the queues: discovery runs on every master.
      const other = cluster.nodes[(masterOf(keySlot('{bull}:x')) + 1) % 3];
      const w = track(watchInto(other.url, { prefix: '{bull}', workersEveryMs: 0 }));
      await w.watch.start();
      await assertCountsMatch(w, queues);
    });

    it('hash tags in the queue names: queues on different masters, each read on its own', async () => {
      const names = ['{alpha}', '{beta}', '{gamma}', '{delta}'];
      const slots = names.map((n) => keySlot(`bull:${n}:meta`));
      const masters = new Set(slots.map(masterOf));
      assert.ok(masters.size >= 2, 'the queues live on more than one master');
      const queues = names.map((n) => clusterQueue(n, 'bull'));
      for (const q of queues) await fill(q, 12, 'bull');
      const w = track(watchInto(cluster.nodes[2].url, { workersEveryMs: 0 }));
      await w.watch.start();
      await assertCountsMatch(w, queues);
      // One read: the 9 O(1) commands per queue, sent to the queue's own master, and one XREAD per slot (here one per queue).
      const admins = cluster.nodes.map((n) => new Redis(n.port, '127.0.0.1'));
      cleanup.push(async () => admins.forEach((a) => a.disconnect()));
      await Promise.all(admins.map((a) => a.config('RESETSTAT')));
      await w.watch.pollNow();
      const stats = await Promise.all(admins.map(async (a) => String(await a.info('commandstats'))));
      const calls = (i: number, cmd: string): number => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats[i])?.[1] ?? 0);
      for (let i = 0; i < 3; i++) {
        const here = slots.filter((s) => masterOf(s) === i).length;
        assert.deepEqual({ llen: calls(i, 'llen'), zcard: calls(i, 'zcard'), xread: calls(i, 'xread') }, { llen: 3 * here, zcard: 5 * here, xread: here }, `node ${i}`);
      }
      // Later jobs reach the picture through the periodic read as well.
      await queues[1].addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'late', data: { i } })));
      await w.watch.pollNow();
      await assertCountsMatch(w, queues);
    });

    it("workers from every master, as BullMQ's getWorkers() lists them, and completions from the event streams", async () => {
      const q = clusterQueue('{live}', 'bull');
      const completed = async (n: number): Promise<void> => {
        while ((await q.getJobCounts('completed')).completed < n) await new Promise((r) => setTimeout(r, 20)); // a remote state: polled
      };
      const w = track(watchInto(cluster.nodes[0].url, { workersEveryMs: 0 }));
      await q.add('first', {});
      const worker = new Worker(q.name, async () => undefined, { connection: connection(), prefix: 'bull', name: 'crunch' });
      cleanup.push(() => worker.close());
      await worker.waitUntilReady();
      await completed(1); // before the watch starts: its stream is followed from its newest entry
      await w.watch.start();
      const bull = (await q.getWorkers()) as Array<{ id: string; rawname: string }>;
      assert.ok(bull.length >= 1, 'BullMQ lists the worker');
      const listed = w.sink.captured.filter((e) => e.type === 'workers').flatMap((e) => (e as { workers: Array<{ id: string; name: string }> }).workers);
      // The worker's named connections may sit on two masters; both sides pick one node's
      // list (on a tie, which one depends on each client's node order), so compare names.
      assert.deepEqual(listed.map((x) => `:w:${x.name}`), bull.map((x) => x.rawname.slice(x.rawname.indexOf(':w:'))), "the same workers as BullMQ's getWorkers()");
      assert.deepEqual(listed.map((x) => x.name), ['crunch']);
      // Completions between two reads are counted from the event stream, on the queue's own master.
      await q.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'n', data: { i } })));
      await completed(4);
      await w.watch.pollNow();
      assert.equal(w.model.queuesOf('redis:1')[0].jobs!.totals.completed, 3, 'the three completions after start, read with XREAD');
    });
  });
});
