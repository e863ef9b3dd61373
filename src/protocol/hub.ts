// The hub's reader-facing API (what a debugger evaluates in the debuggee) and the
// expressions the extension sends. Both the hub (src/trace) and the extension import
// this module, so the names cannot drift apart. src/queue/probe.ts keeps its own copy of
// HUB_SYMBOL (the library imports no other folder); test/unit/protocol/hub.test.ts proves
// the two give the same symbol.

import type { DrainOptions, Snapshot } from './wire';

/** Realm-global key of the hub: `globalThis[Symbol.for(HUB_SYMBOL)]`. */
export const HUB_SYMBOL = 'queuescope.hub';

/** Items previewed per queue when the reader does not say (attach, snapshot, the setting's default). */
export const DEFAULT_PREVIEW_ITEMS = 10;
/** Most items a snapshot previews per queue. */
export const MAX_PREVIEW_ITEMS = 100;
/** Bytes a drain returns when the reader does not say: well under the 1 MB a debugger answer
 *  should stay under (docs/CONTRACTS.md, "Cost"). */
export const DEFAULT_DRAIN_BYTES = 256 * 1024;

export interface SnapshotOptions {
  /** How many items of each queue to preview (default DEFAULT_PREVIEW_ITEMS, at most MAX_PREVIEW_ITEMS). */
  items?: number;
  /**
   * The debugger stopped the program (the pause snapshot): a file recorder of the realm marks
   * a pause there, and the end of it when the program runs again. Hubs that predate it ignore it.
   */
  paused?: boolean;
  /**
   * With `paused`: how long the program has been stopped, in ms, as the extension measured it
   * (from the debugger's stop to this request). The pause is dated that much before the
   * snapshot: the extension drains first, and on a loaded machine that took 1.7 s, which a
   * pause dated at the snapshot counted as running time. Hubs that predate it ignore it.
   */
  pausedMs?: number;
}

/** How far before `t` a paused snapshot's pause began (SnapshotOptions.pausedMs, checked): 0 when absent or malformed. */
export function pauseLead(pausedMs: unknown, t: number): number {
  return typeof pausedMs === 'number' && Number.isFinite(pausedMs) && pausedMs > 0 ? Math.min(pausedMs, Math.max(0, t)) : 0;
}

export interface AttachOptions {
  /**
   * A file the hub writes, when its realm ends, with everything this reader has not drained
   * yet (src/trace/exitTail.ts). Hubs that predate it ignore the option.
   */
  tail?: string;
}

/** Methods a reader may call on the hub. None of them ever throws. */
export interface HubReaderApi {
  /** Arm the hub (idempotent) and return an AttachInfo as a JSON string. */
  attach(options?: AttachOptions): string;
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
  /**
   * An object whose `drain` property drains (columnar, up to maxBytes) each time a debugger
   * with custom object formatters on describes it, its header being [PULL_TAG, {}, batch]
   * (src/trace/formatterPull.ts); an error text when it cannot. Absent in hubs that predate it.
   */
  formatterPull?(maxBytes?: number): object | string;
  /** `text` whole, or staged and its first part (boundedExpression). Absent in hubs that predate it. */
  bounded?(text: string, maxChars: number): string;
  /** A further part of the staged answer `id` (chunkExpression). */
  chunk?(id: number, offset: number, maxChars: number): string;
  /**
   * In-process only (the file recorder, src/trace/recorder.ts): hand `sink` every batch any
   * reader drains, and tell it when a debugger's reader attaches, so that one outbox feeds
   * both the file and the debugger without splitting the events between them. null removes
   * it. Absent in hubs that predate it (a recorder then drains on its own).
   */
  tee?(sink: HubTee | null): boolean;
}

/** What the hub tells the file recorder through tee(). */
export interface HubTee {
  /** A DrainBatch JSON a drain just produced, whoever asked for it (also the exit tail's). */
  take(batch: string): void;
  /** A debugger's reader attached or started pushing: its first drain is coming. */
  readerSeen(): void;
  /** The debugger stopped the program (its pause snapshot was taken at hub time `t`). */
  paused?(t: number): void;
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
 * (b) no stack frame of ours looks like user code. See docs/CONTRACTS.md, "The pause race".
 */
export const POLL_SOURCE_URL = 'file:///queuescope/queuescope-poll.js';

/** What an expression yields when the realm has no hub (the program does not use the library). */
export const NO_HUB = 'null';

/**
 * What attachExpression() yields in Node's module-hooks thread (the worker Node starts for
 * `module.register()`, listed by js-debug as "[worker N]"): no program runs there, ever, so
 * the reader stops asking (it asked every ~3 s for the whole session). Nothing of ours runs
 * in that thread (Node 20 runs no `--require` preload there); it is known by the internal
 * module it runs, which no other realm loads.
 */
export const HOOKS_THREAD = '"hooks-thread"';
const HOOKS_THREAD_TEST = `(function(){try{var l=typeof process!=="undefined"&&process.moduleLoadList;return Array.isArray(l)&&l.indexOf("NativeModule internal/modules/esm/worker")>=0}catch(e){return false}})()`;

const HUB = `globalThis[Symbol.for(${JSON.stringify(HUB_SYMBOL)})]`;
const tail = `\n//# sourceURL=${POLL_SOURCE_URL}`;

/** Expression: attach, returning AttachInfo JSON, NO_HUB, or HOOKS_THREAD. */
export function attachExpression(options: AttachOptions = {}): string {
  const arg = options.tail === undefined ? '' : JSON.stringify({ tail: String(options.tail) });
  return `(function(){var h=${HUB};return h?h.attach(${arg}):${HOOKS_THREAD_TEST}?${JSON.stringify(HOOKS_THREAD)}:${JSON.stringify(NO_HUB)}})()${tail}`;
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

/** The first element of a formatter-pull header (src/trace/formatterPull.ts); readers check it. */
export const PULL_TAG = 'queuescope-drain';

/**
 * Expression: the formatter-pull holder of formatterPull() (to evaluate without
 * returnByValue: the reader keeps its objectId); a string when there is none (NO_HUB, or why).
 */
export function formatterPullExpression(maxBytes: number): string {
  const arg = JSON.stringify(Math.max(1024, Math.floor(maxBytes)));
  const cannot = JSON.stringify('this hub cannot be read through a formatter');
  return `(function(){var h=${HUB};return h?(typeof h.formatterPull==="function"?h.formatterPull(${arg}):${cannot}):${JSON.stringify(NO_HUB)}})()${tail}`;
}

/** Expression: stop pushing (yields "null"). */
export function stopPushExpression(): string {
  return `(function(){var h=${HUB};if(h&&typeof h.stopPush==="function")h.stopPush();return "null"})()${tail}`;
}

/** Expression: snapshot as JSON (stringified in the debuggee: see docs/CONTRACTS.md, "While paused"), or NO_HUB. */
export function snapshotExpression(options: SnapshotOptions): string {
  const lead = pauseLead(options.pausedMs, Infinity);
  const paused = options.paused === true ? { paused: true, ...(lead > 0 ? { pausedMs: Math.ceil(lead) } : {}) } : {};
  const arg = JSON.stringify({ items: options.items ?? DEFAULT_PREVIEW_ITEMS, ...paused });
  return `(function(){var h=${HUB};return h?JSON.stringify(h.snapshot(${arg})):${JSON.stringify(NO_HUB)}})()${tail}`;
}

/**
 * Expression: `expression` (one of the above, answering a string), its answer in parts when
 * longer than `maxChars`: the first part then starts with a `#chunk <id> <length>` line (no
 * JSON answer starts with `#`), and chunkExpression() fetches the rest. A hub that predates
 * it answers whole. One answer at 6,000 queues (an attach's snapshot, the first drain after a
 * burst of new queues) is 1-3 MB: bounded per answer this way, none is lost.
 */
export function boundedExpression(expression: string, maxChars: number): string {
  const inner = expression.endsWith(tail) ? expression.slice(0, -tail.length) : expression;
  const max = JSON.stringify(Math.max(1024, Math.floor(maxChars)));
  return `(function(){var a=${inner};var h=${HUB};return h&&typeof h.bounded==="function"&&typeof a==="string"?h.bounded(a,${max}):a})()${tail}`;
}

/** Expression: `maxChars` characters of the staged answer `id` from `offset` on; "" when the hub no longer has it. */
export function chunkExpression(id: number, offset: number, maxChars: number): string {
  const args = [id, offset, Math.max(1024, maxChars)].map((x) => JSON.stringify(Math.floor(x))).join(',');
  return `(function(){var h=${HUB};return h&&typeof h.chunk==="function"?h.chunk(${args}):""})()${tail}`;
}

/** The first part of an answer that comes in parts (boundedExpression). */
export interface ChunkHead {
  id: number;
  /** The whole answer's length. */
  length: number;
  /** Its first characters. */
  first: string;
}

/** The head of a partial answer, or undefined for a whole one. */
export function parseChunkHead(text: string): ChunkHead | undefined {
  if (!text.startsWith('#chunk ')) return undefined;
  const nl = text.indexOf('\n');
  const m = /^#chunk (\d+) (\d+)$/.exec(nl < 0 ? text : text.slice(0, nl));
  if (!m || nl < 0) return undefined;
  return { id: Number(m[1]), length: Number(m[2]), first: text.slice(nl + 1) };
}
