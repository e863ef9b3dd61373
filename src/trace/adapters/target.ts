// The hub's view of a queue that belongs to another library. An AdaptedQueue is a
// ProbeTarget (src/queue/probe.ts) like QueueScope's own queues, so it registers with the
// realm's hub through the same HubLink: the hub keeps a WeakRef while dormant and installs
// a probe when armed. The adapter keeps the AdaptedQueue alive exactly as long as the
// library's queue object (it hangs off that object's wrapped methods or a WeakMap).
//
// Every read from the library goes through `read`, which turns a throw into `fallback` and
// disables the adapter for that queue: a broken library must never break the program.

import { allocateQueueId, findHub, type ProbeTarget, type QueueKind, type QueueProbe, type WaiterRole, type WaitOutcome } from '../../queue/probe';
import type { CallSite } from '../../protocol/wire';
import { disableWarning } from './warn';

/** What an adapter tells the hub about one queue of its library. */
export interface AdaptedSpec {
  name: string;
  kind: QueueKind;
  /** Capacity; 0 = unbounded. */
  maxsize: number;
  /** "fastq@1.20.3", "node:stream". */
  lib: string;
  units?: 'items' | 'bytes';
  size(): number;
  running?(): number;
  concurrency?(): number;
  peek?(n: number): unknown[];
  /** Library-specific figures for snapshots (piscina: threads, utilization, wait percentiles). */
  stats?(): Record<string, number>;
  /** Hub time the oldest running task started (RunningAges); undefined when none runs. */
  runningSince?(): number | undefined;
  /** The oldest running task was already running when the hub armed: runningSince() is a lower bound. */
  runningAdopted?(): boolean;
  /**
   * Tasks started while the hub was dormant may still run: they will end unseen (their
   * wrapper called straight through), so the hub polls the pool's running count at each
   * drain while this holds (hub.ts, unseenPools).
   */
  runningUnseen?(): boolean;
  /** Tasks seen from start to end, and the p99 of their durations in ms (RunningAges). */
  tasksDone?(): number;
  taskP99Ms?(): number;
  /** The pool starts no new task (p-queue's pause()). */
  paused?(): boolean;
  /** Tasks are held back by a rate limit (p-queue's intervalCap per interval). */
  rateLimited?(): boolean;
  /** The data of the tasks running now (async's workersList()), for snapshot previews. */
  runningItems?(n: number): unknown[];
  /** Where the program made the queue, when the adapter registers it later (ProbeTarget.creationSite). */
  site?: CallSite;
  /** The hub armed (or disarmed): resynchronise anything the adapter counts itself. */
  onProbe?(armed: boolean): void;
}

/**
 * Tasks dropped from the queue without starting (p-limit's clearQueue(), p-queue's clear(),
 * fastq's kill()): one get per task, so puts - gets stays the depth; nothing when none was
 * dropped. Depth `after` for each.
 */
export function departed(t: AdaptedQueue, before: number, after: number): void {
  for (let i = after; i < before; i++) t.get(after);
  if (before > after) t.changed();
}

/** What a pool reports besides its running count (docs/PROTOCOL.md, "Queues of other libraries"). */
export interface PoolState {
  paused?: boolean;
  rateLimited?: boolean;
  /** Hub time the oldest running task started. */
  runningSince?: number;
  /** It started before the hub armed: runningSince is the arming time, its age a lower bound. */
  runningAdopted?: boolean;
  /** Tasks seen from start to end while armed, and the p99 of their durations (ms). */
  done?: number;
  taskP99Ms?: number;
}

export class AdaptedQueue implements ProbeTarget {
  readonly id: number;
  probe: QueueProbe | null = null;
  /** poolState() found tasks that started before the hub armed still running (queueInfo.ts, hasUnseenTasks). */
  unseenTasks = false;
  /** Set when the library misbehaved: every hook becomes a no-op. */
  disabled = false;
  readonly isShutdown = false;
  readonly unfinishedTasks = 0;

  /** Tasks running now; only task pools have it (the hub then reports counters.running). */
  readonly running?: () => number;

  constructor(private readonly spec: AdaptedSpec) {
    const r = spec.running;
    if (r !== undefined) this.running = () => this.read(() => r(), 0);
    const hub = findHub();
    this.id = allocateQueueId(hub);
    if (hub === null) return;
    try {
      this.probe = hub.register(this);
    } catch {
      this.probe = null;
    }
  }

  get name(): string {
    return this.spec.name;
  }
  get kind(): QueueKind {
    return this.spec.kind;
  }
  get maxsize(): number {
    return this.spec.maxsize;
  }
  get lib(): string {
    return this.spec.lib;
  }
  get creationSite(): CallSite | undefined {
    return this.spec.site;
  }
  get units(): 'items' | 'bytes' | undefined {
    return this.spec.units;
  }
  get concurrency(): number | undefined {
    const c = this.spec.concurrency;
    return c === undefined ? undefined : this.read(() => c(), undefined);
  }

  /** Is a probe installed and the adapter healthy? The hooks' fast check. */
  get active(): boolean {
    return this.probe !== null && !this.disabled;
  }

  qsize(): number {
    return this.read(() => this.spec.size(), 0);
  }


  /** Library-specific figures (read at snapshot time); undefined when the library has none. */
  stats(): Record<string, number> | undefined {
    const s = this.spec.stats;
    return s === undefined ? undefined : this.read(() => s(), undefined);
  }

  /** Pool state for the counters (queueInfo.ts): only the facts this library has. */
  poolState(): PoolState {
    const out: PoolState = {};
    const { runningSince, runningAdopted, runningUnseen, paused, rateLimited, tasksDone, taskP99Ms } = this.spec;
    if (this.disabled) {
      this.unseenTasks = false;
      return out;
    }
    if (paused !== undefined) out.paused = this.read(() => paused() === true, false);
    if (rateLimited !== undefined) out.rateLimited = this.read(() => rateLimited() === true, false);
    if (runningSince !== undefined) {
      const t = this.read(() => runningSince(), undefined);
      if (typeof t === 'number' && Number.isFinite(t)) {
        out.runningSince = t;
        if (runningAdopted !== undefined && this.read(() => runningAdopted() === true, false)) out.runningAdopted = true;
      }
    }
    // Tasks started while the hub was dormant end unseen: the hub polls this pool's running
    // count at each drain while this is set (hub.ts, unseenPools), or their count, flag and
    // age stood for good (the review of runningAdopted).
    this.unseenTasks = runningUnseen !== undefined && this.read(() => runningUnseen() === true, false);
    if (tasksDone !== undefined && taskP99Ms !== undefined) {
      const done = this.read(() => tasksDone(), 0);
      if (done > 0) {
        out.done = done;
        out.taskP99Ms = this.read(() => taskP99Ms(), 0);
      }
    }
    return this.disabled ? {} : out; // a read that threw disabled the adapter: no half facts
  }

  /** The running tasks' data (undefined: the library does not say, or its adapter is off). */
  runningItems(n: number): unknown[] | undefined {
    const r = this.spec.runningItems;
    if (r === undefined || this.disabled) return undefined;
    const items = this.read(() => r(n).slice(0, n), []);
    return this.disabled ? undefined : items;
  }

  peek(n: number): unknown[] {
    const p = this.spec.peek;
    return p === undefined ? [] : this.read(() => p(n).slice(0, n), []);
  }

  setProbe(probe: QueueProbe | null): void {
    this.probe = probe;
    try {
      this.spec.onProbe?.(probe !== null);
    } catch {
      this.disable('its state could not be read');
    }
  }

  // ---- for adapters: forward to the probe when armed (the probe never throws) ----

  put(size: number): void {
    if (this.probe !== null && !this.disabled) this.probe.put(size);
  }

  get(size: number): void {
    if (this.probe !== null && !this.disabled) this.probe.get(size);
  }

  /** Running count or other counters changed: report them at the next drain. */
  changed(): void {
    if (this.probe !== null && !this.disabled) this.probe.taskDone?.();
  }

  waitStart(role: WaiterRole): unknown {
    return this.probe !== null && !this.disabled ? this.probe.waitStart(role) : undefined;
  }

  waitEnd(token: unknown, outcome: WaitOutcome): void {
    if (token !== undefined && this.probe !== null) this.probe.waitEnd(token, outcome);
  }

  /** Read from the library; a throw disables this queue's adapter (one warning per lib). */
  read<T>(fn: () => T, fallback: T): T {
    if (this.disabled) return fallback;
    try {
      return fn();
    } catch {
      this.disable('reading its state threw');
      return fallback;
    }
  }

  disable(why: string): void {
    if (this.disabled) return;
    this.disabled = true;
    disableWarning(this.spec.lib, why);
  }
}
