// Call sites of blocked put/get calls and of queue constructors: the first stack frame that
// belongs to the user's code, not to the library or this hub.
//
// Capturing a stack is the expensive part of tracing (~2-5 us here, see docs/PROTOCOL.md),
// so it only happens on slow paths (a call that blocks, a queue created while armed) and the
// hub rate-bounds it per queue and role (QueueRecord.siteFor).
//
// Which frames are the library's: files of the bundle that contains this module
// (dist/lib/index.js, index.mjs, register.js, or an app that bundled the library) and the
// file of the queue constructor that registered with the hub. When running from TypeScript
// sources (tests under tsx) every file in src/trace/ and src/queue/ counts.

import type { CallSite } from '../protocol/wire';

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;
const STACK_LIMIT = 16;

/** Files that hold only library/hub code (the published bundles). */
const libraryFiles = new Set<string>();
/** Directories of library sources (running from TypeScript, e.g. tests under tsx). */
const libraryDirs = new Set<string>();
/** Files holding the library *and* user code (an app that bundled the library). */
const mixedFiles = new Set<string>();

const PUBLISHED_BUNDLE = /(?:^|[/\\])(?:dist[/\\]lib[/\\](?:index|register)\.m?js|node_modules[/\\]queuescope[/\\].*)$/;

interface Frame {
  fn: string;
  file: string;
  line: number;
  column: number;
}

function parseFrame(text: string): Frame | null {
  const m = FRAME.exec(text);
  if (m === null) return null;
  let fn = m[1] ?? '';
  if (fn.startsWith('async ')) fn = fn.slice(6);
  if (fn.startsWith('new ')) fn = fn.slice(4);
  if (fn === 'Object.<anonymous>' || fn === '<anonymous>') fn = '';
  return { fn, file: m[2], line: Number(m[3]), column: Number(m[4]) };
}

/** The stack above `above` (exclusive) as frames; [] when the host formats stacks differently. */
function stackFrames(above: (...args: never[]) => unknown): Frame[] {
  const holder: { stack?: unknown } = {};
  let limit: number | undefined;
  try {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = STACK_LIMIT;
    Error.captureStackTrace(holder, above);
  } catch {
    return [];
  } finally {
    if (limit !== undefined) Error.stackTraceLimit = limit;
  }
  let text: unknown;
  try {
    text = holder.stack; // formatted lazily by V8 (or by a user's prepareStackTrace)
  } catch {
    return [];
  }
  if (typeof text !== 'string') return [];
  const out: Frame[] = [];
  for (const line of text.split('\n')) {
    const f = parseFrame(line);
    if (f !== null) out.push(f);
  }
  return out;
}

function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(0, i + 1) : file;
}

function isTypeScriptSource(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file);
}

function addLibraryFile(file: string): void {
  if (isTypeScriptSource(file)) libraryDirs.add(dirOf(file));
  else if (PUBLISHED_BUNDLE.test(file)) libraryFiles.add(file);
  else mixedFiles.add(file);
}

// In a file that mixes library and user code, only the library's method names tell them
// apart (unminified bundles only): Queue.block/put/get/…, constructors, the iterator's next.
const LIBRARY_FN = /^(?:(?:\w*Queue)(?:\.(?:block|put|get|putNowait|getNowait|shutdown|close))?|(?:Object\.)?next)$/;

function isLibraryFrame(f: Frame): boolean {
  if (libraryFiles.has(f.file)) return true;
  // Node's own code is never the user's line (e.g. pipeline() piping the streams it was given).
  if (f.file.startsWith('node:')) return true;
  if (libraryDirs.size > 0 && libraryDirs.has(dirOf(f.file))) return true;
  return mixedFiles.has(f.file) && LIBRARY_FN.test(f.fn);
}

function isKnownFile(file: string): boolean {
  return libraryFiles.has(file) || mixedFiles.has(file) || (libraryDirs.size > 0 && libraryDirs.has(dirOf(file)));
}

/** The frames of the hub's own module: learnt once, when this module loads. */
(function learnOwnFile(): void {
  const frames = stackFrames(() => undefined);
  if (frames.length > 0) addLibraryFile(frames[0].file);
})();

function toSite(f: Frame): CallSite {
  return { file: f.file, line: f.line, column: f.column, fn: f.fn };
}

/**
 * The user's frame calling into the library, seen from a hub entry point `above` that the
 * library calls (frames above it are skipped). The frame right below `above` is the
 * library's (Queue.block for waitStart, a queue constructor for register), which is how the
 * library's file is learnt; `learn: 'named'` only trusts it when it carries a library name.
 * Undefined when nothing fits.
 */
export function userSite(above: (...args: never[]) => unknown, learn: 'always' | 'named' = 'always'): CallSite | undefined {
  const frames = stackFrames(above);
  if (frames.length === 0) return undefined;
  if (!isKnownFile(frames[0].file) && (learn === 'always' || LIBRARY_FN.test(frames[0].fn))) addLibraryFile(frames[0].file);
  for (const f of frames) if (!isLibraryFrame(f)) return toSite(f);
  return undefined;
}
