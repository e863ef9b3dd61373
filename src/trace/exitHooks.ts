// The realm's one set of process-end listeners, shared by every writer that must get its
// last bytes out before the program goes (the file recorder, the exit tail). One set, not
// one per writer: two writers that each installed a SIGTERM handler would each see the
// other as "the program's own handler", and then neither would re-raise the signal and the
// program would no longer die of it.
//
// What a writer is told:
//   end(reason)  the realm is going away: natural exit, process.exit(), an uncaught
//                exception nobody handles, or SIGINT/SIGTERM/SIGHUP the program does not
//                handle (SIGHUP: the terminal it runs in was closed).
//   flush()      the program survives (it handles the exception or the signal itself), but
//                this is a moment worth writing down.
// Listeners are added once per realm and never throw into the program.

import { UNSETTLED_TOP_LEVEL_AWAIT } from '../protocol/endText';
import type { CallSite } from '../protocol/wire';
import { thrownAt } from './callsite';
import { builtin, nodeProcess } from './env';

export type EndReason = 'exit' | 'uncaughtException' | Signal;

/** What else is known of the end: the exit code ('exit'), the error's first line and where it was thrown ('uncaughtException'). */
export interface EndDetail {
  code?: number;
  /** Exit code 13 came from Node: the main module's top-level await was still waiting as the event loop ran out. */
  unsettledAwait?: true;
  error?: string;
  at?: CallSite;
}

export interface ExitWriter {
  end(reason: EndReason, detail?: EndDetail): void;
  flush(): void;
}

/** An uncaught error's text is the program's data: its first line, this long at most. */
export const MAX_ERROR_TEXT = 300;

/** "SyntaxError: Unexpected token" from whatever was thrown; never throws (getters may). */
export function errorText(err: unknown): string {
  try {
    let text: string;
    if (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string') {
      const name = (err as Error).name;
      text = `${typeof name === 'string' && name !== '' ? name : 'Error'}: ${(err as Error).message}`;
    } else text = `${typeof err === 'string' ? 'a string' : typeof err} thrown: ${String(err)}`;
    const line = text.split('\n', 1)[0];
    return line.length > MAX_ERROR_TEXT ? `${line.slice(0, MAX_ERROR_TEXT - 1)}…` : line;
  } catch {
    // Its name, message or toString threw (a Proxy, a getter): say what kind of value it was.
    // Worded "an uncaught …", which endNote() shows as it is.
    return `an uncaught ${Array.isArray(err) ? 'array' : typeof err} whose text cannot be read (its name, message or toString threw)`;
  }
}

type Proc = Pick<NodeJS.Process, 'on' | 'removeListener' | 'listeners' | 'listenerCount' | 'kill' | 'pid' | 'platform'> & { exitCode?: unknown };

const HOOKS_KEY = Symbol.for('queuescope.exitHooks');
// Signals whose default action ends the process and that Node leaves to it. Not SIGUSR1
// (the inspector's), not SIGUSR2 (--heapsnapshot-signal and --report-signal use it: a
// listener of ours would turn a snapshot request into the end of the program), not SIGQUIT
// (its default action dumps core). Node resets every disposition at startup, so a SIGHUP
// ignored by the parent (nohup) was never ignored by the program either.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof SIGNALS)[number];

/**
 * The code the process exits with. The 'exit' event's argument is not always it: for an ES
 * module whose top-level await never settled, Node 20 passes 0 and exits with 13, which its
 * own 'exit' listener sets in process.exitCode. Under `--import` that listener has run when
 * ours runs; under a `--require` preload (how the extension launches programs) ours was added
 * first and runs first, so `pending` says that Node's is still to come (a link checker whose
 * one hung request kept `await Promise.all(…)` open ended "exit code 13" in the terminal and
 * cleanly in the panel). Node takes an integer string too (`process.exitCode = '3'`), and
 * POSIX keeps the low 8 bits (`process.exit(256)` exits 0, `-1` exits 255). A program's own
 * 'exit' listener that sets process.exitCode after ours ran is not seen.
 */
function exitCodeOf(arg: unknown, exitCode: unknown, pending: boolean, platform: string): { code?: number } {
  const int = (v: unknown): number | undefined => {
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) ? (platform === 'win32' ? n : n & 0xff) : undefined;
  };
  const fromArg = int(arg);
  if (fromArg !== undefined && fromArg !== 0) return { code: fromArg };
  const set = int(exitCode);
  if (set !== undefined) return { code: set };
  if (pending && (exitCode === undefined || exitCode === null)) return { code: UNSETTLED_TOP_LEVEL_AWAIT };
  return fromArg !== undefined ? { code: fromArg } : {};
}

/**
 * Node's listener that sets exit code 13 is still registered: the main module's evaluation
 * promise has not settled (Node removes the listener when it does, and in process.exit()).
 * Known by what it does (`process.exitCode ??= kUnfinishedTopLevelAwait` in Node 20 and 22),
 * not by its name alone: a program's own listener may be called handleProcessExit too. A
 * Node that changes it reads 0, as before.
 */
function unsettledMainAwait(proc: Proc): boolean {
  try {
    return proc.listeners('exit').some((l) => (l as { name?: unknown }).name === 'handleProcessExit' && /TopLevelAwait/.test(Function.prototype.toString.call(l)));
  } catch {
    return false;
  }
}

/** The writers of one realm and the listeners that call them. */
export class ExitHooks {
  private readonly writers: ExitWriter[] = [];

  constructor(private readonly proc: Proc, isMainThread: boolean) {
    proc.on('exit', (code: unknown) => {
      const pending = unsettledMainAwait(proc);
      const detail: EndDetail = exitCodeOf(code, proc.exitCode, pending, proc.platform);
      if (pending && detail.code === UNSETTLED_TOP_LEVEL_AWAIT) detail.unsettledAwait = true;
      this.end('exit', detail);
    });
    proc.on('uncaughtExceptionMonitor', (err: unknown) => {
      // With an 'uncaughtException' handler the program goes on: only flush then.
      if (proc.listenerCount('uncaughtException') > 0) this.flush();
      else this.end('uncaughtException', { error: errorText(err), at: thrownAt(err) });
    });
    if (isMainThread) {
      // Signals reach the main thread only. A platform without one (SIGHUP elsewhere than
      // POSIX and Windows) refuses its listener: the others still count.
      for (const sig of SIGNALS) {
        // Windows has SIGHUP (its console closed) but cannot re-raise it (ENOSYS), and ends
        // the process itself soon after: leave it to Windows.
        if (sig === 'SIGHUP' && proc.platform === 'win32') continue;
        try {
          this.onSignal(sig);
        } catch {
          // that signal's end stays unrecorded, as before
        }
      }
      try {
        this.wrapKill();
      } catch {
        // a process whose kill cannot be replaced: a self-signal ends as it did before
      }
    }
  }

  /**
   * `first`: called before the writers already there. The exit tail goes first: it drains
   * what a debugger has not read yet, and the hub tees those drains to the file recorder.
   * The recorder first would take them, and the debugger would lose the program's last moments.
   */
  add(writer: ExitWriter, first = false): void {
    if (this.writers.includes(writer)) return;
    if (first) this.writers.unshift(writer);
    else this.writers.push(writer);
  }

  remove(writer: ExitWriter): void {
    const i = this.writers.indexOf(writer);
    if (i >= 0) this.writers.splice(i, 1);
  }

  private end(reason: EndReason, detail: EndDetail = {}): void {
    for (const w of [...this.writers]) {
      try {
        w.end(reason, detail);
      } catch {
        // one writer's failure must not cost another its last lines
      }
    }
  }

  private flush(): void {
    for (const w of [...this.writers]) {
      try {
        w.flush();
      } catch {
        // as above
      }
    }
  }

  /** Our listener per signal, while it is on. */
  private readonly handlers = new Map<Signal, () => void>();

  /**
   * Whether the program leaves `sig` to its default action: no listener but ours. signal-exit
   * (under execa, ora, write-file-atomic…) re-raises only when its listeners are the only
   * ones: counted as the program's own, neither side re-raised and the program outlived its
   * SIGTERM. Its listeners are not the program's handling the signal.
   */
  private onlyOurs(sig: Signal, handler: () => void): boolean {
    return this.proc.listeners(sig).filter((l) => l !== handler).length <= signalExitListeners();
  }

  private onSignal(sig: Signal): void {
    const proc = this.proc;
    const handler = (): void => {
      if (!this.onlyOurs(sig, handler)) {
        this.flush(); // the program handles this signal itself
        return;
      }
      // No handler of the program's: restore the default action and re-raise it, so the
      // process dies of the signal exactly as it would have without us.
      this.endBySignal(sig, handler);
      proc.kill(proc.pid, sig);
    };
    proc.on(sig, handler);
    this.handlers.set(sig, handler);
  }

  /**
   * The program signals itself (`process.kill(process.pid, 'SIGTERM')`, often the last step
   * of its own cleanup, re-raising the signal for its parent to see): with no listener of the
   * program's left, our listener would catch it, and since a signal listener keeps no event
   * loop alive, a program with nothing else to do exited 0 before the listener ran (it dies
   * of the signal unrecorded). So the end is written here, our listener goes, and the signal
   * takes its default action at once, as it would without us.
   */
  wrapKill(): void {
    const proc = this.proc;
    const realKill = proc.kill;
    if (typeof realKill !== 'function') return;
    const numbers = builtin<{ constants?: { signals?: Record<string, number> } }>('node:os')?.constants?.signals ?? {};
    const selfSignal = (sig: unknown): void => this.selfSignal(sig);
    const kill = function (this: unknown, ...args: unknown[]): boolean {
      try {
        const [pid, signal] = args;
        const sig = signal === undefined ? 'SIGTERM' : typeof signal === 'number' ? SIGNALS.find((s) => numbers[s] === signal) : signal;
        // This process, its own group (0) or the group it leads (-pid): each includes it.
        const n = typeof pid === 'string' ? Number(pid) : pid;
        if (n === proc.pid || n === 0 || n === -proc.pid) selfSignal(sig);
      } catch {
        // the program's call goes ahead whatever happened here
      }
      return Reflect.apply(realKill, this, args) as boolean;
    };
    Object.defineProperty(kill, 'name', { value: realKill.name });
    Object.defineProperty(kill, 'length', { value: realKill.length });
    proc.kill = kill as Proc['kill'];
  }

  private selfSignal(sig: unknown): void {
    const handler = this.handlers.get(sig as Signal);
    if (handler !== undefined && this.onlyOurs(sig as Signal, handler)) this.endBySignal(sig as Signal, handler);
  }

  /** The program dies of `sig`: its end is written and our listener goes (the default action is Node's again). */
  private endBySignal(sig: Signal, handler: () => void): void {
    this.end(sig);
    this.proc.removeListener(sig, handler);
    this.handlers.delete(sig);
  }
}

/**
 * Listeners that signal-exit keeps on each signal: one per loaded copy, v4's counted on its
 * realm-wide emitter, v3's on `process.__signal_exit_emitter__`. 0 when it is not loaded.
 */
function signalExitListeners(): number {
  try {
    const v4 = (globalThis as Record<symbol, { count?: unknown } | undefined>)[Symbol.for('signal-exit emitter')]?.count;
    const v3 = (nodeProcess() as { __signal_exit_emitter__?: { count?: unknown } } | undefined)?.__signal_exit_emitter__?.count;
    return (typeof v4 === 'number' ? v4 : 0) + (typeof v3 === 'number' ? v3 : 0);
  } catch {
    return 0;
  }
}

/** This realm's hooks, installed on first use; undefined where there is no Node process. */
export function exitHooks(): ExitHooks | undefined {
  const g = globalThis as { [HOOKS_KEY]?: ExitHooks };
  const existing = g[HOOKS_KEY];
  if (existing !== undefined) return existing;
  try {
    const proc = nodeProcess() as unknown as Proc | undefined;
    if (proc === undefined || typeof proc.on !== 'function') return undefined;
    const wt = builtin<{ isMainThread?: boolean }>('node:worker_threads');
    const hooks = new ExitHooks(proc, wt?.isMainThread !== false);
    g[HOOKS_KEY] = hooks;
    return hooks;
  } catch {
    return undefined;
  }
}
