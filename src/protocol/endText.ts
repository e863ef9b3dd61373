// How a program ended, in the words the panel's banner and the Queues tree use. Pure.

import type { EndInfo } from './wire';

/** The words for a notable end ("uncaught SyntaxError: …", "exit code 3", "killed by SIGTERM", "abruptly, …": the banner prints "The program ended: " before it); undefined for a clean one. */
export function endNote(end: EndInfo | undefined): string | undefined {
  // The user stopped it from the debugger: however it died then, that is no news.
  if (end === undefined || end.requested) return undefined;
  if (end.reason === 'uncaughtException') return `uncaught ${end.error ?? 'exception'}`;
  if (end.reason === 'SIGINT' || end.reason === 'SIGTERM' || end.reason === 'SIGHUP') return `killed by ${end.reason}`;
  if (end.reason === 'exit' && end.code !== undefined && end.code !== 0) return `exit code ${end.code}`;
  // Any end that skips the exit hooks: SIGKILL (out of memory), a nodemon restart's SIGUSR2, SIGQUIT, abort(), a native crash.
  if (end.reason === 'abrupt') return 'abruptly, without its exit handlers (a signal such as SIGKILL, e.g. out of memory, or a crash): its figures end at the last read';
  return undefined;
}

/** A session's notable end, and who it was when not the program itself. */
export interface SessionEnd {
  end: EndInfo;
  /**
   * Who ended, when it was not the program (the session's first main thread): "worker
   * thread 2", "worker thread 3 of pid 4242", "process 4301" (a child process). Its end is
   * news while the rest runs on: the banner says "Worker thread 2 ended: …".
   */
  realm?: string;
}

type EndSource = { info: { threadId: number; pid?: number }; end?: EndInfo; queues?: { size: number } };

/**
 * A session's notable end: its program's, else the first other realm's that has one, said
 * as that realm's (a worker thread that died while the program ran on and then exited
 * cleanly did not end the program). The program is the first main thread with queues, else
 * the first main thread: under "Launch via NPM" npm's own process comes first, and its
 * "exit code 1" after the program it ran crashed is not the news.
 */
export function sessionEnd(sources: Iterable<EndSource>): SessionEnd | undefined {
  const all = [...sources];
  const mains = all.filter((src) => src.info.threadId === 0);
  const program = mains.find((src) => (src.queues?.size ?? 0) > 0) ?? mains[0];
  if (program !== undefined && endNote(program.end) !== undefined) return { end: program.end as EndInfo };
  for (const src of all) {
    if (src === program || endNote(src.end) === undefined) continue;
    return { end: src.end as EndInfo, realm: realmName(src.info, program?.info) };
  }
  return undefined;
}

/** "worker thread 2", "worker thread 3 of pid 4242", "process 4301": a realm beside the program. */
function realmName(info: EndSource['info'], program: EndSource['info'] | undefined): string {
  const pid = info.pid !== undefined && info.pid !== program?.pid ? info.pid : undefined;
  if (info.threadId === 0) return pid !== undefined ? `process ${pid}` : 'a process';
  return pid !== undefined ? `worker thread ${info.threadId} of pid ${pid}` : `worker thread ${info.threadId}`;
}

/** "The program ended: uncaught TypeError: …" or "Worker thread 2 ended: …": the banner's and the CLI's words, undefined when the end is no news. */
export function sessionEndLine(e: SessionEnd | undefined): { lead: string; note: string } | undefined {
  const note = endNote(e?.end);
  if (note === undefined || e === undefined) return undefined;
  const lead = e.realm === undefined ? 'The program ended: ' : `${e.realm.charAt(0).toUpperCase()}${e.realm.slice(1)} ended: `;
  return { lead, note };
}
