// Feeds recording lines into the live model through the same entry points live data
// uses (addSource with the attach snapshot, applyEvents, setSourceState), so a replayed
// session is built by exactly the code that built the live one.

import { endInfoOf, type RecordingLine, type WireEvent } from '../protocol/wire';
import type { QueueModel } from '../model';

export class ModelFeed {
  /** Recording `src` -> the model's source key. */
  private readonly sources = new Map<string, string>();
  private opened = false;
  /** Recording source -> its hub clock origin (epoch ms). */
  private readonly origins = new Map<string, number>();
  /** Latest time in the recording (epoch ms): when the replayed session ends. */
  private last = -Infinity;
  /** When the recording was saved, if its program was still running then (RecordingSavedLine). */
  private savedAt: number | undefined;

  constructor(
    private readonly model: QueueModel,
    /** Id of the model session the recording becomes. */
    readonly session: string,
    /** Session name when the header has no label. */
    private readonly fallbackName: string,
  ) {}

  /** Applies lines in order; runs of events from one source go to the model as one call. */
  push(lines: readonly RecordingLine[]): void {
    let run: WireEvent[] = [];
    let runSrc = '';
    const flush = (): void => {
      if (run.length) this.applyEvents(runSrc, run);
      run = [];
    };
    for (const line of lines) {
      switch (line.type) {
        case 'qscope':
          flush();
          // A hub's label is only the process title ("node"): the file name says more.
          this.open(line.writer === 'extension' ? line.label : undefined, line.created);
          break;
        case 'source': {
          flush();
          this.open();
          this.origins.set(line.src, line.info.origin);
          this.seen(line.src, line.snapshot?.t ?? line.info.now);
          // A pause snapshot's source line comes after its pause line in time (the pause is
          // dated from the debugger's stop, the snapshot after the drains that followed):
          // announcing the source again does not end the pause, only a resume line does.
          const before = this.sources.get(line.src);
          const wasPaused = before !== undefined && this.model.source(this.session, before)?.state === 'paused';
          const key = this.model.addSource(this.session, line.info, line.snapshot);
          this.sources.set(line.src, key);
          if (wasPaused) this.model.setSourceState(this.session, key, 'paused');
          break;
        }
        case 'end': {
          flush();
          this.seen(line.src, line.t);
          const key = this.sources.get(line.src);
          if (key) {
            const end = endInfoOf(line);
            if (end !== undefined && (end.reason !== 'ended' || end.requested)) this.model.setSourceEnd(this.session, key, end);
            // The end line's time is the realm's last moment (the live model's lastSeen).
            const origin = this.origins.get(line.src);
            this.model.setSourceState(this.session, key, 'ended', origin === undefined ? undefined : origin + line.t);
          }
          break;
        }
        case 'saved':
          flush();
          this.savedAt = line.at;
          break;
        case 'pause':
        case 'resume': {
          // A debugger stopped the realm, or let it run: the model (and the engine reading it)
          // treats the replay's pause as the live one did.
          flush();
          this.seen(line.src, line.t);
          const key = this.sources.get(line.src);
          // No `at`: that would make the pause the realm's last moment seen (lastSeen), which
          // the live model does not do either.
          if (key) this.model.setSourceState(this.session, key, line.type === 'pause' ? 'paused' : 'live');
          break;
        }
        default:
          this.seen(line.src, line.t);
          if (line.src !== runSrc) flush();
          runSrc = line.src;
          run.push(line);
      }
    }
    flush();
  }

  /**
   * Like push(), but gives the event loop a turn every `sliceMs` of work, so a big
   * recording loads without freezing the extension host (the reader waits for it).
   */
  async pushSliced(lines: readonly RecordingLine[], sliceMs = 12): Promise<void> {
    const STEP = 128;
    let sliceStart = performance.now();
    for (let i = 0; i < lines.length; i += STEP) {
      this.push(i === 0 && lines.length <= STEP ? lines : lines.slice(i, i + STEP));
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }

  /** The recording is fully read: the session is over (a replay never goes live). */
  finish(): void {
    this.open();
    if (this.savedAt !== undefined) this.model.markSavedWhileRunning(this.session, this.savedAt);
    this.model.endSession(this.session, Number.isFinite(this.last) ? this.last : undefined);
  }

  private open(label?: string, created?: number): void {
    if (this.opened) return;
    this.opened = true;
    this.model.openSession(this.session, label || this.fallbackName, 'recording', created);
  }

  private seen(src: string, t: number): void {
    const origin = this.origins.get(src);
    if (origin !== undefined && origin + t > this.last) this.last = origin + t;
  }

  private applyEvents(src: string, events: WireEvent[]): void {
    const key = this.sources.get(src);
    // Events of a source never announced cannot be placed (the model warns and skips them).
    this.model.applyEvents(this.session, key ?? src, events);
  }
}
