// What exporters need to know about a recording while they stream through it: the
// sources seen so far (with a common time base) and the names of their queues.
//
// Time base: each source's times are ms since its own hub origin (an epoch-ms instant).
// Exporters put every source on one axis, in ms since the origin of the FIRST source
// in the file, so workers and child processes line up with the main thread.

import type { RecordingLine, SourceInfo } from '../protocol/wire';

export interface SourceEntry {
  src: string;
  /** 0-based order of appearance in the file. */
  index: number;
  info: SourceInfo;
  /** ms to add to this source's times to put them on the common axis. */
  offset: number;
  /** Queue id -> name, from 'queue' events and the source's snapshot. */
  queueNames: Map<number, string>;
  /** Latest time seen on this source (its own clock). */
  lastT: number;
  ended: boolean;
}

export class RecordingContext {
  readonly sources = new Map<string, SourceEntry>();
  private base: number | null = null;

  /** Updates what is known from `line`; returns the source a 'source' line introduced, if new. */
  observe(line: RecordingLine): SourceEntry | null {
    if (line.type === 'qscope' || line.type === 'saved') return null;
    if (line.type === 'source') {
      if (this.sources.has(line.src)) return null;
      if (this.base === null) this.base = line.info.origin;
      const entry: SourceEntry = {
        src: line.src,
        index: this.sources.size,
        info: line.info,
        offset: line.info.origin - this.base,
        queueNames: new Map(),
        lastT: line.snapshot?.t ?? line.info.now ?? 0,
        ended: false,
      };
      for (const q of line.snapshot?.queues ?? []) entry.queueNames.set(q.q, q.name);
      this.sources.set(line.src, entry);
      return entry;
    }
    const entry = this.sources.get(line.src);
    if (!entry) return null;
    if (line.t > entry.lastT) entry.lastT = line.t;
    if (line.type === 'queue') entry.queueNames.set(line.q, line.name);
    if (line.type === 'end') entry.ended = true;
    return null;
  }

  /** The source of `src`, or a placeholder for lines whose 'source' line is missing. */
  source(src: string): SourceEntry {
    let entry = this.sources.get(src);
    if (!entry) {
      entry = { src, index: this.sources.size, info: placeholderInfo(src), offset: 0, queueNames: new Map(), lastT: 0, ended: false };
      this.sources.set(src, entry);
    }
    return entry;
  }

  queueName(src: string, q: number): string {
    return this.sources.get(src)?.queueNames.get(q) ?? `queue-${q}`;
  }

  /** ms on the common axis. */
  time(src: string, t: number): number {
    return (this.sources.get(src)?.offset ?? 0) + t;
  }
}

/** The exporters label sources like every other view does. */
export { sourceLabel } from '../protocol/wire';

function placeholderInfo(src: string): SourceInfo {
  const [pid, threadId] = src.split(':').map((n) => Number(n) || 0);
  return { v: 0, pid: pid ?? 0, threadId: threadId ?? 0, isMainThread: !threadId, title: '', argv: [], origin: 0, now: 0, sampleInterval: 0 };
}
