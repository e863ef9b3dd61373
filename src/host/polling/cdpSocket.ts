// A CDP connection over a WebSocket, for the push channel (issue #17): in VS Code it is
// js-debug's CDP proxy (`extension.js-debug.requestCDPProxy`), in tests `node --inspect`.
// The extension host (Node 20) has no stable global WebSocket, so this uses the `ws`
// package, bundled into the extension by esbuild; nothing of it reaches the debuggee.
//
// Requests get ids and resolve with their `result` (reject with the CDP error); events go
// to their listeners; when the socket closes, every request in flight is rejected and the
// close listeners run once. No vscode import.

import WebSocket from 'ws';
import type { CdpLink } from './pushChannel';

/** A CdpLink that can be closed and says when it closed. */
export interface CdpConnection extends CdpLink {
  close(): void;
  onClose(listener: (why: string) => void): void;
  readonly closed: boolean;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  method: string;
}

class CdpSocket implements CdpConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private readonly closeListeners: ((why: string) => void)[] = [];
  closed = false;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.received(String(data)));
    ws.on('close', () => this.ended('the CDP connection closed'));
    ws.on('error', (err) => this.ended(`CDP connection error: ${err.message}`));
  }

  send(method: string, params: object = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`${method}: the CDP connection is closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }), (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(new Error(`${method}: ${err.message}`));
      });
    });
  }

  on(event: string, listener: (params: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onClose(listener: (why: string) => void): void {
    if (this.closed) listener('the CDP connection is closed');
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.ws.close();
    this.ended('closed by QueueScope');
  }

  private received(text: string): void {
    let msg: { id?: unknown; result?: unknown; error?: { message?: unknown }; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return; // not CDP: ignore rather than fail the session
    }
    if (typeof msg.id === 'number' && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${String(msg.error.message ?? 'CDP error')}`));
      else p.resolve(msg.result);
    } else if (typeof msg.method === 'string') {
      for (const l of [...(this.listeners.get(msg.method) ?? [])]) l(msg.params);
    }
  }

  private ended(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error(`${p.method}: ${why}`));
    this.pending.clear();
    for (const l of this.closeListeners.splice(0)) l(why);
  }
}

/** Connect to a CDP WebSocket endpoint (ws://host:port/path); rejects after `timeoutMs`. */
export function connectCdp(url: string, timeoutMs = 5000): Promise<CdpConnection> {
  return new Promise((resolve, reject) => {
    // No compression: the proxy is on this machine, and a 256 KiB batch is cheaper sent flat.
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no CDP connection to ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(new CdpSocket(ws));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The WebSocket URL of a CDP proxy address as js-debug's requestCDPProxy gives it. */
export function proxyUrl(address: { host: string; port: number; path?: string }): string {
  const host = address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
  return `ws://${host}:${address.port}${address.path ?? ''}`;
}
