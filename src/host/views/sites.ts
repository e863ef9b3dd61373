// Call sites from the debuggee -> files we may open. No vscode: unit-tested.
// A call site's `file` comes from the program (V8's stack), so it is not trusted: only
// file:// URLs and absolute paths are considered, and a file is opened without asking only
// when it lies under one of the session's roots (workspace folders, the program's folder,
// its cwd, the extension's own samples).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallSite } from '../../protocol/wire';

/** An absolute local path for a call site's file, or undefined (node:internal, eval, URLs of other schemes). */
export function siteToPath(file: string): string | undefined {
  if (file.startsWith('file://')) {
    try {
      return path.normalize(fileURLToPath(file));
    } catch {
      return undefined;
    }
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(file) && !/^[a-zA-Z]:[\\/]/.test(file)) return undefined; // node:, http:, webpack:…
  return path.isAbsolute(file) ? path.normalize(file) : undefined;
}

/** True when `file` is `root` or inside it (no `..` escape). */
export function isUnder(file: string, root: string): boolean {
  const rel = path.relative(path.normalize(root), path.normalize(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Short text for a call site: `fn (file.js:12)` or `file.js:12`. */
export function formatSite(site: CallSite | undefined): string {
  if (!site) return '';
  const base = site.file.split(/[\\/]/).pop() || site.file;
  const where = `${base}:${site.line}`;
  return site.fn ? `${site.fn} (${where})` : where;
}

export { formatDuration } from '../../protocol/durationText';
