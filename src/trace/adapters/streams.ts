// Node streams that take part in pipe() or pipeline(): each Writable side is a bounded
// buffer (writableLength against writableHighWaterMark), and so is each Readable side
// (readableLength against readableHighWaterMark). pipeline() and stream/promises'
// pipeline() call pipe() for every stage, so Readable.prototype.pipe (which Duplex,
// Transform and net.Socket inherit) is where streams are found; pipeline() is wrapped to
// name its stages by their place in its arguments ("pipeline 2 › #3 Gzip writable": two
// stages of one class, such as two Transforms, are told apart). Next to a function stage
// (an async generator) pipeline() joins the streams without pipe(): it iterates the stream
// before the function and write()s what the function yields into the stream after it; the
// wrapper adapts those sides itself (besideFunctions).
//
// Per stream the adapter wraps instance methods while the hub is armed (none while dormant),
// because Duplex, Transform and net.Socket may not share Writable.prototype's: write (depth
// up; false = a blocked producer until 'drain', or until end(): Node emits no 'drain' once a
// stream is ending), _write/_writev's callback (depth down; one get per chunk of a batch),
// push (depth up) and read (depth down).
// Depth counts bytes or objects as the stream's mode says (`units`).
//
// Waiting consumer (role 'get'): on a piped Readable side, pipe()'s reader asked read() for
// more, got null with nothing buffered while the stream flows: it waits for the next push()
// (served; push(null) = the end, 'shutdown'), or stops waiting when the stream is paused,
// unpiped or destroyed ('aborted'). A stalled upstream (a socket with no data) shows there.
// A reader awaiting `for await` on a stream that is not piped is not seen: only pipe() and
// pipeline() stages are adapted (the iterator reads in paused mode, through its own code).

import { builtin } from '../env';
import { STREAM_LIB } from '../../protocol/wire';
import { copyOwnProperties, sameSignature } from './standIn';
import { AdaptedQueue } from './target';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface WritableLike {
  write: Fn;
  _write?: Fn;
  _writev?: Fn;
  writableLength: number;
  writableHighWaterMark: number;
  writableObjectMode?: boolean;
  writableNeedDrain?: boolean;
  writableEnded?: boolean;
  destroyed?: boolean;
  once(ev: string, fn: () => void): unknown;
  removeListener(ev: string, fn: () => void): unknown;
  constructor?: { name?: string };
  [k: string]: unknown;
}
interface ReadableLike {
  push: Fn;
  read: Fn;
  readableLength: number;
  readableHighWaterMark: number;
  readableObjectMode?: boolean;
  readableFlowing?: boolean | null;
  readableEnded?: boolean;
  destroyed?: boolean;
  constructor?: { name?: string };
  [k: string]: unknown;
}

const writables = new WeakMap<object, AdaptedQueue>();
const readables = new WeakMap<object, AdaptedQueue>();
let pipelineLabel: string | null = null;
/** The running pipeline() call's stages by their 1-based place in its arguments. */
let pipelineStages: Map<unknown, number> | null = null;
let pipelines = 0;

function ctorName(s: { constructor?: { name?: string } }): string {
  try {
    return String(s.constructor?.name || 'Stream');
  } catch {
    return 'Stream';
  }
}

function label(): string {
  return pipelineLabel ?? 'pipe';
}

/** "pipeline 1 › #2 Transform" inside a pipeline() call, "pipe › Socket" for a plain pipe(). */
function stageLabel(s: { constructor?: { name?: string } }): string {
  const n = pipelineStages?.get(s);
  return `${label()} › ${n === undefined ? '' : `#${n} `}${ctorName(s)}`;
}

/**
 * The stages of a pipeline() call: pipeline(a, b, c, cb), pipeline([a, b, c], cb), or
 * stream/promises' pipeline(a, b, c[, options]). `callbackForm`: the last argument of the
 * first form is the callback, not a stage.
 */
function stageList(args: ArrayLike<unknown>, callbackForm: boolean): unknown[] {
  if (args.length > 0 && Array.isArray(args[0])) return args[0] as unknown[];
  const all = Array.from(args);
  return callbackForm && typeof all[all.length - 1] === 'function' ? all.slice(0, -1) : all;
}

/** Each stage and its place. */
function stagesOf(list: readonly unknown[]): Map<unknown, number> {
  const out = new Map<unknown, number>();
  list.forEach((s, i) => {
    if (typeof s === 'object' && s !== null && !out.has(s)) out.set(s, i + 1);
  });
  return out;
}

function after(orig: Fn, then: () => void): Fn {
  return function (this: unknown) {
    try {
      // eslint-disable-next-line prefer-rest-params
      return orig.apply(this, arguments as unknown as unknown[]);
    } finally {
      then();
    }
  };
}

/**
 * Instance wrappers installed only while the hub is armed, so a dormant hub costs a piped
 * stream nothing per chunk. Removing one restores exactly what was there (an own property
 * or the prototype's), unless the program replaced it meanwhile.
 */
class InstancePatches {
  private readonly saved: { key: string; own: boolean; orig: unknown; wrapper: Fn }[] = [];

  constructor(private readonly obj: Record<string, unknown>) {}

  set(key: string, wrap: (orig: Fn) => Fn): void {
    const orig = this.obj[key];
    if (typeof orig !== 'function') return;
    const wrapper = wrap(orig as Fn);
    this.saved.push({ key, own: Object.prototype.hasOwnProperty.call(this.obj, key), orig, wrapper });
    this.obj[key] = wrapper;
  }

  restore(): void {
    for (const p of this.saved.splice(0)) {
      if (this.obj[p.key] !== p.wrapper) continue;
      if (p.own) this.obj[p.key] = p.orig;
      else delete this.obj[p.key];
    }
  }

  get installed(): boolean {
    return this.saved.length > 0;
  }
}

/** Register a stream side; `install` puts its wrappers in place whenever the hub is armed. */
function adaptSide(obj: object, spec: Omit<ConstructorParameters<typeof AdaptedQueue>[0], 'onProbe'>, install: (t: AdaptedQueue, p: InstancePatches) => void): AdaptedQueue {
  const patches = new InstancePatches(obj as Record<string, unknown>);
  let target: AdaptedQueue | null = null;
  const toggle = (armed: boolean): void => {
    if (armed && target !== null && !patches.installed) install(target, patches);
    else if (!armed) patches.restore();
  };
  target = new AdaptedQueue({ ...spec, onProbe: toggle });
  if (target.active) toggle(true);
  return target;
}

function adaptWritable(ws: WritableLike): void {
  if (writables.has(ws) || typeof ws.write !== 'function' || typeof ws.writableLength !== 'number' || typeof ws.writableHighWaterMark !== 'number') return;
  const spec = {
    name: `${stageLabel(ws)} writable`,
    kind: 'fifo' as const,
    maxsize: boundOf(ws.writableHighWaterMark),
    lib: STREAM_LIB,
    units: ws.writableObjectMode === true ? ('items' as const) : ('bytes' as const),
    size: () => ws.writableLength,
  };
  let wait: unknown = undefined;
  const t = adaptSide(ws, spec, (t, patches) => {
    const len = (): number => t.read(() => ws.writableLength, 0);
    const end = (outcome: 'served' | 'aborted') => (): void => {
      ws.removeListener('drain', onDrain);
      ws.removeListener('close', onClose);
      const token = wait;
      wait = undefined;
      t.waitEnd(token, outcome);
    };
    const onDrain = end('served');
    const onClose = end('aborted');
    patches.set('write', (write) =>
      function (this: unknown) {
        // A write after destroy() or end() errors and buffers nothing: no put (st-dead.cjs).
        const closed = t.active && t.read(() => ws.destroyed === true || ws.writableEnded === true, false);
        // eslint-disable-next-line prefer-rest-params
        const r = write.apply(this, arguments as unknown as unknown[]);
        if (t.active && !closed) {
          t.put(len());
          if (r === false && wait === undefined && t.read(() => needsDrain(ws), false)) {
            wait = t.waitStart('put');
            ws.once('drain', onDrain);
            ws.once('close', onClose);
          }
        }
        return r;
      },
    );
    // end() (pipe() calls it when its source ends): the writer stops waiting for 'drain',
    // which Node no longer emits once the stream is ending (writableNeedDrain is false then).
    patches.set('end', (end) =>
      function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const r = end.apply(this, arguments as unknown as unknown[]);
        if (wait !== undefined) onDrain();
        return r;
      },
    );
    // The buffer shrinks when the implementation calls back: wrap the callback it is given.
    // _writev(chunks, cb) writes a batch: one get per chunk, as write() counted one put per
    // chunk (one get per batch until 2026-12-04: an fs.WriteStream fed 200 chunks read 200
    // puts and 25 gets, st-writev.cjs).
    for (const key of ['_write', '_writev']) {
      patches.set(key, (impl) =>
        function (this: unknown) {
          // eslint-disable-next-line prefer-rest-params
          const args = Array.prototype.slice.call(arguments) as unknown[];
          const cb = args[args.length - 1];
          if (t.active && typeof cb === 'function') {
            const n = key === '_writev' && Array.isArray(args[0]) ? Math.max(1, args[0].length) : 1;
            args[args.length - 1] = after(cb as Fn, () => {
              const depth = len();
              for (let i = 0; i < n; i++) t.get(depth);
            });
          }
          return impl.apply(this, args);
        },
      );
    }
  });
  writables.set(ws, t);
}

function adaptReadable(rs: ReadableLike): void {
  if (readables.has(rs) || typeof rs.push !== 'function' || typeof rs.read !== 'function' || typeof rs.readableLength !== 'number') return;
  const spec = {
    name: `${stageLabel(rs)} readable`,
    kind: 'fifo' as const,
    maxsize: boundOf(rs.readableHighWaterMark),
    lib: STREAM_LIB,
    units: rs.readableObjectMode === true ? ('items' as const) : ('bytes' as const),
    size: () => rs.readableLength,
  };
  // The waiting consumer: pipe()'s reader found the buffer empty (read() gave null, nothing
  // buffered, the stream flowing and not ended) and waits for the next push().
  let wait: unknown = undefined;
  const endWait = (outcome: 'served' | 'shutdown' | 'aborted', t: AdaptedQueue): void => {
    const token = wait;
    wait = undefined;
    t.waitEnd(token, outcome);
  };
  // Set while push() hands a chunk over. pipe() pauses its source from inside that push()
  // when the destination's write() returns false: the waiting reader got the chunk, so its
  // wait ends served once push() returns, not aborted by flow control.
  let pushing = false;
  // destroy() inside that push(): the chunk was refused (a wrong type errors the stream) or
  // the pipe failed: the wait ends aborted.
  let destroyedInPush = false;
  // push(null) was called: no more data will come, though 'end' (readableEnded) waits
  // until the buffer is read. A read() in between that finds nothing is not a wait.
  let eof = false;
  const t = adaptSide(rs, spec, (t, patches) => {
    const len = (): number => t.read(() => rs.readableLength, 0);
    patches.set('push', (push) =>
      function (this: unknown, chunk: unknown) {
        const before = t.active ? len() : 0;
        const outer = pushing;
        const outerDestroyed = destroyedInPush;
        pushing = chunk !== null && chunk !== undefined;
        destroyedInPush = false;
        if (chunk === null) eof = true;
        let r: unknown;
        let destroyed = false;
        try {
          // eslint-disable-next-line prefer-rest-params
          r = push.apply(this, arguments as unknown as unknown[]);
        } finally {
          destroyed = destroyedInPush;
          pushing = outer;
          destroyedInPush = outerDestroyed;
        }
        if (t.active) {
          if (chunk !== null) {
            const after = len();
            t.put(after);
            // Flowing with nothing buffered, Node hands a chunk pushed from outside _read()
            // straight to the reader ('data') without buffering it or calling read(): it
            // left as it came. Counted as a put only, a pipeline fed from a timer read ~20
            // puts for each get while the reader kept up.
            if (after === before && hasSize(chunk, rs) && t.read(() => rs.readableFlowing === true && rs.destroyed !== true, false)) t.get(after);
          }
          if (wait !== undefined) endWait(chunk === null ? 'shutdown' : destroyed ? 'aborted' : 'served', t);
        }
        return r;
      },
    );
    patches.set('read', (read) =>
      function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const r = read.apply(this, arguments as unknown as unknown[]);
        if (t.active) {
          // Only a read that returned a chunk took one (flow() reads until it gets null).
          if (r !== null) t.get(len());
          if (r === null && wait === undefined && !eof && t.read(() => rs.readableLength === 0 && rs.readableFlowing === true && rs.readableEnded !== true && rs.destroyed !== true, false)) {
            wait = t.waitStart('get');
          }
        }
        return r;
      },
    );
    // Unpiped, paused by its reader or destroyed: nobody waits any more. Inside a push()
    // of a chunk, the reader was served first (above).
    for (const key of ['pause', 'unpipe', 'destroy']) {
      patches.set(key, (orig) =>
        function (this: unknown) {
          if (wait !== undefined && !pushing) endWait('aborted', t);
          if (pushing && key === 'destroy') destroyedInPush = true;
          // eslint-disable-next-line prefer-rest-params
          return orig.apply(this, arguments as unknown as unknown[]);
        },
      );
    }
  });
  readables.set(rs, t);
}

/**
 * write() returned false because the buffer is full, so the writer waits for 'drain'. Also
 * false: a write after destroy() or end(), or one the stream fails (an error, and no 'drain'
 * ever comes), which started a wait that never ended until 2026-12-04 (a heartbeat written to
 * a destroyed socket, st-dead.cjs). Node's writableNeedDrain already says "full, not destroyed, not ending"; a
 * stream without it (a userland Writable) counts as full unless destroyed or ended.
 */
function needsDrain(ws: WritableLike): boolean {
  return ws.writableNeedDrain !== false && ws.destroyed !== true && ws.writableEnded !== true;
}

/**
 * A stream's capacity as a queue's maxsize: its highWaterMark, but one no program fills
 * (node:test's TestsStream uses Number.MAX_SAFE_INTEGER) is unbounded (0), not a 16-digit bound.
 */
function boundOf(highWaterMark: number): number {
  return Number.isFinite(highWaterMark) && highWaterMark < 2 ** 31 ? highWaterMark : 0;
}

/** A chunk push() adds to the buffer: any value in object mode, a non-empty one in byte mode. */
function hasSize(chunk: unknown, rs: ReadableLike): boolean {
  if (rs.readableObjectMode === true) return true;
  const n = (chunk as { length?: unknown } | undefined)?.length;
  return typeof n === 'number' && n > 0;
}

/**
 * The stream sides pipeline() joins without pipe(), next to a function stage (an async
 * generator): it write()s what a function yields into the stream after it, and reads the
 * stream before a function by async iteration (its read()). Adapted here, as pipe() adapts
 * the others, so `pipeline(src, async function* (s) {…}, dest)` shows `dest` (since
 * 2026-12-04: none of those sides was shown).
 */
function besideFunctions(stages: readonly unknown[]): void {
  stages.forEach((stage, i) => {
    if (!isStream(stage)) return;
    // After a function or an iterable (not a stream): fed by write(). Before a function: iterated.
    const fedByFunction = i > 0 && !isStream(stages[i - 1]);
    const readByFunction = i < stages.length - 1 && typeof stages[i + 1] === 'function';
    if (fedByFunction && typeof (stage as { write?: unknown }).write === 'function') adaptWritable(stage as unknown as WritableLike);
    if (readByFunction && typeof (stage as { read?: unknown }).read === 'function') adaptReadable(stage as unknown as ReadableLike);
  });
}

function isStream(s: unknown): s is { on: Fn } {
  return typeof s === 'object' && s !== null && typeof (s as { on?: unknown }).on === 'function' && (typeof (s as { write?: unknown }).write === 'function' || typeof (s as { read?: unknown }).read === 'function');
}

function wrapPipeline(orig: Fn, callbackForm: boolean): Fn {
  const wrapped = function (this: unknown) {
    const prev = pipelineLabel;
    const prevStages = pipelineStages;
    pipelineLabel = `pipeline ${++pipelines}`;
    // eslint-disable-next-line prefer-rest-params
    const stages = stageList(arguments, callbackForm);
    pipelineStages = stagesOf(stages);
    try {
      besideFunctions(stages);
    } catch {
      // a stage we cannot read is simply not shown
    }
    try {
      // eslint-disable-next-line prefer-rest-params
      return orig.apply(this, arguments as unknown as unknown[]);
    } finally {
      pipelineLabel = prev;
      pipelineStages = prevStages;
    }
  };
  copyOwnProperties(wrapped, orig);
  sameSignature(wrapped, orig);
  return wrapped;
}

/**
 * Is pipe() called by Node itself for its own plumbing (a worker's stdio, the test runner's
 * reporter, …)? Those are not the program's queues. Node's stream helpers (pipeline(),
 * compose(), in node:internal/streams/) call pipe() for whoever called them: that is the
 * program inside its own wrapped pipeline() call, else the first frame past those helpers
 * says (the program's compose(), or node:test piping its TestsStream to stdout through
 * compose() and pipeline()). Only pipe() pays for this stack capture, once per pipe.
 */
function calledByNodeInternals(pipe: Fn): boolean {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 12;
    Error.captureStackTrace(holder, pipe);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const frames = String(holder.stack ?? '').split('\n').slice(1);
  const internal = (line: string): boolean => /[( ]node:internal\//.test(line);
  const helper = (line: string): boolean => /[( ]node:internal\/streams\//.test(line);
  const caller = frames[0] ?? '';
  if (!internal(caller)) return false;
  if (!helper(caller)) return true;
  if (pipelineLabel !== null) return false;
  const past = frames.find((line) => !helper(line));
  return past === undefined || internal(past);
}

/** Patch Readable.prototype.pipe and name pipelines. Once per realm; never throws. */
export function installStreamAdapter(): void {
  try {
    const stream = builtin<Record<string, unknown> & { Readable?: { prototype: Record<string, unknown> } }>('node:stream');
    const proto = stream?.Readable?.prototype;
    if (stream === undefined || proto === undefined || typeof proto.pipe !== 'function') return;
    const pipe = proto.pipe as Fn;
    proto.pipe = function pipe_(this: unknown, dest: unknown): unknown {
      try {
        if (calledByNodeInternals(pipe_)) {
          // eslint-disable-next-line prefer-rest-params
          return pipe.apply(this, arguments as unknown as unknown[]);
        }
        if (typeof this === 'object' && this !== null) adaptReadable(this as ReadableLike);
        if (typeof dest === 'object' && dest !== null) adaptWritable(dest as WritableLike);
      } catch {
        // a stream we cannot read is simply not shown
      }
      // eslint-disable-next-line prefer-rest-params
      return pipe.apply(this, arguments as unknown as unknown[]);
    };
    Object.defineProperty(proto.pipe, 'name', { value: 'pipe' });
    if (typeof stream.pipeline === 'function') stream.pipeline = wrapPipeline(stream.pipeline as Fn, true);
    const promises = builtin<Record<string, unknown>>('node:stream/promises');
    if (promises !== undefined && typeof promises.pipeline === 'function') promises.pipeline = wrapPipeline(promises.pipeline as Fn, false);
    // ESM `import { pipeline } from 'node:stream'` sees the wrapped functions too.
    builtin<{ syncBuiltinESMExports?: () => void }>('node:module')?.syncBuiltinESMExports?.();
  } catch {
    // the program runs on without the stream adapter
  }
}
