// When the panel opens by itself: at the first queue of a debug session the user started
// (F5 on their own program), once per session, if the setting allows. The decision is here,
// without vscode, so it is unit-tested; src/extension/panel/panel.ts reveals the panel
// (without taking focus from the editor).

import type { ModelChange, QueueModel } from '../../model/store';

export class FirstQueueReveal {
  /** Sessions whose first queue was already seen. */
  private readonly seen = new Set<string>();

  constructor(private readonly model: Pick<QueueModel, 'session'>) {}

  /** The session to reveal the panel for after `c`, or undefined. */
  onChange(c: ModelChange, enabled: boolean): string | undefined {
    if (c.kind === 'session' && c.removed) {
      this.seen.delete(c.session);
      return undefined;
    }
    if (c.kind !== 'queues' || c.added.length === 0 || this.seen.has(c.session)) return undefined;
    const s = this.model.session(c.session);
    if (!s || s.origin !== 'debug') return undefined; // a loaded recording opens its own editor
    this.seen.add(c.session);
    return enabled ? c.session : undefined;
  }

  /** Sessions remembered (tests: it shrinks when sessions are removed). */
  get size(): number {
    return this.seen.size;
  }
}
