// Workers of each queue from one CLIENT LIST, with the semantics of BullMQ's
// Queue.getWorkers(): a worker's connection is named `<prefix>:<base64(queue)>` (unnamed
// worker) or `<prefix>:<base64(queue)>:w:<worker name>`. Only id, name, age and idle are
// kept: the client's address and last command are not needed to show a worker.

import type { WorkerInfoWire } from '../protocol/wire';

/** Map of queue name -> workers, for the queues in `queues`. */
export function workersByQueue(clientList: string, prefix: string, queues: Iterable<string>): Map<string, WorkerInfoWire[]> {
  const byBase = new Map<string, string>();
  for (const q of queues) byBase.set(`${prefix}:${Buffer.from(q).toString('base64')}`, q);
  const out = new Map<string, WorkerInfoWire[]>();
  for (const line of clientList.split(/\r?\n/)) {
    if (!line) continue;
    const f = parseLine(line);
    const rawName = f.name;
    if (!rawName) continue;
    const marker = rawName.indexOf(':w:', prefix.length + 1);
    const base = marker >= 0 ? rawName.slice(0, marker) : rawName;
    const queue = byBase.get(base);
    if (queue === undefined) continue;
    const list = out.get(queue) ?? [];
    list.push({ id: f.id ?? '', name: marker >= 0 ? rawName.slice(marker + 3) : '', age: Number(f.age) || 0, idle: Number(f.idle) || 0 });
    out.set(queue, list);
  }
  return out;
}

function parseLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of line.split(' ')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** Same workers (ids and names), ignoring age/idle which change every read. */
export function sameWorkers(a: readonly WorkerInfoWire[] | undefined, b: readonly WorkerInfoWire[]): boolean {
  if (!a || a.length !== b.length) return false;
  const key = (w: WorkerInfoWire): string => `${w.id}\u0000${w.name}`;
  const set = new Set(a.map(key));
  return b.every((w) => set.has(key(w)));
}
