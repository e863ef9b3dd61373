// `queuescope check run.qscope`: the package's command-line entry (bin). Reads a recording
// with the streaming reader, runs the diagnostics engine over it as if polled live, prints
// the findings and exits 1 when one is at warning level (2 for bad usage or an unreadable
// file), so a CI job can fail on a recording that shows a deadlock or work left at exit.
// Call sites go through the program's source maps, as in the extension (--raw-sites: not).

import { CliUsageError, helpText, parseCli } from '../diagnostics/cliArgs';
import { RecordingCheck } from '../diagnostics/recordingCheck';
import { checkNotes, exitCodeOf, inHindsight, jsonReport, textReport } from '../diagnostics/report';
import { RecordingError } from '../recording/format';
import { readRecording } from '../recording/reader';
import { SiteMapper } from '../host/sourceMaps/siteMapper';
import type { CallSite } from '../protocol/wire';

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`queuescope: ${err.message}\n`);
    return 2;
  }
  if (cmd.command === 'help') {
    // A bare `queuescope` in a CI script is a mistake: the help, on stderr, and exit 2.
    (cmd.bare ? process.stderr : process.stdout).write(`${helpText()}\n`);
    return cmd.bare ? 2 : 0;
  }
  // Sites as the user wrote them: a tsc- or bundler-built program's recording holds the .js
  // lines it ran; its source maps, read from disk as the extension reads them, give the .ts
  // line. A missing or broken map keeps the .js line (said on stderr once per file).
  const mapper = cmd.rawSites ? undefined : new SiteMapper({ log: (m) => process.stderr.write(`queuescope: ${m}\n`) });
  const check = new RecordingCheck({ thresholds: cmd.thresholds, pollMs: cmd.pollMs, ...(mapper ? { mapSite: (site: CallSite) => mapper.map(site) } : {}) });
  let read: { warnings: readonly string[] };
  try {
    read = await readRecording(cmd.file, { onLines: (lines) => check.push(lines) });
  } catch (err) {
    if (!(err instanceof RecordingError)) throw err;
    process.stderr.write(`queuescope: ${cmd.file}: ${err.message}\n`);
    return 2;
  }
  const t0 = check.span?.from ?? 0;
  const records = inHindsight(check.finish(), t0);
  const warnings = checkNotes(check, read);
  const nothingChecked = check.realmCount === 0;
  const report = { file: cmd.file, span: check.span, records, warnings, ...(nothingChecked ? { nothingChecked } : {}), thresholds: cmd.thresholds, ended: check.ended, alsoEnded: check.otherEnds, realms: check.realms };
  process.stdout.write(`${cmd.json ? jsonReport(report) : textReport(report, cmd.all)}\n`);
  return exitCodeOf(report);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`queuescope: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
