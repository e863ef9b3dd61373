// A minimal Chrome DevTools Protocol client over the `ws` package, for tests that debug a
// real Node process (`node --inspect=0`): the same V8 debugger VS Code's js-debug drives.

import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import type { CdpConnection } from '../../../src/host/polling/cdpSocket';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string };

export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, ((params: unknown) => void)[]>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) return;
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners.get(msg.method) ?? []) l(msg.params);
      }
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: connection closed`));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<CdpClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(new CdpClient(ws)));
      ws.once('error', reject);
    });
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, listener: (params: unknown) => void): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), listener]);
  }

  /** The next event of this kind. */
  once<T = unknown>(method: string): Promise<T> {
    return new Promise((resolve) => {
      const l = (p: unknown): void => {
        this.listeners.set(method, (this.listeners.get(method) ?? []).filter((x) => x !== l));
        resolve(p as T);
      };
      this.on(method, l);
    });
  }

  /**
   * Evaluate in the global scope (no call frame), returning a string result by value:
   * what a DAP `evaluate` without frameId and with context "copy" does through js-debug.
   */
  async evaluateString(expression: string): Promise<string> {
    const r = await this.send<{ result: { type: string; value?: unknown; description?: string }; exceptionDetails?: { text: string } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      silent: true,
    });
    if (r.exceptionDetails) throw new Error(`evaluate threw: ${r.exceptionDetails.text}`);
    return typeof r.result.value === 'string' ? r.result.value : String(r.result.value ?? r.result.description);
  }

  close(): void {
    this.ws.close();
  }
}

/** Start `node --inspect=0 <args>` and resolve with the process and its debugger's websocket URL. */
export function startInspected(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], output: () => out });
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`node exited (${code}) before the debugger listened:\n${out}`)));
  });
}

/**
 * `client`'s own inspector session lent out as a CdpConnection, as js-debug's CDP proxy lends
 * its session: requests go through it, and closing it leaves it open (counted in `closes`).
 */
export function sameSession(client: CdpClient): CdpConnection & { closes: number } {
  const conn = {
    closed: false,
    closes: 0,
    send: (method: string, params?: object) => client.send(method, params),
    on: () => () => undefined,
    onClose: () => undefined,
    close: () => void conn.closes++,
  };
  return conn;
}
