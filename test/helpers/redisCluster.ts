// A real three-master Redis Cluster per test run: three redis-servers (redisServer.ts, each
// in its own temp dir so `nodes.conf` is its own), the 16384 slots split in three with
// CLUSTER ADDSLOTSRANGE, joined with CLUSTER MEET, and ready once every node reports
// cluster_state:ok and knows the other two (the cluster bus gossips asynchronously and
// offers no event to await, so its state is polled).

import Redis from 'ioredis';
import { RedisServer } from './redisServer';

export interface RedisClusterHandle {
  nodes: RedisServer[];
  /** Host/port seeds for an ioredis Cluster client. */
  seeds: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

const RANGES: Array<[number, number]> = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

export async function startRedisCluster(readyTimeoutMs = 20_000): Promise<RedisClusterHandle> {
  const nodes: RedisServer[] = [];
  const admins: Redis[] = [];
  const stop = async (): Promise<void> => {
    for (const a of admins) a.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < RANGES.length; i++) {
      nodes.push(await RedisServer.start({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'] }));
    }
    for (const [i, n] of nodes.entries()) {
      const admin = new Redis(n.port, '127.0.0.1', { lazyConnect: true });
      admins.push(admin);
      await admin.connect();
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', RANGES[i][0], RANGES[i][1]);
    }
    for (const n of nodes.slice(1)) await admins[0].call('CLUSTER', 'MEET', '127.0.0.1', n.port);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const infos = await Promise.all(admins.map(async (a) => String(await a.call('CLUSTER', 'INFO'))));
      if (infos.every((i) => /cluster_state:ok/.test(i) && /cluster_known_nodes:3\b/.test(i))) break;
      if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok in ${readyTimeoutMs} ms:\n${infos.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const a of admins.splice(0)) a.disconnect();
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, seeds: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), stop };
}
