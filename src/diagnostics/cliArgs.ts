// Command line of `queuescope check`: parsed against the threshold table (one flag per
// threshold), pure and throwing CliUsageError, so tests check it without a process.

import { DEFAULT_POLL_MS, MAX_POLL_MS, MIN_POLL_MS } from './recordingCheck';
import { HINTS_LISTED } from './report';
import { resolveThresholds, THRESHOLD_KEYS, THRESHOLD_TABLE, type Thresholds } from './thresholds';

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export interface CheckCommand {
  command: 'check';
  file: string;
  json: boolean;
  /** List every hint (the text report folds hints past HINTS_LISTED per rule). */
  all: boolean;
  /** Print call sites as recorded (generated .js positions), not through the program's source maps. */
  rawSites: boolean;
  pollMs: number;
  thresholds: Thresholds;
}

/** `bare`: no arguments at all, which is a usage error (exit 2) that shows the help. */
export type CliCommand = CheckCommand | { command: 'help'; bare?: true };

export function parseCli(argv: readonly string[]): CliCommand {
  if (argv.length === 0) return { command: 'help', bare: true };
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'check') throw new CliUsageError(`unknown command ${JSON.stringify(command)} (try: queuescope check run.qscope)`);
  const byFlag = new Map<string, keyof Thresholds>(THRESHOLD_KEYS.map((k) => [THRESHOLD_TABLE[k].flag, k]));
  const given: Partial<Record<keyof Thresholds, unknown>> = {};
  let file: string | undefined;
  let json = false;
  let all = false;
  let rawSites = false;
  let pollMs = DEFAULT_POLL_MS;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--all') {
      all = true;
      continue;
    }
    if (arg === '--raw-sites') {
      rawSites = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (file !== undefined) throw new CliUsageError(`one recording at a time (got ${JSON.stringify(file)} and ${JSON.stringify(arg)})`);
      file = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    // The name first: a misspelled switch (`--raw-site run.qscope`) read as a number missing.
    if (flag !== '--poll-ms' && !byFlag.has(flag)) throw new CliUsageError(`unknown option ${flag} (see queuescope --help)`);
    const raw = eq < 0 ? rest[++i] : arg.slice(eq + 1);
    if (raw === undefined) throw new CliUsageError(`${flag} needs a value`);
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value)) throw new CliUsageError(`${flag} must be a number, got ${JSON.stringify(raw)}`);
    if (flag === '--poll-ms') {
      // Bounded as the live poll interval is (queuescope.pollIntervalMs at most 10 s): a tick
      // every 1e9 ms judged nothing at all and passed (since 2026-12-05 a usage error).
      if (!(value >= MIN_POLL_MS && value <= MAX_POLL_MS)) throw new CliUsageError(`--poll-ms must be a number from ${MIN_POLL_MS} to ${MAX_POLL_MS} (ms of recorded time between evaluations), got ${JSON.stringify(raw)}`);
      pollMs = value;
      continue;
    }
    given[byFlag.get(flag) as keyof Thresholds] = value;
  }
  if (file === undefined) throw new CliUsageError('which recording? (queuescope check run.qscope)');
  try {
    return { command: 'check', file, json, all, rawSites, pollMs, thresholds: resolveThresholds(given) };
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

export function helpText(): string {
  const width = Math.max(...THRESHOLD_KEYS.map((k) => THRESHOLD_TABLE[k].flag.length)) + 6;
  const rows = THRESHOLD_KEYS.map((k) => {
    const s = THRESHOLD_TABLE[k];
    return `  ${`${s.flag} <n>`.padEnd(width)} ${s.help} (default ${s.default})`;
  });
  return [
    'Usage: queuescope check <run.qscope> [--json] [--all] [--raw-sites] [--poll-ms <n>] [threshold flags]',
    '',
    'Reads a QueueScope recording and reports what went wrong: deadlocks, stuck work,',
    'work left at exit, unbounded growth, bottleneck stages, long blocks.',
    'Exit code: 0 no warning, 1 at least one warning, 2 bad usage, an unreadable recording,',
    'or one with nothing to check (only its header: nothing was recorded).',
    '',
    'Options:',
    `  ${'--json'.padEnd(width)} print the findings as JSON (always all of them)`,
    `  ${'--all'.padEnd(width)} list every hint (the text folds hints past ${HINTS_LISTED} of a kind)`,
    `  ${'--raw-sites'.padEnd(width)} call sites as recorded (compiled .js lines), not through source maps`,
    `  ${'--poll-ms <n>'.padEnd(width)} evaluate every <n> ms of recorded time, ${MIN_POLL_MS} to ${MAX_POLL_MS} (default ${DEFAULT_POLL_MS})`,
    ...rows,
    '',
    'Thresholds are documented in docs/DIAGNOSTICS.md.',
  ].join('\n');
}
