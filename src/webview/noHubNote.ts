// What the panel says of running debug sessions in which no QueueScope hub answers: without
// it the panel read "No debug session yet" while the user was debugging (an attach, VS Code's
// own debug terminal). Names are program-supplied: they go into text nodes only.

import type { NoHubHow, NoHubSession } from '../protocol/webview';

/** Every hub-less session of one kind, and what would give them a hub. */
export interface NoHubNote {
  how: NoHubHow;
  /** "app.js [4711]", or "app.js [4711] and 2 more". */
  names: string;
  /** The sentence, in parts: a `{ code }` part is a command to show as code. */
  text: (string | { code: string })[];
  /** Running the program in QueueScope's debug terminal would give it a hub. */
  offerTerminal: boolean;
}

const SEEN = 'so only queues of the QueueScope library can show, and only once the program loads it.';

const WHY: Readonly<Record<NoHubHow, NoHubNote['text']>> = {
  terminal: [`It runs in a JavaScript Debug Terminal that QueueScope did not open, ${SEEN} Run it in QueueScope's debug terminal to see its p-queue, p-limit, fastq, async, stream and piscina queues too.`],
  attach: [`The program you attached to was started without QueueScope, ${SEEN} Start it with `, { code: 'node --require queuescope/register' }, ", or in QueueScope's debug terminal, to see every queue."],
  launch: [`Its launch was not armed by QueueScope (the setting `, { code: 'queuescope.autoArm' }, ` is off, or the runtime is not Node), ${SEEN}`],
};

/** One note per kind of start, in a fixed order (attach, terminal, launch). */
export function noHubNotes(sessions: readonly NoHubSession[]): NoHubNote[] {
  const notes: NoHubNote[] = [];
  for (const how of ['attach', 'terminal', 'launch'] as const) {
    const names = [...new Set(sessions.filter((s) => s.how === how).map((s) => s.name))];
    if (names.length === 0) continue;
    const shown = `"${names[0]}"${names.length > 1 ? ` and ${names.length - 1} more` : ''}`;
    notes.push({ how, names: shown, text: WHY[how], offerTerminal: how !== 'launch' });
  }
  return notes;
}
