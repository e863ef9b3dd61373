// Creating the realm's hub. The first queue of any library copy calls the factory (through
// src/queue/probe.ts findHub); `register` creates it up front. Arming from the environment
// happens here: QUEUESCOPE_TRACE=1, or QUEUESCOPE_TRACE_FILE=<path> (which also records).

import { findHub, setHubFactory, type HubLink } from '../queue/probe';
import type { HubReaderApi } from '../protocol/hub';
import { configFromEnv } from './config';
import { builtin, nodeEnv, nodeProcess } from './env';
import { Hub } from './hub';
import { setExitTail } from './exitTail';
import { startRecorder } from './recorder';

export const TRACE_ENV = 'QUEUESCOPE_TRACE';
export const TRACE_FILE_ENV = 'QUEUESCOPE_TRACE_FILE';
/** A folder for the exit tails of realms no reader attached to (src/trace/exitTail.ts). */
export const EXIT_TAIL_DIR_ENV = 'QUEUESCOPE_EXIT_TAIL_DIR';

/**
 * The recording's path, absolute: every write resolves it again, so a relative one would
 * follow a `process.chdir()` (and a child started in another folder) into a second file with
 * no header, and the first would end without its end line. Written back to the environment
 * so that child processes and workers started later record into the same file.
 */
function recordingPath(file: string): string {
  const path = builtin<{ resolve(p: string): string }>('node:path');
  if (path === undefined) return file;
  let abs = file;
  try {
    abs = path.resolve(file);
    const env = nodeProcess()?.env;
    if (abs !== file && env !== undefined && env[TRACE_FILE_ENV] === file) env[TRACE_FILE_ENV] = abs;
  } catch {
    // a realm without a working directory keeps the path as given
  }
  return abs;
}

export function createHub(): Hub {
  const config = configFromEnv();
  const hub = new Hub(config);
  const env = nodeEnv();
  const file = env[TRACE_FILE_ENV];
  if (env[TRACE_ENV] === '1' || (file !== undefined && file !== '')) hub.arm();
  if (file !== undefined && file !== '') startRecorder(hub, recordingPath(file), config.recordMs);
  const tailDir = env[EXIT_TAIL_DIR_ENV];
  if (env[TRACE_ENV] === '1' && tailDir !== undefined && tailDir !== '') {
    const info = hub.sourceInfo();
    setExitTail(hub, `${tailDir.replace(/[\\/]$/, '')}/${info.pid}-${info.threadId}.ndjson`, true);
  }
  return hub;
}

/** Let the first queue create the hub (called when the library bundle loads). */
export function installHubFactory(): void {
  setHubFactory(createHub);
}

/** The realm's hub, creating it now if no queue has yet; and its recorder if asked for. */
export function ensureHub(): HubLink | null {
  installHubFactory();
  const hub = findHub();
  const file = nodeEnv()[TRACE_FILE_ENV];
  // A hub made by another copy of the library: record through its reader API anyway.
  if (hub !== null && file !== undefined && file !== '' && typeof (hub as Partial<HubReaderApi>).drain === 'function') {
    startRecorder(hub as unknown as HubReaderApi, recordingPath(file), configFromEnv().recordMs);
  }
  return hub;
}
