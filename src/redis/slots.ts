// Redis Cluster routing for the watch: the hash slot of a key (CRC16/XMODEM of the key, or
// of its {hash tag}, modulo 16384, as the cluster specification defines it) and the
// grouping of per-queue reads by slot. On a cluster a multi-key command (XREAD of several
// streams) must stay in one slot and an ioredis pipeline on one node, so the watch sends one
// pipeline / XREAD per slot its queues live in: one in all with a `{bull}` prefix, one per
// queue when the hash tag is in the queue names. A standalone server is one group.

import { queueKey } from './keys';

export const SLOTS = 16384;

let table: Uint16Array | undefined;

function crcTable(): Uint16Array {
  if (table) return table;
  table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
}

/** CRC16/XMODEM (polynomial 0x1021, initial 0) of the bytes. */
export function crc16(bytes: Uint8Array): number {
  const t = crcTable();
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ t[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/** The part of a key that is hashed: the text between the first '{' and the next '}' when non-empty, else the whole key. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % SLOTS;
}

/**
 * The slot of a queue's keys. BullMQ's scripts touch several keys of a queue at once, so
 * on a cluster they must share a hash tag (in the prefix or in the queue name); the `meta`
 * key stands for all of them.
 */
export function queueSlot(prefix: string, queue: string): number {
  return keySlot(queueKey(prefix, queue, 'meta'));
}

/**
 * Run `read` once per slot group of `items` (all at once, in parallel) and put the results
 * back in the order of `items`. `bySlot` false: one group (a standalone server).
 */
export async function perSlot<T, R>(
  items: readonly T[],
  slotOf: ((item: T) => number) | undefined,
  read: (group: T[]) => Promise<R[]>,
): Promise<R[]> {
  if (!items.length) return [];
  if (!slotOf) return read([...items]);
  const out = new Array<R>(items.length);
  await Promise.all(
    slotIndexGroups(items, slotOf).map(async (indexes) => {
      const results = await read(indexes.map((i) => items[i]));
      indexes.forEach((i, j) => (out[i] = results[j]));
    }),
  );
  return out;
}

/** Indexes of `items` grouped by slot, in first-seen order. */
function slotIndexGroups<T>(items: readonly T[], slotOf: (item: T) => number): number[][] {
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const slot = slotOf(item);
    const g = groups.get(slot);
    if (g) g.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}

/** `items` split by slot (one group when `slotOf` is undefined; none when there are no items). */
export function slotGroups<T>(items: readonly T[], slotOf: ((item: T) => number) | undefined): T[][] {
  if (!items.length) return [];
  if (!slotOf) return [[...items]];
  return slotIndexGroups(items, slotOf).map((g) => g.map((i) => items[i]));
}
