// A binary min-heap that is stable: items that compare equal come out in insertion
// order, because every entry carries a sequence number that breaks ties.

export type Compare<T> = (a: T, b: T) => number;

/**
 * `<`, except that two arrays compare element by element, as Python compares tuples: the
 * asyncio idiom `put([priority, data])` works without a comparator. `<` on arrays compares
 * their strings, so [10, 'x'] came out before [2, 'y'].
 */
export function defaultCompare<T>(a: T, b: T): number {
  if (Array.isArray(a) && Array.isArray(b)) return compareTuples(a, b);
  return a < b ? -1 : b < a ? 1 : 0;
}

function compareTuples(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = defaultCompare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length; // a prefix comes first
}

/** Sequence numbers one pushFront batch may use. */
const FRONT_BLOCK = 2 ** 20;

export class StableHeap<T> {
  // Parallel arrays avoid allocating an entry object per item.
  private items: T[] = [];
  private seqs: number[] = [];
  private seq = 0;
  /** Start of the latest block of sequence numbers below every push's (pushFront). */
  private frontSeq = 0;

  constructor(private readonly compare: Compare<T>) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.pushAt(item, this.seq++);
  }

  /**
   * Push ahead of every item that compares equal to it (a sequence number below all those
   * given so far), behind the `behind` items pushed this way just before it.
   */
  pushFront(item: T, behind: number): void {
    if (behind === 0) this.frontSeq -= FRONT_BLOCK;
    this.pushAt(item, this.frontSeq + Math.min(behind, FRONT_BLOCK - 1));
  }

  private pushAt(item: T, s: number): void {
    const items = this.items;
    const seqs = this.seqs;
    const n = items.length;
    let i = n;
    items.push(item);
    seqs.push(s);
    try {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.less(item, s, items[p], seqs[p])) break;
        items[i] = items[p];
        seqs[i] = seqs[p];
        i = p;
      }
    } catch (err) {
      // A comparator that throws: move the parents shifted down so far back up the path,
      // and drop the new slot, so the heap is exactly as before and the caller's put fails.
      this.undoPush(i, n);
      throw err;
    }
    items[i] = item;
    seqs[i] = s;
  }

  pop(): T {
    const items = this.items;
    const seqs = this.seqs;
    const top = items[0];
    const topSeq = seqs[0];
    const lastItem = items.pop() as T;
    const lastSeq = seqs.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      try {
        for (;;) {
          const l = 2 * i + 1;
          if (l >= n) break;
          const r = l + 1;
          const c = r < n && this.less(items[r], seqs[r], items[l], seqs[l]) ? r : l;
          if (!this.less(items[c], seqs[c], lastItem, lastSeq)) break;
          items[i] = items[c];
          seqs[i] = seqs[c];
          i = c;
        }
      } catch (err) {
        // As in push: undo the moves (children shifted up go back down the path to the
        // hole), put the top and the last item back, and let the get fail with nothing taken.
        for (; i > 0; ) {
          const p = (i - 1) >> 1;
          items[i] = items[p];
          seqs[i] = seqs[p];
          i = p;
        }
        items[0] = top;
        seqs[0] = topSeq;
        items.push(lastItem);
        seqs.push(lastSeq);
        throw err;
      }
      items[i] = lastItem;
      seqs[i] = lastSeq;
    }
    return top;
  }

  /** Undo a push whose sift stopped with its hole at `hole`, having started at `from`. */
  private undoPush(hole: number, from: number): void {
    const { items, seqs } = this;
    // The hole's path down to `from` is `from`'s ancestor chain, walked from the top.
    const path: number[] = [];
    for (let a = from; a > hole; a = (a - 1) >> 1) path.push(a);
    let i = hole;
    for (let k = path.length - 1; k >= 0; k--) {
      const c = path[k];
      items[i] = items[c];
      seqs[i] = seqs[c];
      i = c;
    }
    items.pop();
    seqs.pop();
  }

  /**
   * The first `n` items in pop order, without removing them. Walks a frontier of heap
   * nodes instead of copying the heap, so a preview of a huge queue stays cheap.
   */
  peek(n: number): T[] {
    const { items, seqs } = this;
    const out: T[] = [];
    const frontier: number[] = items.length > 0 ? [0] : [];
    while (out.length < n && frontier.length > 0) {
      let best = 0;
      for (let k = 1; k < frontier.length; k++) {
        const i = frontier[k];
        const b = frontier[best];
        if (this.less(items[i], seqs[i], items[b], seqs[b])) best = k;
      }
      const i = frontier[best];
      frontier[best] = frontier[frontier.length - 1];
      frontier.pop();
      out.push(items[i]);
      if (2 * i + 1 < items.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < items.length) frontier.push(2 * i + 2);
    }
    return out;
  }

  clear(): void {
    this.items = [];
    this.seqs = [];
  }

  /**
   * Keep only the first `n` items in pop order (an immediate shutdown keeps what served
   * getters are owed). Never throws: if the comparator refuses a pop, the items still to keep
   * are taken as they lie in the array, so none is lost or made up (their order may then be
   * off, as the comparator left it).
   */
  retainFirst(n: number): void {
    const kept: T[] = [];
    try {
      while (kept.length < n && this.items.length > 0) kept.push(this.pop());
    } catch {
      kept.push(...this.items.slice(0, n - kept.length));
    }
    // In pop order, each item is no greater than the ones after it: already a heap, no compare.
    this.items = kept;
    this.seqs = kept.map(() => this.seq++);
  }

  private less(a: T, sa: number, b: T, sb: number): boolean {
    const c = this.compare(a, b);
    // A boolean (Array.sort's `a > b` habit) or NaN is never below zero nor zero: the heap
    // would come out in no order at all, without a word. Thrown like any comparator error.
    if (typeof c !== 'number' || c !== c) throw new TypeError(`compare must return a number, negative when a comes first; it returned ${typeof c === 'boolean' ? `${c} (write (a, b) => a - b, not a > b)` : String(c)}`);
    return c < 0 || (c === 0 && sa < sb);
  }
}
