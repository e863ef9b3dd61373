// Drains fetched without compiling a script in the debuggee (issue #17, debuggee growth):
// the reader side of src/trace/formatterPull.ts. Each DAP evaluate compiles a script, and
// the inspector keeps memory per script even once it is collected (~7.7 MB in the first
// hour at 10 polls a second with the script cache bounded, docs/SCALE.md). Here a drain is
// a `Runtime.getProperties` of one held object: V8 runs the hub's custom formatter for its
// marker and answers with the drain as the marker's `customPreview.header`.
//
// Unlike the push channel, nothing runs on a timer in the debuggee: the poller still asks,
// at its own pace, and V8 runs the formatter where it would run an evaluate (at an
// interrupt, or from the event loop when idle), so a user's pause meets a poll exactly as
// under evaluate polling (src/host/sessions/pauseRace.ts).
//
// Setup, once per realm, over a CDP connection (js-debug's proxy in VS Code, `node
// --inspect` in tests): `Runtime.setCustomObjectFormatterEnabled(true)` on that session,
// then one evaluate of formatterPullExpression() whose result (the holder) is kept by
// objectId, in no object group: a group would keep a list entry for every object the
// inspector describes into it. Each fetch releases the marker's remote object it was
// handed. Any failure rejects, and the poller goes back to evaluate polling for good.
// No vscode import.

import { formatterPullExpression, NO_HUB, PULL_TAG } from '../../protocol/hub';
import type { CdpConnection } from './cdpSocket';

export interface DrainFetcher {
  /** Take over fetching drains; false when this realm cannot (why: `failure`). */
  start(): Promise<boolean>;
  /** One drain's answer (DrainBatch JSON); rejects when the channel no longer works. */
  drain(): Promise<string>;
  /** Let go of the holder and the connection (idempotent). */
  stop(): Promise<void>;
  readonly failure?: string;
}

interface RemoteObject {
  type?: string;
  value?: unknown;
  objectId?: string;
  customPreview?: { header?: unknown };
}

interface PropertyDescriptor {
  name?: string;
  value?: RemoteObject;
}

/** The drain text in a header the hub made, or why the header is not one. */
export function drainFromHeader(header: unknown): string | Error {
  if (typeof header !== 'string') return new Error('no custom preview (are custom formatters still on?)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return new Error('a custom preview that is not JSON');
  }
  if (!Array.isArray(parsed) || parsed[0] !== PULL_TAG || typeof parsed[2] !== 'string') return new Error('a custom preview that is not the hub\'s (another formatter answered first)');
  return parsed[2];
}

/** A DrainFetcher over one CDP connection, opened at start(). */
export class CdpFormatterFetcher implements DrainFetcher {
  private connection: CdpConnection | undefined;
  private holder: string | undefined;
  private stopped = false;
  failure: string | undefined;
  /** getProperties requests sent (diagnostics, tests). */
  fetches = 0;

  constructor(
    /** Open the connection; reject (or resolve undefined) when there is none to be had. */
    private readonly connect: () => Promise<CdpConnection | undefined>,
    private readonly options: { maxBytes: number },
  ) {}

  async start(): Promise<boolean> {
    if (this.stopped || this.connection) return false;
    let conn: CdpConnection | undefined;
    let enabled = false;
    try {
      conn = await this.connect();
      if (!conn) throw new Error('no CDP connection');
      if (this.stopped) throw new Error('stopped');
      await conn.send('Runtime.setCustomObjectFormatterEnabled', { enabled: true });
      enabled = true;
      const r = (await conn.send('Runtime.evaluate', { expression: formatterPullExpression(this.options.maxBytes), silent: true })) as { result?: RemoteObject; exceptionDetails?: unknown };
      const holder = r.result;
      if (r.exceptionDetails !== undefined) throw new Error('the holder\'s expression threw');
      if (!holder?.objectId || holder.type !== 'object') {
        throw new Error(typeof holder?.value === 'string' ? (holder.value === NO_HUB ? 'no hub' : holder.value) : 'no holder');
      }
      this.connection = conn;
      this.holder = holder.objectId;
      conn.onClose(() => (this.holder = undefined));
      return true;
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      this.connection = undefined;
      this.holder = undefined;
      // Evaluate polling goes on: leave the debugger's session as it was.
      if (enabled) void conn?.send('Runtime.setCustomObjectFormatterEnabled', { enabled: false }).catch(() => undefined);
      conn?.close();
      return false;
    }
  }

  async drain(): Promise<string> {
    const conn = this.connection;
    const holder = this.holder;
    if (!conn || holder === undefined) throw new Error('the formatter channel is closed');
    this.fetches++;
    const r = (await conn.send('Runtime.getProperties', { objectId: holder, ownProperties: true })) as { result?: PropertyDescriptor[] };
    const marker = Array.isArray(r.result) ? r.result.find((p) => p?.name === 'drain')?.value : undefined;
    // The inspector registered the marker's description; nothing else will release it.
    if (typeof marker?.objectId === 'string') void conn.send('Runtime.releaseObject', { objectId: marker.objectId }).catch(() => undefined);
    const text = drainFromHeader(marker?.customPreview?.header);
    if (text instanceof Error) throw text;
    return text;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const conn = this.connection;
    const holder = this.holder;
    this.connection = undefined;
    this.holder = undefined;
    if (!conn) return;
    if (holder !== undefined) {
      // Not awaited: at a session's end the target may never answer. The socket sends them
      // before its close frame.
      void conn.send('Runtime.releaseObject', { objectId: holder }).catch(() => undefined);
      // Off again, so the debugger's own descriptions stop calling formatters at all.
      void conn.send('Runtime.setCustomObjectFormatterEnabled', { enabled: false }).catch(() => undefined);
    }
    conn.close();
  }
}
