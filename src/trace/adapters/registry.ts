// The libraries QueueScope adapts, and how each is recognised when it loads: by package
// name (from package.json) and the entry file's path inside the package. One row each.

import { adaptAsyncBundle, adaptAsyncFile } from './async';
import { adaptBullmqQueue, adaptBullmqWorker } from './bullmq';
import { adaptFastq } from './fastq';
import { adaptPiscinaClass } from './piscina';
import { adaptPLimitCjs, adaptPLimitEsm } from './pLimit';
import { adaptPQueueClass } from './pQueue';

export interface LibraryAdapter {
  /** Package name as in its package.json. */
  name: string;
  /** The CommonJS entry file inside the package; its module.exports is adapted. */
  cjsEntry?: RegExp;
  /**
   * For an entry path as common as `index.js`: the package directory's own name must match
   * this before its package.json is read (else every package loaded would cost a read).
   */
  dirName?: RegExp;
  /** Adapt CommonJS exports; returns what require() gives the program from now on. */
  adaptCjs?(exports: unknown, lib: string): unknown;
  /** Adapt an ES module namespace (entries listed in esmEntries.ts); may return stand-ins for the exports its entry `replaces`. */
  adaptEsm?(ns: Record<string, unknown>, lib: string): Record<string, unknown> | undefined | void;
}

export const ADAPTERS: readonly LibraryAdapter[] = [
  { name: 'fastq', cjsEntry: /^queue\.js$/, adaptCjs: adaptFastq },
  // async 3.x: the bundle (main; `import` of 'async' resolves to it too) and the per-function files.
  { name: 'async', cjsEntry: /^dist\/async\.js$/, adaptCjs: adaptAsyncBundle },
  { name: 'async', cjsEntry: /^queue\.js$/, adaptCjs: adaptAsyncFile('queue') },
  { name: 'async', cjsEntry: /^priorityQueue\.js$/, adaptCjs: adaptAsyncFile('priorityQueue') },
  { name: 'async', cjsEntry: /^cargoQueue\.js$/, adaptCjs: adaptAsyncFile('cargoQueue') },
  { name: 'async', cjsEntry: /^cargo\.js$/, adaptCjs: adaptAsyncFile('cargo') },
  {
    name: 'p-queue',
    // 6.x is CommonJS (`exports.default`); 7+ is ESM-only.
    cjsEntry: /^dist\/index\.js$/,
    adaptCjs: (exp, lib) => {
      adaptPQueueClass((exp as { default?: unknown } | null)?.default, lib);
      return exp;
    },
    adaptEsm: (ns, lib) => adaptPQueueClass(ns.default, lib),
  },
  // p-limit: 3.x is CommonJS (module.exports = pLimit); 4+ is ESM-only, its factories replaced (esmEntries.ts).
  { name: 'p-limit', cjsEntry: /^index\.js$/, dirName: /^p-limit/, adaptCjs: adaptPLimitCjs, adaptEsm: adaptPLimitEsm },
  // piscina 4.x and 5.x: CommonJS (its ESM entry imports dist/main.js); the class is module.exports.
  {
    name: 'piscina',
    cjsEntry: /^dist\/main\.js$/,
    adaptCjs: (exp, lib) => {
      adaptPiscinaClass(exp, lib);
      return exp;
    },
  },
  // bullmq 5.x/6.x: CommonJS (its `import` also resolves to dist/cjs); the class files themselves.
  { name: 'bullmq', cjsEntry: /^dist\/cjs\/classes\/queue\.js$/, adaptCjs: (exp, lib) => (adaptBullmqQueue(exp, lib), exp) },
  { name: 'bullmq', cjsEntry: /^dist\/cjs\/classes\/worker\.js$/, adaptCjs: (exp, lib) => (adaptBullmqWorker(exp, lib), exp) },
];
