// Call sites of blocked put/get calls and of queue constructors: the first stack frame that
// belongs to the user's code, not to the library or this hub.
//
// Capturing a stack is the expensive part of tracing (~8-12 us here, see docs/PROTOCOL.md),
// so it only happens on slow paths (a call that blocks, a queue created while armed) and the
// hub rate-bounds it per queue and role (QueueRecord.siteFor).
//
// Which frames are the library's: files of the bundle that contains this module
// (dist/lib/index.js, register.js, or an app that bundled the library) and the
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

/** V8's structured stack frame, as Error.prepareStackTrace receives them. */
interface V8CallSite {
  toString(): string;
}

interface ErrorWithPrepare {
  prepareStackTrace?: (error: unknown, sites: V8CallSite[]) => unknown;
  stackTraceLimit?: number;
  captureStackTrace(target: object, above?: unknown): void;
}

/** Node's source-map support is on (tsx, --enable-source-maps): frames must be formatted by Node. */
function sourceMapsOn(): boolean {
  const p = (globalThis as { process?: { sourceMapsEnabled?: unknown } }).process;
  return p !== undefined && p.sourceMapsEnabled === true;
}

const keepSites = (_e: unknown, sites: V8CallSite[]): unknown => sites;

/** Nobody formats stacks but V8 and Node's own default (Node 20 installs it as Error.prepareStackTrace). */
function defaultFormatting(prepare: unknown): boolean {
  return prepare === undefined || (typeof prepare === 'function' && prepare.name === 'ErrorPrepareStackTrace');
}

/**
 * A captured stack, read one frame at a time: a caller that stops at the first user frame
 * formats only the frames it reads.
 */
class Frames {
  constructor(
    /** V8's frames (the fast path), or undefined when Node formatted the stack as text. */
    private readonly sites: V8CallSite[] | undefined,
    private readonly lines: string[],
    /** With text: V8's frames for the names, when they line up with the text's. */
    private readonly named: V8CallSite[] | undefined,
  ) {}

  get length(): number {
    return this.sites !== undefined ? this.sites.length : this.lines.length;
  }

  /** Frame `i`; null if it does not parse, undefined if formatting it threw (stop reading). */
  at(i: number): Frame | null | undefined {
    if (this.sites !== undefined) {
      let line: string;
      try {
        line = `at ${String(this.sites[i])}`;
      } catch {
        return undefined;
      }
      return parseFrame(line);
    }
    const f = parseFrame(this.lines[i]);
    if (f !== null && this.named !== undefined && f.fn !== '' && v8Name(this.named[i]) === '') f.fn = '';
    return f;
  }
}

const NO_FRAMES = new Frames(undefined, [], undefined);

/**
 * The stack above `above` (exclusive); no frames when the host formats stacks differently.
 * A plain reader, not a generator: a capture runs a few times per queue, always cold, and
 * a generator's frames cost more there (bench/README.md, "Pinned pairs").
 *
 * Fast path: V8's frames themselves (Error.prepareStackTrace returning them), each formatted
 * on demand with V8's own CallSite toString, the text Node's formatter prints for it. Node
 * formatting all 16 frames in JavaScript, and our parsing of all of them, was most of what a
 * capture cost (the largest single item of tracing a program with 100 busy queues). Taken
 * only when nobody else formats stacks: no user `Error.prepareStackTrace` (e.g.
 * source-map-support; Node 20's own default, ErrorPrepareStackTrace, is fine), no Node
 * source maps (tsx, --enable-source-maps: positions must be the mapped ones Node prints).
 *
 * With Node's source maps, positions and names come from Node's text, except where V8's
 * frame has no function name (top-level or anonymous code): Node names such a frame after
 * the symbol its source map has where the enclosing code starts, so under tsx every
 * top-level line of `app.ts` was "fastq" (the first default import) and a queue made there
 * read "created at fastq (app.ts:8)". Named functions keep Node's mapped name (a minified
 * bundle's `i` is `produceJobs` there).
 */
function stackFrames(above: (...args: never[]) => unknown): Frames {
  const E = Error as unknown as ErrorWithPrepare;
  const holder: { stack?: unknown } = {};
  let limit: number | undefined;
  let text: unknown;
  const prepare = E.prepareStackTrace;
  const nodeFormats = defaultFormatting(prepare);
  const structured = nodeFormats && !sourceMapsOn();
  // Node's own formatter, to call with V8's frames in hand (only when it is a function:
  // a Node whose default is none formats mapped stacks out of our reach; names as Node gives).
  const mapped = nodeFormats && !structured && typeof prepare === 'function' ? prepare : undefined;
  let sites: V8CallSite[] | undefined;
  const keepAndFormat =
    mapped &&
    ((e: unknown, s: V8CallSite[]): unknown => {
      if (e === holder) sites = s; // not another error's stack that Node's formatter read meanwhile
      return mapped(e, s);
    });
  const ours = structured ? keepSites : keepAndFormat;
  try {
    limit = E.stackTraceLimit;
    E.stackTraceLimit = STACK_LIMIT;
    if (ours !== undefined) E.prepareStackTrace = ours;
    E.captureStackTrace(holder, above);
    text = holder.stack; // formatted (or, structured, handed over) lazily by V8 on first read
  } catch {
    return NO_FRAMES;
  } finally {
    if (limit !== undefined) E.stackTraceLimit = limit;
    if (ours !== undefined && E.prepareStackTrace === ours) E.prepareStackTrace = prepare;
  }
  if (Array.isArray(text)) return new Frames(text as V8CallSite[], [], undefined);
  if (typeof text !== 'string') return NO_FRAMES;
  const lines = text.split('\n').filter((line) => FRAME_LINE.test(line));
  // Frame line i is V8's frame i, unless a name or path held a line break of its own: then
  // the counts differ and Node's names stand.
  return new Frames(undefined, lines, sites !== undefined && sites.length === lines.length ? sites : undefined);
}

const FRAME_LINE = /^\s*at /;

/** The function name V8 gives a frame (its generated code's), '' for top-level code. */
function v8Name(site: V8CallSite): string | undefined {
  try {
    return parseFrame(`at ${String(site)}`)?.fn;
  } catch {
    return undefined;
  }
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
// apart (unminified bundles only): Queue.block/put/get/…, constructors, the iterator's next
// (QueueIterator.next, src/queue/iteration.ts).
const LIBRARY_FN = /^(?:(?:\w*Queue)(?:\.(?:block|put|get|getOrWait|putNowait|getNowait|shutdown|close))?|QueueIterator\.next)$/;

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

let ownFileLearnt = false;

/**
 * The frames of the hub's own module: learnt once, at the first capture (not at load: with
 * Node's source maps on, formatting a stack parses the bundle's map, tens of ms).
 */
function learnOwnFile(): void {
  if (ownFileLearnt) return;
  ownFileLearnt = true;
  // The frame below `ownFrame` is this function's, in this module. (A function that is not
  // on the stack as `above` leaves V8 nothing to capture: an empty stack.)
  const ownFrame = (): Frame | null | undefined => {
    const frames = stackFrames(ownFrame);
    return frames.length > 0 ? frames.at(0) : undefined;
  };
  const first = ownFrame();
  if (first) addLibraryFile(first.file);
}

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
  learnOwnFile();
  let first = true;
  const frames = stackFrames(above);
  for (let i = 0; i < frames.length; i++) {
    const f = frames.at(i);
    if (f === undefined) return undefined;
    if (f === null) continue;
    if (first) {
      first = false;
      if (!isKnownFile(f.file) && (learn === 'always' || LIBRARY_FN.test(f.fn))) addLibraryFile(f.file);
    }
    if (!isLibraryFrame(f)) return toSite(f);
  }
  return undefined;
}

/**
 * Where the program constructed another library's object, seen from a hook that object's
 * constructor calls (`above`; p-queue's constructor sets `this.concurrency`). `ctorNames`
 * are the names of the object's class and its superclasses up to the library's: the frame
 * right below the hook must be one of them (else undefined: the hook was not called from a
 * constructor), and the site is the first frame after it that is neither ours, nor in that
 * constructor's file, nor a subclass's constructor (`class Uploads extends PQueue {}` in
 * the program: the site is its `new Uploads(…)` line, not the class's).
 */
export function constructorCallerSite(above: (...args: never[]) => unknown, ctorNames: ReadonlySet<string>): CallSite | undefined {
  learnOwnFile();
  let ctorFile: string | undefined;
  const frames = stackFrames(above);
  for (let i = 0; i < frames.length; i++) {
    const f = frames.at(i);
    if (f === undefined) return undefined;
    if (f === null) continue;
    if (ctorFile === undefined) {
      if (!ctorNames.has(f.fn)) return undefined;
      ctorFile = f.file;
      continue;
    }
    if (f.file !== ctorFile && !isLibraryFrame(f) && !ctorNames.has(f.fn)) return toSite(f);
  }
  return undefined;
}

const NODE_MODULES = /[/\\]node_modules[/\\]/;
/** How much of an error's stack thrownAt() reads: the frames are near its start. */
const THROWN_SCAN_CHARS = 256 * 1024;
const THROWN_FRAMES = STACK_LIMIT * 4;

/**
 * Where an uncaught exception was thrown, from its own `stack` (formatted as the program
 * sees it, so mapped by Node when its source maps are on): the first frame in the program's
 * code, else the first in a dependency's (node_modules); never Node's or QueueScope's.
 * Only the first run of frame lines after the "Name: message" header counts: a message's
 * own lines that look like frames are not frames, and text appended after them (a cause's
 * stack) is not where this error was thrown. Undefined when the value has no stack or none
 * of its frames qualifies. Never throws (a thrown object's `stack` may be a getter).
 */
export function thrownAt(err: unknown): CallSite | undefined {
  try {
    if (typeof err !== 'object' || err === null) return undefined;
    learnOwnFile();
    const { stack, message, name, code } = err as { stack?: unknown; message?: unknown; name?: unknown; code?: unknown };
    if (typeof stack !== 'string') return undefined;
    let pos = 0;
    if (typeof message === 'string') {
      // "TypeError: …", and Node's errors with a code: "AssertionError [ERR_ASSERTION]: …".
      const names = typeof code === 'string' ? [`${String(name)} [${code}]`, String(name)] : [String(name)];
      for (const n of names) {
        const header = message === '' ? n : `${n}: ${message}`;
        if (stack.startsWith(header)) {
          pos = header.length;
          break;
        }
      }
    }
    const stop = Math.min(stack.length, pos + THROWN_SCAN_CHARS);
    let dependency: Frame | undefined;
    let frames = 0;
    while (pos < stop && frames < THROWN_FRAMES) {
      let end = stack.indexOf('\n', pos);
      if (end < 0) end = stack.length;
      const line = stack.slice(pos, end).replace(/\r$/, '');
      pos = end + 1;
      if (!FRAME_LINE.test(line)) {
        if (frames > 0) break; // the end of the first run of frames
        continue;
      }
      frames++;
      const f = parseFrame(line);
      if (f === null || isLibraryFrame(f) || !isSourceFile(f.file)) continue;
      if (!NODE_MODULES.test(f.file)) return toSite(f);
      dependency ??= f;
    }
    return dependency === undefined ? undefined : toSite(dependency);
  } catch {
    return undefined;
  }
}

/** A frame's location that is a file (a path or a file: URL), not "native", "<anonymous>" or eval code. */
function isSourceFile(file: string): boolean {
  return file.startsWith('/') || file.startsWith('file:') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\');
}
