// Export of the depth timelines as CSV (RFC 4180): one row per depth sample of a queue.
// Columns: time_ms (on the recording's common axis, see context.ts), source, queue_id,
// queue_name, depth, min, max, puts, gets (min/max/puts/gets cover the interval that
// ends at the sample). Rows end with CRLF as the RFC asks.
//
// Queue names come from the traced program: a name such as "=HYPERLINK(...)" would be a
// formula in a spreadsheet, so text cells that start with = + - @ (or tab / CR) get a
// leading apostrophe (OWASP's CSV injection advice).

import type { RecordingLine, SampleRow } from '../protocol/wire';
import { RecordingContext } from './context';
import type { LineExporter } from './exporter';

export const CSV_COLUMNS = ['time_ms', 'source', 'queue_id', 'queue_name', 'depth', 'min', 'max', 'puts', 'gets'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell holding program-supplied text: injection-guarded, then quoted if needed. */
export function csvText(value: string): string {
  return csvQuote(FORMULA_START.test(value) ? `'${value}` : value);
}

/** RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled. */
export function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

export class CsvExporter implements LineExporter {
  readonly context = new RecordingContext();
  rows = 0;
  /** `${src}/${q}` of queues that already have their first row. */
  private readonly seen = new Set<string>();

  begin(): string {
    return CSV_COLUMNS.join(',') + '\r\n';
  }

  push(line: RecordingLine): string {
    this.context.observe(line);
    if (line.type === 'queue') {
      this.seen.add(`${line.src}/${line.q}`);
      return this.row(line.src, line.t, [line.q, line.size, line.size, line.size, 0, 0]);
    }
    if (line.type === 'source' && line.snapshot) {
      // A row for each queue alive when the source joined (not again for a later snapshot).
      let text = '';
      for (const q of line.snapshot.queues) {
        const key = `${line.src}/${q.q}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        text += this.row(line.src, line.snapshot.t, [q.q, q.size, q.size, q.size, 0, 0]);
      }
      return text;
    }
    if (line.type !== 'samples') return '';
    let text = '';
    for (const row of line.rows) text += this.row(line.src, line.t, row);
    return text;
  }

  end(): string {
    return '';
  }

  private row(src: string, t: number, [q, depth, min, max, puts, gets]: Readonly<SampleRow>): string {
    this.rows++;
    const name = this.context.queueName(src, q);
    return [num(this.context.time(src, t)), csvText(src), String(q), csvText(name), depth, min, max, puts, gets].join(',') + '\r\n';
  }
}
