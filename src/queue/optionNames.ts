// Misspelled option names. `new Queue({ maxSize: 2 })` read no `maxsize` and made an
// unbounded queue; `get({ timout: 10 })` waited forever. asyncio raises TypeError for an
// unknown keyword; here only a key that looks like a known option's misspelling is refused,
// so a subclass that passes its own extra options through to the constructor still works.

/** The first key of `options` that looks like a misspelling of one of `known`, with the name it resembles. */
export function misspelledOption(options: object, known: readonly string[]): { key: string; meant: string } | undefined {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const meant = known.find((k) => resembles(key, k));
    if (meant !== undefined) return { key, meant };
  }
  return undefined;
}

/** The TypeError for a misspelled option. */
export function misspelledError(what: string, found: { key: string; meant: string }): TypeError {
  return new TypeError(`${what}: unknown option '${found.key}' (did you mean '${found.meant}'?)`);
}

/** Other libraries' names for the same options (js-priority-queue, tokio's channel). */
const SYNONYMS = new Map([
  ['comparator', 'compare'],
  ['capacity', 'maxsize'],
]);

function resembles(key: string, name: string): boolean {
  const a = key.toLowerCase().replace(/[_\-\s]/g, '');
  if (a === name || SYNONYMS.get(a) === name) return true;
  // Short names take one slip (nmae), longer ones two (maxsise, timout, sigal).
  return distance(a, name) <= (name.length <= 4 ? 1 : 2);
}

/** Edit distance with adjacent swaps (optimal string alignment), on short option names. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
