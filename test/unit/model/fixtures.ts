// Builders of wire messages for model and poller tests (what a hub would send).

import { PROTOCOL_VERSION, type AttachInfo, type Counters, type DrainBatch, type QueueSnapshot, type Snapshot, type WireEvent } from '../../../src/protocol/wire';

export const ORIGIN = 1_700_000_000_000;

export function counters(over: Partial<Counters> = {}): Counters {
  return { puts: 0, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 0, dropped: 0, ...over };
}

export function queueSnap(q: number, over: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return { q, name: `q${q}`, kind: 'fifo', maxsize: 0, size: 0, shutdown: false, unfinished: 0, counters: counters(), waiters: [], items: [], ...over };
}

export function snapshot(t: number, queues: QueueSnapshot[] = []): Snapshot {
  return { v: PROTOCOL_VERSION, t, queues };
}

export function attachInfo(over: Partial<AttachInfo> = {}): AttachInfo {
  return {
    v: PROTOCOL_VERSION,
    pid: 4242,
    threadId: 0,
    isMainThread: true,
    title: 'node',
    argv: ['node', 'app.js'],
    origin: ORIGIN,
    now: 5,
    sampleInterval: 10,
    snapshot: snapshot(5),
    nextSeq: 1,
    ...over,
  };
}

export function batch(seq: number, t: number, events: WireEvent[], over: Partial<DrainBatch> = {}): DrainBatch {
  return { v: PROTOCOL_VERSION, seq, t, events, more: false, dropped: 0, ...over };
}

export const site = (line: number, fn = 'worker') => ({ file: '/app/src/app.js', line, column: 3, fn });
