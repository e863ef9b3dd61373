// BullMQ's key layout, read without BullMQ: `<prefix>:<queue>:<part>` (prefix 'bull' by
// default; it may itself hold ':' or a {hash tag}; a queue name never holds ':', BullMQ
// refuses it). Discovery walks the keyspace with SCAN, never KEYS, so Redis is never blocked
// for more than one SCAN step however many jobs are stored.

import type { Redis } from 'ioredis';

/** Key of one part of a queue. */
export function queueKey(prefix: string, queue: string, part: string): string {
  return `${prefix}:${queue}:${part}`;
}

/** A glob that matches `text` literally (SCAN MATCH syntax). */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The key every queue that ever held a job has: `meta` (BullMQ writes its options there on the first add). */
const MARKER_PARTS = ['meta'] as const;

/** The queue a marker key belongs to, or undefined when the key is something else. */
export function queueOfKey(prefix: string, key: string): string | undefined {
  if (!key.startsWith(`${prefix}:`)) return undefined;
  for (const part of MARKER_PARTS) {
    const suffix = `:${part}`;
    if (key.endsWith(suffix)) {
      const name = key.slice(prefix.length + 1, key.length - suffix.length);
      if (name && !name.includes(':')) return name;
    }
  }
  return undefined;
}

export interface ScanStats {
  /** SCAN calls made. */
  calls: number;
  /** Keys returned by SCAN (before the local filter). */
  keys: number;
}

/**
 * Every queue under `prefix`. One SCAN pattern (`<prefix>:*:meta`) walks the keyspace in
 * steps of `count` buckets; the server filters, so the millions of job hashes
 * (`<prefix>:<q>:<id>`) cost server time per step but no transfer. `onQueue` is called as
 * soon as a queue is first seen, so a caller can start reading it before the walk ends.
 */
export async function scanQueues(
  client: Redis,
  prefix: string,
  opts: { count?: number; onQueue?: (name: string) => void; signal?: { aborted: boolean } } = {},
): Promise<{ queues: string[]; stats: ScanStats }> {
  const found = new Set<string>();
  const stats: ScanStats = { calls: 0, keys: 0 };
  const match = `${globEscape(prefix)}:*:meta`;
  let cursor = '0';
  do {
    if (opts.signal?.aborted) break;
    const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', opts.count ?? 5000);
    stats.calls++;
    stats.keys += keys.length;
    for (const key of keys) {
      const name = queueOfKey(prefix, key);
      if (name !== undefined && !found.has(name)) {
        found.add(name);
        opts.onQueue?.(name);
      }
    }
    cursor = next;
  } while (cursor !== '0');
  return { queues: [...found], stats };
}
