// The hub's reader-facing API (what a debugger evaluates in the debuggee) and the
// expressions the extension sends. Both the hub (src/trace) and the extension import
// this module, so the names cannot drift apart.

import type { DrainOptions, Snapshot } from './wire';

/** Realm-global key of the hub: `globalThis[Symbol.for(HUB_SYMBOL)]`. */
export const HUB_SYMBOL = 'queuescope.hub';

export interface SnapshotOptions {
  /** How many items of each queue to preview (default 10, at most 100). */
  items?: number;
}

/** Methods a reader may call on the hub. None of them ever throws. */
export interface HubReaderApi {
  /** Arm the hub (idempotent) and return an AttachInfo as a JSON string. */
  attach(): string;
  /**
   * Everything since the previous drain as a DrainBatch JSON string, at most ~maxBytes long
   * (columnar: plus the always-complete summary columns, see DrainOptions).
   */
  drain(maxBytes?: number, options?: DrainOptions): string;
  /** A picture of every live queue. */
  snapshot(options?: SnapshotOptions): Snapshot;
  /**
   * Push columnar drains into the CDP binding `globalThis[binding]` on the hub's own timer
   * (src/trace/pusher.ts) until `leaseMs` after the last call; returns PushStarted JSON.
   * Absent in hubs that predate it.
   */
  startPush?(binding: string, options?: PushOptions): string;
  /** Stop pushing. */
  stopPush?(): void;
}

export interface PushOptions {
  /** Push interval while things change (10..10000 ms, default 100); slower while idle. */
  intervalMs?: number;
  /** Detail budget of each batch (as drain's maxBytes). */
  maxBytes?: number;
  /** Pushing stops this long after the last startPush (1 s..10 min, default 30 s). */
  leaseMs?: number;
}

/** startPush()'s answer. */
export interface PushStarted {
  v: number;
  ok: boolean;
  /** The seq the first pushed batch carries. */
  nextSeq?: number;
  error?: string;
}

/**
 * Poll expressions end with this sourceURL so that (a) a pause the user requests while a
 * poll runs can be skipped by the debugger's skipFiles (`**\/queuescope-poll.js`), and
 * (b) no stack frame of ours looks like user code. See DESIGN.md, "the pause race".
 */
export const POLL_SOURCE_URL = 'file:///queuescope/queuescope-poll.js';

/** What an expression yields when the realm has no hub (the program does not use the library). */
export const NO_HUB = 'null';

const HUB = `globalThis[Symbol.for(${JSON.stringify(HUB_SYMBOL)})]`;
const tail = `\n//# sourceURL=${POLL_SOURCE_URL}`;

/** Expression: attach, returning AttachInfo JSON, or NO_HUB. */
export function attachExpression(): string {
  return `(function(){var h=${HUB};return h?h.attach():${JSON.stringify(NO_HUB)}})()${tail}`;
}

/**
 * Expression: drain up to `maxBytes`, returning DrainBatch JSON, or NO_HUB. With
 * `columns` the answer is columnar (a hub that predates it answers in rows and events).
 */
export function drainExpression(maxBytes: number, options: DrainOptions = {}): string {
  const arg = JSON.stringify(Math.max(1024, Math.floor(maxBytes)));
  const opts = options.columns === true ? `,${JSON.stringify({ columns: true })}` : '';
  return `(function(){var h=${HUB};return h?h.drain(${arg}${opts}):${JSON.stringify(NO_HUB)}})()${tail}`;
}

/**
 * Expression: start (or renew) pushing into the binding `binding`; yields PushStarted JSON,
 * `{"ok":false,…}` when this hub cannot push, or NO_HUB.
 */
export function startPushExpression(binding: string, options: PushOptions): string {
  const args = `${JSON.stringify(binding)},${JSON.stringify({ intervalMs: options.intervalMs, maxBytes: options.maxBytes, leaseMs: options.leaseMs })}`;
  const cannot = JSON.stringify(JSON.stringify({ v: 1, ok: false, error: 'this hub cannot push' }));
  return `(function(){var h=${HUB};return h?(typeof h.startPush==="function"?h.startPush(${args}):${cannot}):${JSON.stringify(NO_HUB)}})()${tail}`;
}

/** Expression: stop pushing (yields "null"). */
export function stopPushExpression(): string {
  return `(function(){var h=${HUB};if(h&&typeof h.stopPush==="function")h.stopPush();return "null"})()${tail}`;
}

/** Expression: snapshot as JSON (stringified in the debuggee: see DESIGN.md), or NO_HUB. */
export function snapshotExpression(options: SnapshotOptions): string {
  const arg = JSON.stringify({ items: options.items ?? 10 });
  return `(function(){var h=${HUB};return h?JSON.stringify(h.snapshot(${arg})):${JSON.stringify(NO_HUB)}})()${tail}`;
}
