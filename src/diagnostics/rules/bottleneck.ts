// Bottleneck stage: in a chain input -> stage -> output, the stage whose input queue is full
// (at maxsize or a producer blocked) and whose output queue is starved (empty with a consumer
// waiting) for at least bottleneckShare of the last bottleneckWindowMs. The stage is known
// from call sites: parties seen getting from the input. The link to the output is proven when
// such a party was also seen putting into it; when nobody was seen putting into the output
// (a stage that never blocks on its output, the usual case) the link is inferred and the
// finding says so, unless the stage was seen putting into a third queue (its output, then).
// An info, not a warning: a slow stage is a fact about speed, not a bug.
// Second case: another library's worker pool (fastq, async, p-queue, piscina) that ran every
// worker with tasks waiting for bottleneckShare of the window while it kept starting tasks:
// its own tasks are the slow stage, whatever feeds it (a stream held back by the pool's
// backlog shows full upstream, with no queue of ours starved downstream to pair it with).

import { atLeast, findingQueue, formatCount, formatMs, queueLabel, waitersIn, type SessionContext } from '../context';
import type { Finding, FindingQueue } from '../findings';
import { creationSite, partyLabel, partySites, shareParty } from '../parties';
import { countersRates, type QueueTrack, type TickSample } from '../queueTrack';
import { stuckLimit } from './stuck';
import { STREAM_LIB } from '../../protocol/wire';

/** Share of the window's samples that were full / starved (0 until the window is covered). */
function share(ctx: SessionContext, t: QueueTrack, pick: 'full' | 'starved'): number {
  const win = t.bottleneck;
  if (!win.covered(ctx.clock.active(ctx.now))) return 0;
  return (pick === 'full' ? win.fullCount : win.starvedCount) / win.size;
}

/**
 * `stuck`: this tick's stuck findings. A stuck pool is not a slow stage: "speed its tasks up
 * or raise its concurrency" beside "a worker never called back" was wrong advice (a mailer
 * whose 3 BullMQ workers all hung: its window still held the starts from before the stall).
 * A saturated pool beside one may be waiting on it (stuckBeside).
 */
export function bottleneckRule(ctx: SessionContext, stuck: readonly Finding[] = []): Finding[] {
  const stuckQueues = stuck.filter((f) => f.severity === 'warning').flatMap((f) => f.queues);
  const isStuck = new Set(stuckQueues.map((q) => q.key));
  return [...chainBottlenecks(ctx), ...saturatedPools(ctx, stuckQueues), ...pipelineBottlenecks(ctx)].filter((f) => !f.queues.some((q) => isStuck.has(q.key)));
}

/** A stream side the stream adapter named in a pipeline() call: "pipeline 2 › #3 Gzip writable". */
const PIPELINE_SIDE = /^(pipeline \d+) › #(\d+) (.+) (writable|readable)$/;

interface PipelineSide {
  t: QueueTrack;
  /** "pipeline 2" */
  pipeline: string;
  stage: number;
  stageName: string;
  side: 'writable' | 'readable';
}

/**
 * Third case, since 2026-12-04: a pipeline() of streams, whose stages are known by their
 * place in the call, not by call sites (streams wait inside Node, with no line of the
 * program's). Back-pressure fills every side up to the slowest stage: the furthest side
 * downstream that was full for bottleneckShare of the window, with the side after it (if
 * any) not full, is the input of the slow stage. A writable side is the input of its own
 * stage (its write or transform); a readable side is read by a function stage (an async
 * generator) after it, since a pipe() into a stream whose writable side is not full keeps
 * reading. The side before the input, if any, must be full too. An ETL whose warehouse writer took 2 ms a row showed every side full and no
 * finding at all.
 */
/** Share of the window's samples in which the side held nothing. */
function emptyShare(t: QueueTrack): number {
  const samples = t.bottleneck.samples();
  return samples.length === 0 ? 1 : samples.filter((x) => x.size === 0).length / samples.length;
}

/** At most this share of empty samples: the input was never really empty. */
const NEVER_EMPTY = 0.05;

function pipelineBottlenecks(ctx: SessionContext): Finding[] {
  const groups = new Map<string, PipelineSide[]>();
  for (const t of ctx.tracks) {
    if (t.q.lib !== STREAM_LIB) continue;
    const m = PIPELINE_SIDE.exec(t.q.name);
    if (m === null) continue;
    const key = `${t.q.source}\u0000${m[1]}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push({ t, pipeline: m[1], stage: Number(m[2]), stageName: m[3], side: m[4] as 'writable' | 'readable' });
  }
  const out: Finding[] = [];
  const W = ctx.th.bottleneckWindowMs;
  for (const sides of groups.values()) {
    // Upstream first: by stage, a stage's writable side (its input) before its readable side.
    sides.sort((a, b) => a.stage - b.stage || (a.side === b.side ? 0 : a.side === 'writable' ? -1 : 1));
    // A side shut down is over (an ended stream): the pipeline is judged while it runs.
    if (sides.some((s) => s.t.q.shutdown)) continue;
    let k = -1;
    let full = 0;
    for (let i = sides.length - 1; i >= 0 && k < 0; i--) {
      full = share(ctx, sides[i].t, 'full');
      if (full >= ctx.th.bottleneckShare) k = i;
    }
    // Back-pressure fills every side up to the slow stage: with a side before it, that one must
    // be full too. A byte-mode side is "full" while one chunk of its high-water mark or more is
    // being written, so a sink busy with each chunk of a slow source read as the bottleneck
    // (a review's s2.js: one 64 KiB chunk every 20 ms, 15 ms to write each).
    // Or the input itself was never empty: a byte-mode source holds one chunk per read(), so
    // the side before a sink that really is slower (30 ms a chunk for one every 20 ms) shows
    // full only now and then (the review of the line above).
    if (k < 0 || (k > 0 && share(ctx, sides[k - 1].t, 'full') < ctx.th.bottleneckShare && emptyShare(sides[k].t) > NEVER_EMPTY)) continue;
    const input = sides[k];
    const next = sides[k + 1];
    const pipeline = input.pipeline;
    // A readable input whose next side is the next stage's own input: pipe() joins them, and
    // that stage is the slow one (its writable side, sampled between two writes, read not full);
    // else a function stage sits between them.
    const piped = input.side === 'readable' && next !== undefined && next.side === 'writable' && next.stage === input.stage + 1;
    const stage =
      input.side === 'writable'
        ? `stage #${input.stage} (\`${input.stageName}\`) of ${pipeline}`
        : piped
          ? `stage #${next.stage} (\`${next.stageName}\`) of ${pipeline}`
          : `the function stage after #${input.stage} (\`${input.stageName}\`) of ${pipeline}`;
    const what = input.side === 'writable' || piped ? 'its write or transform' : 'that function';
    // Names without their depth now: the share is the evidence, and a message read as the
    // pipeline ends said "`… writable` (empty) was full for 94%".
    const after = next === undefined ? 'it is the last' : `\`${next.t.q.name}\` after it was not`;
    out.push({
      id: `bottleneck:pipeline:${input.t.key}`,
      rule: 'bottleneck',
      severity: 'info',
      session: ctx.session.id,
      message: `Bottleneck: ${stage} is the slowest stage: its input \`${input.t.q.name}\` was full for ${Math.round(full * 100)}% of the last ${formatMs(W)} and ${after}, so every stage before it waits on it: speed up ${what}.`,
      since: ctx.now - W,
      queues: [findingQueue(input.t), ...(next === undefined ? [] : [findingQueue(next.t)])],
      waiters: [],
      // The pipeline() call: where the stages are listed.
      sites: creationSite(input.t.q.name, input.t.q.site),
      figures: { inputFullShare: full, windowMs: W, stage: input.stage },
    });
  }
  return out;
}

/**
 * Stuck pools of the same process as `t`, other than `t`: a saturated pool's tasks may be
 * waiting on one (an image service's p-queue downloads each awaited a push into a fastq
 * decoder whose worker hung, and the Bottleneck said only "raise its concurrency").
 */
function stuckBeside(ctx: SessionContext, t: QueueTrack, stuckQueues: readonly FindingQueue[]): string[] {
  const names: string[] = [];
  for (const q of stuckQueues) if (q.key !== t.key && ctx.track(q.key)?.q.source === t.q.source && !names.includes(q.name)) names.push(q.name);
  return names.slice(0, 3);
}

function saturatedPools(ctx: SessionContext, stuckQueues: readonly FindingQueue[]): Finding[] {
  const out: Finding[] = [];
  const W = ctx.th.bottleneckWindowMs;
  for (const t of ctx.tracks) {
    const c = t.q.concurrency;
    const win = t.bottleneck;
    if (c === undefined || t.q.counters.running === undefined || !win.covered(ctx.clock.active(ctx.now))) continue;
    const saturated = win.saturatedCount / win.size;
    const first = win.first;
    const last = win.last;
    if (saturated < ctx.th.bottleneckShare || first === undefined || last === undefined) continue;
    // A pool that took nothing in the window is stuck (the stuck rule's), not slow. Gets
    // count items (a cargo's batch is one get per item), its p99 worker calls.
    const rates = countersRates(first, last);
    if (!rates || rates.gets <= 0) continue;
    const p99 = t.q.counters.taskP99Ms;
    const rate = rates.gets;
    // piscina: the adapter's durations run from run() to settling, queue wait included (18 s at
    // p99 for tasks that ran 120 ms in a backlogged pool); piscina's own run time says how long
    // a task took in its thread.
    const runP99 = t.q.stats?.run_p99;
    const waitP99 = t.q.stats?.wait_p99;
    const tasks =
      runP99 !== undefined && runP99 > 0
        ? `, its tasks run ${formatMs(runP99)} at p99 (piscina's run time)${waitP99 !== undefined && waitP99 > 0 ? ` and wait ${formatMs(waitP99)} at p99 for a thread` : ''}`
        : p99 !== undefined && p99 > 0
          ? `, its tasks take ${formatMs(p99)} at p99`
          : '';
    const beside = stuckBeside(ctx, t, stuckQueues);
    const held = t.q.stats?.run_total !== undefined ? heldThreads(ctx, t, c, first, last) : heldWorker(ctx, t, c);
    const advice =
      held !== undefined
        ? `; ${held.text}: look at that task first, then speed the others up or raise its concurrency (${c})`
        : beside.length === 0
          ? `: its tasks are the slowest stage; speed them up or raise its concurrency (${c})`
          : `: its tasks are the slowest stage, unless they wait on ${beside.map((n) => `\`${n}\``).join(', ')}, stuck now: look there first; else speed them up or raise its concurrency (${c})`;
    out.push({
      id: `bottleneck:pool:${t.key}`,
      rule: 'bottleneck',
      severity: 'info',
      session: ctx.session.id,
      message: `Bottleneck: \`${t.q.name}\` ran all ${c} of its workers with tasks waiting (${formatCount(t.q.size)} now) for ${Math.round(saturated * 100)}% of the last ${formatMs(W)}, taking ${rate < 10 ? rate.toFixed(1) : formatCount(Math.round(rate))} items a second${tasks}${advice}.`,
      since: ctx.now - W,
      queues: [findingQueue(t)],
      waiters: [],
      // Another library's pool: its creation line is the evidence (its tasks' own lines are not known).
      sites: creationSite(t.q.name, t.q.site),
      figures: { saturatedShare: saturated, windowMs: W, concurrency: c, itemsPerSecond: rate, ...(held !== undefined ? { heldMs: held.ageMs } : {}) },
    });
  }
  return out;
}

/**
 * A saturated pool whose oldest running task is already past the stuck rule's limit for it
 * (stuckLimit: stuckFactor x the p99 of its completed tasks, never below stuckFloorMs), but
 * not yet the outlier the stuck rule reports in a busy pool: that task holds one worker, and
 * the rest run the pool at less than its concurrency. Said so, before "raise its concurrency":
 * a BullMQ mailer of 2 workers with one job that never returned read "its tasks take 251 ms at
 * p99: speed them up" for the 25 s before the stuck rule spoke.
 */
function heldWorker(ctx: SessionContext, t: QueueTrack, c: number): { text: string; ageMs: number } | undefined {
  const since = t.q.runningSince;
  const p99 = t.q.counters.taskP99Ms;
  const done = t.q.counters.done ?? 0;
  if (since === undefined || p99 === undefined || p99 <= 0 || done < ctx.th.stuckMinCompleted) return undefined;
  const age = ctx.clock.between(since, ctx.now);
  if (age < stuckLimit(ctx.th, done, p99)) return undefined;
  const rest = c <= 1 ? 'the rest wait for it' : `the rest go to at most ${formatCount(c - 1)} of its ${formatCount(c)} workers`;
  const lower = atLeast(t.q.counters.runningAdopted); // already running when QueueScope attached
  return { text: `the oldest of its running tasks has held a worker for ${lower}${formatMs(age)}, ${lower}${formatCount(Math.round(age / p99))} times that p99, so ${rest}`, ageMs: age };
}

/**
 * A pool that reports its tasks' cumulative time in their threads (piscina's `run_total`,
 * its run-time mean x tasks completed), whose tasks' starts in a thread the adapter cannot
 * see. Over the window, that time's growth per ms is how many threads were at work (Little's
 * law); at least 0.75 of a thread short of the concurrency while every slot stayed taken,
 * the missing ones are held by longer tasks. A thumbnail service whose decoder never
 * returned held one of 2 threads for 30 s, and the finding said "its tasks take 18 s at p99:
 * raise its concurrency". Measured over the window, not from the lifetime mean, which lagged
 * a pool whose tasks got slower (20 ms, then 100 ms) for a minute, the review found. Work is
 * counted as tasks finish, so tasks long against the window (c x p99 over half of it) say
 * nothing; and the oldest task, aged from run(), must be past the stuck floor beyond the
 * queue's p99 wait.
 */
function heldThreads(ctx: SessionContext, t: QueueTrack, c: number, first: TickSample, last: TickSample): { text: string; ageMs: number } | undefined {
  const stats = t.q.stats;
  const since = t.q.runningSince;
  const mean = stats?.run_mean;
  if (stats === undefined || since === undefined || mean === undefined || !(mean > 0)) return undefined;
  const span = last.countersT - first.countersT;
  if (!(span > 0) || !Number.isFinite(first.work) || !Number.isFinite(last.work)) return undefined;
  if ((c * (stats.run_p99 ?? mean)) / span > 0.5) return undefined;
  const busy = Math.max(0, (last.work - first.work) / span);
  const age = ctx.clock.between(since, ctx.now);
  if (c - busy < 0.75 || age - (stats.wait_p99 ?? 0) < ctx.th.stuckFloorMs) return undefined;
  const unit = stats.threads === undefined || stats.threads === c ? 'thread' : 'slot';
  const missing = Math.max(1, Math.round(c - busy));
  const held = missing === 1 ? `so one is held by a longer task` : `so about ${formatCount(missing)} are held by longer tasks`;
  return {
    text: `at ${formatMs(mean)} a task, the tasks it finished are the work of ${busy.toFixed(1)} of its ${formatCount(c)} ${unit}${c === 1 ? '' : 's'}, ${held} (the oldest was submitted ${atLeast(t.q.counters.runningAdopted)}${formatMs(age)} ago)`,
    ageMs: age,
  };
}

/** The input's note: its blocked producers when it is not at maxsize (a stream's writer held until 'drain'). */
function blockedNotes(t: QueueTrack): string[] {
  if (t.q.maxsize > 0 && t.q.size >= t.q.maxsize) return []; // queueLabel says "full"
  const n = waitersIn(t, 'put');
  return n > 0 ? [`${n} producer${n === 1 ? '' : 's'} blocked`] : [];
}

/** The output's note: "1 consumer waiting", "3 consumers waiting". */
function consumersNote(t: QueueTrack): string {
  const n = waitersIn(t, 'get');
  return n > 0 ? `${n} consumer${n === 1 ? '' : 's'} waiting` : 'nobody waiting now';
}

/**
 * The stage was seen putting into a queue other than these two: that queue is its output, so
 * a link to some starved queue that nobody was seen feeding is not to be inferred. An ingest
 * job's uploader, blocked on a p-queue's onSizeLessThan() behind a task that never returned,
 * was named the slow stage "between `parsed lines` and `pipeline 1 › #2 Transform readable`":
 * a stream starved by the same back-pressure, which the uploader never fed.
 */
function putsElsewhere(ctx: SessionContext, stage: ReadonlyMap<string, unknown>, input: QueueTrack, output: QueueTrack): boolean {
  for (const party of stage.keys()) {
    for (const at of ctx.book.placesOf(party)) if (at.role === 'put' && at.queue !== input.key && at.queue !== output.key) return true;
  }
  return false;
}

function chainBottlenecks(ctx: SessionContext): Finding[] {
  const out: Finding[] = [];
  // A queue shut down is over: no stage is slow into or out of it any more. (Its window still
  // held the time it was full, and the finding went on naming "`raw` (empty)" after an
  // immediate shutdown emptied it, in the recording's last message.)
  const full = ctx.tracks.filter((t) => !t.q.shutdown && share(ctx, t, 'full') >= ctx.th.bottleneckShare);
  if (full.length === 0) return out;
  const starved = ctx.tracks.filter((t) => !t.q.shutdown && share(ctx, t, 'starved') >= ctx.th.bottleneckShare);
  for (const input of full) {
    const stage = ctx.book.parties(input.key, 'get');
    if (stage.size === 0) continue; // nobody known to take from it: no stage to name
    for (const output of starved) {
      if (output === input || output.q.source !== input.q.source) continue;
      const feeders = ctx.book.parties(output.key, 'put');
      const proven = shareParty(stage, feeders);
      const inferred = !proven && feeders.size === 0 && !shareParty(stage, ctx.book.parties(output.key, 'get')) && !putsElsewhere(ctx, stage, input, output);
      if (!proven && !inferred) continue;
      const names = [...new Set([...stage.values()].map(partyLabel))].join(', ');
      const W = ctx.th.bottleneckWindowMs;
      out.push({
        id: `bottleneck:${input.key}>${output.key}`,
        rule: 'bottleneck',
        severity: 'info',
        session: ctx.session.id,
        message: `Bottleneck: ${names} between ${queueLabel(input, ...blockedNotes(input))} and ${queueLabel(output, consumersNote(output))} for most of the last ${formatMs(W)}: speed up this stage or run more of it.`,
        since: ctx.now - W,
        queues: [findingQueue(input), findingQueue(output)],
        waiters: [],
        sites: partySites(stage.values(), 'get', input.q.name),
        figures: { inputFullShare: share(ctx, input, 'full'), outputStarvedShare: share(ctx, output, 'starved'), windowMs: W },
        ...(inferred ? { partial: `the stage was never seen putting into \`${output.q.name}\`; the link is inferred` } : {}),
      });
    }
  }
  return out;
}
