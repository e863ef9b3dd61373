// `node --require queuescope/register app.js` (CommonJS build, dist/lib/register.js) and
// `node --import queuescope/register app.mjs` (ESM build, dist/lib/register.mjs): creates
// the realm's hub before the program runs, so QUEUESCOPE_TRACE=1 / QUEUESCOPE_TRACE_FILE
// take effect from the start (file recording included) whichever copy of the library the
// program loads later, and installs the adapters that show other libraries' queues
// (src/trace/adapters). The ESM hooks file is dist/lib/esm-hooks.mjs, next to this bundle.

import { installAdapters } from './adapters/index';
import { builtin } from './env';
import { ensureHub } from './install';

/** Set by the ESM build's banner (esbuild.js): this bundle's own URL. */
declare const __queuescopeModuleUrl: string | undefined;

function hooksUrl(): string | undefined {
  try {
    if (typeof __filename === 'string') return builtin<typeof import('node:url')>('node:url')?.pathToFileURL(__filename.replace(/[^/\\]*$/, 'esm-hooks.mjs')).href;
    if (typeof __queuescopeModuleUrl === 'string') return new URL('./esm-hooks.mjs', __queuescopeModuleUrl).href;
  } catch {
    // no ESM adapters then
  }
  return undefined;
}

/**
 * Node runs `--require` preloads in its own module-hooks thread too (a worker without a
 * parentPort, started by module.register): nothing of ours belongs there.
 */
function isHooksThread(): boolean {
  const wt = builtin<{ isMainThread?: boolean; parentPort?: unknown }>('node:worker_threads');
  return wt !== undefined && wt.isMainThread === false && wt.parentPort === null;
}

if (!isHooksThread()) {
  ensureHub();
  installAdapters(hooksUrl());
}
