// Who is waiting: the rules that turn snapshots and wait events into open and ended waits,
// written once. The live model, the replay's wait index, the Chrome-trace exporter and the
// tests all read the same wire data, and each used to apply these rules its own way; they
// drifted, and a replay showed a served consumer as still waiting. Every reader now feeds a
// WaitTracker and reacts to what it reports.
//
// The rules (per realm `src`; waiter ids are unique within a realm):
//   snapshot   lists every current waiter of the queues it names. A waiter not open yet
//              starts (marked fromSnapshot: we saw it, but no 'wait' announced it). An open
//              wait of a named queue that the snapshot no longer lists has ended unseen.
//   wait       announces a waiter. If it is already open (a snapshot showed it first, e.g.
//              the attach snapshot before the first drain), it is the SAME wait: it is
//              refined, never opened twice.
//   waitEnd    ends an open wait with its outcome. An end for a wait never opened (its start
//              came before the recording, or was folded) is reported as unmatched.
//   shortWaits short waits folded into one aggregate are never announced one by one; up to
//              `count` snapshot-only waiters of that queue and role were among them: retired.
//   end        a realm that ended has no waiters: every open wait of it ends there.

import type { CallSite, WaiterRoleWire, WaiterSnapshot, WaitEndEvent, WaitOutcomeWire, WireEvent } from '../protocol/wire';

export interface TrackedWait {
  src: string;
  q: number;
  w: number;
  role: WaiterRoleWire;
  /** When it started, in the caller's time unit (see WaitTracker's `time`). */
  since: number;
  site?: CallSite;
  /** Already waiting when the hub was armed: `since` is a lower bound. */
  adopted?: true;
  /** Seen only in a snapshot so far, never announced by a 'wait'. */
  fromSnapshot: boolean;
}

export type WaitEndCause = 'waitEnd' | 'shortWaits' | 'snapshot' | 'end';

export interface WaitEnding {
  at: number;
  cause: WaitEndCause;
  /** Only for cause 'waitEnd'. */
  outcome?: WaitOutcomeWire;
  /** The wait's duration as the hub measured it (cause 'waitEnd'). */
  ms?: number;
}

export interface WaitSink {
  started(wait: TrackedWait): void;
  /** An open wait was announced or listed again; `since`, `site` or `fromSnapshot` may differ. */
  refined?(wait: TrackedWait): void;
  ended(wait: TrackedWait, ending: WaitEnding): void;
  /** A waitEnd for a wait that was never open here. */
  unmatchedEnd?(src: string, e: WaitEndEvent, at: number): void;
}

/** The waiter part of a snapshot: queue ids with their current waiters. */
export interface WaitersSnapshot {
  t: number;
  queues: readonly { q: number; waiters: readonly Pick<WaiterSnapshot, 'w' | 'role' | 'since' | 'site' | 'adopted'>[] }[];
}

export class WaitTracker {
  /** realm -> waiter id -> open wait, in start order. */
  private readonly open = new Map<string, Map<number, TrackedWait>>();
  /** Open waits seen only in a snapshot, per realm: shortWaits looks for them only when some exist. */
  private readonly snapshotOnly = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly sink: WaitSink,
    /** Hub time of realm `src` in the caller's unit (epoch ms, microseconds…). */
    private readonly time: (src: string, t: number) => number,
  ) {}

  snapshot(src: string, snap: WaitersSnapshot): void {
    const at = this.time(src, snap.t);
    const listed = new Set<number>();
    const named = new Set<number>();
    for (const qs of snap.queues) {
      named.add(qs.q);
      for (const w of [...qs.waiters].sort((a, b) => a.since - b.since)) {
        listed.add(w.w);
        const since = this.time(src, w.since);
        const known = this.open.get(src)?.get(w.w);
        if (known) {
          if (known.since !== since || (w.site && !known.site)) {
            known.since = since;
            if (w.site) known.site = w.site;
            this.sink.refined?.(known);
          }
          continue;
        }
        const wait: TrackedWait = { src, q: qs.q, w: w.w, role: w.role, since, fromSnapshot: true };
        if (w.site) wait.site = w.site;
        if (w.adopted === true) wait.adopted = true;
        this.begin(wait);
      }
    }
    for (const wait of this.openOf(src)) {
      if (named.has(wait.q) && !listed.has(wait.w)) this.finish(wait, { at: Math.max(at, wait.since), cause: 'snapshot' });
    }
  }

  /** Apply one event; true when it was a wait rule's ('wait', 'waitEnd', 'shortWaits'). */
  event(src: string, e: WireEvent): boolean {
    switch (e.type) {
      case 'wait': {
        const since = this.time(src, e.t);
        const known = this.open.get(src)?.get(e.w);
        if (known) {
          known.since = since;
          if (known.fromSnapshot) this.countSnapshotOnly(src, -1);
          known.fromSnapshot = false;
          if (e.site) known.site = e.site;
          this.sink.refined?.(known);
          return true;
        }
        const wait: TrackedWait = { src, q: e.q, w: e.w, role: e.role, since, fromSnapshot: false };
        if (e.site) wait.site = e.site;
        if (e.adopted === true) wait.adopted = true;
        this.begin(wait);
        return true;
      }
      case 'waitEnd': {
        const at = this.time(src, e.t);
        const wait = this.open.get(src)?.get(e.w);
        if (wait) this.finish(wait, { at, cause: 'waitEnd', outcome: e.outcome, ms: e.ms });
        else this.sink.unmatchedEnd?.(src, e, at);
        return true;
      }
      case 'shortWaits': {
        let retire = e.count;
        if (!this.snapshotOnly.get(src)) return true;
        const at = this.time(src, e.t);
        for (const wait of this.openOf(src)) {
          if (retire <= 0) break;
          if (wait.fromSnapshot && wait.q === e.q && wait.role === e.role) {
            this.finish(wait, { at: Math.max(at, wait.since), cause: 'shortWaits' });
            retire--;
          }
        }
        return true;
      }
      default:
        return false;
    }
  }

  /** Realm `src` ended at hub time `t`: its open waits end there. */
  endSource(src: string, t: number): void {
    this.endOpen(src, this.time(src, t));
  }

  /** End every open wait of `src` (every realm when undefined) at `at`, in the caller's unit. */
  endOpen(src: string | undefined, at: number): void {
    const srcs = src === undefined ? [...this.open.keys()] : [src];
    for (const s of srcs) for (const wait of this.openOf(s)) this.finish(wait, { at: Math.max(at, wait.since), cause: 'end' });
  }

  /** Queue `q` of realm `src` is gone (collected): its open waits end at `at`. */
  endQueue(src: string, q: number, at: number): void {
    for (const wait of this.openOf(src)) if (wait.q === q) this.finish(wait, { at: Math.max(at, wait.since), cause: 'end' });
  }

  /** Drop a realm's open waits without reporting them (its data was discarded). */
  forget(src: string): void {
    this.count -= this.open.get(src)?.size ?? 0;
    this.open.delete(src);
    this.snapshotOnly.delete(src);
  }

  /** Open waits of one realm, oldest first (a copy: safe to end them while iterating). */
  openOf(src: string): TrackedWait[] {
    return [...(this.open.get(src)?.values() ?? [])];
  }

  get openCount(): number {
    return this.count;
  }

  private begin(wait: TrackedWait): void {
    let waits = this.open.get(wait.src);
    if (!waits) this.open.set(wait.src, (waits = new Map()));
    waits.set(wait.w, wait);
    this.count++;
    if (wait.fromSnapshot) this.countSnapshotOnly(wait.src, 1);
    this.sink.started(wait);
  }

  private finish(wait: TrackedWait, ending: WaitEnding): void {
    const waits = this.open.get(wait.src);
    if (!waits?.delete(wait.w)) return;
    this.count--;
    if (waits.size === 0) this.open.delete(wait.src);
    if (wait.fromSnapshot) this.countSnapshotOnly(wait.src, -1);
    this.sink.ended(wait, ending);
  }

  private countSnapshotOnly(src: string, delta: number): void {
    const n = (this.snapshotOnly.get(src) ?? 0) + delta;
    if (n > 0) this.snapshotOnly.set(src, n);
    else this.snapshotOnly.delete(src);
  }
}
