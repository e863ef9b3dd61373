// The ES-module entry files the loader hook wraps (src/trace/adapters/esmLoader.ts), shared
// with the main-thread side. Pure data: the loader runs in Node's hooks thread.

export interface EsmEntry {
  /** Package name as in its package.json. */
  name: string;
  /** The entry's path inside the package. */
  rel: RegExp;
  /** The module has a default export to pass through. */
  hasDefault: boolean;
}

export const ESM_ENTRIES: readonly EsmEntry[] = [{ name: 'p-queue', rel: /^dist\/index\.js$/, hasDefault: true }];

/** Query marking the original module behind a wrapper (the wrapper imports it). */
export const ORIGINAL_QUERY = 'queuescope-adapted=original';

/** Realm-global key of the main-thread callback the wrappers call. */
export const ADAPTERS_KEY = 'queuescope.adapters';
