// Node module-customisation hooks (module.register; they run in Node's hooks thread) for
// libraries that ship only ES modules, such as p-queue 7+. Their exports are immutable, so
// the hook serves a wrapper module in place of the library's entry: it imports the original
// (same URL plus a query), re-exports everything unchanged (same bindings, same class
// identity) and hands the namespace to the main thread's adapters, which patch prototypes.
// Everything else passes through untouched; any failure here also passes through.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADAPTERS_KEY, ESM_ENTRIES, ORIGINAL_QUERY, type EsmEntry } from './esmEntries';
import { exportedNames } from './esmExports';

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
  const base = parts[n - 1];
  const candidates = ESM_ENTRIES.filter((e) => e.rel.test(rel) && (e.dirName === undefined || e.dirName.test(base)));
  if (candidates.length === 0) return undefined;
  const name = esmPackageName(file.slice(0, at) + parts.slice(0, n).join('/'));
  return candidates.find((e) => e.name === name);
}

/**
 * The names of `entry.replaces` that the module at `url` exports (exportedNames). A module
 * whose source cannot be read: none (the original passes through).
 */
function replacedNames(url: string, entry: EsmEntry): string[] {
  const wanted = entry.replaces ?? [];
  if (wanted.length === 0) return [];
  let source: string;
  try {
    source = readFileSync(fileURLToPath(url), 'utf8');
  } catch {
    return [];
  }
  const names = exportedNames(source);
  return wanted.filter((n) => names.has(n));
}

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  let entry: EsmEntry | undefined;
  let replaced: string[] = [];
  try {
    entry = entryOf(url);
    if (entry !== undefined) replaced = replacedNames(url, entry);
  } catch {
    entry = undefined;
  }
  if (entry === undefined) return nextLoad(url, context);
  const original = JSON.stringify(`${url}?${ORIGINAL_QUERY}`);
  const lines = [
    `import * as ns from ${original};`,
    `export * from ${original};`,
    // An entry that replaces `default` exports it only when the module has one (replacedNames).
    entry.hasDefault && entry.replaces?.includes('default') !== true ? `export { default } from ${original};` : '',
    `const adapters = globalThis[Symbol.for(${JSON.stringify(ADAPTERS_KEY)})];`,
  ];
  if (replaced.length === 0) {
    lines.push(`if (adapters !== undefined) adapters.esmLoaded(${JSON.stringify(url)}, ns);`);
  } else {
    // The adapter's stand-ins, where it gave one; the library's own exports otherwise. An
    // explicit export takes precedence over the same name from `export *`.
    lines.push(
      `const adapted = adapters !== undefined ? adapters.esmLoaded(${JSON.stringify(url)}, ns) : undefined;`,
      'const pick = (name) => (adapted !== null && typeof adapted === "object" && typeof adapted[name] === "function" ? adapted[name] : ns[name]);',
      ...replaced.map((n, i) => `const export${i} = pick(${JSON.stringify(n)});\nexport { export${i} as ${n} };`),
    );
  }
  lines.push('');
  return { format: 'module', source: lines.join('\n'), shortCircuit: true };
}
