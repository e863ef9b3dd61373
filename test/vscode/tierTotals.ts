// The verdict of `npm test` over its tiers, as a pure function so it is unit-tested
// (test/unit/tooling/tierTotals.test.ts). A tier passes only when it exits 0 AND prints its
// `N passed, N failed` line with no failures: a tier that exits 0 without that line (a
// runner that found no tests, a reporter that crashed) is a failure, not a silent pass.

export const COUNTS_LINE = /^(\d+) passed, (\d+) failed$/;

export interface TierOutcome {
  name: string;
  /** The process exit code (1 when it died of a signal or could not start). */
  code: number;
  /** The tier's last `N passed, N failed` line, or '' when it printed none. */
  counts: string;
}

export interface TierTotals {
  passed: number;
  failed: number;
  /** One line per tier for the summary. */
  lines: string[];
  /** What `npm test` exits with. */
  exitCode: 0 | 1;
}

export function tierTotals(tiers: readonly TierOutcome[]): TierTotals {
  let passed = 0;
  let failed = 0;
  const lines: string[] = [];
  for (const t of tiers) {
    const m = COUNTS_LINE.exec(t.counts);
    const tierPassed = m ? Number(m[1]) : 0;
    let tierFailed = m ? Number(m[2]) : 1; // no counts line: count the tier itself as a failure
    if (t.code !== 0 && tierFailed === 0) tierFailed = 1; // crashed after its tests
    passed += tierPassed;
    failed += tierFailed;
    const counts = m ? t.counts : '0 passed, 1 failed (no counts line)';
    lines.push(`${t.name}: ${counts}${t.code !== 0 ? `, exit code ${t.code}` : ''}`);
  }
  return { passed, failed, lines, exitCode: failed > 0 ? 1 : 0 };
}
