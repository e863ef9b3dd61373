// Splits a byte stream into text lines. Splitting happens on the byte 0x0A, which never
// occurs inside a multi-byte UTF-8 sequence, so a chunk boundary can fall anywhere.
// Memory stays bounded: a line longer than `maxLineBytes` is dropped (reported as
// oversized) instead of being accumulated.

export interface SplitLine {
  /** 1-based line number in the file. */
  no: number;
  text: string;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private oversized = false;
  private lineNo = 0;
  /** Line numbers of lines dropped for being longer than maxLineBytes. */
  readonly oversizedLines: number[] = [];

  constructor(private readonly maxLineBytes: number) {}

  /** Whole lines completed by `chunk`, in order (a trailing '\r' is removed). */
  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.lineNo++;
      const piece = chunk.subarray(start, nl);
      if (this.oversized || this.pendingBytes + piece.length > this.maxLineBytes) {
        this.oversizedLines.push(this.lineNo);
      } else {
        const whole = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
        out.push({ no: this.lineNo, text: stripCr(whole.toString('utf8')) });
      }
      this.pending = [];
      this.pendingBytes = 0;
      this.oversized = false;
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
    return out;
  }

  /** What is left after the last newline (a line cut short, or a file without a final newline). */
  finish(): SplitLine | null {
    if (this.oversized) {
      this.oversizedLines.push(++this.lineNo);
      return null;
    }
    if (this.pendingBytes === 0) return null;
    const text = stripCr(Buffer.concat(this.pending).toString('utf8'));
    this.pending = [];
    this.pendingBytes = 0;
    return { no: ++this.lineNo, text };
  }

  private keep(rest: Buffer): void {
    if (this.oversized) return;
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.oversized = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the stream may reuse the chunk's memory once we return.
    this.pending.push(Buffer.from(rest));
    this.pendingBytes += rest.length;
  }
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
