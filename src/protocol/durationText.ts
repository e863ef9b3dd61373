// One way to write a duration everywhere a user reads one (tree, quick picks, Redis facts,
// the panel): src/host, the webview and the protocol's text helpers all import it from here,
// so the tree's "4 min 05 s" and the panel's never disagree.

/** Seconds with one decimal, cut (not rounded) to the tenth: 59.96 s is "59.9", not "60.0". */
export function tenthsOfSeconds(ms: number): string {
  return (Math.floor(ms / 100) / 10).toFixed(1);
}

/** Human wait time: 850 ms, 3.2 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '';
  // Floor, not round: 999.6 ms is not yet "1000 ms" (nor "1.0 s").
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  if (ms < 60_000) return `${tenthsOfSeconds(ms)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
