// (Over ~400 lines: one class holding the watch's state machine and its read loop; the parts that
// can stand alone live in counts, streams, keys, workers, slots and cluster.ts.)
//
// RedisWatch: follows the BullMQ queues under one prefix of one Redis, and speaks the
// project's wire protocol (src/protocol/wire.ts) to a sink, as one source of a session of
// origin 'redis'. Read-only. Redis load is bounded and constant per queue: one pipelined
// counts read of every queue per tick (ticks >= 1 s apart, never two in flight), one XREAD
// for every event stream per tick, CLIENT LIST every `workersEveryMs`, and discovery: queues
// with a connected BullMQ client at once (CLIENT LIST), the rest by a paced SCAN walk
// (docs/REDIS.md has the figures).
//
// States are explicit values: connecting -> live <-> down -> stopped; connecting -> failed;
// connecting -> stopped (a Cancel before the first picture: start() then rejects, and the
// sink is ended if it was given the source). The first connection gets one attempt, so a
// wrong password or an unreachable host gives one clear error. Once live, a lost connection
// is retried with capped exponential backoff and jitter; nothing is read while down, so the
// timelines get a gap event, never zeros. A queue whose keys the server refuses to read
// (another application's key under the prefix) fails alone.

import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { clientLists, clusterOptions, isClusterInfo, masterNodes, type RedisClient } from './cluster';
import { PROTOCOL_VERSION, type SourceInfo, type WireEvent, type WorkerInfoWire } from '../protocol/wire';
import { readCounts, readReadySince, COMMANDS_PER_QUEUE, type QueueReadError } from './counts';
import { NodesScanner, queueKey, queuesFromClientList } from './keys';
import { describeRedisError, isNoPerm, isReplyError, isWrongType, redact, redisFailureOf, type RedisFailure } from './redact';
import { latestIds, mergeStreamReads, readStreams } from './streams';
import type { StreamJobs } from '../protocol/bullmqLayout';
import { hashedPart, perSlot, queueSlot, slotGroups } from './slots';
import type { RedisTarget } from './target';
import { WireBuilder } from './wireBuilder';
import { workersByQueue, sameWorkers } from './workers';

export type WatchState = 'connecting' | 'live' | 'down' | 'stopped' | 'failed';

/** Where the watch's wire messages go (modelSink.ts feeds a QueueModel). */
export interface RedisWatchSink {
  source(info: SourceInfo): void;
  events(events: WireEvent[]): void;
  end(t: number, reason: string): void;
}

export interface RedisWatchLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface RedisWatchOptions {
  target: RedisTarget;
  /** BullMQ key prefix (default 'bull'). */
  prefix?: string;
  /** Counts/events read interval, ms (default and minimum 1000). */
  intervalMs?: number;
  workersEveryMs?: number;
  /** Pause between two full SCAN walks, ms (default 60000); new queues with a connected client show up sooner, through CLIENT LIST. */
  discoverEveryMs?: number;
  /** SCAN step size and pause between steps (defaults 1000 keys, 20 ms): bounds the server time discovery takes per second. */
  scan?: { count: number; everyMs: number };
  /** How long start() may walk the keyspace before the first picture, ms (default 1000); the rest of the walk goes on in the background. */
  firstPictureScanMs?: number;
  /** Reconnect backoff: first delay and cap, ms (defaults 250 and 10000). */
  backoff?: { initialMs: number; maxMs: number };
  connectTimeoutMs?: number;
  sink: RedisWatchSink;
  log?: RedisWatchLog;
  /** Build the client (tests count connections through it). */
  createClient?: (options: RedisOptions) => Redis;
  /** Build the cluster client, when the server is a Redis Cluster node. */
  createCluster?: (startupNodes: Array<{ host: string; port: number }>, options: ClusterOptions) => Cluster;
}

/**
 * Why start() failed, in one sentence without credentials. `kind` says what to do about it,
 * decided on the driver's error before any text was scrubbed: 'auth' (ask for a password),
 * 'stopped' (stop() was called before the first picture: a user's Cancel, nothing to report)
 * or 'other'.
 */
export class RedisWatchError extends Error {
  constructor(
    message: string,
    readonly kind: RedisFailure | 'stopped' = 'other',
  ) {
    super(message);
  }
}

export const MIN_INTERVAL_MS = 1000;

export interface WatchStats {
  ticks: number;
  /** Redis commands sent by the watch (pipelined ones counted one by one). */
  commands: number;
  /** Reconnect attempts after the first connection. */
  reconnectAttempts: number;
  scan: { calls: number; keys: number; walks: number; checks: number };
}

export class RedisWatch {
  private stateValue: WatchState = 'connecting';
  private client: RedisClient | undefined;
  /** The hash slot of a queue's keys on a cluster; undefined on a standalone server. */
  private slotOf: ((queue: string) => number) | undefined;
  private readonly prefix: string;
  private readonly intervalMs: number;
  private readonly origin = Date.now();
  private readonly perfStart = performance.now();
  private readonly wire = new WireBuilder();
  private readonly lastIds = new Map<string, string>();
  /** Per queue: the jobs its stream showed running, to tell a retried attempt (bullmqLayout.ts). */
  private readonly streamJobs = new Map<string, StreamJobs>();
  private readonly oldest = new Map<string, { id: string; readySince: number | null }>();
  private readonly workers = new Map<string, WorkerInfoWire[]>();
  private tickTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastWorkersRead = -Infinity;
  private scanner: NodesScanner;
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private lastGood = 0;
  private downSince: number | undefined;
  private lastError: unknown;
  /** The sink was given the source: it must be ended, whatever ends the watch. */
  private sourceSent = false;
  /** The server answered CLIENT LIST with an error (NOPERM for a user without `client|list`): not asked again. */
  private clientListRefused = false;
  /** Queues not read because their keys are not BullMQ's (WRONGTYPE) or not readable (NOPERM); not added again. */
  private readonly skipped = new Set<string>();
  /** Queues whose last read got another error reply, with it (warned once until a read succeeds). */
  private readonly failing = new Map<string, string>();
  private readonly log: RedisWatchLog;
  private readonly counters = { ticks: 0, commands: 0, reconnectAttempts: 0 };

  constructor(private readonly opts: RedisWatchOptions) {
    this.prefix = opts.prefix ?? 'bull';
    this.intervalMs = Math.max(MIN_INTERVAL_MS, opts.intervalMs ?? MIN_INTERVAL_MS);
    this.scanner = new NodesScanner(this.prefix, opts.scan?.count ?? 1000);
    // Lines are built from the display form of the target, fixed wording, queue names and
    // driver text; only the driver text is scrubbed (describeRedisError, scrub): scrubbing
    // whole lines turned a password "1" into "lost redis://***27.0.0.***" (review of 2026-12-04).
    this.log = opts.log ?? { info: () => undefined, warn: () => undefined };
  }

  /** Text the driver or the server wrote, ready for a log line. */
  private scrub(text: string): string {
    return redact(text, this.opts.target.secrets);
  }

  get stats(): WatchStats {
    return { ...this.counters, scan: { ...this.scanner.stats } };
  }

  get state(): WatchState {
    return this.stateValue;
  }

  /** Queue names being followed. */
  get queues(): string[] {
    return [...this.lastIds.keys()];
  }

  /** Hub time: ms since this watch's origin. */
  private now(): number {
    return performance.now() - this.perfStart;
  }

  /**
   * Connect, discover and read once; resolves when the first picture was handed to the sink.
   * Rejects with one RedisWatchError (no credentials in it) when Redis cannot be read.
   */
  async start(): Promise<void> {
    const { target } = this.opts;
    const backoff = this.opts.backoff ?? { initialMs: 250, maxMs: 10_000 };
    const options: RedisOptions = {
      ...target.options,
      lazyConnect: true,
      connectionName: 'queuescope:watch',
      // No CLIENT SETINFO (Redis 7.2+): one command less the watch's ACL must allow (docs/REDIS.md).
      disableClientInfo: true,
      connectTimeout: this.opts.connectTimeoutMs ?? 5000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      reconnectOnError: null,
      retryStrategy: (times: number): number | null => {
        if (this.stateValue !== 'live' && this.stateValue !== 'down') return null; // first attempt only, or stopped
        this.counters.reconnectAttempts++;
        const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(times - 1, 16));
        return Math.round(delay * (0.5 + Math.random() * 0.5));
      },
    };
    let client: RedisClient = (this.opts.createClient ?? ((o) => new Redis(o)))(options);
    this.listen(client);
    // stop() may come during any await below (the progress notification's Cancel): each
    // step checks, so a cancelled start never goes live (cancel2.ts of the 2026-12-04 review:
    // start() set 'live' after a Cancel, the session and the scan timer ran on forever).
    const stillStarting = (): void => {
      if (this.stateValue === 'stopped') throw new RedisWatchError('stopped', 'stopped');
    };
    try {
      await client.connect();
      stillStarting();
      if (await this.isCluster(client)) {
        stillStarting();
        client = await this.connectCluster(client, options);
      }
      stillStarting();
      const lists = await this.clientLists(client);
      stillStarting();
      if (lists) await this.addQueues(client, queuesFromClientList(lists.join('\n'), this.prefix));
      stillStarting();
      // Queues with live workers are the ones to see first: when CLIENT LIST named some, one
      // SCAN step goes before the first picture and the walk goes on in the background.
      await this.scanFor(client, this.lastIds.size ? 0 : this.opts.firstPictureScanMs ?? 1000);
      stillStarting();
      this.sourceSent = true;
      this.opts.sink.source(this.sourceInfo());
      stillStarting();
      await this.tick();
      stillStarting();
    } catch (err) {
      this.client?.disconnect();
      // Stopped: stop() ends the sink. Whatever failed after it (the closed connection) is
      // not the user's problem: no "Connection is closed" after a Cancel.
      if (this.stateValue === 'stopped') throw new RedisWatchError(`stopped before the first read of ${target.display}`, 'stopped');
      const cause = this.lastError ?? err;
      const message = err instanceof RedisWatchError ? err.message : describeRedisError(cause, target);
      this.stateValue = 'failed';
      if (this.sourceSent) this.opts.sink.end(this.now(), 'failed');
      throw new RedisWatchError(message, err instanceof RedisWatchError ? err.kind : redisFailureOf(cause));
    }
    this.stateValue = 'live';
    this.log.info(`watching ${this.lastIds.size} BullMQ queue(s) under '${this.prefix}' on ${target.display}`);
    this.schedule();
    this.scheduleScan(false);
  }

  private listen(client: RedisClient): void {
    this.client = client;
    client.on('error', (err: unknown) => {
      this.lastError = err;
    });
    client.on('close', () => this.onClose());
    client.on('ready', () => this.onReady());
  }

  /**
   * A user refused INFO (NOPERM: `+@read` does not include it) is taken to be on a standalone
   * server: refusing it stopped the watch at START (review of 2026-12-04).
   */
  private async isCluster(client: Redis): Promise<boolean> {
    this.counters.commands++;
    try {
      return isClusterInfo(String(await client.info('cluster')));
    } catch (err) {
      if (isReplyError(err)) return false;
      throw err;
    }
  }

  /**
   * CLIENT LIST of every node, or undefined when the server answers with an error: a user
   * without `client|list` (NOPERM) or a hosted Redis that disables the command. The watch
   * then shows no workers and finds queues by SCAN alone, and says so once (it refused to
   * start at all: review of 2026-12-04). A lost connection throws.
   */
  private async clientLists(client: RedisClient): Promise<string[] | undefined> {
    if (this.clientListRefused) return undefined;
    try {
      const lists = await clientLists(client);
      this.counters.commands += lists.length;
      return lists;
    } catch (err) {
      if (!isReplyError(err)) throw err;
      this.counters.commands++;
      this.clientListRefused = true;
      this.log.warn(`no workers shown: ${this.opts.target.display} refuses CLIENT LIST (${this.scrub(err.message)}); queues are found by SCAN only`);
      return undefined;
    }
  }

  /**
   * A cluster node answers only for its own slots: the watch goes on through a Cluster
   * client (cluster.ts), and routes its per-queue reads by slot (slots.ts).
   */
  private async connectCluster(probe: Redis, options: RedisOptions): Promise<Cluster> {
    probe.removeAllListeners('close');
    probe.removeAllListeners('ready');
    probe.disconnect();
    let built: ReturnType<typeof clusterOptions>;
    try {
      built = clusterOptions(options);
    } catch (err) {
      throw new RedisWatchError(`cannot read ${this.opts.target.display} as a Redis Cluster: ${(err as Error).message}`);
    }
    const cluster = (this.opts.createCluster ?? ((seeds, o) => new Cluster(seeds, o)))(built.seeds, built.options);
    this.listen(cluster);
    this.slotOf = (q) => queueSlot(this.prefix, q);
    await cluster.connect();
    return cluster;
  }

  /** Stop reading, close the connection and end the session. Idempotent. */
  async stop(reason = 'stopped'): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'failed') return;
    const wasStarted = this.sourceSent; // also during start(), once the sink has the source
    this.stateValue = 'stopped';
    clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    clearTimeout(this.scanTimer);
    this.scanTimer = undefined;
    await this.inFlight?.catch(() => undefined);
    await this.scanning?.catch(() => undefined);
    this.client?.disconnect();
    if (wasStarted) this.opts.sink.end(this.now(), reason);
  }

  /** Read now (tests and the first picture); waits for a read already in flight instead of starting a second. */
  async pollNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    await this.tick();
  }

  private schedule(): void {
    if (this.stateValue === 'stopped') return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      void this.tick().catch(() => undefined).finally(() => this.schedule());
    }, this.intervalMs);
  }

  private onClose(): void {
    if (this.stateValue !== 'live') return;
    this.stateValue = 'down';
    this.downSince = this.lastGood;
    this.log.warn(`lost ${this.opts.target.display}; reconnecting with backoff`);
  }

  private onReady(): void {
    if (this.stateValue !== 'down') return;
    this.stateValue = 'live';
    const since = this.downSince ?? this.lastGood;
    this.downSince = undefined;
    this.scanner = new NodesScanner(this.prefix, this.opts.scan?.count ?? 1000); // the server may have restarted with other data
    this.scheduleScan(false);
    this.log.info(`reconnected to ${this.opts.target.display}`);
    this.pending.push({ type: 'gap', t: this.now(), since, reason: 'redis unreachable' });
  }

  private readonly pending: WireEvent[] = [];

  /** Follow these queues from now on (their event streams from their newest entry). */
  private async addQueues(client: RedisClient, names: readonly string[]): Promise<void> {
    const fresh = [...new Set(names)].filter((q) => !this.lastIds.has(q) && !this.skipped.has(q) && this.routable(q));
    if (!fresh.length) return;
    const ids = await perSlot(fresh, this.slotOf, (g) => latestIds(client, this.prefix, g));
    this.counters.commands += fresh.length;
    fresh.forEach((q, i) => this.lastIds.set(q, ids[i]));
  }

  private readonly unroutable = new Set<string>();

  /**
   * On a cluster a queue is read per slot, so its keys must share a hash tag (in the prefix
   * or the queue name), as BullMQ's own scripts need; a name without one is skipped with one
   * warning instead of failing every read.
   */
  private routable(queue: string): boolean {
    if (!this.slotOf) return true;
    const key = queueKey(this.prefix, queue, 'meta');
    if (hashedPart(key) !== key) return true;
    if (!this.unroutable.has(queue) && this.unroutable.size < 1000) {
      this.unroutable.add(queue);
      this.log.warn(`queue ${JSON.stringify(queue)} under '${this.prefix}' has no {hash tag} in its prefix or name: its keys are spread over the cluster, so it is not read`);
    }
    return false;
  }

  /**
   * The first picture's discovery: sampling SCAN steps (keys.ts) until the walk ends, the
   * budget is spent, or two steps in a row named no new queue. On a big keyspace the first
   * step names every queue with a noticeable share of the keys; a queue with a handful of
   * keys among millions may be found later by the background walk.
   */
  private async scanFor(client: RedisClient, budgetMs: number): Promise<void> {
    const end = this.now() + budgetMs;
    let quiet = 0;
    for (;;) {
      const before = this.scanner.stats;
      const { fresh, walked } = await this.scanner.step(masterNodes(client), 'sample');
      const after = this.scanner.stats;
      this.counters.commands += after.calls - before.calls + after.checks - before.checks;
      await this.addQueues(client, fresh);
      quiet = fresh.length ? 0 : quiet + 1;
      if (walked || quiet >= 2 || this.now() >= end) return;
    }
  }

  /** The background walk: one step every `scan.everyMs`, a new walk every `discoverEveryMs`. */
  private scheduleScan(walked: boolean, waitMs?: number): void {
    if (this.stateValue === 'stopped' || this.stateValue === 'failed') return;
    clearTimeout(this.scanTimer);
    const delay = waitMs ?? (walked ? this.opts.discoverEveryMs ?? 60_000 : this.opts.scan?.everyMs ?? 20);
    this.scanTimer = setTimeout(() => {
      this.scanTimer = undefined;
      const client = this.client;
      // Down: look again at the read interval (onReady restarts the walk at once).
      if (!client || client.status !== 'ready' || this.stateValue !== 'live') return this.scheduleScan(false, this.intervalMs);
      const { calls, checks } = this.scanner.stats;
      const run = this.scanner.step(masterNodes(client)).then(async ({ fresh, walked: done }) => {
        this.counters.commands += this.scanner.stats.calls - calls + this.scanner.stats.checks - checks;
        await this.addQueues(client, fresh);
        return done;
      });
      this.scanning = run.then(
        (done) => this.scheduleScan(done),
        () => this.scheduleScan(false), // a lost connection: retried after the reconnect
      );
    }, delay);
  }

  private tick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const run = this.read().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async read(): Promise<void> {
    const client = this.client;
    if (!client || client.status !== 'ready' || this.stateValue === 'stopped' || this.stateValue === 'down') return;
    try {
      const all = this.queues;
      // One pipeline and one XREAD per slot group (one group on a standalone server).
      const groups = slotGroups(all, this.slotOf);
      const [allReadings, parts] = await Promise.all([
        perSlot(all, this.slotOf, (g) => readCounts(client, this.prefix, g)),
        Promise.all(groups.map((g) => this.readStreamsOf(client, g))),
      ]);
      const streams = mergeStreamReads(parts);
      this.counters.commands += all.length * COMMANDS_PER_QUEUE + streams.commands;
      // A queue the server refused to read is left out of this read (nothing drawn, so no
      // zeros); the others go on.
      const refused = new Map<string, QueueReadError>();
      all.forEach((q, i) => {
        const f = allReadings[i].failed ?? streams.failed.get(q);
        if (f) refused.set(q, f);
      });
      this.refusedReads(refused);
      const queues = all.filter((q) => !refused.has(q));
      const readings = allReadings.filter((_, i) => !refused.has(all[i]));
      const notices = refused.size ? streams.notices.filter((n) => !refused.has(n.queue)) : streams.notices;
      const t = this.now();
      await this.readOldest(client, queues, readings.map((r) => r.oldestWaiting));
      const events = this.pending.splice(0);
      for (let i = 0; i < queues.length; i++) {
        const q = queues[i];
        const since = this.oldest.get(q)?.readySince;
        const oldestWaitMs = since === null || since === undefined ? null : Math.max(0, this.origin + t - since);
        this.wire.reading(events, t, q, readings[i].counts, oldestWaitMs, streams.flow.get(q));
      }
      const names = await this.readNames(client, notices);
      notices.forEach((n, i) => this.wire.notice(events, n.at - this.origin, n.queue, n.event, n.jobId, n.reason, names[i]));
      if (streams.skippedNotices) this.log.warn(`${streams.skippedNotices} job event(s) counted but not listed (more than 200 in one read)`);
      if (t - this.lastWorkersRead >= (this.opts.workersEveryMs ?? 5000)) await this.readWorkers(client, events, t);
      this.counters.ticks++;
      this.lastGood = t;
      if (events.length) this.opts.sink.events(events);
    } catch (err) {
      if (this.stateValue === 'connecting') throw err;
      this.log.warn(describeRedisError(err, this.opts.target));
    }
  }

  /**
   * Queues whose keys the server refused to read this time. A key of another kind than
   * BullMQ's (WRONGTYPE: another application's `bull:cache:wait` string) or one this user
   * may not read (NOPERM) will answer the same every time: the queue is dropped, with one
   * warning naming it. Another error reply skips the queue for this read (warned once until
   * it reads again). One such key stopped every queue, at START or from then on (review of
   * 2026-12-04).
   */
  private refusedReads(refused: ReadonlyMap<string, QueueReadError>): void {
    for (const q of this.failing.keys()) if (!refused.has(q)) this.failing.delete(q);
    for (const [q, { key, error }] of refused) {
      const name = JSON.stringify(q);
      if (isWrongType(error) || isNoPerm(error)) {
        this.lastIds.delete(q);
        this.streamJobs.delete(q);
        this.oldest.delete(q);
        this.workers.delete(q);
        this.failing.delete(q);
        if (this.skipped.size < 1000) this.skipped.add(q);
        const why = isWrongType(error) ? 'holds another kind of value than BullMQ writes (another application\'s key?)' : `cannot be read by this user (${this.scrub(error.message)})`;
        this.log.warn(`queue ${name} under '${this.prefix}' is not read: ${key} ${why}`);
      } else if (this.failing.get(q) !== error.message) {
        this.failing.set(q, error.message);
        this.log.warn(`queue ${name} under '${this.prefix}' was not read: ${key}: ${this.scrub(error.message)}`);
      }
    }
  }

  /** XREAD of some queues' streams, advancing their ids in `lastIds`. */
  private async readStreamsOf(client: RedisClient, queues: string[]): Promise<Awaited<ReturnType<typeof readStreams>>> {
    const ids = new Map(queues.map((q) => [q, this.lastIds.get(q) ?? '0-0']));
    const read = await readStreams(client, this.prefix, ids, { jobs: this.streamJobs });
    for (const [q, id] of ids) if (this.lastIds.has(q)) this.lastIds.set(q, id);
    return read;
  }

  /** Keep, per queue, when its oldest waiting job became ready; read only ids not seen before. */
  private async readOldest(client: RedisClient, queues: string[], ids: Array<string | null>): Promise<void> {
    const ask: Array<[string, string]> = [];
    queues.forEach((q, i) => {
      const id = ids[i];
      if (id === null) this.oldest.delete(q);
      else if (this.oldest.get(q)?.id !== id) ask.push([q, id]);
    });
    if (!ask.length) return;
    const slotOf = this.slotOf;
    const since = await perSlot(ask, slotOf && (([q]) => slotOf(q)), (g) => readReadySince(client, this.prefix, g));
    this.counters.commands += ask.length;
    ask.forEach(([q, id], i) => this.oldest.set(q, { id, readySince: since[i] }));
  }

  /** Job names of the notices (one pipelined HGET each; at most 200 per read). Removed jobs have none. */
  private async readNames(client: RedisClient, notices: ReadonlyArray<{ queue: string; jobId: string }>): Promise<Array<string | undefined>> {
    if (!notices.length) return [];
    const slotOf = this.slotOf;
    const names = await perSlot(notices, slotOf && ((n) => slotOf(n.queue)), async (group) => {
      const p = client.pipeline();
      for (const n of group) p.hget(queueKey(this.prefix, n.queue, n.jobId), 'name');
      const replies = (await p.exec()) ?? [];
      return group.map((_, i) => {
        const [err, v] = replies[i] ?? [null, null];
        return err || typeof v !== 'string' ? undefined : v;
      });
    });
    this.counters.commands += notices.length;
    return names;
  }

  private async readWorkers(client: RedisClient, events: WireEvent[], t: number): Promise<void> {
    this.lastWorkersRead = t;
    // Refused (NOPERM, disabled on some hosted Redis): no workers shown, everything else works.
    const lists = await this.clientLists(client).catch(() => undefined);
    if (!lists) return;
    await this.addQueues(client, queuesFromClientList(lists.join('\n'), this.prefix)); // a queue that just got its first client
    // On a cluster a worker's named connections may sit on any master (its main and blocking
    // connections on two): like BullMQ's getWorkers(), each queue takes the node listing the
    // most of its workers (the last one on a tie), so a worker is not counted twice.
    const found = lists.map((list) => workersByQueue(list, this.prefix, this.queues));
    for (const q of this.queues) {
      const now = found.map((f) => f.get(q) ?? []).reduce((a, b) => (b.length >= a.length ? b : a), []);
      // The first read is sent even when empty: "no worker" is then known (a reader shows
      // nothing for a queue whose workers nobody reported: docs/REDIS.md).
      if (this.workers.has(q) && sameWorkers(this.workers.get(q), now)) continue;
      this.workers.set(q, now);
      this.wire.workers(events, t, q, now);
    }
  }

  private sourceInfo(): SourceInfo {
    return {
      v: PROTOCOL_VERSION,
      pid: 0,
      threadId: 0,
      isMainThread: true,
      title: `BullMQ '${this.prefix}' on ${this.opts.target.display}`,
      argv: [],
      origin: this.origin,
      now: this.now(),
      sampleInterval: this.intervalMs,
    };
  }
}
