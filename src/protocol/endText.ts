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

/** A session's notable end: its main thread's, else the first worker's that has one. */
export function sessionEnd(sources: Iterable<{ info: { threadId: number }; end?: EndInfo }>): EndInfo | undefined {
  let found: EndInfo | undefined;
  for (const src of sources) {
    if (endNote(src.end) === undefined) continue;
    if (src.info.threadId === 0) return src.end;
    found ??= src.end;
  }
  return found;
}
