// Human-readable numbers and times for the panel. Times are session milliseconds.

import { formatDuration as formatEditorDuration, tenthsOfSeconds } from '../protocol/durationText';

/** A duration: "850 ms", "4.2 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  // The editor's own wording (src/protocol/durationText.ts); the panel clamps bad input to 0.
  return formatEditorDuration(Number.isFinite(ms) && ms > 0 ? ms : 0);
}

/** A point on the session axis: "+850 ms", "+12.5 s", "+3:05", "+1:02:07". */
export function formatSessionTime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 0.5) return '+0 s';
  // Down to the unit shown, so that 999.6 ms is not "1000 ms" nor 59.96 s "60.0 s".
  if (ms < 1000) return `+${Math.floor(ms)} ms`;
  if (ms < 60_000) return `+${tenthsOfSeconds(ms)} s`;
  const totalS = Math.floor(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = String(totalS % 60).padStart(2, '0');
  return h > 0 ? `+${h}:${String(m).padStart(2, '0')}:${s}` : `+${m}:${s}`;
}

/**
 * Tick labels for the chart's time axis (values in seconds), with the unit chosen from the
 * visible span so neighbouring ticks stay distinguishable.
 */
export function formatAxisTicks(values: number[], spanSeconds: number): string[] {
  if (spanSeconds < 2) return values.map((v) => `${Math.round(v * 1000)} ms`);
  if (spanSeconds < 120) {
    const digits = spanSeconds < 20 ? 1 : 0;
    return values.map((v) => `${v.toFixed(digits)} s`);
  }
  // Minutes:seconds for every tick, the first ones under a minute too ("0:30", not "30.0 s").
  return values.map((v) => {
    const totalS = Math.max(0, Math.floor(v));
    const h = Math.floor(totalS / 3600);
    const m = Math.floor((totalS % 3600) / 60);
    const sec = String(totalS % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  });
}

/** A rate per second: "0", "0.5", "12", "1.2k". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0';
  if (perSecond < 10) return perSecond.toFixed(1).replace(/\.0$/, '');
  // 9,999.6 rounds to 10000, which is already "10.0k".
  if (Math.round(perSecond) < 10_000) return String(Math.round(perSecond));
  return `${(perSecond / 1000).toFixed(1)}k`;
}

/** A count with thousands grouping. */
export function formatCount(n: number): string {
  // Not toLocaleString: it costs microseconds per call, and the overview calls this per cell per update.
  const s = String(Math.round(n));
  return s.length <= 3 ? s : s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 abort", "0 aborts", "2,480 puts": a count and its noun, singular for exactly one. */
export function countOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
}

/**
 * A count for a narrow cell: exact up to 9,999, then "16.4k", "128k", "2.1M" (the exact
 * figure goes in the cell's tooltip and the detail header).
 */
export function formatShortCount(n: number): string {
  const v = Math.round(n);
  if (Math.abs(v) < 10_000) return formatCount(v);
  const [d, unit] = Math.abs(v) < 1_000_000 ? [1000, 'k'] : [1_000_000, 'M'];
  const x = v / d;
  return `${Math.abs(x) < 100 ? x.toFixed(1).replace(/\.0$/, '') : Math.round(x)}${unit}`;
}

/**
 * A byte count for a narrow cell, as Node sizes its stream buffers (a highWaterMark of
 * 16 KiB): "512 B", "2.8 KiB", "16 KiB", "1.5 MiB". The exact figure goes in the tooltip.
 */
export function formatShortBytes(n: number): string {
  const [x, unit] = byteParts(n);
  return `${x} ${unit}`;
}

/** "2.8 / 16 KiB" when both are in one unit, else "512 B / 16 KiB" (a depth against its capacity). */
export function formatShortBytesOf(n: number, of: number): string {
  const [a, ua] = byteParts(n);
  const [b, ub] = byteParts(of);
  return ua === ub ? `${a} / ${b} ${ub}` : `${a} ${ua} / ${b} ${ub}`;
}

function byteParts(n: number): [string, string] {
  const v = Math.round(n);
  if (Math.abs(v) < 1024) return [String(v), 'B'];
  const [d, unit] = Math.abs(v) < 1024 * 1024 ? [1024, 'KiB'] : Math.abs(v) < 1024 ** 3 ? [1024 * 1024, 'MiB'] : [1024 ** 3, 'GiB'];
  const x = v / d;
  return [Math.abs(x) < 100 ? x.toFixed(1).replace(/\.0$/, '') : String(Math.round(x)), unit];
}

/** Last path segment of a V8 script URL or path, for compact call-site labels. */
export function baseName(file: string): string {
  const clean = file.replace(/[?#].*$/, '');
  const i = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  return i >= 0 ? clean.slice(i + 1) || clean : clean;
}

/** Names for a caption: "jobs", "jobs and results", "jobs, results and urgent", "jobs, results and 3 more". */
export function nameList(names: readonly string[], shown = 3): string {
  if (names.length === 0) return 'no queue';
  if (names.length === 1) return names[0];
  if (names.length <= shown) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, shown - 1).join(', ')} and ${names.length - (shown - 1)} more`;
}
