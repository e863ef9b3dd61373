// Redis Cluster support for the watch: when the server it was pointed at says
// `cluster_enabled:1`, the watch reads through an ioredis Cluster client built from the same
// options (same credentials, TLS, timeouts, no offline queue, the same first-attempt-only
// and backoff rules), and the per-node work (SCAN, CLIENT LIST) goes to every master, since
// a cluster node only answers for its own slots and lists only its own clients.

import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** One server the watch sends per-node commands to, named for logs and scan cursors. */
export interface NodeClient {
  name: string;
  client: Redis;
}

/** True when `INFO cluster` says this server is a Redis Cluster node. */
export function isClusterInfo(info: string): boolean {
  return /(?:^|\r?\n)cluster_enabled:1\b/.test(info);
}

export class ClusterTargetError extends Error {}

/**
 * Cluster options from the standalone options the watch built: the node options (password,
 * TLS, connection name, timeouts) go to every node; the reconnect rule becomes the
 * cluster's. A unix socket cannot be a cluster seed (nodes announce host:port).
 */
export function clusterOptions(options: RedisOptions): { seeds: Array<{ host: string; port: number }>; options: ClusterOptions } {
  const { host, port, path, retryStrategy, enableOfflineQueue, lazyConnect, readOnly, db, ...node } = options;
  void readOnly;
  if (path || host === undefined || port === undefined) throw new ClusterTargetError('a Redis Cluster is reached by host:port, not through a unix socket');
  if (db) throw new ClusterTargetError(`a Redis Cluster has only database 0 (the URL names database ${db})`);
  return {
    seeds: [{ host, port }],
    options: {
      lazyConnect,
      enableOfflineQueue,
      enableReadyCheck: true,
      clusterRetryStrategy: retryStrategy ? (times: number) => retryStrategy(times) : null,
      ...(node.connectTimeout ? { slotsRefreshTimeout: node.connectTimeout } : {}),
      redisOptions: node,
    },
  };
}

/** The servers to send per-node commands to: the server itself, or every master of a cluster. */
export function masterNodes(client: RedisClient): NodeClient[] {
  if (!(client instanceof Cluster)) return [{ name: 'server', client }];
  return client.nodes('master').map((n) => ({ name: `${n.options.host ?? ''}:${n.options.port ?? ''}`, client: n }));
}

/** CLIENT LIST of every node (one entry per node, in masterNodes() order). */
export async function clientLists(client: RedisClient): Promise<string[]> {
  return Promise.all(masterNodes(client).map(async (n) => String(await n.client.client('LIST'))));
}
