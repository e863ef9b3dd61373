// Depth timeline chart (uPlot, bundled). Three shapes:
//   - one queue: min/max envelope as a band, depth as a stepped line, maxsize as a dashed
//     reference line, blocked producers and waiting consumers on a right-hand count axis;
//   - combined: the depth line of each listed queue (up to COMBINED_MAX);
//   - jobs (a BullMQ queue): the backlog as band + line, each state's job count on a
//     right-hand axis, and no line across the source's gaps (Redis unreachable).
// The chart holds only the downsampled visible slice; every render re-slices the stored
// series for the visible range. Following live is the default; drag-select, wheel,
// keyboard zoom and double-click (whole session) pause it; resumeLive() follows again.

import uPlot from 'uplot';
import type { QueueInfo } from '../protocol/webview';
import { el, nextFrame } from './dom';
import { TIME_TICK_STEPS, formatAxisBytes, formatAxisCount, formatAxisTicks, formatSessionTime, nameList } from './format';
import { themeColours, withAlpha } from './chartColours';
import { alignOnGrid, countsOnGrid, downsample, withCountSteps, type DepthSeries, type WaitCountSeries } from './series';
import { JOB_STATES, type JobState } from '../protocol/wire';
import type { ViewState } from './viewstate';

export { withAlpha };

export const COMBINED_MAX = 8;
const HEIGHT = 220;
/** Smallest visible span (ms): zooming further shows nothing useful at sampling resolution. */
const MIN_SPAN = 200;
/** How far right the user may scroll or zoom: half the session again past now, and 1 s more. */
const rightLimit = (now: number): number => now * 1.5 + 1000;

export interface ChartQueue {
  info: QueueInfo;
  depth?: DepthSeries;
  counts?: WaitCountSeries;
  /** A BullMQ queue: each state's job count over time. */
  states?: ReadonlyMap<JobState, DepthSeries>;
}

/** States drawn hidden at first (toggle in the legend): completed only grows and would flatten the others. */
const HIDDEN_STATES: ReadonlySet<JobState> = new Set(['completed']);

export interface ChartCallbacks {
  /** Following live started or stopped (by the user or resumeLive). */
  followChanged(following: boolean): void;
  /** The visible range changed by user action (persist it). */
  zoomChanged(): void;
  now(): number;
}

type Shape = { kind: 'single'; bounded: boolean } | { kind: 'combined'; keys: string[] } | { kind: 'jobs'; states: JobState[] };

export class DepthChart {
  readonly root: HTMLElement;
  private readonly host: HTMLElement;
  private readonly caption: HTMLElement;
  private plot: uPlot | null = null;
  private shape: Shape | null = null;
  private queues: ChartQueue[] = [];
  private combined = false;
  private programmatic = 0;
  private width = 600;
  private cancelFrame: (() => void) | null = null;
  private lastRange: [number, number] = [0, 1];
  /** The keyboard was in the legend (or the plot) when the plot was destroyed: where to put it back. */
  private refocus: { label: string; index: number } | null = null;
  /** Session ms of the last point drawn (tests). */
  lastPlotted: number | null = null;

  constructor(private readonly view: ViewState, private readonly cb: ChartCallbacks) {
    this.host = el('div', { class: 'chart-host', attrs: { id: 'chart', tabindex: '0', role: 'img', 'aria-label': 'Depth timeline' } });
    this.caption = el('p', { class: 'chart-caption', attrs: { id: 'chart-caption', 'aria-live': 'off' } });
    this.root = el('div', { class: 'chart' }, this.host, this.caption);
    this.host.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(this.host.clientWidth));
      if (w !== this.width) {
        this.width = w;
        this.plot?.setSize({ width: w, height: HEIGHT });
        this.schedule();
      }
    }).observe(this.host);
  }

  get following(): boolean {
    return this.view.zoom === null;
  }

  /** The chart's drawing surface (for PNG export), or null when nothing is drawn. */
  canvas(): HTMLCanvasElement | null {
    return this.plot ? this.plot.ctx.canvas : null;
  }

  /** Each axis's tick labels as last drawn and its width (tests): x first, then depth, then the right-hand one. */
  axes(): { values: string[]; size: number }[] {
    const axes = (this.plot?.axes ?? []) as unknown as { _values?: unknown; _size?: number }[];
    return axes.map((a) => ({ values: Array.isArray(a._values) ? a._values.map(String) : [], size: a._size ?? 0 }));
  }

  /** What to draw: one queue, or several in combined mode. */
  setQueues(queues: ChartQueue[], combined: boolean): void {
    this.queues = combined ? queues.slice(0, COMBINED_MAX) : queues.slice(0, 1);
    this.combined = combined;
    this.schedule();
  }

  resumeLive(): void {
    if (this.view.zoom === null) return;
    this.view.zoom = null;
    this.cb.followChanged(true);
    this.cb.zoomChanged();
    this.render();
  }

  /** Colours come from the theme: rebuild the plot when it changes. */
  themeChanged(): void {
    this.destroy();
    this.schedule();
  }

  schedule(): void {
    if (this.cancelFrame) return;
    this.cancelFrame = nextFrame(() => {
      this.cancelFrame = null;
      this.render();
    });
  }

  /** Visible range in session ms. */
  range(): [number, number] {
    const now = Math.max(0, this.cb.now());
    if (this.view.zoom) return [this.view.zoom.x0, this.view.zoom.x1];
    const x0 = this.view.window > 0 ? Math.max(0, now - this.view.window) : 0;
    return [x0, Math.max(x0 + 1000, now)];
  }

  render(): void {
    if (this.cancelFrame) {
      this.cancelFrame();
      this.cancelFrame = null;
    }
    if (!this.queues.length) {
      this.destroy();
      this.host.hidden = true;
      this.caption.textContent = 'Select a queue to see its depth timeline.';
      return;
    }
    this.host.hidden = false;
    const shape = this.wantedShape();
    if (!this.plot || !sameShape(shape, this.shape)) this.build(shape);
    const [x0, x1] = this.range();
    this.lastRange = [x0, x1];
    const data = this.data(shape, x0, x1);
    const xs = data[0];
    this.lastPlotted = xs.length ? xs[xs.length - 1] * 1000 : null;
    this.programmatic++;
    try {
      this.plot!.batch(() => {
        this.plot!.setData(data, false);
        this.plot!.setScale('x', { min: x0 / 1000, max: x1 / 1000 });
      });
    } finally {
      this.programmatic--;
    }
    // The page's state (main.ts sets data-status on <body>) words the caption.
    const status = document.body.dataset.status;
    const mode = !this.following
      ? 'zoomed (press Live to follow)'
      : status === 'paused'
        ? 'up to the pause'
        : status === 'ended' || status === 'replay'
          ? 'up to the end'
          : 'following live';
    const what = shape.kind === 'single' ? this.queues[0].info.name : nameList(this.queues.map((q) => q.info.name));
    this.caption.textContent = `${what}: ${formatSessionTime(x0).slice(1)} to ${formatSessionTime(x1).slice(1)}, ${mode}`;
    this.host.setAttribute('aria-label', `Depth timeline of ${what} from ${formatSessionTime(x0)} to ${formatSessionTime(x1)}`);
  }

  private wantedShape(): Shape {
    if (this.combined) return { kind: 'combined', keys: this.queues.map((q) => q.info.key) };
    const q = this.queues[0];
    if (q.info.jobs) return { kind: 'jobs', states: JOB_STATES.filter((st) => q.states?.has(st)) };
    return { kind: 'single', bounded: this.queues[0].info.maxsize > 0 };
  }

  private data(shape: Shape, x0: number, x1: number): uPlot.AlignedData {
    const buckets = Math.max(50, Math.floor(this.width / 2));
    // The last depth holds until "now" (the pause, or the end of an ended session): extend it,
    // or a queue that changed once would be a single point, which draws nothing.
    // A queue whose process or thread stopped (ended, or paused while others run) holds only
    // until then: after a Debug: Restart the killed run's line ran on to "now".
    const now = Math.min(x1, this.cb.now());
    const tailOf = (q: { info: { stoppedAt?: number } }): number => Math.min(now, q.info.stoppedAt ?? Infinity);
    if (shape.kind === 'single') {
      const q = this.queues[0];
      const tail = tailOf(q);
      const sampled = q.depth ? downsample(q.depth, x0, x1, buckets, tail) : { t: [], depth: [], min: [], max: [] };
      // The waiters' steps get points of their own where the depth has none (one per bucket at most).
      const d = withCountSteps(sampled, q.counts, (x1 - x0) / buckets);
      const xs = d.t;
      const counts = q.counts ? countsOnGrid(q.counts, xs) : { put: xs.map(() => 0), get: xs.map(() => 0) };
      const cols: (number | null)[][] = [xs.map((t) => t / 1000), d.min, d.max, d.depth];
      if (shape.bounded) cols.push(xs.map(() => q.info.maxsize));
      cols.push(counts.put, counts.get);
      return cols as uPlot.AlignedData;
    }
    if (shape.kind === 'jobs') {
      // A BullMQ queue: its backlog (band + line) and each state's count on one grid, with no
      // line across the source's gaps (the time Redis could not be read).
      const q = this.queues[0];
      const tail = tailOf(q);
      const d = q.depth ? downsample(q.depth, x0, x1, buckets, tail) : { t: [], depth: [], min: [], max: [] };
      const per = shape.states.map((st) => downsample(q.states!.get(st)!, x0, x1, buckets, tail));
      const grid = alignOnGrid(
        [{ t: d.t, v: d.min }, { t: d.t, v: d.max }, { t: d.t, v: d.depth }, ...per.map((p) => ({ t: p.t, v: p.depth }))],
        q.info.jobs?.gaps ?? [],
        x0,
        x1,
      );
      return [grid.xs.map((t) => t / 1000), ...grid.values] as uPlot.AlignedData;
    }
    // Combined: align every queue on the union of their downsampled times (step-hold values).
    const per = this.queues.map((q) => (q.depth ? downsample(q.depth, x0, x1, Math.max(20, buckets / 2), tailOf(q)) : null));
    const xsSet = new Set<number>();
    for (const d of per) d?.t.forEach((t) => xsSet.add(t));
    const xs = [...xsSet].sort((a, b) => a - b);
    const cols: (number | null)[][] = [xs.map((t) => t / 1000)];
    for (const d of per) {
      const col: (number | null)[] = new Array(xs.length).fill(null);
      if (d) {
        let j = 0;
        let cur: number | null = null;
        for (let i = 0; i < xs.length; i++) {
          while (j < d.t.length && d.t[j] <= xs[i]) cur = d.depth[j++];
          col[i] = cur;
        }
      }
      cols.push(col);
    }
    return cols as uPlot.AlignedData;
  }

  private build(shape: Shape): void {
    this.destroy();
    const c = themeColours();
    // A sample's depth holds from its time on (step after); its min/max describe the interval
    // that ends at its time (step before), so the envelope sits over the right stretch.
    const stepped = uPlot.paths.stepped!({ align: 1 });
    const steppedBefore = uPlot.paths.stepped!({ align: -1 });
    const series: uPlot.Series[] = [{ label: 'Time', value: (_u, v) => (v == null ? '--' : formatSessionTime(v * 1000)) }];
    const bands: uPlot.Band[] = [];
    if (shape.kind === 'single') {
      series.push(
        { label: 'Min', scale: 'depth', stroke: withAlpha(c.depth, 0.5), width: 0, paths: steppedBefore, points: { show: false } },
        { label: 'Max', scale: 'depth', stroke: withAlpha(c.depth, 0.5), width: 0, paths: steppedBefore, points: { show: false } },
        { label: 'Depth', scale: 'depth', stroke: c.depth, width: 2, paths: stepped, points: { show: false } },
      );
      bands.push({ series: [2, 1], fill: withAlpha(c.depth, 0.22) });
      if (shape.bounded) series.push({ label: 'maxsize', scale: 'depth', stroke: c.full, width: 1.5, dash: [6, 4], points: { show: false } });
      series.push(
        { label: 'Blocked producers', scale: 'n', stroke: c.blocked, width: 1.5, paths: stepped, points: { show: false } },
        { label: 'Waiting consumers', scale: 'n', stroke: c.waiting, width: 1.5, dash: [3, 3], paths: stepped, points: { show: false } },
      );
    } else if (shape.kind === 'jobs') {
      series.push(
        { label: 'Min', scale: 'depth', stroke: withAlpha(c.depth, 0.5), width: 0, paths: steppedBefore, points: { show: false } },
        { label: 'Max', scale: 'depth', stroke: withAlpha(c.depth, 0.5), width: 0, paths: steppedBefore, points: { show: false } },
        { label: 'Backlog', scale: 'depth', stroke: c.depth, width: 2, paths: stepped, points: { show: false } },
      );
      bands.push({ series: [2, 1], fill: withAlpha(c.depth, 0.22) });
      shape.states.forEach((st, i) => {
        series.push({ label: st, scale: 'jobs', stroke: c.states[st] ?? c.palette[(i + 1) % c.palette.length], width: 1.25, dash: [4, 2], paths: stepped, points: { show: false }, show: !HIDDEN_STATES.has(st) });
      });
    } else {
      shape.keys.forEach((_k, i) => {
        series.push({ label: this.queues[i].info.name, scale: 'depth', stroke: c.palette[i % c.palette.length], width: 1.75, paths: stepped, points: { show: false } });
      });
    }
    const font = `11px ${c.font}`;
    const axisCommon = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1, size: 6 }, gap: 4, font };
    // Counts in the overview's short form ("250k", "1.5M"; at 1,000,000 the axis showed
    // ",000,000"), a byte stream's depth in one unit of the overview's ("1.5 MiB"); each axis
    // as wide as its longest label, so the title beside it never overlaps a 6-digit one.
    const counts = (_u: uPlot, splits: number[]) => splits.map(formatAxisCount);
    const depthValues = (_u: uPlot, splits: number[]) => (bytes() ? formatAxisBytes(splits) : counts(_u, splits));
    const side = { labelFont: font, labelSize: 16, size: (_u: uPlot, values: string[] | null) => axisWidth(values, font, 6 + 4), incrs: COUNT_STEPS };
    const bytes = () => this.queues.length > 0 && this.queues.every((q) => q.info.units === 'bytes');
    const axes: uPlot.Axis[] = [
      { ...axisCommon, incrs: TIME_TICK_STEPS, values: (_u, splits) => formatAxisTicks(splits, (this.lastRange[1] - this.lastRange[0]) / 1000) },
      // A byte stream's ticks at whole binary units (2 MiB, not 1.91 MiB).
      { ...axisCommon, ...side, scale: 'depth', label: 'depth', values: depthValues, incrs: () => (bytes() ? BYTE_STEPS : COUNT_STEPS) },
    ];
    if (shape.kind === 'single') axes.push({ ...axisCommon, ...side, scale: 'n', side: 1, label: 'waiters', grid: { show: false }, values: counts });
    if (shape.kind === 'jobs') axes.push({ ...axisCommon, ...side, scale: 'jobs', side: 1, label: 'jobs', grid: { show: false }, values: counts });
    const opts: uPlot.Options = {
      width: this.width,
      height: HEIGHT,
      series,
      bands,
      axes,
      legend: { show: true, live: true },
      scales: {
        x: { time: false },
        depth: { range: (_u, _min, max) => [0, niceMax(max)] },
        n: { range: (_u, _min, max) => [0, Math.max(4, niceMax(max))] },
        jobs: { range: (_u, _min, max) => [0, Math.max(4, niceMax(max))] },
      },
      cursor: {
        drag: { x: true, y: false, setScale: true },
        // Double-click means "whole session" here, handled below (uPlot's own reset would only
        // fit the downsampled slice it currently holds).
        bind: { dblclick: () => null },
      },
      hooks: {
        setScale: [(u, key) => this.onSetScale(u, key)],
        setSeries: [(u, i) => syncLegendEntry(u, i)],
      },
    };
    const shapeData: uPlot.AlignedData = [[], ...series.slice(1).map(() => [])] as unknown as uPlot.AlignedData;
    this.plot = new uPlot(opts, shapeData, this.host);
    legendByKeyboard(this.plot);
    if (this.refocus) {
      // The same series' switch if it is still there, else the one at its place, else the chart.
      const { label, index } = this.refocus;
      this.refocus = null;
      const switches = legendSwitches(this.plot);
      const target = switches.find((e) => e.textContent === label) ?? (index >= 0 ? switches[Math.min(index, switches.length - 1)] : undefined) ?? this.host;
      target.focus({ preventScroll: true });
    }
    this.shape = shape;
    this.plot.over.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.plot.over.addEventListener('dblclick', () => this.showWholeSession());
  }

  private onSetScale(u: uPlot, key: string): void {
    if (key !== 'x' || this.programmatic) return;
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    if (min == null || max == null) return;
    this.userRange(min * 1000, max * 1000);
  }

  /** A range chosen by the user: stop following and re-slice the data for it. */
  private userRange(x0: number, x1: number): void {
    const now = Math.max(this.cb.now(), 1000);
    if (x1 - x0 < MIN_SPAN) {
      const mid = (x0 + x1) / 2;
      x0 = mid - MIN_SPAN / 2;
      x1 = mid + MIN_SPAN / 2;
    }
    x0 = Math.max(0, x0);
    x1 = Math.min(Math.max(x1, x0 + MIN_SPAN), rightLimit(now));
    const wasFollowing = this.following;
    this.view.zoom = { x0, x1 };
    if (wasFollowing) this.cb.followChanged(false);
    this.cb.zoomChanged();
    this.schedule();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const [x0, x1] = this.lastRange;
    const rect = this.plot!.over.getBoundingClientRect();
    const frac = rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0.5;
    this.zoomAround(x0 + (x1 - x0) * frac, e.deltaY > 0 ? 1.25 : 0.8);
  }

  private zoomAround(center: number, factor: number): void {
    const [x0, x1] = this.lastRange;
    this.userRange(center - (center - x0) * factor, center + (x1 - center) * factor);
  }

  /** Shift the window, keeping its width: at an edge it stops there (clamping one end alone zoomed in). */
  private panBy(delta: number): void {
    const [x0, x1] = this.lastRange;
    const room = delta < 0 ? -x0 : rightLimit(Math.max(this.cb.now(), 1000)) - x1;
    const d = delta < 0 ? Math.min(0, Math.max(delta, room)) : Math.max(0, Math.min(delta, room));
    if (d !== 0) this.userRange(x0 + d, x1 + d);
  }

  showWholeSession(): void {
    this.userRange(0, Math.max(this.cb.now(), 1000));
  }

  /** Keyboard: + / - zoom, arrows pan, 0 whole session, L (or End) live. */
  private onKey(e: KeyboardEvent): void {
    const [x0, x1] = this.lastRange;
    const span = x1 - x0;
    switch (e.key) {
      case '+':
      case '=':
        this.zoomAround((x0 + x1) / 2, 0.8);
        break;
      case '-':
        this.zoomAround((x0 + x1) / 2, 1.25);
        break;
      case 'ArrowLeft':
        this.panBy(-span * 0.2);
        break;
      case 'ArrowRight':
        this.panBy(span * 0.2);
        break;
      case '0':
        this.showWholeSession();
        break;
      case 'l':
      case 'L':
      case 'End':
        this.resumeLive();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private destroy(): void {
    // A rebuild (another shape: a sort in combined mode, a maxsize that came or went, a theme)
    // makes new legend switches: remember the focused one, to focus its successor (build()).
    const active = document.activeElement;
    if (this.plot && active instanceof HTMLElement && this.plot.root.contains(active)) {
      this.refocus = { label: active.textContent ?? '', index: legendSwitches(this.plot).indexOf(active) };
    }
    this.plot?.destroy();
    this.plot = null;
    this.shape = null;
  }
}

function sameShape(a: Shape, b: Shape | null): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === 'single' && b.kind === 'single') return a.bounded === b.bounded;
  if (a.kind === 'combined' && b.kind === 'combined') return a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]);
  if (a.kind === 'jobs' && b.kind === 'jobs') return a.states.join() === b.states.join();
  return false;
}

/**
 * Steps of a count axis: whole items (a depth of 0.5 is no depth), 1, 2, 2.5, 5 times a power
 * of ten, up to the largest finite number (they stopped at 5e12: a depth of 1e14 had no labels).
 */
export const COUNT_STEPS = [1, 2, 5, ...Array.from({ length: 307 }, (_, i) => [1, 2, 2.5, 5].map((m) => m * 10 ** (i + 1))).flat(), 1e308];
/** Steps of a byte axis: every power of two (2 MiB, not 1.91 MiB), up to the largest finite number (they stopped at 512 GiB). */
export const BYTE_STEPS = Array.from({ length: 1024 }, (_, i) => 2 ** i);

let measureCtx: CanvasRenderingContext2D | null = null;

/** Width (CSS px) of a y axis for these tick labels: the longest label, the tick and gap, a margin. */
function axisWidth(values: string[] | null, font: string, tickAndGap: number): number {
  const min = 24;
  if (!values || values.length === 0) return min + tickAndGap;
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return 48;
  measureCtx.font = font;
  const widest = Math.max(...values.map((v) => measureCtx!.measureText(v).width));
  return Math.ceil(Math.max(min, widest) + tickAndGap + 4);
}

function niceMax(max: number | null): number {
  if (max == null || !Number.isFinite(max) || max <= 0) return 1;
  return Math.min(Number.MAX_VALUE, Math.ceil(max * 1.1)); // 1.1 times a huge one is Infinity: no axis at all
}

/**
 * uPlot's legend entries show or hide their line on a click only. Each entry's label cell
 * becomes a switch that Tab reaches and Enter or Space flips (a BullMQ queue's `completed`
 * starts hidden, and a keyboard user could never show it).
 */
function legendByKeyboard(u: uPlot): void {
  u.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((tr, i) => {
    const label = tr.querySelector<HTMLElement>('th');
    if (i === 0 || label === null) return; // the first entry is the time axis
    label.tabIndex = 0;
    label.setAttribute('role', 'switch');
    label.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      e.stopPropagation(); // not the chart's own keys
      u.setSeries(i, { show: !u.series[i].show });
    });
    syncLegendEntry(u, i);
  });
}

/** The legend's switches (legendByKeyboard), in order. */
function legendSwitches(u: uPlot): HTMLElement[] {
  return [...u.root.querySelectorAll<HTMLElement>('.u-legend .u-series th[role="switch"]')];
}

function syncLegendEntry(u: uPlot, i: number | null): void {
  if (i === null) return;
  const label = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series')[i]?.querySelector('th');
  label?.setAttribute('aria-checked', String(u.series[i]?.show !== false));
}
