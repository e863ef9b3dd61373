// The optional facts a queue of another library carries (src/trace/adapters): its library,
// concurrency, running count, units and pool state (paused, rate-limited, oldest running),
// read defensively so that a broken adapter target can never break the hub. Every field is additive on the wire (docs/PROTOCOL.md).

import type { ProbeTarget } from '../queue/probe';
import type { Counters } from '../protocol/wire';
import { previewValue } from './preview';

export interface LibFields {
  lib?: string;
  concurrency?: number;
  units?: 'bytes';
}

/** `lib`, `concurrency` and `units` of a queue, for its 'queue' event and snapshot; {} for our own. */
export function libFields(q: ProbeTarget): LibFields {
  const out: LibFields = {};
  try {
    if (typeof q.lib === 'string') out.lib = q.lib;
    const c = q.lib === undefined ? undefined : q.concurrency;
    if (typeof c === 'number' && Number.isFinite(c)) out.concurrency = c;
    if (q.units === 'bytes') out.units = 'bytes';
  } catch {
    // a target that throws simply carries no extra facts
  }
  return out;
}

/** What adapter targets (src/trace/adapters/target.ts) add to ProbeTarget; read by duck typing. */
interface PoolTarget extends ProbeTarget {
  /** Set by poolState(): tasks that started before the hub armed still run (they end unseen). */
  readonly unseenTasks?: boolean;
  poolState?(): { paused?: boolean; rateLimited?: boolean; runningSince?: number; runningAdopted?: boolean; done?: number; taskP99Ms?: number };
  runningItems?(n: number): unknown[] | undefined;
}

/** The pool's last poolState() found tasks from before the hub armed still running. */
export function hasUnseenTasks(q: ProbeTarget | undefined): boolean {
  return (q as PoolTarget | undefined)?.unseenTasks === true;
}

/**
 * The counters with the pool's state added when the queue is a task pool of another library:
 * `running`, and where the library has them `paused`, `rateLimited`, `runningSince` (with
 * `runningAdopted`), `stats`.
 */
export function withRunning(c: Counters, q: ProbeTarget | undefined): Counters {
  if (q === undefined || typeof q.running !== 'function') return c;
  try {
    const n = q.running();
    if (typeof n === 'number' && Number.isFinite(n)) c.running = n;
    const st = (q as PoolTarget).poolState?.();
    if (st !== undefined) {
      if (typeof st.paused === 'boolean') c.paused = st.paused;
      if (typeof st.rateLimited === 'boolean') c.rateLimited = st.rateLimited;
      if (typeof st.runningSince === 'number' && Number.isFinite(st.runningSince)) {
        c.runningSince = st.runningSince;
        if (st.runningAdopted === true) c.runningAdopted = true;
      }
      if (typeof st.done === 'number' && st.done > 0 && typeof st.taskP99Ms === 'number' && Number.isFinite(st.taskP99Ms)) {
        c.done = st.done;
        c.taskP99Ms = st.taskP99Ms;
      }
    }
    const s = typeof q.stats === 'function' ? q.stats() : undefined;
    if (typeof s === 'object' && s !== null && Object.keys(s).length > 0) c.stats = s;
  } catch {
    // leave it out
  }
  return c;
}

/** Running tasks previewed in a snapshot: async's workersList() data (at most 10). */
const RUNNING_PREVIEWS = 10;

/** What a snapshot adds for a queue of another library: libFields plus its `stats` and `runningItems`. */
export function snapshotFields(q: ProbeTarget): LibFields & { stats?: Record<string, number>; runningItems?: string[] } {
  const out: LibFields & { stats?: Record<string, number>; runningItems?: string[] } = libFields(q);
  try {
    const s = typeof q.stats === 'function' ? q.stats() : undefined;
    if (typeof s === 'object' && s !== null && Object.keys(s).length > 0) out.stats = s;
  } catch {
    // leave it out
  }
  try {
    const r = (q as PoolTarget).runningItems?.(RUNNING_PREVIEWS);
    if (Array.isArray(r)) out.runningItems = r.map((item) => previewValue(item));
  } catch {
    out.runningItems = ['<unreadable>'];
  }
  return out;
}
