// The Redis watches running in this window: one per model session of origin 'redis'.
// Closing the session in the tree (or clearing it) stops its watch; stopping a watch ends
// its session, which stays in the tree as history until cleared.

import type * as vscode from 'vscode';
import type { QueueModel } from '../../model/store';
import type { RedisWatch } from '../../redis';

export interface RunningWatch {
  readonly session: string;
  readonly display: string;
  readonly prefix: string;
  readonly watch: RedisWatch;
}

export class RedisWatches implements vscode.Disposable {
  private readonly running = new Map<string, RunningWatch>();
  private next = 1;
  private readonly subscription: { dispose(): void };

  constructor(model: QueueModel) {
    this.subscription = model.onDidChange((c) => {
      if (c.kind === 'session' && c.removed) void this.stop(c.session);
    });
  }

  newSessionId(): string {
    return `redis:${this.next++}`;
  }

  add(w: RunningWatch): void {
    this.running.set(w.session, w);
  }

  list(): RunningWatch[] {
    return [...this.running.values()];
  }

  /** Is `display` + `prefix` already watched? */
  find(display: string, prefix: string): RunningWatch | undefined {
    return this.list().find((w) => w.display === display && w.prefix === prefix);
  }

  async stop(session: string, reason = 'stopped'): Promise<void> {
    const w = this.running.get(session);
    if (!w) return;
    this.running.delete(session);
    await w.watch.stop(reason);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const w of this.running.values()) void w.watch.stop('window closed');
    this.running.clear();
  }
}
