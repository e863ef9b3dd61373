// Adapters: show the queues of libraries programs already use (fastq, p-queue, …) without
// changing the program. Installed once per realm by `queuescope/register` (see
// docs/ADAPTERS.md): a CommonJS load hook adapts module.exports as each library's entry
// file loads, and Node's module.register() hook wraps ESM-only entries (esmLoader.ts).
// Each adapted queue registers with the realm's hub like QueueScope's own queues.

import { builtin, nodeEnv } from '../env';
import { TRACE_ENV, TRACE_FILE_ENV } from '../install';
import { ADAPTERS_KEY } from './esmEntries';
import { esmEntryReachable } from './esmReach';
import { readPackage, splitPackagePath } from './packages';
import { ADAPTERS, type LibraryAdapter } from './registry';
import { installStreamAdapter } from './streams';

type CompileFn = (this: { exports: unknown }, content: string, filename: string) => unknown;
interface ModuleApi {
  prototype?: { _compile?: CompileFn };
  register?: (specifier: string, parentURL?: string) => void;
}

const INSTALLED = Symbol.for('queuescope.adapters.installed');

function matchAdapter(file: string, pick: (a: LibraryAdapter, rel: string) => boolean): { adapter: LibraryAdapter; lib: string } | null {
  const where = splitPackagePath(file);
  if (where === null) return null;
  const base = where.dir.slice(Math.max(where.dir.lastIndexOf('/'), where.dir.lastIndexOf('\\')) + 1);
  const fits = (a: LibraryAdapter): boolean => pick(a, where.rel) && (a.dirName === undefined || a.dirName.test(base));
  if (!ADAPTERS.some(fits)) return null; // cheap filter before reading package.json
  const pkg = readPackage(where.dir);
  if (pkg === null) return null;
  const adapter = ADAPTERS.find((a) => a.name === pkg.name && fits(a));
  return adapter === undefined ? null : { adapter, lib: `${pkg.name}@${pkg.version}` };
}

/** Adapt a CommonJS module that just loaded; returns its (possibly wrapped) exports. */
export function adaptLoadedCjs(filename: string, exports: unknown): unknown {
  const hit = matchAdapter(filename, (a, rel) => a.cjsEntry !== undefined && a.cjsEntry.test(rel));
  if (hit === null) return exports;
  if (isModuleNamespace(exports)) return adaptRequiredEsm(hit.adapter, exports, hit.lib);
  return hit.adapter.adaptCjs === undefined ? exports : hit.adapter.adaptCjs(exports, hit.lib);
}

/** An ES module's namespace object, as `require()` of an ES module returns it (Node 20.19+, 22.12+). */
function isModuleNamespace(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null && (v as Record<symbol, unknown>)[Symbol.toStringTag] === 'Module';
}

/**
 * `require()` of an ESM-only library (p-limit 4+, p-queue 7+): Node compiles it through
 * _compile and `exports` is its namespace, which the ESM loader hook never saw. Adapted as an
 * `import` is; where the adapter replaces exports (p-limit's factories), the program gets a
 * frozen null-prototype copy of the namespace with those replaced, tagged 'Module' as the
 * original (`__esModule` and every other export kept, so `__importDefault` and `.default` work
 * as before). A TypeScript program compiled to CommonJS ran its p-limit unseen, with a warning
 * on stderr ("its export is not the pLimit function").
 */
function adaptRequiredEsm(adapter: LibraryAdapter, ns: Record<string, unknown>, lib: string): unknown {
  if (adapter.adaptEsm === undefined) return ns;
  const replaced = adapter.adaptEsm(ns, lib);
  if (replaced === undefined || replaced === null || Object.keys(replaced).length === 0) return ns;
  const copy: Record<string | symbol, unknown> = Object.create(null);
  for (const key of Object.keys(ns)) copy[key] = Object.prototype.hasOwnProperty.call(replaced, key) ? replaced[key] : ns[key];
  Object.defineProperty(copy, Symbol.toStringTag, { value: 'Module' });
  return Object.freeze(copy);
}

/**
 * Every CommonJS module is compiled by Module.prototype._compile, whoever loads it: Node's
 * own '.js' loader, a require hook (ts-node, @babel/register) and tsx, whose ESM loader
 * hands Node the source of a CommonJS file imported from ES modules, so Node's '.js' loader
 * never runs for it. Hooked there since 2026-12-03: an image service run with `--import
 * tsx` showed its p-queue (ESM) but not its fastq (CommonJS, imported from TypeScript),
 * whose stuck decoder was the thing to see.
 */
function installCjsHook(Module: ModuleApi): void {
  const proto = Module.prototype;
  const orig = proto?._compile;
  if (proto === undefined || typeof orig !== 'function') return;
  proto._compile = function (this: { exports: unknown }, content, filename) {
    // eslint-disable-next-line prefer-rest-params
    const r = orig.apply(this, arguments as unknown as Parameters<CompileFn>);
    try {
      if (typeof filename === 'string' && filename.includes('node_modules')) {
        const out = adaptLoadedCjs(filename, this.exports);
        if (out !== this.exports) this.exports = out;
      }
    } catch {
      // an adapter must never break loading
    }
    return r;
  };
}

function installEsmHook(Module: ModuleApi, hooksUrl: string | undefined): void {
  const url = builtin<typeof import('node:url')>('node:url');
  (globalThis as Record<symbol, unknown>)[Symbol.for(ADAPTERS_KEY)] = {
    /** Adapts the namespace; returns the stand-ins for the exports the entry `replaces`, if any. */
    esmLoaded(fileUrl: string, ns: Record<string, unknown>): Record<string, unknown> | undefined {
      try {
        const file = url?.fileURLToPath(fileUrl);
        const hit = file === undefined ? null : matchAdapter(file, (a) => a.adaptEsm !== undefined);
        return hit?.adapter.adaptEsm?.(ns, hit.lib) ?? undefined;
      } catch {
        return undefined; // never into the program
      }
    },
  };
  if (hooksUrl !== undefined && typeof Module.register === 'function' && registersHooksHere() && esmEntryReachable()) Module.register(hooksUrl);
}

/**
 * Node 20's module.register() hooks serve the thread that registered them, not its worker
 * threads: a worker that imports an ESM-only library (p-queue 7+) would go unseen. The
 * preload runs in every worker (execArgv and NODE_OPTIONS are inherited), so a worker
 * registers its own, which starts one more hooks thread per worker (measured: ~+30-60 ms
 * per worker start on 2 loaded cores; docs/ADAPTERS.md). Workers pay that only when the
 * hub is armed from the start (QUEUESCOPE_TRACE=1, as the extension launches programs, or
 * QUEUESCOPE_TRACE_FILE), never while dormant, and not with QUEUESCOPE_WORKER_HOOKS=0. Registering twice (a Node that does pass
 * hooks on) is harmless: the outer hook serves the wrapper, the original passes through.
 */
function registersHooksHere(): boolean {
  const wt = builtin<{ isMainThread?: boolean }>('node:worker_threads');
  if (wt?.isMainThread !== false) return true;
  const env = nodeEnv();
  if (env.QUEUESCOPE_WORKER_HOOKS === '0') return false; // a program with many short-lived workers may opt out
  return env[TRACE_ENV] === '1' || (env[TRACE_FILE_ENV] ?? '') !== '';
}

/**
 * Install the load hooks, once per realm. `hooksUrl` is the built esm-hooks.mjs next to the
 * register bundle (undefined: CommonJS only). Never throws.
 */
export function installAdapters(hooksUrl: string | undefined): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED] === true) return;
  g[INSTALLED] = true;
  // Each part on its own: a Node whose module.register() throws still gets the CommonJS
  // and stream adapters (before, the throw skipped the streams).
  const Module = builtin<ModuleApi>('node:module');
  for (const install of [() => Module && installCjsHook(Module), () => Module && installEsmHook(Module, hooksUrl), installStreamAdapter]) {
    try {
      install();
    } catch {
      // the program runs on without that part
    }
  }
}
