// Which installed package a loaded file belongs to, and that package's name and version
// (read once per package directory from its package.json). Matching goes by the name in
// package.json, not the directory, so aliased installs (`p-queue6@npm:p-queue@6`) and
// nested copies of one library are each found with their own version.

import { builtin } from '../env';

export interface PackageInfo {
  /** Directory of the package (ends without a separator). */
  dir: string;
  name: string;
  version: string;
  type: 'module' | 'commonjs';
}

const NODE_MODULES = /[\\/]node_modules[\\/]/g;
const cache = new Map<string, PackageInfo | null>();

/** A library's major version from its `lib` ("p-limit@7.3.3" -> 7); NaN when unreadable. */
export function majorOf(lib: string): number {
  return Number.parseInt(lib.slice(lib.lastIndexOf('@') + 1), 10);
}

/** The package directory of `file` and the file's path inside it ('/' separated), or null. */
export function splitPackagePath(file: string): { dir: string; rel: string } | null {
  let last = -1;
  NODE_MODULES.lastIndex = 0;
  for (let m = NODE_MODULES.exec(file); m !== null; m = NODE_MODULES.exec(file)) last = m.index + m[0].length;
  if (last < 0) return null;
  const rest = file.slice(last).split(/[\\/]/);
  const nameParts = rest[0].startsWith('@') ? 2 : 1;
  if (rest.length <= nameParts) return null;
  return { dir: file.slice(0, last) + rest.slice(0, nameParts).join(file[last - 1]), rel: rest.slice(nameParts).join('/') };
}

/** The package.json facts of a package directory, or null when unreadable. */
export function readPackage(dir: string): PackageInfo | null {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit;
  let info: PackageInfo | null = null;
  try {
    const fs = builtin<typeof import('node:fs')>('node:fs');
    const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
    const pkg = JSON.parse(String(fs?.readFileSync(`${dir}${sep}package.json`, 'utf8'))) as { name?: unknown; version?: unknown; type?: unknown };
    if (typeof pkg.name === 'string') {
      info = { dir, name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : '?', type: pkg.type === 'module' ? 'module' : 'commonjs' };
    }
  } catch {
    info = null;
  }
  cache.set(dir, info);
  return info;
}
