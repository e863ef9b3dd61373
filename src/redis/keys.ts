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
  /** Keys returned by SCAN (after the server's MATCH filter). */
  keys: number;
  /** Completed walks of the whole keyspace. */
  walks: number;
}

/**
 * Walks the keyspace for queues under `prefix`, one SCAN step at a time, so the caller
 * paces it: each step costs the server time proportional to `count` (job hashes
 * `<prefix>:<q>:<id>` are most of the keys; the server's MATCH `<prefix>:*:meta` filter
 * keeps them off the wire but not off its CPU). A queue is reported as soon as a step
 * finds it.
 */
export class QueueScanner {
  private cursor = '0';
  private readonly match: string;
  readonly found = new Set<string>();
  readonly stats: ScanStats = { calls: 0, keys: 0, walks: 0 };

  constructor(
    private readonly prefix: string,
    private readonly count = 1000,
  ) {
    this.match = `${globEscape(prefix)}:*:meta`;
  }

  /** One SCAN step; returns the queues it found for the first time and whether a walk just ended. */
  async step(client: Redis): Promise<{ fresh: string[]; walked: boolean }> {
    const [next, keys] = await client.scan(this.cursor, 'MATCH', this.match, 'COUNT', this.count);
    this.stats.calls++;
    this.stats.keys += keys.length;
    const fresh: string[] = [];
    for (const key of keys) {
      const name = queueOfKey(this.prefix, key);
      if (name !== undefined && !this.found.has(name)) {
        this.found.add(name);
        fresh.push(name);
      }
    }
    this.cursor = next;
    const walked = next === '0';
    if (walked) this.stats.walks++;
    return { fresh, walked };
  }
}

/**
 * Queues that have a BullMQ client connected right now, from one CLIENT LIST: Queue,
 * Worker and QueueEvents objects name their connections `<prefix>:<base64(queue)>`, with a
 * suffix for workers (`:w:<name>`) and event listeners. O(clients), not O(keys): the fast
 * path to a first picture on a big keyspace.
 */
export function queuesFromClientList(list: string, prefix: string): string[] {
  const out = new Set<string>();
  const head = `${prefix}:`;
  for (const m of list.matchAll(/(?:^| )name=(\S+)/gm)) {
    const name = m[1];
    if (!name.startsWith(head)) continue;
    const rest = name.slice(head.length);
    const b64 = rest.split(':', 1)[0];
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    const queue = Buffer.from(b64, 'base64').toString('utf8');
    // Only a name that round-trips is BullMQ's (and queue names never hold ':').
    if (queue && !queue.includes(':') && Buffer.from(queue).toString('base64') === b64) out.add(queue);
  }
  return [...out];
}
