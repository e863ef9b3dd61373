// Runs the engine over a recording as if it were being polled live: recording lines go into
// a model through ModelFeed (the replay's own path), and the engine ticks every pollMs of
// recorded time, so the CLI sees the same findings at the same moments a live session would.
// Plain TypeScript: the caller reads the file (src/recording/reader.ts) and pushes lines.

import { QueueModel } from '../model';
import type { RecordingLine } from '../protocol/wire';
import { ModelFeed } from '../recording/modelFeed';
import { DiagnosticsEngine } from './engine';
import type { FindingRecord } from './findings';
import type { Thresholds } from './thresholds';

/** Default tick interval: the extension's default poll interval (queuescope.pollIntervalMs). */
export const DEFAULT_POLL_MS = 100;
/** A long silent stretch is ticked through at most this many times (then in coarser steps). */
const MAX_TICKS_PER_GAP = 20_000;

export interface RecordingCheckOptions {
  thresholds?: Thresholds;
  pollMs?: number;
  session?: string;
  name?: string;
}

export class RecordingCheck {
  readonly model = new QueueModel();
  readonly engine: DiagnosticsEngine;
  private readonly feed: ModelFeed;
  private readonly pollMs: number;
  private readonly origins = new Map<string, number>();
  private nextTick: number | undefined;
  private last = -Infinity;
  private pending: RecordingLine[] = [];

  constructor(options: RecordingCheckOptions = {}) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.engine = new DiagnosticsEngine(this.model, { thresholds: options.thresholds });
    this.feed = new ModelFeed(this.model, options.session ?? 'recording', options.name ?? 'recording');
  }

  /** Apply lines in file order, ticking the engine at each poll boundary they cross. */
  push(lines: readonly RecordingLine[]): void {
    for (const line of lines) {
      const t = this.timeOf(line);
      if (t !== undefined) {
        if (this.nextTick === undefined) this.nextTick = t;
        if (t > this.nextTick) this.tickUpTo(t);
        this.last = Math.max(this.last, t);
      }
      this.pending.push(line);
    }
  }

  /** The recording is over: apply the rest, tick once more, end the session. */
  finish(): readonly FindingRecord[] {
    this.flush();
    const end = Number.isFinite(this.last) ? this.last : Date.now();
    this.engine.tick(end);
    this.feed.finish();
    this.engine.tick(end);
    return this.engine.history();
  }

  /** Recorded time span (epoch ms), for the report. */
  get span(): { from: number; to: number } | undefined {
    const from = Math.min(...this.origins.values());
    return Number.isFinite(from) && Number.isFinite(this.last) ? { from, to: this.last } : undefined;
  }

  private tickUpTo(t: number): void {
    this.flush();
    let step = this.pollMs;
    const ticks = (t - (this.nextTick as number)) / step;
    if (ticks > MAX_TICKS_PER_GAP) step = (t - (this.nextTick as number)) / MAX_TICKS_PER_GAP;
    while ((this.nextTick as number) < t) {
      this.engine.tick(this.nextTick as number);
      (this.nextTick as number) += step;
    }
  }

  private flush(): void {
    if (this.pending.length) this.feed.push(this.pending);
    this.pending = [];
  }

  private timeOf(line: RecordingLine): number | undefined {
    switch (line.type) {
      case 'qscope':
        return undefined;
      case 'source':
        this.origins.set(line.src, line.info.origin);
        return line.info.origin + (line.snapshot?.t ?? line.info.now);
      default: {
        const origin = this.origins.get(line.src);
        return origin === undefined ? undefined : origin + line.t;
      }
    }
  }
}
