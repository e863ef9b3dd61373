// Exit with work left: a realm ended (process exit, worker exit, session end) with items
// still queued, waiters still pending, tasks taken and never marked done (join() would
// never resolve), or another library's pool still running tasks. Judged once, when the realm ends, from the engine's mirror of the waiters
// (the model forgets them at that moment: nobody waits in a dead realm).
//
// Work lost with its queue: the same judgement when a queue is garbage-collected. Nothing
// referenced it, nor the calls blocked on it: they can never finish, and the realm's exit
// no longer sees the queue. Two stages of a pipeline that deadlock inside one async function
// are collected together within a second, before a deadlock could be called one.

import { atLeast, findingQueue, findingWaiter, formatCount, formatMs, longestWaiter, type SessionContext } from '../context';
import type { Finding, FindingWaiter } from '../findings';
import { creationSite } from '../parties';
import { countersRates, type QueueTrack } from '../queueTrack';
import { STREAM_LIB } from '../../protocol/wire';

export function exitWorkRule(ctx: Pick<SessionContext, 'session' | 'clock'>, tracks: readonly QueueTrack[], at: number): Finding[] {
  return tracks.filter((t) => t.q.collected === undefined).flatMap((t) => workLeft(ctx, t, at, 'exit') ?? []);
}

/**
 * A collected queue's work left, at its collection: warnings only. Consumers left waiting on
 * an empty queue that nobody references lose nothing (a worker loop dropped with it), and a
 * server that makes a queue per request would pile up one hint per request. Not a stream's
 * side: a destroyed stream (a client that hung up) drops its buffer on purpose, and its last
 * reported depth is that buffer.
 */
export function collectedWorkRule(ctx: Pick<SessionContext, 'session' | 'clock'>, t: QueueTrack, at: number): Finding | undefined {
  if (t.q.lib === STREAM_LIB) return undefined;
  const f = workLeft(ctx, t, at, 'collected');
  return f?.severity === 'warning' ? f : undefined;
}

/**
 * What a terminated worker never wrote (its last flush interval; longer while it blocked in
 * Atomics.wait, as piscina's idle threads do) could have cleared this queue's leftover:
 * no wait or running task older than UNSEEN_MS before the realm was last seen, and no more
 * items or unfinished tasks than the queue's recent take rate (or its lifetime's, when it is
 * younger than the window) clears in that time. A worker
 * killed with 432 items of a 50-a-second queue, or with a producer blocked for 2.8 s, lost
 * them whatever it did last (a review of the first version, which made all of it an info).
 */
const UNSEEN_MS = 1000;

function clearableUnseen(t: QueueTrack, lastSeen: number): boolean {
  const since = lastSeen - UNSEEN_MS;
  if (t.waiters.some((w) => w.since < since)) return false;
  if (t.q.runningSince !== undefined && t.q.runningSince < since) return false;
  const a = t.growth.first;
  const b = t.growth.last;
  // The window's rate; for a queue younger than one tick or two (a short worker), its
  // lifetime's.
  const windowed = a && b && b.t > a.t ? countersRates(a, b)?.gets : undefined;
  const life = lastSeen - t.q.created;
  const perS = windowed ?? (life > 0 ? (t.q.counters.gets * 1000) / life : 0);
  const clearable = Math.max(1, perS * (UNSEEN_MS / 1000));
  return t.q.size <= clearable && Math.max(0, t.q.unfinished - t.q.size) <= clearable;
}

function workLeft(ctx: Pick<SessionContext, 'session' | 'clock'>, t: QueueTrack, at: number, when: 'exit' | 'collected'): Finding | undefined {
  const q = t.q;
  const left: string[] = [];
  const figures: Record<string, number> = {};
  // How the queue's realm ended, when it is its exit that is judged.
  const realm = when === 'exit' ? ctx.session.sources.get(q.source) : undefined;
  const end = realm?.end;
  // A worker thread that ended without a word: `worker.terminate()` (piscina's destroy()) and
  // the process exiting run no exit hook in it, so its last ~100 ms were never written. What
  // is left is as last seen, not as it ended: a worker that drained its queue, said so and was
  // terminated read "9 items were never processed" and failed `check`.
  const unsaid = realm !== undefined && realm.info.threadId !== 0 && end === undefined && clearableUnseen(t, realm.lastSeen);
  // BullMQ's jobs live in Redis: those waiting are there for the next run, and the active
  // ones are retried once BullMQ counts them as stalled. "330 items were never processed"
  // was wrong at a mailer's exit (and said twice: its Queue and its Worker).
  const inRedis = q.jobs !== undefined;
  const queued = q.size > 0 && q.shutdown !== 'immediate' && !inRedis;
  if (queued) {
    // A byte-mode stream's depth is bytes (docs/ADAPTERS.md): 10,017 buffered bytes are not 10,017 items.
    if (q.units === 'bytes') {
      left.push(`${formatCount(q.size)} byte${q.size === 1 ? ' was' : 's were'} never processed`);
      figures.bytes = q.size;
    } else {
      left.push(`${formatCount(q.size)} item${q.size === 1 ? ' was' : 's were'} never processed`);
      figures.items = q.size;
    }
  }
  const notDone = t.taskDoneUsed ? q.unfinished - q.size : 0;
  if (notDone > 0) {
    left.push(`${notDone} task${notDone === 1 ? ' was' : 's were'} taken but never marked done, so join() could not resolve`);
    figures.notDone = notDone;
  }
  // Another library's pool (fastq, async, p-queue, piscina): its running tasks' work is lost too.
  const running = q.counters.running ?? 0;
  if (running > 0) {
    const oldest = q.runningSince !== undefined ? ` (the oldest for ${atLeast(q.counters.runningAdopted)}${formatMs(ctx.clock.between(q.runningSince, at))})` : '';
    // Node's exit code 13 (unsettledAwait, not a program's exit(13)): the event loop ran out
    // while the main module's top-level await waited, so nothing was left to settle these
    // tasks' promises (a link checker's one hung request).
    const ranOut = end?.unsettledAwait === true;
    left.push(
      inRedis
        ? `${running} job${running === 1 ? ' was' : 's were'} still active${oldest}; ${running === 1 ? 'it stays' : 'they stay'} in Redis and BullMQ retries ${running === 1 ? 'it' : 'them'} once counted as stalled`
        : `${running} task${running === 1 ? ' was' : 's were'} still running${oldest}${ranOut ? `, ${running === 1 ? 'its promise' : 'their promises'} never to settle: the event loop ran out with the program's top-level await still waiting (exit code 13)` : ''}`,
    );
    figures.running = running;
  }
  const waiters: FindingWaiter[] = t.waiters.map((w) => findingWaiter(t, w, ctx.clock, at));
  // The hub counts every blocked call; busy programs report only some one by one (sampled).
  const known = waiters.filter((w) => w.role === 'put').length;
  const puts = Math.max(known, t.liveWaits?.blocked ?? 0);
  const gets = Math.max(waiters.length - known, t.liveWaits?.waiting ?? 0);
  if (puts) left.push(`${puts} producer${puts === 1 ? ' was' : 's were'} still blocked`);
  if (gets) left.push(`${gets} consumer${gets === 1 ? ' was' : 's were'} still waiting${q.size === 0 ? ' (never released: shut the queue down to end them)' : ''}`);
  if (left.length === 0) return undefined;
  figures.waiters = puts + gets;
  const first = longestWaiter(waiters);
  const longest = first?.waitedMs ?? 0;
  // Consumers left waiting on an empty queue lose no work (a loop never told to stop): a hint.
  const onlyIdleConsumers = puts === 0 && !queued && !figures.notDone && !figures.running;
  const wait = longest ? ` (longest wait ${atLeast(first?.adopted)}${formatMs(longest)})` : '';
  // Stopped from the debugger (Stop, Restart): what it held is worth knowing, not a bug of the
  // program's. A warning after every Stop of a busy server taught users to skip Problems.
  const stopped = end?.requested === true;
  // Nothing of a BullMQ queue is lost at exit: an info (its active jobs run again later).
  const severity = onlyIdleConsumers ? 'hint' : (inRedis && puts === 0 && !figures.notDone) || stopped || unsaid ? 'info' : 'warning';
  const asSeen = unsaid ? ' As last seen: the thread stopped without a word (worker.terminate() or the process exiting), so its last moments were not recorded.' : '';
  return {
    id: `${when === 'exit' ? 'exit-work-left' : 'collected-work-left'}:${t.key}`,
    rule: when === 'exit' ? 'exit-work-left' : 'collected-work-left',
    severity,
    session: ctx.session.id,
    message:
      when === 'exit'
        ? `${stopped ? 'When the debugger stopped it' : 'At exit'}, in \`${q.name}\`: ${left.join('; ')}${wait}.${asSeen}`
        : `\`${q.name}\` was garbage-collected with work in it: ${left.join('; ')}${wait}. Nothing referenced the queue any more${waiters.length ? ', so those calls can never finish' : ''}.`,
    since: at,
    queues: [findingQueue(t)],
    waiters,
    sites: creationSite(q.name, q.site),
    figures,
  };
}
