// Adapters: show the queues of libraries programs already use (fastq, p-queue, …) without
// changing the program. Installed once per realm by `queuescope/register` (see
// docs/ADAPTERS.md): a CommonJS load hook adapts module.exports as each library's entry
// file loads, and Node's module.register() hook wraps ESM-only entries (esmLoader.ts).
// Each adapted queue registers with the realm's hub like QueueScope's own queues.

import { builtin } from '../env';
import { ADAPTERS_KEY } from './esmEntries';
import { readPackage, splitPackagePath } from './packages';
import { ADAPTERS, type LibraryAdapter } from './registry';
import { installStreamAdapter } from './streams';

type LoaderFn = (this: unknown, module: { exports: unknown }, filename: string) => unknown;
interface ModuleApi {
  _extensions?: Record<string, LoaderFn>;
  register?: (specifier: string, parentURL?: string) => void;
}

const INSTALLED = Symbol.for('queuescope.adapters.installed');

function matchAdapter(file: string, pick: (a: LibraryAdapter, rel: string) => boolean): { adapter: LibraryAdapter; lib: string } | null {
  const where = splitPackagePath(file);
  if (where === null) return null;
  if (!ADAPTERS.some((a) => pick(a, where.rel))) return null; // cheap filter before reading package.json
  const pkg = readPackage(where.dir);
  if (pkg === null) return null;
  const adapter = ADAPTERS.find((a) => a.name === pkg.name && pick(a, where.rel));
  return adapter === undefined ? null : { adapter, lib: `${pkg.name}@${pkg.version}` };
}

/** Adapt a CommonJS module that just loaded; returns its (possibly wrapped) exports. */
export function adaptLoadedCjs(filename: string, exports: unknown): unknown {
  const hit = matchAdapter(filename, (a, rel) => a.cjsEntry !== undefined && a.cjsEntry.test(rel));
  if (hit === null || hit.adapter.adaptCjs === undefined) return exports;
  return hit.adapter.adaptCjs(exports, hit.lib);
}

function installCjsHook(Module: ModuleApi): void {
  const ext = Module._extensions;
  const orig = ext?.['.js'];
  if (ext === undefined || typeof orig !== 'function') return;
  ext['.js'] = function (this: unknown, module, filename) {
    // eslint-disable-next-line prefer-rest-params
    const r = orig.apply(this, arguments as unknown as Parameters<LoaderFn>);
    try {
      if (typeof filename === 'string' && filename.includes('node_modules')) {
        const out = adaptLoadedCjs(filename, module.exports);
        if (out !== module.exports) module.exports = out;
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
    esmLoaded(fileUrl: string, ns: Record<string, unknown>): void {
      try {
        const file = url?.fileURLToPath(fileUrl);
        const hit = file === undefined ? null : matchAdapter(file, () => true);
        hit?.adapter.adaptEsm?.(ns, hit.lib);
      } catch {
        // never into the program
      }
    },
  };
  // Main thread only: each module.register() call from a worker would start another hooks thread.
  const wt = builtin<{ isMainThread?: boolean }>('node:worker_threads');
  if (hooksUrl !== undefined && typeof Module.register === 'function' && wt?.isMainThread !== false) Module.register(hooksUrl);
}

/**
 * Install the load hooks, once per realm. `hooksUrl` is the built esm-hooks.mjs next to the
 * register bundle (undefined: CommonJS only). Never throws.
 */
export function installAdapters(hooksUrl: string | undefined): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED] === true) return;
  g[INSTALLED] = true;
  try {
    const Module = builtin<ModuleApi>('node:module');
    if (Module === undefined) return;
    installCjsHook(Module);
    installEsmHook(Module, hooksUrl);
    installStreamAdapter();
  } catch {
    // the program runs on without adapters
  }
}
