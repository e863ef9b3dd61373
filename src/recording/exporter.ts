// A streaming exporter turns recording lines into output text, one line at a time, so
// an export of a huge recording never holds more than the exporter's own small state.

import type { RecordingLine } from '../protocol/wire';

export interface LineExporter {
  /** Text that opens the output. */
  begin(): string;
  /** Text for one recording line ('' when the line adds nothing). */
  push(line: RecordingLine): string;
  /** Text that closes the output (may flush state, e.g. waits still open). */
  end(): string;
}

/** Runs an exporter over an in-memory list of lines (tests, small recordings). */
export function exportLines(exporter: LineExporter, lines: Iterable<RecordingLine>): string {
  let text = exporter.begin();
  for (const line of lines) text += exporter.push(line);
  return text + exporter.end();
}
