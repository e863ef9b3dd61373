// The one line an adapter logs when it meets a library it does not understand (unexpected
// exports, a getter that throws): it then disables itself for that library and version.
// Never throws; at most one warning per library version per realm.

import { nodeProcess } from '../env';

const warned = new Set<string>();

/** Log, once per `lib`, that QueueScope does not show this library's queues. */
export function disableWarning(lib: string, why: string): void {
  if (warned.has(lib)) return;
  warned.add(lib);
  try {
    nodeProcess()?.emitWarning?.(`QueueScope: not showing ${lib} queues (${why})`);
  } catch {
    // nothing more we can do
  }
}
