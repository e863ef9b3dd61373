// Reading a realm's exit tail (written by src/trace/exitTail.ts when the program ends): the
// drain batches that happened after the poller's last answer. Plain TypeScript, no vscode.
//
// The file comes from the debuggee, so it is read like any other debuggee output: a line
// that is not a drain batch is skipped and counted, never thrown; a file without its closing
// `tailEnd` line (the process was killed while writing) still gives every whole batch.

import { parseAttachInfo, parseDrainBatch, type ParsedDrain } from '../../model/parse';
import { endInfoOf, type AttachInfo, type EndFields, type EndInfo } from '../../protocol/wire';
import type { QueueModel } from '../../model/store';

export interface ExitTailContents {
  /** The realm's attach answer, when no reader had attached (an environment tail). */
  attach?: AttachInfo;
  batches: ParsedDrain[];
  /** The realm wrote its closing line: nothing is missing. */
  complete: boolean;
  /** How the realm ended ('exit', 'uncaughtException', 'SIGTERM', …) with its exit code or error line, when complete. */
  end?: EndInfo;
  /** Lines that were neither a batch nor the closing line, with the first error. */
  badLines: number;
  firstError?: string;
}

export function readExitTail(text: string): ExitTailContents {
  const out: ExitTailContents = { batches: [], complete: false, badLines: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('{"type":"tailEnd"')) {
      try {
        const end = JSON.parse(line) as EndFields;
        out.complete = true;
        out.end = endInfoOf(end);
        continue;
      } catch {
        // fall through: counted as a bad line
      }
    }
    if (line.startsWith('{"type":"tailAttach","info":') && line.endsWith('}')) {
      const info = parseAttachInfo(line.slice('{"type":"tailAttach","info":'.length, -1));
      if (info.ok) out.attach = info.value;
      else {
        out.badLines++;
        out.firstError ??= info.error;
      }
      continue;
    }
    const batch = parseDrainBatch(line);
    if (batch.ok) {
      out.batches.push(batch.value);
    } else {
      out.badLines++;
      out.firstError ??= batch.error;
    }
  }
  return out;
}

/**
 * How the realm ended, by the tail's closing line alone (the batches before it are not
 * parsed); undefined when the tail has none (cut short, or still being written).
 */
export function tailEndReason(text: string): string | undefined {
  const last = text.trimEnd().split('\n').pop() ?? '';
  if (!last.startsWith('{"type":"tailEnd"')) return undefined;
  try {
    return endInfoOf(JSON.parse(last) as EndFields)?.reason;
  } catch {
    return undefined;
  }
}

export interface TailLog {
  info(m: string): void;
  warn(m: string): void;
}

/** Where a poller's tail is and how to read and remove it (node:fs in the extension, a double in tests). */
export interface ExitTailFile {
  path: string;
  /**
   * The file's text; '' when the hub armed it at attach and no exit hook wrote it (an abrupt
   * end); undefined when there is none (the realm could not write here, or never attached).
   */
  read(): string | undefined;
  remove(): void;
}

/**
 * Apply a tail's batches to one source of the model, skipping the batch it repeats when that
 * one did reach us. Returns how many batches were applied.
 */
export function applyExitTail(
  model: QueueModel,
  session: string,
  source: string,
  text: string,
  log: TailLog,
  requested = false,
): number {
  return applyBatches(model, session, source, readExitTail(text), log, requested);
}

/**
 * Apply the tail of a realm no reader attached to (a program over before the first poll found
 * its hub): it becomes a source of `session`, ended. Returns its key, or undefined when the
 * tail has no attach line.
 */
export function applyUnattachedTail(
  model: QueueModel,
  session: string,
  text: string,
  log: TailLog,
): string | undefined {
  const tail = readExitTail(text);
  if (!tail.attach) {
    log.warn(`exit tail without its attach line skipped${tail.firstError ? ` (${tail.firstError})` : ''}`);
    return undefined;
  }
  const key = model.attach(session, tail.attach);
  applyBatches(model, session, key, tail, log);
  model.setSourceState(session, key, 'ended');
  return key;
}

/** `requested`: the debugger asked the realm to stop (EndInfo.requested). */
function applyBatches(model: QueueModel, session: string, source: string, tail: ExitTailContents, log: TailLog, requested = false): number {
  if (tail.badLines > 0) log.warn(`exit tail: ${tail.badLines} malformed line(s) skipped (${tail.firstError ?? ''})`);
  if (!tail.complete) log.warn('the exit tail was cut short; its last moments may be missing');
  let applied = 0;
  for (const batch of tail.batches) {
    if (batch.seq < (model.source(session, source)?.nextSeq ?? 0)) continue;
    if (model.applyDrain(session, source, batch).applied) applied++;
  }
  if (tail.end !== undefined) model.setSourceEnd(session, source, requested ? { ...tail.end, requested: true } : tail.end);
  log.info(`exit tail applied (${applied} batch(es), ended by ${tail.end?.reason ?? 'unknown'}${tail.end?.code !== undefined ? `, code ${tail.end.code}` : ''})`);
  return applied;
}
