// The source map of one generated JavaScript file, found the way Node finds it for
// --enable-source-maps: the file's last `//# sourceMappingURL=` comment, either a `data:`
// URL (inline map) or a path/`file:` URL relative to the file. tsc's `sourceMap: true`
// writes the comment; a `<file>.map` next to the file is used when there is none. Each of
// the map's `sources` is resolved to a local path against `sourceRoot` and the map's own
// location; sources that are not local files (`webpack://`, `http:`) resolve to undefined.
// Synchronous on purpose: the model notes call sites synchronously, and SiteMapper caches
// the result per file, so a file is read once per change.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TraceMap } from '@jridgewell/trace-mapping';

/** Files larger than this are not read (a generated file or its map): no mapping. */
export const MAX_MAP_INPUT_BYTES = 32 * 1024 * 1024;

export interface LoadedMap {
  readonly trace: TraceMap;
  /** The map's `sources`, resolved to absolute local paths (undefined: not a local file). */
  readonly sources: readonly (string | undefined)[];
  /** The map file (undefined: inline in the generated file). */
  readonly mapFile: string | undefined;
}

/** A map, `null` when the file has none, or an error message (unreadable, corrupt…). */
export type MapLoad = LoadedMap | null | { error: string };

// The last comment wins (a bundle may contain the comments of the files it inlined).
const MAGIC = 'sourceMappingURL=';
const COMMENT_START = /^\s*\/\/[#@]\s?$/;

/** Reads and parses the source map of `file` (an absolute path). Never throws. */
export function loadMap(file: string): MapLoad {
  try {
    if (!fs.existsSync(file)) return null; // a site in a file that is gone: nothing to map, nothing to say
    const text = readCapped(file);
    if (text === undefined) return { error: `${file} is over ${MAX_MAP_INPUT_BYTES} bytes` };
    const url = sourceMappingUrl(text);
    if (url !== undefined && url.startsWith('data:')) return parse(decodeDataUrl(url), file, undefined);
    const mapFile = url !== undefined ? urlToPath(url, file) : adjacentMap(file);
    if (mapFile === undefined) return url !== undefined ? { error: `${file}: source map URL ${url} is not a local file` } : null;
    const json = readCapped(mapFile);
    if (json === undefined) return { error: `${mapFile} is over ${MAX_MAP_INPUT_BYTES} bytes` };
    return parse(json, mapFile, mapFile);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The URL of the file's last `//# sourceMappingURL=` comment (as V8 takes the last one). */
export function sourceMappingUrl(text: string): string | undefined {
  let at = text.length;
  for (;;) {
    const i = text.lastIndexOf(MAGIC, at);
    if (i < 0) return undefined;
    // Only a comment that starts the line counts: not a string in code that mentions it.
    const lineStart = text.lastIndexOf('\n', i) + 1;
    if (i - lineStart <= 8 && COMMENT_START.test(text.slice(lineStart, i))) {
      const url = /[^\s'"`]+/y;
      url.lastIndex = i + MAGIC.length;
      return url.exec(text)?.[0];
    }
    if (i === 0) return undefined;
    at = i - 1;
  }
}

/**
 * A regular file's text, if it is at most MAX_MAP_INPUT_BYTES. A site's path comes from the
 * program or a recording someone sent: a device or a FIFO (`/dev/zero`) reports size 0 and
 * never ends, so only regular files are read, and no more bytes than the cap.
 */
function readCapped(file: string): string | undefined {
  const st = fs.statSync(file);
  if (!st.isFile() || st.size > MAX_MAP_INPUT_BYTES) return undefined;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(st.size);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function adjacentMap(file: string): string | undefined {
  const candidate = `${file}.map`;
  return fs.existsSync(candidate) ? candidate : undefined;
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('malformed data: URL');
  const meta = url.slice(5, comma);
  const body = url.slice(comma + 1);
  return meta.split(';').includes('base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/** A `file:` URL, an absolute path or a path relative to `base`'s folder; undefined for other schemes. */
function urlToPath(ref: string, base: string): string | undefined {
  if (path.isAbsolute(ref)) return path.normalize(ref);
  try {
    const url = new URL(ref, pathToFileURL(base));
    return url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

function parse(json: string, generated: string, mapFile: string | undefined): LoadedMap | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return { error: `${mapFile ?? generated}: not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 3 || !Array.isArray((raw as { sources?: unknown }).sources)) {
    return { error: `${mapFile ?? generated}: not a version 3 source map` };
  }
  if ((raw as { sections?: unknown }).sections !== undefined) return { error: `${mapFile ?? generated}: indexed (sectioned) maps are not supported` };
  const trace = new TraceMap(raw as ConstructorParameters<typeof TraceMap>[0]);
  const root = typeof trace.sourceRoot === 'string' && trace.sourceRoot !== '' ? trace.sourceRoot : undefined;
  const against = mapFile ?? generated;
  const sources = trace.sources.map((s) => (typeof s === 'string' ? urlToPath(joinRoot(root, s), against) : undefined));
  return { trace, sources, mapFile };
}

/** `sourceRoot` is a prefix of every source (the spec), unless the source is absolute already. */
function joinRoot(root: string | undefined, source: string): string {
  if (root === undefined || path.isAbsolute(source) || /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(source)) return source;
  return root.endsWith('/') || root.endsWith('\\') ? root + source : `${root}/${source}`;
}
