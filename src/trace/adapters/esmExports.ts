// Which names an ES module exports, read from its source in the loader hooks' thread
// (esmLoader.ts): the wrapper it serves may export an adapter's stand-in for a name only if
// the library's module exports that name itself. Pure, no node:* imports.

/**
 * The source with its comments and string literals blanked out, so that a name mentioned
 * there is not taken for an export. (A regular expression literal is read as code: good
 * enough for the entry files listed in esmEntries.ts.)
 */
function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    let end = -1;
    if (c === '/' && next === '/') {
      const eol = source.indexOf('\n', i);
      end = eol === -1 ? source.length - 1 : eol; // a comment on the last line runs to the end
    } else if (c === '/' && next === '*') end = source.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'" || c === '`') {
      end = i + 1;
      while (end < source.length && source[end] !== c) end += source[end] === '\\' ? 2 : 1;
    }
    if (end === -1) {
      out += c;
      i++;
      continue;
    }
    if (end <= i) end = source.length - 1; // unterminated: the rest is not code
    out += ' ';
    i = end + 1;
  }
  return out;
}

/** The names a module's code exports by name: `export function|const|… name` and `export { a, b as name }` lists. */
export function exportedNames(source: string): Set<string> {
  const code = codeOnly(source);
  const names = new Set<string>();
  if (/\bexport\s+default\b/.test(code)) names.add('default');
  for (const m of code.matchAll(/\bexport\s+(?:async\s+)?(?:function\s*\*?|const|let|var|class)\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of code.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const item of m[1].split(',')) {
      const parts = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(item);
      if (parts !== null) names.add(parts[2] ?? parts[1]);
    }
  }
  return names;
}

