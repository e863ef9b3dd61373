// Turns what the watch read from Redis into the project's wire events, so a BullMQ queue is
// a queue like any other for the model, the recorder and the panel:
//   - `queue` once per BullMQ queue (kind 'fifo', unbounded, a realm-unique id);
//   - `samples` rows with depth = the ready backlog (waiting + paused + prioritized),
//     puts = jobs added and gets = jobs taken (made active) since the previous row;
//   - `counters` (puts/gets/highWater, unfinished = jobs not finished) when they change;
//   - `jobCounts` with every state, the oldest waiting job's age and the stream's flow;
//   - `jobEvent` for failures, stalls, exhausted retries and jobs moved back to waiting;
//   - `workers` when a queue's worker set changed.
// Pure bookkeeping: no I/O, so it is tested without Redis.

import type { Counters, JobCountsEvent, JobEventKind, JobState, WireEvent, WorkerInfoWire } from '../protocol/wire';
import { backlog, unfinished } from './counts';
import { emptyFlow, type Flow } from './streams';

interface QueueBook {
  id: number;
  backlog: number;
  counts: Record<JobState, number> | undefined;
  oldestWaitMs: number | null;
  counters: Counters;
  unfinished: number;
}

export class WireBuilder {
  private readonly books = new Map<string, QueueBook>();
  private nextId = 1;

  /** The wire id of a queue (allocated on first sight). */
  idOf(queue: string): number | undefined {
    return this.books.get(queue)?.id;
  }

  private book(events: WireEvent[], t: number, queue: string, depth: number): QueueBook {
    let b = this.books.get(queue);
    if (!b) {
      b = {
        id: this.nextId++,
        backlog: depth,
        counts: undefined,
        oldestWaitMs: null,
        counters: { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: depth, dropped: 0 },
        unfinished: 0,
      };
      this.books.set(queue, b);
      events.push({ type: 'queue', t, q: b.id, name: queue, kind: 'fifo', maxsize: 0, size: depth });
    }
    return b;
  }

  /** One counts read of one queue at `t`, with the stream events seen since the previous one. */
  reading(events: WireEvent[], t: number, queue: string, counts: Record<JobState, number>, oldestWaitMs: number | null, flowIn: Flow | undefined): void {
    const flow = flowIn ?? emptyFlow();
    const depth = backlog(counts);
    const b = this.book(events, t, queue, depth);
    const moved = flow.added > 0 || flow.active > 0;
    const first = b.counts === undefined;
    if (first || depth !== b.backlog || moved) {
      // min/max come from the two reads only: a spike between reads is not seen by counts.
      const row: [number, number, number, number, number, number] = [b.id, depth, Math.min(depth, b.backlog), Math.max(depth, b.backlog), flow.added, flow.active];
      events.push({ type: 'samples', t, rows: [row] });
    }
    b.backlog = depth;
    const c = b.counters;
    const next = { ...c, puts: c.puts + flow.added, gets: c.gets + flow.active, highWater: Math.max(c.highWater, depth) };
    const left = unfinished(counts);
    if (next.puts !== c.puts || next.gets !== c.gets || next.highWater !== c.highWater || left !== b.unfinished || first) {
      b.counters = next;
      b.unfinished = left;
      events.push({ type: 'counters', t, q: b.id, c: { ...next }, unfinished: left });
    }
    const flowed = flow.added + flow.active + flow.completed + flow.failed + flow.stalled > 0;
    if (first || flowed || oldestWaitMs !== b.oldestWaitMs || !sameCounts(b.counts, counts)) {
      const e: JobCountsEvent = { type: 'jobCounts', t, q: b.id, counts: { ...counts }, oldestWaitMs, flow: { ...flow } };
      events.push(e);
    }
    b.counts = { ...counts };
    b.oldestWaitMs = oldestWaitMs;
  }

  notice(events: WireEvent[], t: number, queue: string, event: JobEventKind, jobId: string, reason?: string, name?: string): void {
    const b = this.books.get(queue);
    if (!b) return;
    events.push({ type: 'jobEvent', t, q: b.id, event, jobId, ...(name !== undefined ? { name } : {}), ...(reason !== undefined ? { reason } : {}) });
  }

  workers(events: WireEvent[], t: number, queue: string, workers: WorkerInfoWire[]): void {
    const b = this.books.get(queue);
    if (!b) return;
    events.push({ type: 'workers', t, q: b.id, workers: workers.map((w) => ({ ...w })) });
  }
}

function sameCounts(a: Record<JobState, number> | undefined, b: Record<JobState, number>): boolean {
  if (!a) return false;
  for (const k of Object.keys(b) as JobState[]) if (a[k] !== b[k]) return false;
  return true;
}
