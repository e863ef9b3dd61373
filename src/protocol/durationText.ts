// One way to write a duration in the editor's own views (tree, quick picks, Redis facts):
// shared by src/host and the protocol's text helpers, so it lives here where both may import it.

/** Human wait time: 850 ms, 3.2 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
