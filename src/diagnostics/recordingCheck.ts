// Runs the engine over a recording as if it were being polled live: recording lines go into
// a model through ModelFeed (the replay's own path), and the engine ticks every pollMs of
// recorded time, so the CLI sees the same findings at the same moments a live session would.
// Plain TypeScript: the caller reads the file (src/recording/reader.ts) and pushes lines.

import { QueueModel, type ModelOptions } from '../model';
import { otherEnds, programOf, realmName, type SessionEnd } from '../protocol/endText';
import type { RecordingLine } from '../protocol/wire';
import { ModelFeed } from '../recording/modelFeed';
import { DiagnosticsEngine } from './engine';
import type { FindingRecord } from './findings';
import type { Thresholds } from './thresholds';

/** Default tick interval: the extension's default poll interval (queuescope.pollIntervalMs). */
export const DEFAULT_POLL_MS = 100;
/** `--poll-ms` bounds: the upper one is the live poll interval's (queuescope.pollIntervalMs). */
export const MIN_POLL_MS = 1;
export const MAX_POLL_MS = 10_000;
/** A long silent stretch is ticked through at most this many times (then in coarser steps). */
const MAX_TICKS_PER_GAP = 20_000;
/** How far out of time order a recording's lines can be (a few drain intervals). */
const REORDER_MS = 2000;

export interface RecordingCheckOptions {
  thresholds?: Thresholds;
  pollMs?: number;
  session?: string;
  name?: string;
  /** How call sites show (ModelOptions.mapSite): the extension maps them through source maps. */
  mapSite?: ModelOptions['mapSite'];
}

export class RecordingCheck {
  readonly model: QueueModel;
  readonly engine: DiagnosticsEngine;
  private readonly feed: ModelFeed;
  private readonly pollMs: number;
  private readonly origins = new Map<string, number>();
  private nextTick: number | undefined;
  private first = Infinity;
  private last = -Infinity;
  private pending: { line: RecordingLine; t: number; n: number }[] = [];
  private order = 0;
  /** Lines of a realm whose `source` line had not come (in file order), by their `src`: skipped. */
  private readonly orphanLines = new Map<string, number>();

  constructor(options: RecordingCheckOptions = {}) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.model = new QueueModel({ mapSite: options.mapSite });
    this.engine = new DiagnosticsEngine(this.model, { thresholds: options.thresholds });
    this.feed = new ModelFeed(this.model, options.session ?? 'recording', options.name ?? 'recording');
  }

  /**
   * Take lines in file order. A file is only roughly in time order: a drain batch carries a
   * wait's start (stamped when it started) after samples taken while it waited, so lines are
   * held for REORDER_MS of recorded time, applied in time order, and the engine ticks at each
   * poll boundary with exactly the lines up to that instant applied.
   */
  push(lines: readonly RecordingLine[]): void {
    for (const line of lines) {
      // A realm's line before (or without) its `source` line cannot be placed: the model would
      // drop it with a log line nobody reads. Counted, so the report says so (a second process
      // writing the same path truncates the file, and the first one's later lines have no
      // source line; so does a file whose source line was lost).
      if (line.type !== 'qscope' && line.type !== 'source' && line.type !== 'saved' && !this.origins.has(line.src)) {
        this.orphanLines.set(line.src, (this.orphanLines.get(line.src) ?? 0) + 1);
        continue;
      }
      const t = this.timeOf(line);
      if (t !== undefined) {
        if (this.nextTick === undefined) this.nextTick = t;
        this.last = Math.max(this.last, t);
        this.first = Math.min(this.first, t);
      }
      this.pending.push({ line, t: t ?? -Infinity, n: this.order++ });
    }
    if (this.nextTick !== undefined && this.nextTick < this.last - REORDER_MS) this.tickUpTo(this.last - REORDER_MS);
  }

  /** The recording is over: apply the rest, tick once more, end the session. */
  finish(): readonly FindingRecord[] {
    const end = Number.isFinite(this.last) ? this.last : Date.now();
    if (this.nextTick !== undefined) this.tickUpTo(end);
    this.applyUpTo(Infinity);
    this.engine.tick(end);
    this.feed.finish();
    this.engine.tick(end);
    return this.engine.history();
  }

  /** How the recorded program ended, when that is news (a crash, a non-zero exit, a signal), and whose end; its site mapped as the views show it. */
  get ended(): SessionEnd | undefined {
    const session = this.model.sessions[0];
    return session === undefined ? undefined : this.model.sessionEnd(session.id);
  }

  /**
   * Realms (pid:thread) whose recording has no end line: killed with -9, or the file was cut.
   * They are judged as last seen (docs/DIAGNOSTICS.md), which the report says. A worker thread
   * of a process whose main thread wrote its end is not one: the process ended it (piscina
   * terminates its threads at destroy() or exit, and every piscina recording read "killed").
   */
  get unended(): { key: string; lastSeen: number }[] {
    const session = this.model.sessions[0];
    if (session === undefined || session.savedWhileRunning !== undefined) return [];
    const sources = [...session.sources.values()];
    const mainEnded = new Set(sources.filter((src) => src.info.threadId === 0 && src.end !== undefined).map((src) => src.info.pid));
    return sources.filter((src) => src.end === undefined && !(src.info.threadId !== 0 && mainEnded.has(src.info.pid))).map((src) => ({ key: src.key, lastSeen: src.lastSeen }));
  }

  /**
   * Each realm's name by source key ("the main thread", "worker thread 3", "process 4301
   * (server.js)"), when the recording has more than one: a finding then says whose it is, as
   * three workers' `inbox` queues otherwise read alike.
   */
  get realms(): ReadonlyMap<string, string> | undefined {
    const session = this.model.sessions[0];
    if (session === undefined || session.sources.size < 2) return undefined;
    const sources = [...session.sources.values()];
    const program = programOf(sources);
    return new Map(sources.map((src) => [src.key, src === program ? 'the main thread' : realmName(src.info, program?.info)]));
  }

  /** The other realms' notable ends (a second crashed worker), their sites mapped as `ended`'s. */
  get otherEnds(): SessionEnd[] {
    const session = this.model.sessions[0];
    if (session === undefined) return [];
    return otherEnds(session.sources.values(), this.ended).map((e) => (e.end.at === undefined ? e : { ...e, end: { ...e.end, at: this.model.mapSite(e.end.at) } }));
  }

  /**
   * Lines skipped because their realm had no `source` line before them in the file, per realm
   * (`src`), most first: their data could not be placed, so the report says so.
   */
  get orphans(): { src: string; lines: number }[] {
    return [...this.orphanLines].map(([src, lines]) => ({ src, lines })).sort((a, b) => b.lines - a.lines);
  }

  /** Realms (source lines) the recording holds: none means nothing was recorded. */
  get realmCount(): number {
    return this.model.sessions[0]?.sources.size ?? 0;
  }

  /** When the recording was saved, if its program was still running then (RecordingSavedLine). */
  get savedWhileRunning(): number | undefined {
    return this.model.sessions[0]?.savedWhileRunning;
  }

  /** Recorded time span (epoch ms), for the report. */
  get span(): { from: number; to: number } | undefined {
    return Number.isFinite(this.first) && Number.isFinite(this.last) ? { from: this.first, to: this.last } : undefined;
  }

  /** Tick at every poll boundary before `t`, each after applying the lines up to it. */
  private tickUpTo(t: number): void {
    this.pending.sort((a, b) => a.t - b.t || a.n - b.n);
    let step = this.pollMs;
    const ticks = (t - (this.nextTick as number)) / step;
    if (ticks > MAX_TICKS_PER_GAP) step = (t - (this.nextTick as number)) / MAX_TICKS_PER_GAP;
    while ((this.nextTick as number) < t) {
      this.applyUpTo(this.nextTick as number);
      this.engine.tick(this.nextTick as number);
      (this.nextTick as number) += step;
    }
  }

  /** Apply the (sorted) pending lines stamped at or before `t`. */
  private applyUpTo(t: number): void {
    let i = 0;
    while (i < this.pending.length && this.pending[i].t <= t) i++;
    if (i === 0) return;
    this.feed.push(this.pending.slice(0, i).map((p) => p.line));
    this.pending = this.pending.slice(i);
  }

  private timeOf(line: RecordingLine): number | undefined {
    switch (line.type) {
      case 'qscope':
        return undefined;
      case 'source':
        this.origins.set(line.src, line.info.origin);
        return line.info.origin + (line.snapshot?.t ?? line.info.now);
      case 'saved':
        return line.at;
      default: {
        const origin = this.origins.get(line.src);
        return origin === undefined ? undefined : origin + line.t;
      }
    }
  }
}
