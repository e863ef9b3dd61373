// Bound the debuggee's store of collected scripts (issue #17, debuggee growth under
// evaluate polling). Every DAP evaluate compiles a script; once it has run and been
// collected, V8's inspector keeps its source for a later Debugger.getScriptSource, without
// limit unless the Debugger domain was enabled with `maxScriptsCacheSize`, and js-debug
// enables it without one. At 10 polls a second that is ~20 MB of the program's memory an
// hour (docs/SCALE.md). V8 takes the limit from any later `Debugger.enable` on the same
// inspector session (it sets the limit before returning "already enabled"), and js-debug's
// CDP proxy forwards our `Debugger.enable` to that very session; so one request, sent once
// per debuggee, bounds it. Scripts still alive (the program's own modules) are not
// affected: the limit applies only to scripts V8 has garbage collected.
// No vscode import: the extension passes a function that opens js-debug's proxy.

import type { CdpConnection } from './cdpSocket';

/**
 * Source bytes of collected scripts the inspector keeps. 1 MB (the figure V8's own test of
 * the option uses) holds a few thousand drain scripts: it stops growing within minutes,
 * and a collected script of the user's own (a debug-console evaluate) stays viewable
 * for a while.
 */
export const SCRIPT_CACHE_BYTES = 1_000_000;

/**
 * Send `Debugger.enable({ maxScriptsCacheSize })` on the connection `connect` opens, then
 * close it. Resolves undefined when the inspector took the limit, else why not (for the
 * log; never rejects: polling works the same without it).
 */
export async function boundScriptCache(connect: () => Promise<CdpConnection | undefined>, bytes = SCRIPT_CACHE_BYTES): Promise<string | undefined> {
  let conn: CdpConnection | undefined;
  try {
    conn = await connect();
    if (!conn) return 'no CDP connection';
    await conn.send('Debugger.enable', { maxScriptsCacheSize: bytes });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    conn?.close();
  }
}
