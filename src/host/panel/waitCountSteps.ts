// The blocked/waiting counts of a queue over time, as the step function the panel draws
// under its depth chart. Computed from wait intervals — a live queue's current and recent
// waits, or every wait of a replayed recording — relative to the last step sent, and kept
// per queue so a reloaded page (a re-init) shows what was seen live.

import type { ModelQueue } from '../../model/entities';
import type { WaitCountChunk } from '../../protocol/webview';
import { round1 } from './sessionAxis';

/** One wait: epoch ms of its start and, once known, its end. */
export interface WaitInterval {
  role: 'put' | 'get';
  since: number;
  ended?: number;
}

/** The last step sent for a queue: its time (session ms) and levels. */
export interface StepCursor {
  t: number;
  put: number;
  get: number;
}

export const newStepCursor = (): StepCursor => ({ t: -Infinity, put: 0, get: 0 });

/** The waits the live model still knows of a queue: its recent ended ones and its current ones. */
export function liveWaits(q: ModelQueue): WaitInterval[] {
  const out: WaitInterval[] = [];
  for (const w of q.recentWaits) out.push(w);
  for (const w of q.waiters.values()) out.push({ role: w.role, since: w.since });
  return out;
}

/**
 * Steps after `cursor` (which it advances). `start` is the session's time zero; `endAt`
 * (session ms) is set once the session has ended: waits still open then end with it.
 */
export function stepsSince(queue: string, waits: Iterable<WaitInterval>, start: number, cursor: StepCursor, endAt?: number): WaitCountChunk | null {
  // Edge times on the 0.1 ms grid the cursor keeps (round1), before any comparison: an edge
  // at 1281.73 is the step sent as 1281.7, not a new one after it. Unrounded, every later call
  // re-sent "the level at 1281.7 was 2" and the step to 3 again, a pair per drain for as long
  // as the wait lasted (an ingest program's three idle workers), filling the kept history.
  const edges: [number, number, number][] = []; // [t, dPut, dGet]
  for (const w of waits) {
    const d: [number, number] = w.role === 'put' ? [1, 0] : [0, 1];
    edges.push([round1(w.since - start), d[0], d[1]]);
    if (w.ended !== undefined) edges.push([round1(w.ended - start), -d[0], -d[1]]);
  }
  edges.sort((a, b) => a[0] - b[0]);
  // Levels can only be trusted relative to what we know: clamp at zero.
  const out: WaitCountChunk = { queue, t: [], put: [], get: [] };
  let put = 0;
  let get = 0;
  let levelAtCursor: [number, number] = [0, 0];
  // The level the panel has before the new steps (the cursor's, or the late correction's):
  // a time whose edges leave it unchanged (a wait that began and ended within one 0.1 ms)
  // sends nothing.
  const late = endAt === undefined && Number.isFinite(cursor.t);
  let sent: [number, number] | undefined;
  for (let i = 0; i < edges.length; i++) {
    put = Math.max(0, put + edges[i][1]);
    get = Math.max(0, get + edges[i][2]);
    const t = edges[i][0];
    if (i + 1 < edges.length && edges[i + 1][0] === t) continue; // apply all edges at one time first
    if (t <= cursor.t) {
      levelAtCursor = [put, get];
      continue;
    }
    sent ??= late ? [levelAtCursor[0], levelAtCursor[1]] : [cursor.put, cursor.get];
    if (put === sent[0] && get === sent[1]) continue;
    out.t.push(t);
    out.put.push(put);
    out.get.push(get);
    sent = [put, get];
  }
  if (endAt === undefined) {
    // A wait reported late (it began before the last step we sent): correct the level there.
    if (Number.isFinite(cursor.t) && (levelAtCursor[0] !== cursor.put || levelAtCursor[1] !== cursor.get)) {
      out.t.unshift(cursor.t);
      out.put.unshift(levelAtCursor[0]);
      out.get.unshift(levelAtCursor[1]);
    }
  } else {
    // Ended: the waits still open when the program ended end with it (the model forgets them).
    const n = out.t.length;
    const lastT = n ? out.t[n - 1] : cursor.t;
    const open = n ? out.put[n - 1] + out.get[n - 1] : cursor.put + cursor.get;
    const end = round1(endAt);
    if (open > 0 && end >= lastT) {
      out.t.push(end);
      out.put.push(0);
      out.get.push(0);
    }
  }
  if (!out.t.length) return null;
  cursor.t = Math.max(cursor.t, out.t[out.t.length - 1]);
  cursor.put = out.put[out.put.length - 1];
  cursor.get = out.get[out.get.length - 1];
  return out;
}

/** Waiter-count steps kept per queue for re-inits. */
export const MAX_KEPT_STEPS = 8192;

/** Every step sent per queue (bounded), so a fresh cursor starts from what was seen. */
export class SentSteps {
  private readonly kept = new Map<string, WaitCountChunk>();

  constructor(private readonly maxKept = MAX_KEPT_STEPS) {}

  /**
   * The chunk to send for a queue: on a fresh cursor, the steps kept from earlier plus any
   * new ones; otherwise only the new ones. Records what it returns.
   */
  next(queue: string, waits: Iterable<WaitInterval>, start: number, cursor: StepCursor, endAt?: number): WaitCountChunk | null {
    let prefix: WaitCountChunk | undefined;
    const kept = this.kept.get(queue);
    if (!Number.isFinite(cursor.t) && kept && kept.t.length) {
      prefix = { queue, t: [...kept.t], put: [...kept.put], get: [...kept.get] };
      cursor.t = kept.t[kept.t.length - 1];
      cursor.put = kept.put[kept.put.length - 1];
      cursor.get = kept.get[kept.get.length - 1];
    }
    const fresh = stepsSince(queue, waits, start, cursor, endAt);
    if (fresh) {
      const k = kept ?? { queue, t: [], put: [], get: [] };
      appendChunk(k, fresh);
      if (k.t.length > this.maxKept) for (const col of [k.t, k.put, k.get]) col.splice(0, col.length - this.maxKept);
      this.kept.set(queue, k);
    }
    if (!prefix) return fresh;
    if (fresh) appendChunk(prefix, fresh);
    return prefix;
  }

  /** Drops what was kept for the queues of a session (keys start with `<session>/`). */
  forgetSession(session: string): void {
    for (const key of this.kept.keys()) if (key.startsWith(`${session}/`)) this.kept.delete(key);
  }

  get size(): number {
    return this.kept.size;
  }
}

function appendChunk(to: WaitCountChunk, from: WaitCountChunk): void {
  to.t.push(...from.t);
  to.put.push(...from.put);
  to.get.push(...from.get);
}
