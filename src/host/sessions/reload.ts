// Is a process a watcher's reload of the program, or one more process of the same run? Plain
// TypeScript, no vscode: SessionWatcher.reloadAtAttach (src/extension/sessions/watcher.ts)
// asks once the new process's hub answered, when the same parent had started the same
// program before in this run and every earlier instance has ended.
//
// Measured (2026-12-05, outside the debugger and under F5): `tsx watch` and `node --watch`
// end the old process with SIGTERM and start the new one 150-260 ms later; nodemon ends it
// with SIGUSR2, which QueueScope's exit hooks leave alone (Node's report/heap-snapshot
// signal), so its tail stays empty: 'abrupt'. A program that ended by itself is started again
// only at the next edit: a human's pause. A program running a job's process after another
// (a plain orchestrator, `for (job of jobs) await fork('worker.js', [job])`; a cluster
// primary re-forking a crashed worker) starts the next one at once after a normal exit or a
// crash (80-100 ms later; 90-260 ms after VS Code reported the end, under F5): one run, not
// a reload. The gap is the new process's
// own start (its hub clock's origin, performance.timeOrigin) against the moment VS Code
// reported the earlier one ended: a child's debug session comes up 0.4-2.1 s after its
// process started, so the sessions' start times cannot tell a job's successor from an edit.

/** An earlier instance that ended by itself this long before the new one started: restarted by an edit. */
export const RELOAD_GAP_MS = 1000;

/** End reasons of a process killed from outside (a watcher's SIGTERM, nodemon's SIGUSR2: 'abrupt'). */
const KILLED = /^(SIG[A-Z0-9]+|abrupt)$/;

export interface EarlierInstance {
  /** How it ended (EndInfo.reason: 'exit', 'uncaughtException', 'SIGTERM', 'abrupt'…), when known. */
  reason?: string;
  /** Epoch ms it was reported ended. */
  endedAt: number;
}

/**
 * Why the process that started at `startedAt` (epoch ms) is a reload of the program after
 * `earlier` (the most recent instance under the same parent to end), or undefined when it is
 * one more process of the same run: 'killed' when the earlier one was ended by a signal (a
 * watcher kills the old process before it starts the new one), 'gap' when it ended by itself
 * (or how is unknown) at least RELOAD_GAP_MS before.
 */
export function reloadOf(earlier: EarlierInstance, startedAt: number): 'killed' | 'gap' | undefined {
  if (earlier.reason !== undefined && KILLED.test(earlier.reason)) return 'killed';
  if (startedAt - earlier.endedAt >= RELOAD_GAP_MS) return 'gap';
  return undefined;
}

/**
 * The process `pid` no longer exists on this machine. VS Code may report that a supervised
 * process ended after its successor's hub answered (a loaded CI machine: nodemon's reload was
 * taken for one more process of the run, 2026-12-05); a watcher starts the new process only
 * once the old one exited, so asking the system settles it. Only for a launch's processes,
 * which run where the extension host runs. A process that exists but is not ours (EPERM)
 * runs.
 */
export function processGone(pid: number, signal: (pid: number, sig: 0) => void = (p, s) => process.kill(p, s)): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    signal(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
