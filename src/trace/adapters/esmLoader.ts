// Node module-customisation hooks (module.register; they run in Node's hooks thread) for
// libraries that ship only ES modules, such as p-queue 7+. Their exports are immutable, so
// the hook serves a wrapper module in place of the library's entry: it imports the original
// (same URL plus a query), re-exports everything unchanged (same bindings, same class
// identity) and hands the namespace to the main thread's adapters, which patch prototypes.
// Everything else passes through untouched; any failure here also passes through.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADAPTERS_KEY, ESM_ENTRIES, ORIGINAL_QUERY, type EsmEntry } from './esmEntries';

interface LoadResult {
  format?: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: unknown) => Promise<LoadResult> | LoadResult;

const names = new Map<string, string | null>();

/** The name of an ES-module package ("type": "module"); null for CommonJS ones (the CommonJS hook adapts those). */
function esmPackageName(dir: string): string | null {
  let name = names.get(dir);
  if (name !== undefined) return name;
  try {
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: unknown; type?: unknown };
    name = typeof pkg.name === 'string' && pkg.type === 'module' ? pkg.name : null;
  } catch {
    name = null;
  }
  names.set(dir, name);
  return name;
}

/** The entry this URL is, or undefined. */
function entryOf(url: string): EsmEntry | undefined {
  if (!url.startsWith('file:') || url.includes('?') || !url.includes('/node_modules/')) return undefined;
  const file = fileURLToPath(url).split('\\').join('/');
  const at = file.lastIndexOf('/node_modules/') + '/node_modules/'.length;
  const parts = file.slice(at).split('/');
  const n = parts[0].startsWith('@') ? 2 : 1;
  const rel = parts.slice(n).join('/');
  const candidates = ESM_ENTRIES.filter((e) => e.rel.test(rel));
  if (candidates.length === 0) return undefined;
  const name = esmPackageName(file.slice(0, at) + parts.slice(0, n).join('/'));
  return candidates.find((e) => e.name === name);
}

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  let entry: EsmEntry | undefined;
  try {
    entry = entryOf(url);
  } catch {
    entry = undefined;
  }
  if (entry === undefined) return nextLoad(url, context);
  const original = JSON.stringify(`${url}?${ORIGINAL_QUERY}`);
  const source = [
    `import * as ns from ${original};`,
    `export * from ${original};`,
    entry.hasDefault ? `export { default } from ${original};` : '',
    `const adapters = globalThis[Symbol.for(${JSON.stringify(ADAPTERS_KEY)})];`,
    `if (adapters !== undefined) adapters.esmLoaded(${JSON.stringify(url)}, ns);`,
    '',
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
