// The ES-module entry files the loader hook wraps (src/trace/adapters/esmLoader.ts), shared
// with the main-thread side. Pure data: the loader runs in Node's hooks thread.

export interface EsmEntry {
  /** Package name as in its package.json. */
  name: string;
  /** The entry's path inside the package. */
  rel: RegExp;
  /** For an entry path as common as `index.js`: the package directory's name must match this before its package.json is read. */
  dirName?: RegExp;
  /** The module has a default export to pass through. */
  hasDefault: boolean;
  /**
   * Exports the adapter may give the program in place of the library's own (p-limit's
   * factory functions, whose results cannot be patched): the wrapper exports what the
   * main thread's esmLoaded() returns for each, else the original. 'default' stands for the
   * default export. A name the module does not export is left out.
   */
  replaces?: readonly string[];
}

export const ESM_ENTRIES: readonly EsmEntry[] = [
  { name: 'p-queue', rel: /^dist\/index\.js$/, hasDefault: true },
  { name: 'p-limit', rel: /^index\.js$/, dirName: /^p-limit/, hasDefault: true, replaces: ['default', 'limitFunction'] },
];

/** Query marking the original module behind a wrapper (the wrapper imports it). */
export const ORIGINAL_QUERY = 'queuescope-adapted=original';

/** Realm-global key of the main-thread callback the wrappers call. */
export const ADAPTERS_KEY = 'queuescope.adapters';
