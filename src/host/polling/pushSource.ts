// What the poller needs of a push channel, and the one that pushes over a CDP connection
// (issue #17). The poller attaches by evaluate as always, then offers the session to its
// PushSource: when it takes over, drains arrive pushed and no drain is evaluated; when it
// cannot start or is lost later, the poller keeps (or goes back to) evaluate polling.
// No vscode import: the connection is made by a function the extension passes in (js-debug's
// CDP proxy), and tests pass one to `node --inspect`.

import { PushChannel } from './pushChannel';
import type { CdpConnection } from './cdpSocket';

export interface PushSource {
  /**
   * Try to take over: resolves true when batches will now arrive through `deliver`;
   * `lost` is called at most once, later, if the channel stops working.
   */
  start(deliver: (text: string) => void, lost: (why: string) => void): Promise<boolean>;
  /** The program halted (pause, breakpoint, step) or runs again. */
  setHalted(on: boolean): void;
  /** Resolves once every batch pushed before the call has been delivered. */
  flush(): Promise<void>;
  /** Stop pushing and close the connection (idempotent). */
  stop(): Promise<void>;
  /** Why the last start() failed, for the log. */
  readonly failure?: string;
}

export interface CdpPushOptions {
  /** Binding name, a JS identifier unique to this extension instance. */
  binding: string;
  intervalMs: () => number;
  maxBytes: number;
  leaseMs?: number;
}

/** A PushSource over one CDP connection per start (js-debug's proxy for one child session). */
export class CdpPushSource implements PushSource {
  private channel: PushChannel | undefined;
  private connection: CdpConnection | undefined;
  private stopped = false;
  failure: string | undefined;

  constructor(
    /** Open the connection; reject (or resolve undefined) when there is none to be had. */
    private readonly connect: () => Promise<CdpConnection | undefined>,
    private readonly options: CdpPushOptions,
  ) {}

  async start(deliver: (text: string) => void, lost: (why: string) => void): Promise<boolean> {
    if (this.stopped || this.channel) return false;
    let conn: CdpConnection | undefined;
    try {
      conn = await this.connect();
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      return false;
    }
    if (!conn) {
      this.failure ??= 'no CDP connection';
      return false;
    }
    if (this.stopped) {
      conn.close();
      return false;
    }
    const channel = new PushChannel(conn, {
      binding: this.options.binding,
      intervalMs: this.options.intervalMs,
      maxBytes: this.options.maxBytes,
      leaseMs: this.options.leaseMs,
      onBatch: deliver,
      onLost: (why) => {
        conn.close();
        lost(why);
      },
    });
    conn.onClose((why) => channel.connectionLost(why));
    const first = await channel.start();
    if (first === undefined || this.stopped) {
      this.failure = first === undefined ? 'the hub did not start pushing' : 'stopped';
      conn.close();
      return false;
    }
    this.channel = channel;
    this.connection = conn;
    return true;
  }

  setHalted(on: boolean): void {
    this.channel?.setHalted(on);
  }

  async flush(): Promise<void> {
    await this.channel?.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const channel = this.channel;
    const conn = this.connection;
    this.channel = undefined;
    this.connection = undefined;
    if (channel) await channel.stop();
    conn?.close();
  }

  /** Batches received and scripts compiled for renewals (diagnostics, tests). */
  get stats(): { received: number; renewals: number } {
    return { received: this.channel?.received ?? 0, renewals: this.channel?.renewals ?? 0 };
  }
}
