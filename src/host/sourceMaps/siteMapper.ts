// Call sites as the user wrote them: a site the debuggee reported in generated JavaScript
// (tsc with `sourceMap: true` run by plain `node`, a bundle with a map) becomes the line of
// the original `.ts` file, so the tree, the panel, "Go to Source" and the Problems view all
// point at the code the user edits. Sites already in TypeScript (tsx, `--enable-source-maps`:
// V8 formats mapped stacks) pass through, and so does any site whose map is missing, corrupt
// or names a source file that is not on disk: the raw .js line is still right, and a problem
// is only logged (once per file version), never shown.
//
// The debuggee stays dependency-free and captures raw positions cheaply; recordings keep
// them raw (docs/PROTOCOL.md, "Call sites"); mapping happens here, when the model notes a
// site (ModelOptions.mapSite). Maps are cached per generated file and reloaded when the file
// or its map changes (size or mtime, checked at most once per `recheckMs`).

import * as fs from 'node:fs';
import { decodedMappings, traceSegment } from '@jridgewell/trace-mapping';
import type { CallSite } from '../../protocol/wire';
import { siteToPath } from '../views/sites';
import { loadMap, type LoadedMap } from './loadMap';

export interface SiteMapperOptions {
  /** Where map problems go (the "QueueScope" log); nothing is shown to the user. */
  log?: (message: string) => void;
  /** Minimum time between two checks of one file for changes (default 1000 ms). */
  recheckMs?: number;
  /** Generated files whose maps are kept (default 200; the oldest is dropped). */
  maxFiles?: number;
  now?: () => number;
}

/** Size and mtime of a file, or 'missing'. */
type Stamp = string;

interface Entry {
  /** undefined: the file has no usable map (or its lookup failed once). */
  map: LoadedMap | undefined;
  stamps: { file: string; stamp: Stamp }[];
  checkedAt: number;
  /** Original source path -> exists on disk (checked once per entry). */
  exists: Map<string, boolean>;
}

/** Sites in these files are original sources already (mapped by V8 or written by hand). */
const SOURCE_FILE = /\.(?:[cm]?tsx?)$/i;

export class SiteMapper {
  private readonly entries = new Map<string, Entry>();
  private readonly log: (message: string) => void;
  private readonly recheckMs: number;
  private readonly maxFiles: number;
  private readonly now: () => number;

  constructor(options: SiteMapperOptions = {}) {
    this.log = options.log ?? (() => undefined);
    this.recheckMs = options.recheckMs ?? 1000;
    this.maxFiles = options.maxFiles ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** The original position of `site`, or `site` itself when there is none. Never throws. */
  map(site: CallSite): CallSite {
    const file = siteToPath(site.file);
    if (file === undefined || SOURCE_FILE.test(file) || !(site.line >= 1) || !(site.column >= 1)) return site;
    const entry = this.entry(file);
    const map = entry.map;
    if (map === undefined) return site;
    let seg: readonly number[] | null;
    try {
      // V8's positions are 1-based; a segment's are 0-based. Like Node's --enable-source-maps,
      // take the closest mapping at or before the position, else the first after it on the line.
      seg = traceSegment(map.trace, site.line - 1, site.column - 1) ?? firstOfLine(map, site.line - 1);
    } catch (err) {
      this.log(`source map of ${file} not used: ${err instanceof Error ? err.message : String(err)}`);
      entry.map = undefined;
      return site;
    }
    // Garbage mappings decode to nonsense rather than fail: check what a segment says.
    if (seg === null || seg.length < 4 || !(seg[2] >= 0) || !(seg[3] >= 0)) return site;
    const source = map.sources[seg[1]];
    if (source === undefined || !this.exists(entry, source)) return site;
    return { file: source, line: seg[2] + 1, column: seg[3] + 1, fn: site.fn };
  }

  /** Forget every cached map (tests; a settings change). */
  clear(): void {
    this.entries.clear();
  }

  private entry(file: string): Entry {
    const now = this.now();
    const known = this.entries.get(file);
    if (known !== undefined) {
      if (now - known.checkedAt < this.recheckMs) return known;
      known.checkedAt = now;
      if (known.stamps.every((s) => stampOf(s.file) === s.stamp)) return known;
      this.entries.delete(file);
    }
    const stamp = stampOf(file);
    const loaded = loadMap(file);
    let map: LoadedMap | undefined;
    if (loaded === null) map = undefined;
    else if ('error' in loaded) {
      this.log(`source map of ${file} not used: ${loaded.error}`);
      map = undefined;
    } else map = loaded;
    const stamps = [{ file, stamp }];
    if (map?.mapFile !== undefined) stamps.push({ file: map.mapFile, stamp: stampOf(map.mapFile) });
    else if (map === undefined) stamps.push({ file: `${file}.map`, stamp: stampOf(`${file}.map`) }); // a map that appears later
    const entry: Entry = { map, stamps, checkedAt: now, exists: new Map() };
    this.entries.set(file, entry);
    if (this.entries.size > this.maxFiles) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  private exists(entry: Entry, source: string): boolean {
    let known = entry.exists.get(source);
    if (known === undefined) {
      known = fs.existsSync(source);
      if (!known) this.log(`source map names ${source}, which is not on disk: showing the generated line`);
      entry.exists.set(source, known);
    }
    return known;
  }
}

/** The first mapping of the position's line, when every mapping of the line comes after it. */
function firstOfLine(map: LoadedMap, line: number): readonly number[] | null {
  const segments = decodedMappings(map.trace)[line];
  return segments !== undefined && segments.length > 0 ? segments[0] : null;
}

function stampOf(file: string): Stamp {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
