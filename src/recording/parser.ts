// Turns text lines of a recording into validated RecordingLines and keeps the account
// of what was wrong: the first line must be a supported header (else the whole file is
// refused with a RecordingError); later bad lines are skipped and reported by number.

import { expandColumns } from '../model/parse';
import type { RecordingHeader, RecordingLine, StoredLine } from '../protocol/wire';
import { checkHeader, RecordingError, validateBodyLine } from './format';
import type { SplitLine } from './lineSplitter';

/** How many skipped lines are described individually; the rest are only counted. */
const MAX_DESCRIBED_PROBLEMS = 20;

export interface LineProblem {
  line: number;
  reason: string;
}

export interface ParseAccount {
  header: RecordingHeader | null;
  /** Lines accepted (the header included). */
  lines: number;
  /** Lines of an event type this version does not know (skipped quietly). */
  unknownLines: number;
  /** Lines skipped as corrupt: the first few described, all counted. */
  corrupt: LineProblem[];
  corruptCount: number;
}

export class RecordingParser {
  readonly account: ParseAccount = { header: null, lines: 0, unknownLines: 0, corrupt: [], corruptCount: 0 };
  private sawFirstLine = false;

  /** Whether any non-blank line has been seen. */
  get sawAnyLine(): boolean {
    return this.sawFirstLine;
  }

  /**
   * Appends the validated line to `out` (a columnar line as the lines it stands for;
   * nothing when it was skipped). Throws RecordingError on a bad header.
   */
  accept(line: SplitLine, out: RecordingLine[]): void {
    const one = this.acceptOne(line);
    if (one === null) return;
    if (one.type !== 'sampleCols' && one.type !== 'counterCols') {
      out.push(one);
      return;
    }
    const expanded = expandColumns(one);
    if (expanded === undefined) {
      this.account.lines--;
      this.corrupt(line.no, `${one.type}: columns should be arrays of numbers, all of one length`);
      return;
    }
    for (const e of expanded) out.push({ ...e, src: one.src });
  }

  private acceptOne(line: SplitLine): StoredLine | null {
    if (line.text.trim() === '') return null;
    let value: unknown;
    let jsonError: string | null = null;
    try {
      value = JSON.parse(line.text);
    } catch (err) {
      jsonError = err instanceof Error ? err.message : String(err);
    }
    if (!this.sawFirstLine) {
      this.sawFirstLine = true;
      const header = jsonError === null ? checkHeader(value) : checkHeader(undefined);
      if (header instanceof RecordingError) throw header;
      this.account.header = header;
      this.account.lines++;
      return header;
    }
    const reason = jsonError === null ? validateBodyLine(value) : `invalid JSON (${jsonError})`;
    if (reason === 'unknown') {
      this.account.unknownLines++;
      return null;
    }
    if (reason !== null) {
      this.corrupt(line.no, reason);
      return null;
    }
    this.account.lines++;
    return value as StoredLine;
  }

  /** Records a line that was skipped for a reason found outside the parser. */
  corrupt(lineNo: number, reason: string): void {
    this.account.corruptCount++;
    if (this.account.corrupt.length < MAX_DESCRIBED_PROBLEMS) this.account.corrupt.push({ line: lineNo, reason });
  }
}
