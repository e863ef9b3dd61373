// Messages to the webview, in order, one per macrotask: a message split in parts (split.ts)
// must not reach the renderer as one task again, and nothing sent later may overtake a part.

import type { TimerHost } from './throttle';

export class Outbox<T> {
  private queue: T[] = [];
  private timer: unknown = null;

  constructor(private readonly post: (msg: T) => void, private readonly host: TimerHost, private readonly gapMs = 1) {}

  /** Post the first message now when nothing waits, the rest one per timer tick. */
  send(msgs: readonly T[]): void {
    this.queue.push(...msgs);
    if (this.timer === null) this.pump();
  }

  /** Messages not posted yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Forget what is not posted yet (an init is about to replace it all). */
  clear(): void {
    if (this.timer !== null) this.host.clearTimer(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private pump(): void {
    this.timer = null;
    const msg = this.queue.shift();
    if (msg === undefined) return;
    this.post(msg);
    if (this.queue.length > 0) this.timer = this.host.setTimer(() => this.pump(), this.gapMs);
  }
}
