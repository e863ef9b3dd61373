// Every default the session poller uses, in one table (each can be overridden through
// PollerOptions). The reasons are the measured facts in docs/CONTRACTS.md and the pause race
// in docs/EXTENSION.md.

import { DEFAULT_DRAIN_BYTES, DEFAULT_PREVIEW_ITEMS } from '../../protocol/hub';

export const POLLER_DEFAULTS = {
  /** drain(maxBytes): one answer stays well under 1 MB (a 200 KB drain costs ~60 ms). */
  maxBytes: DEFAULT_DRAIN_BYTES,
  /** One evaluate's answer is at most maxBytes times this long: longer ones come in parts. */
  maxPayloadFactor: 4,
  /**
   * A whole answer (its parts joined, or a pushed batch) longer than this is skipped as
   * oversize: a guard against a runaway debuggee, far above what 10,000 queues give (an
   * attach's snapshot ~4.6 MB, the first drain after they were created ~2 MB).
   */
  maxAnswerChars: 64 * 1024 * 1024,
  /** Ask again at most this long after the realm answered "no hub" (one cheap evaluate, never an error). */
  noHubBackoffMs: 3000,
  /** The first retry after "no hub"; each next one waits twice as long, up to noHubBackoffMs. */
  firstNoHubRetryMs: 25,
  /** How long finish() waits for the request in flight before reading the exit tail. */
  finishWaitMs: 2000,
  /** Wait this long after a failed evaluate. */
  errorBackoffMs: 2000,
  /** Items previewed per queue in a pause snapshot. */
  itemPreviewCount: DEFAULT_PREVIEW_ITEMS,
  /** `more` drains taken while paused before the snapshot. */
  maxPausedDrains: 8,
  /** A pause with no stop and no sign of life for this long resumes polling. */
  pauseGraceMs: 5000,
  /** Re-send a lost pause this long after our request in flight ended. */
  repauseMs: 300,
} as const;
