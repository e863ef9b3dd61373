// Whether the ES-module loader hooks are worth their thread. Node 20's module.register()
// starts a hooks thread, which the debugger lists as one more "worker" in Call Stack and
// which every traced program would pay for at start. The hooks only wrap ESM-only
// libraries (esmEntries.ts), so they are registered only when one of those packages is
// installed where the program can import it from: the node_modules folders Node's
// resolution walks from the main script's folder and from the working directory (and
// NODE_PATH's), and only as an ES-module package. When that cannot be told, the hooks are
// registered as before.

import { builtin, nodeProcess } from '../env';
import { ESM_ENTRIES } from './esmEntries';

interface ModuleLookup {
  createRequire?: (file: string) => { resolve: { paths(request: string): string[] | null } };
}

/**
 * An ES-module package is installed there. A CommonJS major of the same name (p-limit 3,
 * installed under many tools) is adapted without the hooks, so it does not count.
 */
function isModulePackage(fs: typeof import('node:fs'), file: string): boolean {
  if (!fs.existsSync(file)) return false;
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { type?: unknown }).type === 'module';
  } catch {
    return true; // cannot tell: register as before
  }
}

/** Some package the ESM hooks wrap is installed within reach of the program. */
export function esmEntryReachable(): boolean {
  const path = builtin<typeof import('node:path')>('node:path');
  const fs = builtin<typeof import('node:fs')>('node:fs');
  const mod = builtin<ModuleLookup>('node:module');
  const p = nodeProcess();
  if (path === undefined || fs === undefined || typeof mod?.createRequire !== 'function' || p === undefined) return true;
  try {
    const starts = new Set<string>();
    if (typeof p.cwd === 'function') starts.add(p.cwd());
    const main = p.argv?.[1];
    if (typeof main === 'string' && main !== '') starts.add(path.dirname(path.resolve(main)));
    for (const dir of starts) {
      const folders = mod.createRequire(path.join(dir, 'queuescope-probe.js')).resolve.paths('queuescope-probe') ?? [];
      for (const folder of folders) {
        for (const e of ESM_ENTRIES) if (isModulePackage(fs, path.join(folder, e.name, 'package.json'))) return true;
      }
    }
    return false;
  } catch {
    return true;
  }
}
