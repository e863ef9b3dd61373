// The exit tail: what a live reader has not drained yet when this realm goes away.
//
// A reader polls the hub every ~100 ms through the debugger, so whatever happened after its
// last poll (for a short program, often the whole end of the run; for a crash, the part the
// user is debugging) would die with the process. A reader that passes `{ tail: path }` to
// attach() gets those last moments written to `path`, synchronously, from the process-end
// hooks (src/trace/exitHooks.ts), and reads the file when its debug session ends.
//
// File format: one DrainBatch JSON per line, exactly as drain() returns them. The first line
// repeats the last batch handed to the reader, because a drain answered just before the
// process died may never have reached it; the reader skips a seq it already has. The last
// line is `{"type":"tailEnd","reason":…,"t":…}`, so a reader can tell a whole tail from one
// cut short.
//
// A program can also end before any reader found its hub (a debugger polls for it every few
// ms at first, but a 100 ms program is over by then). QUEUESCOPE_EXIT_TAIL_DIR, set by the
// extension in the launch configuration, gives such a realm a tail of its own,
// `<dir>/<pid>-<threadId>.ndjson`, which starts with `{"type":"tailAttach","info":AttachInfo}`
// instead of the repeated batch; a reader that attaches later replaces it with its own path.

import { now } from './clock';
import { builtin, nodeProcess } from './env';
import { exitHooks, type EndDetail, type EndReason, type ExitWriter } from './exitHooks';

/** What the tail needs of the hub. */
export interface TailSource {
  /** AttachInfo JSON: written first when no reader ever attached (see setExitTail). */
  attach(): string;
  /** From now on readers' drains answer busy; returns the last answer one got ('' if none). */
  beginExit(): string;
  /** drain() for the tail, after beginExit(). */
  exitDrain(maxBytes?: number): string;
}

type Fs = Pick<typeof import('node:fs'), 'writeFileSync'>;

/** Bytes per drain at exit, and at most this many drains: 16 MiB is plenty for a last interval. */
const TAIL_BYTES = 256 * 1024;
const MAX_TAIL_DRAINS = 64;
/** A path longer than this is not a path a reader meant. */
export const MAX_TAIL_PATH = 4096;

const TAIL_KEY = Symbol.for('queuescope.exitTail');
/** Earlier readers' paths that still get the tail (a process rarely has more than two debuggers). */
const MAX_EARLIER = 3;

export class ExitTail implements ExitWriter {
  /** The tail was written (the realm is ending): nothing more goes to any path. */
  written = false;
  /**
   * Paths of readers that attached before the current one and may still be reading (two
   * debuggers on one process): they get the same tail, or their armed files would stay
   * empty and read as an abrupt end. At most MAX_EARLIER, the oldest dropped.
   */
  readonly earlier: string[] = [];

  constructor(
    private readonly hub: TailSource,
    readonly fs: Fs,
    public path: string,
    /** No reader has attached: the tail starts with the attach answer so one can be made up. */
    public unattached: boolean,
  ) {}

  end(reason: EndReason, detail: EndDetail = {}): void {
    if (this.written) return;
    this.written = true;
    // beginExit() shuts readers' drains out (they answer busy from now on) and hands back the
    // last answer one of them got, in one call: nothing can slip in between.
    const last = this.hub.beginExit();
    const lines: string[] = [];
    if (this.unattached) lines.push(`{"type":"tailAttach","info":${this.hub.attach()}}`);
    else if (last !== '') lines.push(last);
    for (let i = 0; i < MAX_TAIL_DRAINS; i++) {
      const batch = this.hub.exitDrain(TAIL_BYTES);
      lines.push(batch);
      if (!batch.includes('"more":true')) break;
    }
    lines.push(JSON.stringify({ type: 'tailEnd', reason, t: now(), ...detail }));
    const text = `${lines.join('\n')}\n`;
    for (const p of this.earlier) {
      try {
        this.fs.writeFileSync(p, text);
      } catch {
        // that reader is gone, or cannot be written to: the current one still gets its tail
      }
    }
    try {
      this.fs.writeFileSync(this.path, text);
    } catch (err) {
      try {
        nodeProcess()?.emitWarning?.(`QueueScope: cannot write the exit tail ${JSON.stringify(this.path)}: ${String((err as Error)?.message ?? err)}`);
      } catch {
        // nothing more we can do
      }
    }
  }

  /** The program survives (it handles the signal or exception): the reader keeps polling. */
  flush(): void {}
}

/**
 * Write this realm's tail to `path` when it ends (a later call with another reader's path
 * makes that the main path; earlier readers' paths get the same tail). `unattached`: set
 * from the environment before any reader attached (a program that may end before a
 * debugger's first poll finds its hub); a reader's own path clears it.
 * Never throws; false when this realm cannot write files.
 */
export function setExitTail(hub: TailSource, path: unknown, unattached = false): boolean {
  if (typeof path !== 'string' || path === '' || path.length > MAX_TAIL_PATH) return false;
  const g = globalThis as { [TAIL_KEY]?: ExitTail };
  const existing = g[TAIL_KEY];
  if (existing !== undefined) {
    if (unattached && !existing.unattached) return true; // a reader's path wins over the environment's
    // Already written (a reader attaching while the realm ends, e.g. paused in an exit
    // listener): arming the new path would leave it empty, read as an abrupt end.
    if (existing.written) return true;
    if (!existing.unattached && existing.path !== path && !existing.earlier.includes(existing.path)) {
      existing.earlier.push(existing.path);
      if (existing.earlier.length > MAX_EARLIER) existing.earlier.shift();
    }
    existing.path = path;
    existing.unattached = unattached;
    if (!unattached) armed(existing.fs, path);
    return true;
  }
  try {
    const fs = builtin<Fs>('node:fs');
    const hooks = exitHooks();
    if (fs === undefined || typeof fs.writeFileSync !== 'function' || hooks === undefined) return false;
    const tail = new ExitTail(hub, fs, path, unattached);
    g[TAIL_KEY] = tail;
    hooks.add(tail, true);
    if (!unattached) armed(fs, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A reader's tail starts as an empty file: one still empty when the reader's session ends
 * tells it the realm ended without running its exit hooks (a signal such as SIGKILL, e.g.
 * the out-of-memory killer, or a crash), and no file at all that this realm cannot write
 * where the reader reads (a remote debuggee), so nothing can be told.
 */
function armed(fs: Fs, path: string): void {
  try {
    fs.writeFileSync(path, '');
  } catch {
    // A path this realm cannot write: the reader finds no file and concludes nothing.
  }
}
