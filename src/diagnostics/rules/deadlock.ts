// Deadlock by graph reduction. Queue waits are "any one of them can unblock me" waits (any
// consumer of a full queue frees its blocked producers), so a cycle check would raise false
// alarms. Instead: every waiting party starts blocked; a wait is releasable when its queue's
// state already allows it (not full / not empty / shut down) or when a party known to
// drain (for a put) or feed (for a get) that queue is not blocked; a party with a releasable
// wait is freed, which may make other waits releasable (a worklist). Whoever is left can only
// be released by each other: deadlocked, once nothing on their queues has moved for a while.
//
// Knowledge of feeders and drainers comes from call sites of waits only, so a wait may have
// no known releaser. Waits like that are grouped together and reported as a partial finding
// when the quiet is long compared with the queues' own history and the group holds both a
// blocked producer and a waiting consumer on different queues (idle consumers alone are a
// program waiting for input, not a deadlock). Such a wait on a queue that still moves is
// taken as released by someone unseen (a timer's putNowait() feeds without ever waiting).
// The whole-program case (every known party waiting, at least two of them or one blocked on
// a queue never drained, at least one producer blocked, nothing moving for long) catches the
// rest.

import type { ModelWaiter } from '../../model';
import type { CallSite, WaiterRoleWire } from '../../protocol/wire';
import { atLeast, findingQueue, findingWaiter, formatMs, queueLabel, type PoolObservation, type SessionContext } from '../context';
import type { Finding } from '../findings';
import { partyLabel, partyOf, partySites } from '../parties';
import type { QueueTrack } from '../queueTrack';

interface Wait {
  w: ModelWaiter;
  track: QueueTrack;
  party: string;
  group: string;
}

interface Group {
  track: QueueTrack;
  role: WaiterRoleWire;
  waits: Wait[];
  releasers: ReadonlyMap<string, CallSite>;
  releasable: boolean;
}

const groupKey = (queue: string, role: WaiterRoleWire): string => `${role}:${queue}`;

export function deadlockRule(ctx: SessionContext): Finding[] {
  const groups = new Map<string, Group>();
  const partyWaits = new Map<string, Wait[]>();
  for (const track of ctx.tracks) {
    for (const w of track.waiters) {
      const gk = groupKey(track.key, w.role);
      let g = groups.get(gk);
      if (!g) {
        g = { track, role: w.role, waits: [], releasers: ctx.book.releasers(track.key, w.role), releasable: stateAllows(track, w.role) };
        groups.set(gk, g);
      }
      const wait: Wait = { w, track, party: partyOf(track.q.source, w), group: gk };
      g.waits.push(wait);
      const list = partyWaits.get(wait.party);
      if (list) list.push(wait);
      else partyWaits.set(wait.party, [wait]);
    }
  }
  if (groups.size === 0) return [];

  // Reduction: free every party with a releasable wait, and whatever that frees in turn.
  const freed = new Set<string>();
  const work: string[] = [];
  /** The group's waits may end: their parties (those `frees` accepts) are free, and what they release. */
  const free = (g: Group, frees: (wait: Wait) => boolean = () => true): void => {
    g.releasable = true;
    for (const wait of g.waits) {
      if (!freed.has(wait.party) && frees(wait)) {
        freed.add(wait.party);
        work.push(wait.party);
      }
    }
  };
  // A wait with no known releaser on a queue still moving is taken as released by someone
  // unseen (a timer's putNowait() feeds a queue without ever waiting, so it is no known
  // feeder). Left in, it tied an unrelated, busy metrics consumer to a real deadlock in one
  // "unknown ties" component whose quiet its queue reset every 50 ms, and the deadlock was
  // never reported (p18b_deadlock_busy_late.js). Its component would have been pending, so it
  // holds the whole-program case back as that did.
  // Realms whose deadlock cases hold back the whole-program case (a component waiting for its
  // quiet or reported, a queue still moving: see below).
  const judged = new Set<string>();
  const young = (g: Group | undefined): boolean => g !== undefined && g.releasers.size === 0 && g.track.gaps < ctx.th.minHistoryGaps;
  let youngFreed = false;
  for (const g of groups.values()) {
    if (g.releasable || hasFreeReleaser(g, partyWaits)) free(g);
    else if (g.releasers.size === 0 && stillMoving(ctx, g.track)) {
      judged.add(g.track.q.source);
      free(g);
    } else if (young(g)) {
      // A queue too young to have a pace cannot be called quiet (rule 5), so a wait on it may
      // end. It is set aside (the realm's group of unknown ties gathered it, and an idle
      // consumer on a new, unrelated queue sank the real deadlock beside it: a review's
      // s14.js), and a party waiting nowhere else may be released through it, so what it
      // releases is freed too (set aside alone, a stage waiting for a token on a new queue no
      // longer released the queue it drains: young1.js). A party also seen blocked putting
      // elsewhere stays as blocked as that put is: parties are call sites, and a second copy
      // of a cycle's stage idle on a new queue freed the cycle (idle-old.js). One that merely
      // waits to get elsewhere is freed all the same: a stage function serving a second,
      // drained pipeline read as a cycle with that pipeline's producer (tok2.js).
      youngFreed = true;
      const heldElsewhere = (wait: Wait): boolean =>
        (partyWaits.get(wait.party) ?? []).some((x) => {
          if (x.group === wait.group || x.w.role !== 'put') return false;
          const other = groups.get(x.group);
          // A put only the party itself is known to drain does not hold it (two copies of one
          // stage in a chain: the copy waiting for a token frees the other's put).
          return other !== undefined && !young(other) && [...other.releasers.keys()].some((p) => p !== wait.party);
        });
      free(g, (wait) => !heldElsewhere(wait));
    }
  }
  while (work.length) {
    const party = work.pop() as string;
    for (const place of ctx.book.placesOf(party)) {
      // A party that puts into a queue frees its waiting consumers; one that gets frees its blocked producers.
      const g = groups.get(groupKey(place.queue, place.role === 'put' ? 'get' : 'put'));
      if (g && !g.releasable) free(g);
    }
  }
  const left = [...groups.values()].filter((g) => !g.releasable && g.waits.some((x) => !freed.has(x.party)));
  if (left.length === 0 && !youngFreed) return [];

  // Components: groups tied by a known releaser that is itself left; every group with no known
  // releaser goes into its realm's "unknown ties" component. Per realm: a party of one thread
  // cannot release a queue of another, and one component for the whole session merged two
  // workers' deadlocks into one, or let a main thread's idle wait hide a worker's.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(k, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    parent.set(find(a), find(b));
  };
  const byParty = new Map<string, string>();
  for (const g of left) {
    const gk = groupKey(g.track.key, g.role);
    parent.set(gk, gk);
    for (const x of g.waits) if (!byParty.has(x.party)) byParty.set(x.party, gk);
  }
  for (const g of left) {
    const gk = groupKey(g.track.key, g.role);
    for (const x of g.waits) union(gk, byParty.get(x.party) as string);
    if (g.releasers.size === 0) {
      const unknown = `\u0000unknown|${g.track.q.source}`;
      if (!parent.has(unknown)) parent.set(unknown, unknown);
      union(gk, unknown);
    }
    for (const p of g.releasers.keys()) {
      const other = byParty.get(p);
      if (other) union(gk, other);
    }
  }
  const components = new Map<string, Group[]>();
  for (const g of left) {
    const root = find(groupKey(g.track.key, g.role));
    const list = components.get(root);
    if (list) list.push(g);
    else components.set(root, [g]);
  }

  const out: Finding[] = [];
  for (const comp of components.values()) {
    const verdict = judge(ctx, comp);
    if (verdict === undefined) continue;
    for (const g of comp) judged.add(g.track.q.source);
    if (verdict !== 'pending') out.push(verdict);
  }
  // The whole-program case, per realm, is the fallback for waits the group rules cannot
  // judge; a group still gathering its quiet gets to speak first (with its more precise
  // evidence), and a realm with a finding needs no second one.
  const bySource = new Map<string, Group[]>();
  for (const g of groups.values()) {
    const list = bySource.get(g.track.q.source);
    if (list) list.push(g);
    else bySource.set(g.track.q.source, [g]);
  }
  // Per realm whenever the session has more than one, whether or not the others wait at
  // this tick: chosen by the waits, the mode flipped as a worker's consumer came and went,
  // and a main thread's whole-program deadlock was raised and cleared 21 times.
  const perRealm = ctx.session.sources.size > 1;
  for (const [source, realmGroups] of bySource) {
    if (judged.has(source)) continue;
    const whole = wholeProgram(ctx, realmGroups, perRealm ? source : undefined);
    if (whole) out.push(whole);
  }
  return out;
}

function hasFreeReleaser(g: Group, waiting: ReadonlyMap<string, unknown>): boolean {
  for (const p of g.releasers.keys()) if (!waiting.has(p)) return true;
  return false;
}

/**
 * The queue moved more recently than the quiet a partial finding needs of it (see judge): the
 * judge could not call it quiet yet, whatever else is waiting.
 */
function stillMoving(ctx: SessionContext, t: QueueTrack): boolean {
  return ctx.clock.between(t.lastActivity, ctx.now) < Math.max(ctx.th.deadlockPartialMs, ctx.th.idleFactor * t.maxGap);
}

/** Epoch ms of the latest move: a queue's last activity or a wait's start. */
/**
 * "at least " when the quiet began at QueueScope's attach: every wait was already blocked
 * then (adopted, dated at the arming) and nothing was seen moving after (the third review:
 * "nothing has happened for 12 s" beside a strip that said "≥ 12 s").
 */
function quietAtLeast(waits: readonly Wait[], quietSince: number): string {
  if (waits.length === 0 || !waits.every((x) => x.w.adopted === true)) return '';
  let latest = -Infinity;
  for (const x of waits) if (x.w.since > latest) latest = x.w.since;
  return quietSince <= latest + 1 ? 'at least ' : '';
}

function latestMove(tracks: readonly QueueTrack[], waits: readonly Wait[], from: number): number {
  let t = from;
  for (const q of tracks) if (q.lastActivity > t) t = q.lastActivity;
  for (const x of waits) if (x.w.since > t) t = x.w.since;
  return t;
}

/** The queue's state already lets the wait end (a transient state between two events). */
function stateAllows(t: QueueTrack, role: WaiterRoleWire): boolean {
  if (t.q.shutdown) return true;
  return role === 'put' ? t.q.maxsize === 0 || t.q.size < t.q.maxsize : t.q.size > 0;
}

/** A finding; 'pending' when the group qualifies but has not been quiet long enough yet; undefined when it never will. */
function judge(ctx: SessionContext, comp: Group[]): Finding | 'pending' | undefined {
  const unknown = comp.filter((g) => g.releasers.size === 0);
  const tracks = [...new Set(comp.map((g) => g.track))];
  const waits = comp.flatMap((g) => g.waits);
  const quietSince = latestMove(tracks, waits, -Infinity);
  const quiet = ctx.clock.between(quietSince, ctx.now);
  if (unknown.length === 0) {
    if (quiet < ctx.th.deadlockConfirmMs) return 'pending';
  } else {
    const roles = new Set(comp.map((g) => g.role));
    const parties = new Set(waits.map((x) => x.party));
    if (roles.size < 2 || tracks.length < 2 || parties.size < 2) return undefined;
    if (tracks.some((t) => t.gaps < ctx.th.minHistoryGaps)) return undefined;
    const history = Math.max(...tracks.map((t) => t.maxGap));
    if (quiet < Math.max(ctx.th.deadlockPartialMs, ctx.th.idleFactor * history)) return 'pending';
  }
  const parts = describeGroups(comp);
  const partial = unknown.length ? unseenCallers(unknown) : undefined;
  const alone = new Set(waits.map((x) => x.party)).size === 1;
  // With partial knowledge the ties are what QueueScope saw, not a proof: the sentence says so.
  const tie = alone ? 'the only party seen able to release it is itself' : unknown.length ? 'each waits on the other as far as QueueScope saw' : 'each waits on the other';
  // Partial knowledge: a task still running on one of these queues (its consumer is busy, not
  // waiting) or in another library's pool is the likelier cause, so say so.
  const keys = new Set(tracks.map((t) => t.key));
  const running = unknown.length ? stillRunning(ctx, ctx.pools.filter((p) => p.lib !== undefined || p.queues.some((k) => keys.has(k)))) : '';
  const message = `Deadlock: ${parts.join(', and ')}; ${tie} and nothing has moved for ${quietAtLeast(waits, quietSince)}${formatMs(quiet)}${running}.`;
  return finding(ctx, 'deadlock', waits, tracks, comp, message, quietSince, quiet, partial);
}

/**
 * `realm`: judge that realm alone (its parties, its queues' quiet), in a session of several
 * realms; otherwise the session's figures, as before realms were told apart here.
 */
function wholeProgram(ctx: SessionContext, groups: Group[], realm?: string): Finding | undefined {
  const waits = groups.flatMap((g) => g.waits);
  if (!waits.some((x) => x.w.role === 'put')) return undefined;
  if (groups.some((g) => stateAllows(g.track, g.role))) return undefined;
  const waiting = new Set(waits.map((x) => x.party));
  // Waits on one queue alone are only evidence that it is full: a scanner blocked on a queue
  // of 1 behind an uploader busy 7 s an item (never seen, as it never waited) was called a
  // deadlock (p20_slow_upload.js), and so were two scanners on it (a review's slowup2.js: the
  // first version of this guard counted parties). Waits on two queues (two stages blocked on
  // each other's, p01_deadlock2.js) are; so is a producer blocked on a queue nothing was ever
  // taken from, whose consumer never came (test/fixtures/diagnostics/whole.js).
  const queues = new Set(groups.map((g) => g.track.key));
  if (queues.size < 2 && !groups.some((g) => g.role === 'put' && g.track.q.counters.gets === 0)) return undefined;
  for (const p of ctx.book.all.keys()) if ((realm === undefined || p.startsWith(`${realm}|`)) && !waiting.has(p)) return undefined;
  const realmTracks = realm === undefined ? undefined : ctx.tracks.filter((t) => t.q.source === realm);
  const quietSince = realmTracks ? latestMove(realmTracks, waits, -Infinity) : latestMove([], waits, ctx.lastActivity);
  const maxGap = realmTracks ? Math.max(0, ...realmTracks.map((t) => t.maxGap)) : ctx.maxGap;
  const quiet = ctx.clock.between(quietSince, ctx.now);
  if (quiet < Math.max(ctx.th.wholeProgramQuietMs, ctx.th.idleFactor * maxGap)) return undefined;
  const tracks = [...new Set(groups.map((g) => g.track))];
  const message = `Every known queue party is waiting and nothing has happened for ${quietAtLeast(waits, quietSince)}${formatMs(quiet)}: ${describeGroups(groups).join(', ')}${stillRunning(ctx, ctx.pools)}.`;
  const partial = 'parties that never waited on a queue are unknown (a timer or I/O may still feed these queues)';
  return finding(ctx, 'deadlock', waits, tracks, groups, message, quietSince, quiet, partial, realm === undefined ? 'all' : `all|${realm}`);
}

/**
 * Tasks still running, as a clause of a deadlock message that rests on what QueueScope saw:
 * a task of another library's pool (which waits on no queue QueueScope sees), or an item
 * taken from one of our queues and not yet marked done while its consumer's call site is
 * seen waiting elsewhere (a worker per shard: one worker hung inside its task, the others
 * idle). Either is the likelier cause; the stuck-work rule names it once past its limit.
 * Only pools whose tasks are known to end (other libraries', and our queues whose consumers
 * call taskDone()) are in `pools`.
 */
function stillRunning(ctx: SessionContext, pools: readonly PoolObservation[]): string {
  const busy = pools.filter((p) => p.running > 0);
  if (busy.length === 0) return '';
  const count = (ps: readonly PoolObservation[]): number => ps.reduce((n, p) => n + p.running, 0);
  const names = (ps: readonly PoolObservation[]): string => countedQueues(ps.map((p) => `\`${p.name}\``));
  const theirs = busy.filter((p) => p.lib !== undefined);
  const ours = busy.filter((p) => p.lib === undefined);
  const phrases: string[] = [];
  if (theirs.length) phrases.push(`${tasks(count(theirs))} of ${names(theirs)}`);
  if (ours.length) phrases.push(`${phrases.length ? count(ours) : tasks(count(ours))} taken from ${names(ours)}`);
  let oldest = Infinity;
  let adopted = false; // the oldest was already running when QueueScope attached: "at least"
  for (const p of busy) {
    if (p.oldestRunningSince !== undefined && p.oldestRunningSince < oldest) [oldest, adopted] = [p.oldestRunningSince, p.oldestAdopted === true];
  }
  const age = oldest === Infinity ? '' : ` (the oldest for ${atLeast(adopted)}${formatMs(ctx.clock.between(oldest, ctx.now))})`;
  return `; yet ${phrases.join(' and ')} ${count(busy) === 1 ? 'is' : 'are'} still running${age}: one that never ends would keep them all waiting`;
}

const tasks = (n: number): string => (n === 1 ? '1 task' : `${n} tasks`);

/** "no call was seen getting from `a`", per role, with a count past QUEUES_NAMED queues. */
function unseenCallers(unknown: readonly Group[]): string {
  const out: string[] = [];
  for (const role of ['put', 'get'] as const) {
    const names = unknown.filter((g) => g.role === role).map((g) => `\`${g.track.q.name}\``);
    if (names.length === 0) continue;
    const doing = role === 'put' ? 'getting from' : 'putting into';
    out.push(`no call was seen ${doing} ${countedQueues(names)}`);
  }
  return out.join('; ');
}

/** Queues named one by one for one party and role; past it, a count and the first few. */
export const QUEUES_NAMED = 3;

/** "`a`, `b`", or past QUEUES_NAMED "299 queues: `a`, `b`, `c`, …". */
function countedQueues(labels: readonly string[]): string {
  return labels.length <= QUEUES_NAMED ? labels.join(', ') : `${labels.length} queues: ${labels.slice(0, QUEUES_NAMED).join(', ')}, …`;
}

/**
 * One phrase per party and role: "worker (app.js:7) waiting to get from `a` (empty)". A party
 * waiting the same way on many queues (a worker per tenant, 300 of them) is one phrase with
 * a count, "… waiting to get from 299 queues: `t-000` (empty), `t-001` (empty), `t-002`
 * (empty), …", not 299 (the panel's strip and the Problems view showed a wall of text).
 */
function describeGroups(groups: readonly Group[]): string[] {
  const byParty = new Map<string, { who: string; role: Group['role']; labels: string[] }>();
  for (const g of groups) {
    const who = [...new Set(g.waits.map((x) => partyLabel(x.w.site)))].join(', ');
    const key = `${g.role}\u0000${who}`;
    const entry = byParty.get(key) ?? { who, role: g.role, labels: [] };
    entry.labels.push(queueLabel(g.track));
    byParty.set(key, entry);
  }
  return [...byParty.values()].map(({ who, role, labels }) => {
    const doing = role === 'put' ? 'blocked putting into' : 'waiting to get from';
    return `${who} ${doing} ${countedQueues(labels)}`;
  });
}

function finding(
  ctx: SessionContext,
  rule: 'deadlock',
  waits: Wait[],
  tracks: QueueTrack[],
  groups: Group[],
  message: string,
  since: number,
  quiet: number,
  partial: string | undefined,
  suffix?: string,
): Finding {
  const ids = waits.map((x) => `${x.track.q.source}#${x.w.id}`).sort();
  // Queues a producer is blocked on first, and their waiters: the full one is the telling one
  // when 599 consumers wait on empty queues behind it, and a click on the finding selects its
  // first queue and opens its first waiter's line.
  const full = new Set(groups.filter((g) => g.role === 'put').map((g) => g.track));
  const ordered = [...tracks.filter((t) => full.has(t)), ...tracks.filter((t) => !full.has(t))];
  const waitsPutsFirst = [...waits.filter((x) => x.w.role === 'put'), ...waits.filter((x) => x.w.role !== 'put')];
  // A blocked put is released by a get, a waiting get by a put.
  const sites = groups.flatMap((g) => partySites(g.releasers.values(), g.role === 'put' ? 'get' : 'put', g.track.q.name));
  const f: Finding = {
    id: `deadlock:${ctx.session.id}:${suffix ?? ids.join(',')}`,
    rule,
    severity: 'warning',
    session: ctx.session.id,
    message,
    since,
    queues: ordered.map(findingQueue),
    waiters: waitsPutsFirst.map((x) => findingWaiter(x.track, x.w, ctx.clock, ctx.now)),
    sites,
    figures: { quietMs: quiet, waiters: waits.length, queues: tracks.length },
  };
  if (partial) f.partial = partial;
  return f;
}
