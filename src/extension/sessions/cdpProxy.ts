// The push channel's VS Code glue (issue #17): js-debug's CDP proxy for one child session.
// `extension.js-debug.requestCDPProxy` (js-debug >= 1.70; checked against 1.100) answers
// `{ host, port, path }` of a WebSocket that forwards CDP to that session's target (a
// process or a worker) and adds a `JsDebug` domain (`JsDebug.subscribe` for events such as
// Runtime.bindingCalled). The logic is in src/host/polling (pushSource.ts, pushChannel.ts,
// cdpSocket.ts); this file only asks VS Code for the address.
//
// When there is no proxy (another debugger, an older js-debug, the command failing), the
// poller keeps polling by evaluate. The same proxy also carries the default drain read
// (src/host/polling/formatterFetch.ts) and bounds the debuggee's store of collected
// scripts (src/host/polling/scriptCache.ts).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { connectCdp, proxyUrl, type CdpConnection } from '../../host/polling/cdpSocket';
import { CdpPushSource, type PushSource } from '../../host/polling/pushSource';
import { CdpFormatterFetcher, type DrainFetcher } from '../../host/polling/formatterFetch';

const REQUEST_PROXY = 'extension.js-debug.requestCDPProxy';

interface ProxyAddress {
  host: string;
  port: number;
  path?: string;
}

function isAddress(v: unknown): v is ProxyAddress {
  const a = v as ProxyAddress | undefined;
  return typeof a === 'object' && a !== null && typeof a.host === 'string' && typeof a.port === 'number';
}

/** The proxy's address: the public command, else the DAP request it wraps. */
async function proxyAddress(session: vscode.DebugSession): Promise<ProxyAddress> {
  let viaCommand: unknown;
  try {
    viaCommand = await vscode.commands.executeCommand(REQUEST_PROXY, session.id);
  } catch {
    viaCommand = undefined; // no such command: not js-debug, or an old one
  }
  if (isAddress(viaCommand)) return viaCommand;
  const viaRequest: unknown = await session.customRequest('requestCDPProxy');
  if (isAddress(viaRequest)) return viaRequest;
  throw new Error('js-debug gave no CDP proxy address');
}

/** One binding name per extension host: a JS identifier no program uses. */
const BINDING = `__queuescopePush_${randomBytes(6).toString('hex')}`;

/** A new CDP connection to one js-debug child session's target, through its proxy. */
export async function jsDebugConnection(session: vscode.DebugSession): Promise<CdpConnection> {
  return connectCdp(proxyUrl(await proxyAddress(session)));
}

/** A DrainFetcher for one js-debug child session, through its CDP proxy. */
export function jsDebugFormatterFetcher(session: vscode.DebugSession, options: { maxBytes: number }): DrainFetcher {
  return new CdpFormatterFetcher(() => jsDebugConnection(session), options);
}

/** A PushSource for one js-debug child session, through its CDP proxy. */
export function jsDebugPushSource(session: vscode.DebugSession, options: { intervalMs: () => number; maxBytes: number }): PushSource {
  return new CdpPushSource(() => jsDebugConnection(session), { binding: BINDING, intervalMs: options.intervalMs, maxBytes: options.maxBytes });
}
