// Stuck worker or lost callback: a pool has running work far older than its own history
// (p99 of completed work x stuckFactor, never below stuckFloorMs; stuckNoHistoryMs until
// stuckMinCompleted tasks have completed) while the program is otherwise quiet, while the
// pool itself has stalled (items wait and none was taken for that long), or when the task is
// an outlier far past that limit with items waiting behind it (see stuckRule). Pools come as
// PoolObservations: our queues' consumer loops (a task runs from get() to taskDone()), the
// task pools of other libraries that the adapters report (fastq, p-queue, async, piscina,
// BullMQ Workers: counters' `running`, the oldest running task's start `runningSince`, and
// the finished tasks with their p99, `done` and `taskP99Ms`; piscina's from run() to
// settling), and pools from addPoolProvider().

import { atLeast, formatCount, formatMs, queueLabel, waitersIn, type PoolObservation, type SessionContext } from '../context';
import type { Finding, FindingSite } from '../findings';
import type { QueueTrack } from '../queueTrack';
import { creationSite, lineKey, partyLabel, partySites, shareParty } from '../parties';

/** The queues created on one line (see queuePools). */
interface Line {
  queues: number;
  /** Of those, the ones whose consumers call taskDone(). */
  taskDone: number;
  /** The ones with completed tasks, their completed count and their highest p99 (the most lenient limit). */
  withHistory: number;
  completed: number;
  /** The queues with completed tasks, for p99Ms (made when a queue of the line needs it). */
  histories: QueueTrack[];
  p99Ms: number | undefined;
}

/** The highest p99 of a line's queues with history (computed once a tick, on demand). */
function lineP99(l: Line): number {
  if (l.p99Ms === undefined) {
    let p99 = 0;
    for (const t of l.histories) p99 = Math.max(p99, t.completedP99());
    l.p99Ms = p99;
  }
  return l.p99Ms;
}

/**
 * Queues on one line of which at least this many, and SIBLINGS_SHARE of all, call taskDone():
 * a queue of that line whose consumer never did is taken for one of the same loop that failed
 * before its first taskDone() (a pair of queues made on one line for different jobs is not).
 */
const SIBLINGS_MIN = 3;
const SIBLINGS_SHARE = 0.9;
/**
 * Such a queue counts only while its consumer evidently stopped: it took at most this many
 * items in all (a loop that dies takes one) and items wait that nobody takes. A healthy
 * consumer that simply never calls taskDone() keeps taking, or waits on an empty queue.
 */
const DEAD_TAKEN_MAX = 4;

/** A busy pool's outlier: this many times further past stuckFactor x p99 (see stuckRule). */
const OUTLIER_MARGIN = 10;

/** Items wait in `t` and none is taken: the pool's side of a stall (see stuckRule). */
function stallOf(t: QueueTrack): PoolObservation['stall'] {
  const since = t.waitingSince;
  // A paused or rate-limited pool holds its items back on purpose.
  if (since === undefined || t.q.counters.paused === true || t.q.counters.rateLimited === true) return undefined;
  return { waitingSince: since, lastTake: t.lastTake, waiting: t.q.size };
}

/** lineKey per site object: asked twice a tick for every queue (2,000 strings a tick each). */
const creationKeys = new WeakMap<object, string>();

function creationKey(t: QueueTrack): string | undefined {
  const site = t.q.site;
  if (!site) return undefined;
  let key = creationKeys.get(site);
  if (key === undefined) creationKeys.set(site, (key = lineKey(site)));
  return key;
}

/**
 * Our own queues as pools: only those whose consumers call taskDone(). Queues created on one
 * line (a queue per tenant, connection or shard) are served by one consumer loop in most
 * programs: a queue with too few completed tasks of its own to judge by takes its siblings'
 * history (their completed count and highest p99), so the one tenant whose worker never
 * came back is found after seconds, not after stuckNoHistoryMs.
 */
export function queuePools(ctx: Pick<SessionContext, 'session' | 'tracks' | 'th'>): PoolObservation[] {
  const ours = ctx.tracks.filter((t) => t.q.counters.running === undefined);
  const lines = new Map<string, Line>();
  for (const t of ours) {
    const key = creationKey(t);
    if (key === undefined) continue;
    const l = lines.get(key) ?? { queues: 0, taskDone: 0, withHistory: 0, completed: 0, histories: [], p99Ms: undefined };
    l.queues++;
    if (t.taskDoneUsed) l.taskDone++;
    if (t.completedCount > 0) {
      l.withHistory++;
      l.completed += t.completedCount;
      l.histories.push(t);
    }
    lines.set(key, l);
  }
  const lineOf = (t: QueueTrack): Line | undefined => {
    const key = creationKey(t);
    return key === undefined ? undefined : lines.get(key);
  };
  // A queue whose consumer died on its first task never showed taskDone() itself.
  const died = (t: QueueTrack): boolean => {
    if (t.taskDoneUsed || t.takenNotDone === 0 || t.takenNotDone > DEAD_TAKEN_MAX || t.q.size === 0) return false;
    const l = lineOf(t);
    return l !== undefined && l.taskDone >= SIBLINGS_MIN && l.taskDone >= SIBLINGS_SHARE * l.queues;
  };
  // Pools with nothing running: every reader of pools (the stuck rule, the deadlock rule's
  // "still running") skips them, and at 10,000 queues making them was 8% of a check.
  const mine = ours.filter((t) => t.takenNotDone > 0 && (t.taskDoneUsed || died(t)));
  const out: PoolObservation[] = [];
  for (const t of mine) {
    const own: PoolObservation = {
      key: t.key,
      session: ctx.session.id,
      name: t.q.name,
      running: t.takenNotDone,
      // A stopped consumer's age counts from the last item it took (the one it stopped on).
      oldestRunningSince: t.taskDoneUsed ? t.oldestTaken : t.lastTaken,
      completed: t.completedCount,
      p99Ms: t.completedP99(),
      stall: stallOf(t),
      queues: [t.key],
    };
    const g = lineOf(t);
    if (t.completedCount < ctx.th.stuckMinCompleted && g !== undefined) {
      // The siblings without this queue's own tasks.
      const others = { queues: g.withHistory - (t.completedCount > 0 ? 1 : 0), completed: g.completed - t.completedCount };
      if (others.queues > 0 && others.completed >= ctx.th.stuckMinCompleted) {
        own.completed = others.completed;
        own.p99Ms = lineP99(g);
        own.siblings = { queues: others.queues, site: t.q.site!, ...(t.taskDoneUsed ? {} : { ownNeverDone: true }) };
      }
    }
    out.push(own);
  }
  return out;
}

/** Task pools of other libraries (src/trace/adapters): their running count and oldest running start. */
export function libPools(ctx: Pick<SessionContext, 'session' | 'tracks'>): PoolObservation[] {
  const out: PoolObservation[] = [];
  for (const t of ctx.tracks) {
    const running = t.q.counters.running;
    if (running === undefined) continue;
    out.push({
      key: t.key,
      session: ctx.session.id,
      name: t.q.name,
      running,
      oldestRunningSince: t.q.runningSince,
      ...(t.q.counters.runningAdopted === true ? { oldestAdopted: true } : {}),
      // The tasks the adapter saw finish (fastq, async, p-queue), when it reports them.
      completed: t.q.counters.done ?? 0,
      p99Ms: t.q.counters.taskP99Ms ?? 0,
      stall: stallOf(t),
      queues: [t.key],
      lib: t.q.lib ?? 'another library',
    });
  }
  return out;
}

/**
 * How old the oldest running task may get before it counts as stuck. With stuckMinCompleted
 * completed tasks or more: stuckFactor x their p99, never below stuckFloorMs. With none:
 * stuckNoHistoryMs. In between, the same rule with a margin that widens as the history
 * shrinks (x stuckMinCompleted / completed), never beyond stuckNoHistoryMs: three tasks that
 * took 5 ms are thin evidence, but enough to call a task stuck after seconds rather than a
 * minute (a fastq retry pool whose fourth task never returned while 50 retries piled up).
 */
export function stuckLimit(th: SessionContext['th'], completed: number, p99Ms: number): number {
  if (completed <= 0) return th.stuckNoHistoryMs;
  const margin = completed >= th.stuckMinCompleted ? 1 : th.stuckMinCompleted / completed;
  const limit = Math.max(th.stuckFloorMs, th.stuckFactor * p99Ms * margin);
  return completed >= th.stuckMinCompleted ? limit : Math.min(th.stuckNoHistoryMs, limit);
}

/**
 * Producers of the same process blocked now putting into another queue: the pool's workers
 * may be those producers, held by a full queue downstream rather than stuck. Which worker
 * blocks where is not known (nor exactly when a task was taken: a pool's oldest take is
 * known to a sampling tick), so it is said as a possibility.
 */
function blockedDownstream(ctx: SessionContext, tracks: QueueTrack[]): string | undefined {
  const own = new Set(tracks.map((t) => t.key));
  const sources = new Set(tracks.map((t) => t.q.source));
  const parts: string[] = [];
  for (const t of ctx.tracks.values()) {
    if (!sources.has(t.q.source)) continue;
    const n = waitersIn(t, 'put');
    if (n === 0) continue;
    const blocked = `${formatCount(n)} producer${n === 1 ? ' is' : 's are'} blocked putting into ${queueLabel(t)}`;
    // Workers that feed the queue they take from (a crawler's frontier): blocked putting back
    // into it, they hold their tasks. "A lost callback (taskDone() never called)" alone misled
    // beside the deadlock that said so (a user trial).
    if (!own.has(t.key)) parts.push(blocked);
    else if (feedsItself(ctx, t)) parts.push(`${blocked}, the queue they take from`);
  }
  return parts.length === 0 ? undefined : `, or its workers are held downstream: ${parts.slice(0, 3).join('; ')}`;
}

/** A party seen taking from the queue was also seen blocked putting into it. */
function feedsItself(ctx: SessionContext, t: QueueTrack): boolean {
  return shareParty(ctx.book.parties(t.key, 'get'), ctx.book.parties(t.key, 'put'));
}

export function stuckRule(ctx: SessionContext): Finding[] {
  const out: Finding[] = [];
  // Quiet only as far as data reaches: a drain that is late (paced at scale, a loaded
  // machine) must not make a busy program look idle.
  const idle = ctx.clock.between(ctx.lastActivity, ctx.now) >= ctx.th.stuckIdleMs && ctx.seenUntil - ctx.lastActivity >= ctx.th.stuckIdleMs;
  for (const pool of ctx.pools) {
    if (pool.running <= 0 || pool.oldestRunningSince === undefined) continue;
    const age = ctx.clock.between(pool.oldestRunningSince, ctx.now);
    const history = pool.completed >= ctx.th.stuckMinCompleted;
    // A busy program may have a slow task now and then, so a pool is judged once the program
    // is otherwise quiet, with three exceptions that hold busy or not:
    // - a queue whose consumer died before its first taskDone() while its siblings' consumers
    //   all call it: its items wait while theirs are served;
    // - a stalled pool: items wait and none was taken for the whole limit, so every worker is
    //   held by a task at least that old (a free one would have taken the next item): its
    //   backlog only grows while the rest of the program keeps busy. Only a stalled pool is
    //   judged on a short history (stuckLimit's widened margin): the backlog behind the task
    //   is evidence of its own. Otherwise a short history counts as none;
    // - an outlier: with a full history, a task OUTLIER_MARGIN times further past the limit
    //   (never below twice the floor), while items wait for a worker and the pool keeps
    //   finishing others around it: one of two piscina threads held by a task that never
    //   settled halved the pool's speed in a busy program, and nothing said so.
    // An outlier with nothing waiting behind it costs no throughput yet, so it is an info: a
    // log shipper's webhook whose endpoint never answered held one of two p-queue slots for
    // good, 200 times its p99, and only the exit said so.
    const died = pool.siblings?.ownNeverDone === true;
    const stall = pool.stall;
    const stalledFor = (limit: number): boolean =>
      stall !== undefined && ctx.clock.between(stall.waitingSince, ctx.now) >= ctx.th.stuckIdleMs && ctx.clock.between(stall.lastTake, ctx.now) >= limit;
    const eased = stuckLimit(ctx.th, pool.completed, pool.p99Ms);
    const strict = history ? eased : ctx.th.stuckNoHistoryMs;
    const outlier = history ? Math.max(2 * ctx.th.stuckFloorMs, OUTLIER_MARGIN * ctx.th.stuckFactor * pool.p99Ms) : Infinity;
    // Items wait now (they turn over while the other workers take them: no single one is old).
    const backlog = stall !== undefined && stall.waiting > 0;
    let limit: number;
    let stalled: boolean;
    let around = false;
    let spare = false;
    if (age >= eased && eased < strict && stalledFor(eased)) [limit, stalled] = [eased, true];
    else if (age >= strict && (idle || died || stalledFor(strict))) [limit, stalled] = [strict, !idle && !died];
    else if (age >= outlier && backlog) [limit, stalled, around] = [outlier, false, true];
    else if (age >= outlier) [limit, stalled, spare] = [outlier, false, true];
    else continue;
    const tracks = pool.queues.map((k) => ctx.track(k)).filter((t): t is QueueTrack => t !== undefined);
    const basis = history
      ? pool.siblings
        ? `p99 of ${formatCount(pool.completed)} completed by the ${pool.siblings.queues} other queue${pool.siblings.queues === 1 ? '' : 's'} created at ${partyLabel(pool.siblings.site)}: ${formatMs(pool.p99Ms)}${pool.siblings.ownNeverDone ? `; their consumers call taskDone(), this one's never did` : ''}`
        : `p99 of ${formatCount(pool.completed)} completed: ${formatMs(pool.p99Ms)}`
      : pool.lib !== undefined && pool.completed === 0
        ? `${pool.lib} reports no task durations; limit ${formatMs(limit)}`
        : limit < strict
          ? `p99 of only ${pool.completed} completed: ${formatMs(pool.p99Ms)}; limit ${formatMs(limit)}`
          : `only ${pool.completed} completed so far`;
    const n = pool.running;
    const items = stall?.waiting ?? 0;
    // piscina's takes are settled tasks (a task's start in its thread is not visible).
    const none = pool.lib === undefined ? 'none has been taken' : pool.lib.startsWith('piscina@') ? 'no task has finished' : 'no task has started';
    const wait = `while ${formatCount(items)} item${items === 1 ? '' : 's'} wait${items === 1 ? 's' : ''}`;
    const stalledText = `${wait} and ${none} for ${formatMs(stall === undefined ? 0 : ctx.clock.between(stall.lastTake, ctx.now))}`;
    const aroundText = `${wait} and the pool keeps finishing others around it`;
    const lower = atLeast(pool.oldestAdopted); // already running when QueueScope attached
    const spareText = `${lower}${formatCount(Math.round(age / Math.max(pool.p99Ms, 1)))} times its p99, with nothing waiting behind it yet`;
    const context = stalled ? stalledText : around ? aroundText : spare ? spareText : idle ? 'while the program is otherwise idle' : 'while the other queues keep being served';
    const message =
      pool.lib !== undefined
        ? `${n === 1 ? 'The one running task' : `The oldest of ${n} running tasks`} of \`${pool.name}\` has been running for ${lower}${formatMs(age)} (${basis})${spare ? ',' : ''} ${context}: a worker that never called back or a task whose promise never settled.`
        : `${n} task${n === 1 ? '' : 's'} taken from \`${pool.name}\` ${n === 1 ? 'has' : 'have'} been running for ${formatMs(age)} (${basis}) ${context}: a stuck worker or a lost callback (taskDone() never called)${blockedDownstream(ctx, tracks) ?? ''}.`;
    out.push({
      id: `stuck:${pool.key}`,
      rule: 'stuck',
      severity: spare ? 'info' : 'warning',
      session: ctx.session.id,
      message,
      since: pool.oldestRunningSince,
      ...(pool.oldestAdopted === true ? { sinceAtLeast: true as const } : {}),
      queues: tracks.map((t) => ({ key: t.key, name: t.q.name, size: t.q.size, maxsize: t.q.maxsize })),
      waiters: [],
      // Another library's pool has no consumer calls to learn from: its creation line is the
      // evidence, and so it is for one of ours whose consumer was never seen waiting (its queue
      // never ran empty). With no site at all the warning was in the strip and the status bar
      // but not in Problems, which places a finding on its sites.
      sites: pool.lib !== undefined ? tracks.flatMap((t) => creationSite(t.q.name, t.q.site)) : tracks.flatMap((t) => consumerSites(ctx, t)),
      figures: { running: n, ageMs: age, p99Ms: pool.p99Ms, completed: pool.completed, limitMs: limit },
      ...(pool.lib !== undefined
        ? { partial: "the running task's own line is not known; the pool's creation line is shown" }
        : tracks.some((t) => ctx.book.parties(t.key, 'get').size === 0)
          ? { partial: 'no consumer of this queue was seen waiting, so its call site is unknown' }
          : {}),
    });
  }
  return out;
}

/** Where a queue's consumers were seen waiting, else where the queue was created. */
function consumerSites(ctx: SessionContext, t: QueueTrack): FindingSite[] {
  const seen = partySites(ctx.book.parties(t.key, 'get').values(), 'get', t.q.name);
  return seen.length > 0 ? seen : creationSite(t.q.name, t.q.site);
}
