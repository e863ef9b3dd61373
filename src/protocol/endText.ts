// How a program ended, in the words the panel's banner and the Queues tree use. Pure.

import type { EndInfo } from './wire';

/** Node's exit code when the main ES module's top-level await is still pending as the event loop empties. */
export const UNSETTLED_TOP_LEVEL_AWAIT = 13;

/** The words for a notable end ("uncaught SyntaxError: …", "exit code 3", "killed by SIGTERM", "abruptly, …": the banner prints "The program ended: " before it); undefined for a clean one. */
export function endNote(end: EndInfo | undefined): string | undefined {
  // The user stopped it from the debugger: however it died then, that is no news.
  if (end === undefined || end.requested) return undefined;
  // The hub's words when the thrown value's text could not be read (its toString threw) are
  // "an uncaught exception": not "uncaught an uncaught exception" (since 2026-12-05).
  if (end.reason === 'uncaughtException') return end.error === undefined ? 'uncaught exception' : /^an? uncaught\b/i.test(end.error) ? end.error : `uncaught ${end.error}`;
  if (end.reason === 'SIGINT' || end.reason === 'SIGTERM' || end.reason === 'SIGHUP') return `killed by ${end.reason}`;
  if (end.reason === 'exit' && end.unsettledAwait === true) return `exit code ${end.code ?? UNSETTLED_TOP_LEVEL_AWAIT} (Node's code for a top-level await that never settled: the event loop ran out while it waited)`;
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

type EndSource = { info: { threadId: number; pid?: number; origin?: number; argv?: readonly string[] }; end?: EndInfo };

/** An end that is a crash of the realm itself: not a bare exit code, which may only pass a child's on. */
function crashed(end: EndInfo | undefined): boolean {
  return endNote(end) !== undefined && end?.reason !== 'exit';
}

/**
 * A session's notable end, said as whose it was. The program is the launch's first process
 * (the main thread that started first). A crash of the program is the news; else a crash of
 * another realm (a worker thread that died while the program ran on, a child process), since
 * a program's bare "exit code 1" may only pass that on (npm after the script it ran
 * crashed); else the program's non-zero exit code, else another realm's.
 */
export function sessionEnd(sources: Iterable<EndSource>): SessionEnd | undefined {
  const all = [...sources];
  const program = programOf(all);
  const others = all.filter((src) => src !== program);
  const other = (pick: (end: EndInfo | undefined) => boolean): SessionEnd | undefined => {
    const src = others.find((o) => pick(o.end));
    return src === undefined ? undefined : { end: src.end as EndInfo, realm: realmName(src.info, program?.info) };
  };
  if (crashed(program?.end)) return { end: program!.end as EndInfo };
  const crash = other(crashed);
  if (crash !== undefined) return crash;
  if (endNote(program?.end) !== undefined) return { end: program!.end as EndInfo };
  return other((end) => endNote(end) !== undefined);
}

/**
 * Every other notable end of the session's realms than `shown` (sessionEnd()'s): a second
 * worker that crashed is news too, and the CLI named only one.
 */
export function otherEnds(sources: Iterable<EndSource>, shown: SessionEnd | undefined): SessionEnd[] {
  const all = [...sources];
  const program = programOf(all);
  const out: SessionEnd[] = [];
  for (const src of all) {
    if (endNote(src.end) === undefined) continue;
    const realm = src === program ? undefined : realmName(src.info, program?.info);
    if (shown !== undefined && realm === shown.realm) continue;
    out.push(realm === undefined ? { end: src.end as EndInfo } : { end: src.end as EndInfo, realm });
  }
  return out;
}

/** The program: the main thread that started first. */
export function programOf<S extends EndSource>(sources: readonly S[]): S | undefined {
  let program: S | undefined;
  for (const src of sources) {
    if (src.info.threadId !== 0) continue;
    if (program === undefined || (src.info.origin ?? Infinity) < (program.info.origin ?? Infinity)) program = src;
  }
  return program;
}

/** "worker thread 2", "worker thread 3 of pid 4242", "process 4301 (server.js)": a realm beside the program. */
export function realmName(info: EndSource['info'], program: EndSource['info'] | undefined): string {
  const pid = info.pid !== undefined && info.pid !== program?.pid ? info.pid : undefined;
  if (info.threadId !== 0) return pid !== undefined ? `worker thread ${info.threadId} of pid ${pid}` : `worker thread ${info.threadId}`;
  const script = info.argv?.[1];
  const name = typeof script === 'string' && script !== '' && !script.startsWith('-') ? script.split(/[\\/]/).pop() : undefined;
  const base = pid !== undefined ? `process ${pid}` : 'a process';
  return name ? `${base} (${name.slice(0, 60)})` : base;
}

/** "The program ended: uncaught TypeError: …" or "Worker thread 2 ended: …": the banner's and the CLI's words, undefined when the end is no news. */
export function sessionEndLine(e: SessionEnd | undefined): { lead: string; note: string } | undefined {
  const note = endNote(e?.end);
  if (note === undefined || e === undefined) return undefined;
  const lead = e.realm === undefined ? 'The program ended: ' : `${e.realm.charAt(0).toUpperCase()}${e.realm.slice(1)} ended: `;
  return { lead, note };
}
