// Guarded access to the host. The hub may run in a realm without Node (a browser bundle of
// the library), and must never throw while looking, so every lookup degrades to undefined.

interface ProcessLike {
  env?: Record<string, string | undefined>;
  pid?: number;
  title?: string;
  argv?: string[];
  cwd?: () => string;
  getBuiltinModule?: (id: string) => unknown;
  emitWarning?: (message: string) => void;
}

/** The global `process`, when this realm has one. */
export function nodeProcess(): ProcessLike | undefined {
  try {
    const p = (globalThis as { process?: unknown }).process;
    return typeof p === 'object' && p !== null ? (p as ProcessLike) : undefined;
  } catch {
    return undefined;
  }
}

export function nodeEnv(): Record<string, string | undefined> {
  const env = nodeProcess()?.env;
  return typeof env === 'object' && env !== null ? env : {};
}

/**
 * A Node built-in module, or undefined. `process.getBuiltinModule` works from both the CJS
 * and the ESM bundle (Node >= 20.16); `require` is the fallback for older CJS hosts.
 */
export function builtin<T>(id: string): T | undefined {
  const p = nodeProcess();
  try {
    if (p !== undefined && typeof p.getBuiltinModule === 'function') return p.getBuiltinModule(id) as T;
  } catch {
    // fall through
  }
  try {
    return typeof require === 'function' ? (require(id) as T) : undefined;
  } catch {
    return undefined;
  }
}

// The tracer's own timers are the host's as this module loaded, not whatever the global
// names hold later: a test that installs fake timers (sinon, jest) after the library loaded
// must not find the recorder's flush or the sampling tick on its fake clock (its runAll()
// then never ends, and the recording stops in real time). The queue's timed waits do follow
// fake timers (src/queue/deadlines.ts): those are the program's own.
interface HostTimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}
const hostTimers: HostTimerApi = (() => {
  const g = globalThis as unknown as HostTimerApi;
  const { setTimeout: st, setInterval: si, clearInterval: ci } = g;
  return {
    setTimeout: (fn, ms) => st.call(globalThis, fn, ms),
    setInterval: (fn, ms) => si.call(globalThis, fn, ms),
    clearInterval: (handle) => ci.call(globalThis, handle),
  };
})();

/** Start a timer that never keeps the program alive. */
export function unrefTimer(fn: () => void, ms: number): unknown {
  return unref(hostTimers.setTimeout(fn, ms));
}

/** A repeating timer that never keeps the program alive; stop it with clearUnrefInterval(). */
export function unrefInterval(fn: () => void, ms: number): unknown {
  return unref(hostTimers.setInterval(fn, ms));
}

export function clearUnrefInterval(handle: unknown): void {
  hostTimers.clearInterval(handle);
}

function unref(t: unknown): unknown {
  const u = t as { unref?: () => void };
  if (typeof t === 'object' && t !== null && typeof u.unref === 'function') u.unref();
  return t;
}
