// The orders queues are listed in, shared by the panel's overview and the Queues tree so both
// list a session the same way. Pure, no DOM, no vscode.

/**
 * A key whose plain string order is the natural order of queue names: case-insensitive, and
 * numbers compared as numbers, so `shard-2` comes before `shard-10` (servers name queues
 * after connections, tenants and shards). Each run of digits becomes its length (two digits)
 * followed by the digits without leading zeros; `conn-007` and `conn-7` get the same key, so
 * callers break ties on the name itself.
 */
export function naturalKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, '');
    return String(Math.min(99, digits.length)).padStart(2, '0') + digits;
  });
}

/**
 * Keys by name, kept between sorts: a 10,000-row sort then compares strings, as a plain name
 * sort would, instead of rebuilding 20,000 keys per update. Bounded so a program that makes
 * queues with fresh names for hours cannot grow it without end.
 */
export class NaturalKeys {
  private readonly keys = new Map<string, string>();
  constructor(private readonly max = 50_000) {}

  of(name: string): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      if (this.keys.size >= this.max) this.keys.clear();
      key = naturalKey(name);
      this.keys.set(name, key);
    }
    return key;
  }
}

/** Compare two names in natural order; equal keys fall back to the names themselves. */
export function compareNames(a: string, b: string, keys?: NaturalKeys): number {
  const ka = keys ? keys.of(a) : naturalKey(a);
  const kb = keys ? keys.of(b) : naturalKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What troubleScore() reads of a queue. */
export interface TroubleFacts {
  /** Blocked producers now. */
  blocked: number;
  /** Waiting consumers now. */
  waiting: number;
  size: number;
  /** 0: unbounded. */
  maxsize: number;
}

/**
 * How troubled a queue looks right now, higher first; zero means nothing to look at.
 * Blocked producers first (back-pressure is stopping someone), then full, then waiting
 * consumers, then how full it is.
 */
export function troubleScore(q: TroubleFacts): number {
  const full = q.maxsize > 0 && q.size >= q.maxsize ? 1 : 0;
  const fill = q.maxsize > 0 ? Math.min(1, q.size / q.maxsize) : 0;
  return q.blocked * 1e6 + full * 1e5 + Math.min(q.waiting, 99) * 1e3 + fill * 100;
}
