// A binary min-heap that is stable: items that compare equal come out in insertion
// order, because every entry carries a sequence number that breaks ties.

export type Compare<T> = (a: T, b: T) => number;

export const defaultCompare = <T>(a: T, b: T): number => (a < b ? -1 : b < a ? 1 : 0);

export class StableHeap<T> {
  // Parallel arrays avoid allocating an entry object per item.
  private items: T[] = [];
  private seqs: number[] = [];
  private seq = 0;

  constructor(private readonly compare: Compare<T>) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    const seqs = this.seqs;
    let i = items.length;
    const s = this.seq++;
    items.push(item);
    seqs.push(s);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(item, s, items[p], seqs[p])) break;
      items[i] = items[p];
      seqs[i] = seqs[p];
      i = p;
    }
    items[i] = item;
    seqs[i] = s;
  }

  pop(): T {
    const items = this.items;
    const seqs = this.seqs;
    const top = items[0];
    const lastItem = items.pop() as T;
    const lastSeq = seqs.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
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
      items[i] = lastItem;
      seqs[i] = lastSeq;
    }
    return top;
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

  private less(a: T, sa: number, b: T, sb: number): boolean {
    const c = this.compare(a, b);
    return c < 0 || (c === 0 && sa < sb);
  }
}
