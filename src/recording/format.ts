// The .qscope recording format: constants, the reader's error type, and the per-line
// validation that decides whether a parsed JSON value is a RecordingLine we can trust.
// The line types themselves live in src/protocol/wire.ts (one definition for every side).

import { queueSnapshotProblem, wireEventProblem } from '../model/parse';
import { OLDEST_RECORDING_VERSION, RECORDING_VERSION, type RecordingHeader, type RecordingLine } from '../protocol/wire';

/** File name extension of recordings. */
export const RECORDING_EXTENSION = '.qscope';

/** The two bytes every gzip stream starts with (RFC 1952). */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The writer compresses a recording once it grows past this many bytes. */
export const GZIP_THRESHOLD_BYTES = 1024 * 1024;

/** A single line longer than this is treated as corrupt (keeps memory bounded). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Why a recording could not be read at all. */
export type RecordingErrorCode = 'empty' | 'not-recording' | 'version' | 'io' | 'cancelled';

/** A recording that cannot be opened, with a message meant for the user. */
export class RecordingError extends Error {
  override name = 'RecordingError';
  constructor(
    readonly code: RecordingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function makeHeader(writer: RecordingHeader['writer'], label?: string, created = Date.now()): RecordingHeader {
  const header: RecordingHeader = { type: 'qscope', v: RECORDING_VERSION, created, writer };
  if (label !== undefined) header.label = label;
  return header;
}

// ---------------------------------------------------------------------------
// Validation: required fields per line type, as a lookup table. Only what a reader
// relies on is checked; unknown fields pass (writers may add optional ones).
// ---------------------------------------------------------------------------

type FieldKind = 'number' | 'string' | 'boolean' | 'object' | 'array';
type Shape = Readonly<Record<string, FieldKind>>;

const EVENT_SHAPES: Readonly<Record<string, Shape>> = {
  queue: { t: 'number', q: 'number', name: 'string', kind: 'string', maxsize: 'number', size: 'number' },
  samples: { t: 'number', rows: 'array' },
  wait: { t: 'number', q: 'number', w: 'number', role: 'string' },
  waitEnd: { t: 'number', q: 'number', w: 'number', outcome: 'string', ms: 'number' },
  shortWaits: { t: 'number', q: 'number', role: 'string', count: 'number', totalMs: 'number', hist: 'array' },
  counters: { t: 'number', q: 'number', c: 'object', unfinished: 'number' },
  shutdown: { t: 'number', q: 'number', immediate: 'boolean' },
  gc: { t: 'number', q: 'number' },
  dropped: { t: 'number', total: 'number' },
  // Format version 2: their columns are checked where they are expanded (parser.ts).
  sampleCols: { t: 'number', q: 'array' },
  counterCols: { t: 'number', q: 'array' },
  // BullMQ (the in-program adapter's file recordings, the Redis watch's): checked in full by
  // the wire's reader (wireEventProblem), as every event is. Until 2026-12-04 they were missing here and a recording
  // read back dropped them all, unnoticed: `check` judged a BullMQ worker's active jobs as
  // work of ours left at exit, and replays lost states, workers, job events and gaps.
  jobCounts: { t: 'number', q: 'number', counts: 'object', flow: 'object' },
  jobEvent: { t: 'number', q: 'number', event: 'string', jobId: 'string' },
  workers: { t: 'number', q: 'number', workers: 'array' },
  gap: { t: 'number', since: 'number', reason: 'string' },
};

const SOURCE_INFO_SHAPE: Shape = { pid: 'number', threadId: 'number', origin: 'number', now: 'number' };
/** Optional fields of a source's info, checked when present. */
const SOURCE_INFO_OPTIONAL: Shape = { title: 'string', argv: 'array', isMainThread: 'boolean', sampleInterval: 'number', armedAt: 'number' };
const SNAPSHOT_SHAPE: Shape = { t: 'number', queues: 'array' };

function kindOf(value: unknown): FieldKind | 'other' {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'other';
  const t = typeof value;
  if (t === 'number') return Number.isFinite(value) ? 'number' : 'other';
  if (t === 'string' || t === 'boolean' || t === 'object') return t;
  return 'other';
}

/** The first field of `value` that does not match `shape`, as a reason; null when it matches. */
function checkShape(value: Record<string, unknown>, shape: Shape, where: string): string | null {
  for (const key in shape) {
    if (kindOf(value[key]) !== shape[key]) return `${where}: field "${key}" should be a ${shape[key]}`;
  }
  return null;
}

function checkSnapshot(snapshot: unknown): string | null {
  if (kindOf(snapshot) !== 'object') return 'source: "snapshot" should be an object';
  const snap = snapshot as Record<string, unknown>;
  const bad = checkShape(snap, SNAPSHOT_SHAPE, 'snapshot');
  if (bad) return bad;
  // Every queue as the model reads it (its kind, counters, waiters and their roles, items):
  // a snapshot queue without `items` crashed the model.
  for (const queue of snap.queues as unknown[]) {
    const badQueue = queueSnapshotProblem(queue);
    if (badQueue) return badQueue;
  }
  return null;
}

/**
 * Why `value` (a parsed JSON line that is not the header) is not a usable RecordingLine,
 * or null when it is. Lines of a type this version does not know return 'unknown'
 * (readers skip them quietly: newer writers may add event types within a version).
 */
export function validateBodyLine(value: unknown): string | null | 'unknown' {
  if (kindOf(value) !== 'object') return 'not a JSON object';
  const line = value as Record<string, unknown>;
  const type = line.type;
  if (typeof type !== 'string') return 'no "type" field';
  if (type === 'qscope') return 'a second header line';
  // The one line that is no realm's: it has no `src`.
  if (type === 'saved') return checkShape(line, { at: 'number' }, type);
  // A type this version does not know is skipped whatever its fields (a newer writer may add
  // lines that are not a realm's, without `src`): it was reported corrupt for lacking one.
  if (!['source', 'pause', 'resume', 'end'].includes(type) && !Object.hasOwn(EVENT_SHAPES, type)) return 'unknown';
  if (typeof line.src !== 'string') return `${type}: field "src" should be a string`;
  switch (type) {
    case 'source': {
      if (kindOf(line.info) !== 'object') return 'source: field "info" should be an object';
      const info = line.info as Record<string, unknown>;
      const bad = checkShape(info, SOURCE_INFO_SHAPE, 'source info');
      if (bad) return bad;
      for (const key in SOURCE_INFO_OPTIONAL) {
        if (info[key] !== undefined && kindOf(info[key]) !== SOURCE_INFO_OPTIONAL[key]) return `source info: field "${key}" should be a ${SOURCE_INFO_OPTIONAL[key]}`;
      }
      return line.snapshot === undefined ? null : checkSnapshot(line.snapshot);
    }
    case 'pause':
    case 'resume':
      return checkShape(line, { t: 'number' }, type);
    case 'end': {
      if (line.code !== undefined && typeof line.code !== 'number') return 'end: field "code" should be a number';
      if (line.error !== undefined && typeof line.error !== 'string') return 'end: field "error" should be a string';
      if (line.at !== undefined && (typeof line.at !== 'object' || line.at === null)) return 'end: field "at" should be a call site';
      return checkShape(line, { t: 'number', reason: 'string' }, 'end');
    }
    default: {
      const shape = EVENT_SHAPES[type];
      if (!shape) return 'unknown';
      const bad = checkShape(line, shape, type);
      if (bad) return bad;
      // Columnar lines: their columns are checked where they are expanded (parser.ts).
      if (type === 'sampleCols' || type === 'counterCols') return null;
      // Every other field the model and the engine rely on, enum values included, by the
      // drain reader's own check (since 2026-12-05: a wait's role "eet", a shortWaits role ""
      // and a queue's site "x" passed the shape check above and crashed `queuescope check`).
      return wireEventProblem(line) ?? null;
    }
  }
}

/** Classifies the first line of a file: the header, or a RecordingError saying why not. */
export function checkHeader(value: unknown): RecordingHeader | RecordingError {
  const notOurs = new RecordingError('not-recording', 'This is not a QueueScope recording: its first line is not a "qscope" header.');
  if (kindOf(value) !== 'object') return notOurs;
  const head = value as Record<string, unknown>;
  if (head.type !== 'qscope') return notOurs;
  if (kindOf(head.v) !== 'number') return new RecordingError('not-recording', 'This recording\'s header has no format version ("v").');
  const v = head.v as number;
  if (!Number.isInteger(v) || v < OLDEST_RECORDING_VERSION || v > RECORDING_VERSION) {
    return new RecordingError(
      'version',
      `This recording uses format version ${v}; this QueueScope reads versions ${OLDEST_RECORDING_VERSION} to ${RECORDING_VERSION}` +
        (v > RECORDING_VERSION ? '. Update QueueScope to open it.' : '.'),
    );
  }
  return head as unknown as RecordingHeader;
}

/** Narrowing helper for callers that route lines by type. */
export function isHeader(line: RecordingLine): line is RecordingHeader {
  return line.type === 'qscope';
}
