// The tiny interface between a queue and the tracing hub (src/trace). The queue never
// imports the tracer: it finds the hub on a realm-global symbol, so every copy of the
// library (CJS, ESM, bundled into an app) reports to the same hub. While the hub is
// dormant a queue's probe is `null` and tracing costs one null check per operation.
//
// This interface is shared across library copies and versions, so it only grows:
// add optional members, never change the meaning of existing ones.

/** Which side of the queue a blocked call is on. */
export type WaiterRole = 'put' | 'get';

/** How a blocked call ended. */
export type WaitOutcome = 'served' | 'timeout' | 'aborted' | 'shutdown';

/** Per-queue callbacks installed by an armed hub. Must never throw. */
export interface QueueProbe {
  /** An item entered the queue (or was handed to a waiting getter); `size` is the depth after. */
  put(size: number): void;
  /** An item left the queue; `size` is the depth after. */
  get(size: number): void;
  /** A call blocked. Runs synchronously inside `put()`/`get()`, so the caller's frame is on the stack. */
  waitStart(role: WaiterRole): unknown;
  /** The blocked call with this token ended. */
  waitEnd(token: unknown, outcome: WaitOutcome): void;
  /** The queue was shut down; `size` is the depth after (0 when immediate). */
  shutdown(immediate: boolean, size: number): void;
  /**
   * `taskDone()` was called, so the unfinished-task count changed. Optional: hubs from
   * before it existed do not have it.
   */
  taskDone?(): void;
}

/** What the hub may read from a queue (for snapshots and registration). */
export interface ProbeTarget {
  readonly id: number;
  readonly name: string;
  readonly kind: QueueKind;
  readonly maxsize: number;
  readonly isShutdown: boolean;
  qsize(): number;
  /** Tasks put but not yet `taskDone()`'d. */
  readonly unfinishedTasks: number;
  /** The first `n` items in the order `get()` would return them, without removing them. */
  peek(n: number): unknown[];
  /** Install or remove the probe. */
  setProbe(probe: QueueProbe | null): void;
  /**
   * For a hub armed while calls are already blocked (e.g. a debugger attached to a stalled
   * program), or looking at untimed waits: give each current waiter that has no token,
   * blocked producers then waiting consumers, each in line order, a token from `start`, so
   * its end is reported like any other wait. `start` may return undefined: the waiter stays
   * untimed (the hub calls it that way to count them).
   * Optional: queues from older library copies do not have it.
   */
  adoptWaiters?(start: (role: WaiterRole) => unknown): void;
  /**
   * The library behind a queue that is not one of ours (src/trace/adapters), e.g.
   * "p-queue@9.0.0" or "node:stream". Optional: absent for QueueScope's own queues.
   */
  readonly lib?: string;
  /** How many tasks may run at once (task pools such as p-queue, fastq, async). Optional. */
  readonly concurrency?: number;
  /** How many tasks are running now (task pools). Optional. */
  running?(): number;
  /** What the depth counts: 'items' (default) or 'bytes' (byte-mode streams). Optional. */
  readonly units?: 'items' | 'bytes';
  /** Library-specific figures for snapshots (e.g. piscina's threads and wait percentiles). Optional. */
  stats?(): Record<string, number> | undefined;
  /**
   * Where the program made it, when an adapter saw that before the queue registered (p-queue's
   * register at their first add()): the hub's own capture would find the later call's line.
   * Same shape as the wire's CallSite. Optional.
   */
  readonly creationSite?: { file: string; line: number; column: number; fn: string };
}

export type QueueKind = 'fifo' | 'lifo' | 'priority';

/** The hub as seen by a queue. */
export interface HubLink {
  /** Called once from each queue's constructor. Returns the probe to use now (null while dormant). */
  register(queue: ProbeTarget): QueueProbe | null;
  /** Realm-wide queue id allocator, so ids stay unique across library copies. */
  nextQueueId(): number;
}

export const HUB_KEY: unique symbol = Symbol.for('queuescope.hub') as never;

type HubFactory = () => HubLink;
let hubFactory: HubFactory | null = null;

/** The tracing layer calls this at load time so that the first queue can create the hub. */
export function setHubFactory(factory: HubFactory): void {
  hubFactory = factory;
}

/** The realm's hub, created on first use if a tracer is bundled; null when none is. */
export function findHub(): HubLink | null {
  const g = globalThis as unknown as { [HUB_KEY]?: HubLink };
  const existing = g[HUB_KEY];
  if (existing !== undefined) return existing;
  if (hubFactory === null) return null;
  const hub = hubFactory();
  g[HUB_KEY] = hub;
  return hub;
}

let localIds = 0;
/** Queue ids: the hub's allocator when there is one, else a module-local counter. */
export function allocateQueueId(hub: HubLink | null): number {
  return hub !== null ? hub.nextQueueId() : ++localIds;
}
