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
 * Tick steps of the chart's time axis, in seconds: whole seconds from 1 s on, and steps a clock
 * reads (15 s, 30 s, 1, 5, 15, 30 min, hours). uPlot's own 2.5 s step gave "2.5 s, 5 s, 7.5 s"
 * ticks that a whole-second format showed as "3 s, 5 s, 8 s".
 */
export const TIME_TICK_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
];

/** Decimals that write every multiple of `step` exactly (0 to 3). */
function decimalsOf(step: number): number {
  for (let d = 0; d < 3; d++) {
    const x = step * 10 ** d;
    if (Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, x)) return d;
  }
  return 3;
}

/** `v` cut (never rounded up) to `d` decimals, forgiving floating-point noise (7.4999999 is 7.5). */
function cut(v: number, d: number): number {
  const f = 10 ** d;
  return Math.floor(v * f + 1e-6) / f;
}

/**
 * Tick labels for the chart's time axis (values in seconds). One unit along the axis, chosen by
 * how far the axis reaches, not only by the span shown: under a second "250 ms", under a minute
 * "12 s" / "2.5 s", beyond that the clock of the caption and the hover ("0:30", "1:59:40",
 * "1:59:42.5"; a 2-hour session's last minute read "7180 s"). Each label has the decimals its
 * step needs, and times are cut, never rounded, to them.
 */
export function formatAxisTicks(values: number[], spanSeconds: number): string[] {
  if (values.length === 0) return [];
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : spanSeconds;
  const d = decimalsOf(step > 0 ? step : 1);
  const reach = Math.max(...values.map((v) => Math.abs(v)));
  if (reach < 1 && spanSeconds < 2) return values.map((v) => `${Math.floor(Math.max(0, v) * 1000 + 1e-6)} ms`);
  if (reach < 60) return values.map((v) => `${cut(Math.max(0, v), d).toFixed(d)} s`);
  return values.map((v) => {
    const t = cut(Math.max(0, v), d);
    const whole = Math.floor(t);
    const frac = d > 0 ? (t - whole).toFixed(d).slice(1) : '';
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const sec = `${String(whole % 60).padStart(2, '0')}${frac}`;
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  });
}

/**
 * A depth (or count) on a chart axis: the overview's short form ("250k", "1.5M"), exact below
 * 10,000, with a fraction when uPlot's step has one ("0.5").
 */
export function formatAxisCount(v: number): string {
  if (Math.abs(v) < 10_000) return Number.isInteger(v) ? formatCount(v) : String(Math.round(v * 100) / 100);
  return formatShortCount(v);
}

/**
 * Byte depths on a chart axis, all in the unit of the largest ("0 MiB", "1.5 MiB", "3 MiB"), as
 * the overview sizes a stream's buffer.
 */
export function formatAxisBytes(values: number[]): string[] {
  const top = Math.max(0, ...values.map((v) => Math.abs(v)));
  const [d, unit] = byteUnit(top);
  return values.map((v) => `${String(Math.round((v / d) * 100) / 100)} ${unit}`);
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
  for (let i = 0; i < COUNT_UNITS.length; i++) {
    const [d, unit] = COUNT_UNITS[i]!;
    const x = v / d;
    const text = Math.abs(x) < 100 ? x.toFixed(1).replace(/\.0$/, '') : String(Math.round(x));
    // 999,950 rounds to "1000k": that is "1M".
    if (Math.abs(Number(text)) < 1000) return `${text}${unit}`;
  }
  // Past the last unit (1,000E and more): "1.2e21", still short.
  return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

/** Units of a short count: thousand, million, billion ("G", as in the overview), trillion, 1e15, 1e18. */
const COUNT_UNITS: readonly (readonly [number, string])[] = [[1e3, 'k'], [1e6, 'M'], [1e9, 'G'], [1e12, 'T'], [1e15, 'P'], [1e18, 'E']];

/** Binary units of a byte figure, from B on; the last one takes any larger figure. */
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/** The unit a byte figure of this size is said in ("MiB" for 1.5 MiB), and its size in bytes. */
function byteUnit(top: number): [number, string] {
  let i = 0;
  while (i < BYTE_UNITS.length - 1 && top >= 1024 ** (i + 1)) i++;
  return [1024 ** i, BYTE_UNITS[i]!];
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
  const [d, unit] = byteUnit(Math.abs(v));
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
