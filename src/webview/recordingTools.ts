// Recording tools of the panel (docs/RECORDING.md), added through the panel's api() hooks:
//   - "Save" (any session): asks the host to save the session's recording;
//   - "PNG" (any session): the current chart as a PNG, drawn on the theme's background,
//     sent to the host as a data URL (the host validates it and writes the file);
//   - in replay mode, a time cursor under the chart: pick an instant (slider, or click on
//     the chart) and see every queue's depth and every wait in progress at that instant,
//     as the host computes them from the whole recording.
// Program-supplied strings (queue names, call sites) go through textContent only.

import type { CursorStateMessage, HostMessage, WaiterInfo, WebviewMessage } from '../protocol/webview';
import { el, icon, nextFrame, setChildren, setText } from './dom';
import { formatCount, formatDuration, formatSessionTime } from './format';
import { callSiteLabel } from './waiters';

/** What this module needs from the panel (main.ts api()). */
export interface RecordingPanelApi {
  chartCanvas(): HTMLCanvasElement | null;
  mode(): string;
  addToolbarButton(b: { id: string; label: string; icon: string; onClick(): void }): HTMLButtonElement;
  post(msg: WebviewMessage): void;
  sessionId(): string | null;
  /** Epoch ms of the session's time zero. */
  sessionStart(): number | null;
  /** Session ms of "now" (the end, for a replay). */
  now(): number;
  /** Visible chart range in session ms. */
  visibleRange(): [number, number];
  queueName(key: string): string | undefined;
  selectedQueue(): string | undefined;
  /** Every host message, after the panel applied it. */
  onMessage(fn: (msg: HostMessage) => void): void;
}

export function installRecordingTools(api: RecordingPanelApi): void {
  const save = api.addToolbarButton({
    id: 'save-recording',
    label: 'Save',
    icon: 'save',
    onClick: () => {
      const session = api.sessionId();
      if (session) api.post({ type: 'saveRecording', session });
    },
  });
  save.title = 'Save this session\'s recording (.qscope)';
  const png = api.addToolbarButton({ id: 'export-png', label: 'PNG', icon: 'device-camera', onClick: () => exportPng(api) });
  png.title = 'Save the chart as a PNG image';
  // With no session there is nothing to save: the buttons did nothing when clicked.
  const enable = (): void => {
    save.disabled = png.disabled = api.sessionId() === null;
  };
  enable();
  api.onMessage(enable);
  new TimeCursor(api);
}

function exportPng(api: RecordingPanelApi): void {
  const chart = api.chartCanvas();
  const session = api.sessionId();
  if (!chart || !session) return;
  // uPlot draws on a transparent canvas: put the editor background under it so the image
  // reads the same outside VS Code.
  const out = document.createElement('canvas');
  out.width = chart.width;
  out.height = chart.height;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(chart, 0, 0);
  const selected = api.selectedQueue();
  // The name only seeds the file name (the host cleans it); queue names have no length limit
  // but the message's name field has one, so a long name is cut here (by code point).
  const name = Array.from((selected && api.queueName(selected)) || 'chart').slice(0, 100).join('');
  api.post({ type: 'exportPng', session, name, dataUrl: out.toDataURL('image/png') });
}

/** A cell of the depths table, styled inline (no stylesheet rule exists for it). */
function cell(text: string, numeric = false): HTMLTableCellElement {
  const td = el('td', { text });
  Object.assign(td.style, { padding: '3px 8px', borderBottom: '1px solid var(--vscode-panel-border, #8884)', textAlign: numeric ? 'right' : 'left' });
  return td;
}

function head(text: string, numeric = false): HTMLTableCellElement {
  const th = el('th', { text });
  Object.assign(th.style, { padding: '3px 8px', textAlign: numeric ? 'right' : 'left', fontWeight: '600' });
  return th;
}

/** Smallest gap between two cursor questions while the slider moves. */
const ASK_GAP_MS = 60;

class TimeCursor {
  private readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly depths: HTMLTableSectionElement;
  private readonly waiters: HTMLUListElement;
  private readonly waitersHead: HTMLElement;
  private readonly line: HTMLElement;
  /** Session ms of the cursor, or null when none is chosen. */
  private t: number | null = null;
  private lastAsk = -Infinity;
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly api: RecordingPanelApi) {
    this.slider = el('input', { attrs: { id: 'cursor-slider', type: 'range', min: '0', max: '1000', step: 'any', value: '0', 'aria-label': 'Time cursor' } });
    this.label = el('span', { class: 'cursor-time', attrs: { id: 'cursor-time', 'aria-live': 'polite' } });
    this.depths = el('tbody', { attrs: { id: 'cursor-depths' } });
    this.waitersHead = el('h3', { attrs: { id: 'cursor-waiters-head' } });
    this.waiters = el('ul', { class: 'waiters', attrs: { id: 'cursor-waiters', 'aria-labelledby': 'cursor-waiters-head' } });
    const table = el(
      'table',
      { class: 'cursor-table', attrs: { id: 'cursor-table', 'aria-label': 'Depths at the time cursor' } },
      el('thead', {}, el('tr', {}, head('Queue'), head('Depth', true), head('Min–max in the interval', true))),
      this.depths,
    );
    this.root = el(
      'section',
      { class: 'time-cursor', attrs: { id: 'time-cursor', 'aria-label': 'Time cursor' } },
      el('h3', {}, icon('milestone'), ' Time cursor: ', this.label),
      this.slider,
      el('div', { class: 'waiter-lists' }, el('div', {}, el('h3', { text: 'Depths' }), table), el('div', {}, this.waitersHead, this.waiters)),
    );
    this.root.hidden = true;
    // The panel's stylesheet has no rules for these elements; CSSOM styles are allowed by the CSP.
    this.slider.style.width = '100%';
    Object.assign(this.root.style, { marginTop: '12px' });
    Object.assign(table.style, { width: '100%', borderCollapse: 'collapse', fontVariantNumeric: 'tabular-nums' });
    this.line = el('div', { class: 'cursor-line', attrs: { 'aria-hidden': 'true' } });
    Object.assign(this.line.style, { position: 'absolute', top: '0', bottom: '0', width: '0', borderLeft: '1px dashed var(--vscode-editorCursor-foreground, #888)', pointerEvents: 'none', display: 'none' });

    this.slider.addEventListener('input', () => this.choose(Number(this.slider.value)));
    // With step="any" an arrow key moved the cursor by 1 ms: a second (a twentieth of a short
    // recording), PageUp/PageDown ten times that, Home/End the ends.
    this.slider.addEventListener('keydown', (e) => {
      const end = Math.max(1, this.api.now());
      const small = end >= 20_000 ? 1000 : end / 20;
      const big = Math.max(small * 10, end / 10);
      const t = this.t ?? 0;
      const to = { ArrowRight: t + small, ArrowUp: t + small, ArrowLeft: t - small, ArrowDown: t - small, PageUp: t + big, PageDown: t - big, Home: 0, End: end }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      this.choose(to);
    });
    api.onMessage((msg) => this.onMessage(msg));
    // Place the section under the chart once the chart exists.
    const mount = (): void => {
      const chart = document.getElementById('chart');
      if (!chart?.parentElement) return void nextFrame(mount);
      chart.parentElement.after(this.root);
      chart.addEventListener('click', (e) => this.onChartClick(e, chart));
    };
    mount();
  }

  private onMessage(msg: HostMessage): void {
    if (msg.type === 'cursorState') this.render(msg);
    else this.refresh(msg.type === 'init');
  }

  /** Show or hide (replay only), and follow the session's length. */
  private refresh(reset: boolean): void {
    const replay = this.api.mode() === 'replay' && this.api.sessionId() !== null;
    this.root.hidden = !replay;
    if (!replay) {
      this.line.style.display = 'none';
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const end = Math.max(1, this.api.now());
    this.slider.max = String(end);
    if (reset || this.t === null) this.choose(reset ? 0 : (this.t ?? 0));
    else this.placeLine();
  }

  private onChartClick(e: MouseEvent, chart: HTMLElement): void {
    if (this.root.hidden) return;
    const over = chart.querySelector('.u-over');
    if (!over) return;
    const rect = over.getBoundingClientRect();
    if (e.clientX < rect.left || e.clientX > rect.right || rect.width <= 0) return;
    const [x0, x1] = this.api.visibleRange();
    this.choose(x0 + ((e.clientX - rect.left) / rect.width) * (x1 - x0));
  }

  private choose(t: number): void {
    this.t = Math.max(0, Math.min(t, Math.max(1, this.api.now())));
    this.slider.value = String(this.t);
    setText(this.label, formatSessionTime(this.t));
    // Read as a time, not as milliseconds ("1:02:07 of 2:00:00", not "3727000").
    this.slider.setAttribute('aria-valuetext', `${formatSessionTime(this.t).slice(1)} of ${formatSessionTime(Math.max(1, this.api.now())).slice(1)}`);
    this.placeLine();
    this.ask();
  }

  /** Asks the host about the cursor's instant, at most every ASK_GAP_MS while it moves (the last position always). */
  private ask(): void {
    if (this.trailing) return;
    const wait = this.lastAsk + ASK_GAP_MS - performance.now();
    if (wait > 0) {
      this.trailing = setTimeout(() => {
        this.trailing = undefined;
        this.ask();
      }, wait);
      return;
    }
    const session = this.api.sessionId();
    const start = this.api.sessionStart();
    if (this.t === null || !session || start === null) return;
    this.lastAsk = performance.now();
    this.api.post({ type: 'cursor', session, start, t: this.t });
  }

  private render(msg: CursorStateMessage): void {
    // Only the answer for where the cursor is now (earlier answers may still arrive).
    if (msg.session !== this.api.sessionId() || msg.t !== this.t) return;
    const rows = msg.queues.map((q) => {
      // Grouped as the overview's exact figures ("12,345,678", not "12345678").
      const range = q.min === q.max ? formatCount(q.min) : `${formatCount(q.min)}–${formatCount(q.max)}`;
      return el('tr', {}, cell(this.api.queueName(q.key) ?? q.key), cell(formatCount(q.depth), true), cell(range, true));
    });
    setChildren(this.depths, rows.length ? rows : [el('tr', {}, el('td', { text: 'No queue existed at this time.', attrs: { colspan: '3' } }))]);
    setText(this.waitersHead, `Waiting at ${formatSessionTime(msg.t)} (${msg.waiters.length})`);
    setChildren(this.waiters, msg.waiters.length ? msg.waiters.map((w) => this.waiterItem(w, msg.t)) : [el('li', { class: 'none', text: 'Nobody was waiting.' })]);
  }

  private waiterItem(w: WaiterInfo, at: number): HTMLLIElement {
    const who = w.role === 'put' ? 'blocked put' : 'waiting get';
    return el(
      'li',
      { class: `waiter ${w.role}` },
      icon(w.role === 'put' ? 'arrow-up' : 'arrow-down', 'role-icon'),
      el('strong', { text: this.api.queueName(w.queue) ?? w.queue }),
      el('span', { text: `${who}, for ${formatDuration(at - w.since)} (since ${formatSessionTime(w.since)})` }),
      w.site ? el('code', { text: callSiteLabel(w.site) }) : null,
    );
  }

  /** The dashed line over the chart at the cursor; re-placed a few times a second, since zooming moves it. */
  private placeLine(): void {
    if (!this.timer) this.timer = setInterval(() => this.placeLineNow(), 200);
    this.placeLineNow();
  }

  private placeLineNow(): void {
    const chart = document.getElementById('chart');
    const over = chart?.querySelector<HTMLElement>('.u-over');
    if (!chart || !over || this.t === null || this.root.hidden) {
      this.line.style.display = 'none';
      return;
    }
    if (this.line.parentElement !== over) over.appendChild(this.line);
    const [x0, x1] = this.api.visibleRange();
    const frac = (this.t - x0) / Math.max(1e-9, x1 - x0);
    this.line.style.display = frac < 0 || frac > 1 ? 'none' : 'block';
    this.line.style.left = `${(frac * 100).toFixed(3)}%`;
  }
}
