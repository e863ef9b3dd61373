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

/** The queue a key under `prefix` belongs to (`<prefix>:<queue>:<anything>`), or undefined. */
export function queueOfAnyKey(prefix: string, key: string): string | undefined {
  if (!key.startsWith(`${prefix}:`)) return undefined;
  const rest = key.slice(prefix.length + 1);
  const i = rest.indexOf(':');
  return i > 0 ? rest.slice(0, i) : undefined;
}

export interface ScanStats {
  /** SCAN calls made. */
  calls: number;
  /** Keys returned by SCAN (after the server's MATCH filter). */
  keys: number;
  /** Completed walks of the whole keyspace. */
  walks: number;
  /** TYPE checks of candidate queues' `meta` keys. */
  checks: number;
}

/** Candidate queue names whose `meta` key was missing or not a hash, remembered so sampling checks them once (bounded). */
const REJECTED_MAX = 10_000;

/**
 * Walks the keyspace for queues under `prefix`, one SCAN step at a time, so the caller
 * paces it: each step costs the server time proportional to `count`, however few keys
 * match. Two kinds of step over the same cursor (so a walk that mixes them still visits
 * every bucket once):
 *
 * - **sample** (`MATCH <prefix>:*`): every key under the prefix names its queue, and the
 *   job hashes `<prefix>:<q>:<id>` that are most of the keys are spread over the hash table
 *   at random, so the first step or two name every queue holding more than a few tenths of
 *   a percent of the keys. Candidates are confirmed with one pipelined `TYPE <q>:meta`.
 *   Used for the first picture: on 1M keys it finds all of 100 queues in a step or two,
 *   where the meta walk needs the whole keyspace (~1000 steps).
 * - **meta** (`MATCH <prefix>:*:meta`): only the queues' `meta` hashes come over the wire;
 *   every queue that ever held a job has one. The background walk. New names are confirmed
 *   the same way (not remembered when refused: a walk checks a foreign `meta` key again).
 *
 * A queue is confirmed only when its `meta` is a hash: another application's key under the
 * prefix (`SET bull:other:meta x`) showed a queue "other" with zeros (review of 2026-12-04).
 */
export class QueueScanner {
  private cursor = '0';
  private readonly match: string;
  private readonly sampleMatch: string;
  private readonly rejected = new Set<string>();
  readonly found = new Set<string>();
  readonly stats: ScanStats = { calls: 0, keys: 0, walks: 0, checks: 0 };

  constructor(
    private readonly prefix: string,
    private readonly count = 1000,
  ) {
    this.match = `${globEscape(prefix)}:*:meta`;
    this.sampleMatch = `${globEscape(prefix)}:*`;
  }

  /** One SCAN step; returns the queues it found for the first time and whether a walk just ended. */
  async step(client: Redis, mode: 'meta' | 'sample' = 'meta'): Promise<{ fresh: string[]; walked: boolean }> {
    const [next, keys] = await client.scan(this.cursor, 'MATCH', mode === 'meta' ? this.match : this.sampleMatch, 'COUNT', this.count);
    this.stats.calls++;
    this.stats.keys += keys.length;
    const candidates = new Set<string>();
    for (const key of keys) {
      const name = mode === 'meta' ? queueOfKey(this.prefix, key) : queueOfAnyKey(this.prefix, key);
      if (name !== undefined && !this.found.has(name) && (mode === 'meta' || !this.rejected.has(name))) candidates.add(name);
    }
    const fresh = await this.confirm(client, [...candidates]);
    for (const name of fresh) this.found.add(name);
    this.cursor = next;
    const walked = next === '0';
    if (walked) this.stats.walks++;
    return { fresh, walked };
  }

  /** The candidates that have a `meta` hash (one pipeline). */
  private async confirm(client: Redis, names: string[]): Promise<string[]> {
    if (!names.length) return [];
    const p = client.pipeline();
    for (const q of names) p.type(queueKey(this.prefix, q, 'meta'));
    const replies = (await p.exec()) ?? [];
    this.stats.checks += names.length;
    const out: string[] = [];
    names.forEach((q, i) => {
      const [err, type] = replies[i] ?? [null, 'none'];
      if (!err && type === 'hash') out.push(q);
      else if (!err && this.rejected.size < REJECTED_MAX) this.rejected.add(q);
    });
    return out;
  }
}

/**
 * One QueueScanner per node: a standalone server is one node; on a Redis Cluster every
 * master holds its own slots and SCAN sees only the node it is sent to, so each master is
 * walked with a cursor of its own. A step advances every node whose walk is not over; the
 * walk ends when every node's has. Nodes are named `host:port` (a cluster may add or drop
 * masters between steps: a new one starts at cursor 0, a gone one is forgotten).
 */
export class NodesScanner {
  private readonly scanners = new Map<string, { scanner: QueueScanner; walked: boolean }>();
  private readonly done = { calls: 0, keys: 0, walks: 0, checks: 0 };

  constructor(
    private readonly prefix: string,
    private readonly count = 1000,
  ) {}

  get stats(): ScanStats {
    const out = { ...this.done };
    for (const { scanner } of this.scanners.values()) {
      out.calls += scanner.stats.calls;
      out.keys += scanner.stats.keys;
      out.checks += scanner.stats.checks;
    }
    return out;
  }

  async step(nodes: ReadonlyArray<{ name: string; client: Redis }>, mode: 'meta' | 'sample' = 'meta'): Promise<{ fresh: string[]; walked: boolean }> {
    const names = new Set(nodes.map((n) => n.name));
    for (const [name, s] of this.scanners) {
      if (names.has(name)) continue;
      this.done.calls += s.scanner.stats.calls;
      this.done.keys += s.scanner.stats.keys;
      this.done.checks += s.scanner.stats.checks;
      this.scanners.delete(name);
    }
    const entries = nodes.map((n) => {
      let s = this.scanners.get(n.name);
      if (!s) this.scanners.set(n.name, (s = { scanner: new QueueScanner(this.prefix, this.count), walked: false }));
      return { client: n.client, s };
    });
    const steps = await Promise.all(
      entries.filter((e) => !e.s.walked).map(async (e) => {
        const r = await e.s.scanner.step(e.client, mode);
        if (r.walked) e.s.walked = true;
        return r.fresh;
      }),
    );
    const walked = entries.every((e) => e.s.walked);
    if (walked) {
      this.done.walks++;
      for (const e of entries) e.s.walked = false;
    }
    return { fresh: [...new Set(steps.flat())], walked };
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
