// The overview table: one row per queue, sortable by any column (click or Enter/Space on
// the header), filtered by name, keyboard navigable (arrows, Home/End, Enter/Space selects).
// Rows are created once per queue and then updated cell by cell.
//
// Past VIRTUAL_MIN queues (issue #17: 10,000) the table is virtualized: it scrolls inside
// its own box and only the rows in sight (plus a margin) exist; two spacer rows stand for
// the others. Those rows stay in place and show whatever queue is at their position, so a
// scroll or a sort rewrites text, not the table. Sorting and filtering still run over every
// queue (a sort of 10,000 numbers), then only the window is drawn.

import type { QueueInfo, StripRow } from '../protocol/webview';
import { el, icon, setChildren, setText } from './dom';
import { formatCount, formatRate, formatShortBytes, formatShortBytesOf, formatShortCount } from './format';
import type { SortKey, ViewState } from './viewstate';
import { kindLabel, kindName, poolCount, unitSuffix } from '../protocol/libText';
import { gapsText, jobStatesShort, jobsBadgeText } from '../protocol/jobsText';
import { compareNames, NaturalKeys, troubleScore } from '../protocol/queueOrder';

interface Column {
  key: SortKey;
  label: string;
  title: string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Queue', title: 'Queue name and where it lives' },
  { key: 'status', label: 'State', title: 'Full, blocked producers, waiting consumers. Sort: most troubled first' },
  { key: 'kind', label: 'Kind', title: 'FIFO, LIFO or priority' },
  { key: 'depth', label: 'Depth', title: 'Items in the queue / maxsize', numeric: true },
  { key: 'putRate', label: 'Puts/s', title: 'Puts per second (recent)', numeric: true },
  { key: 'getRate', label: 'Gets/s', title: 'Gets per second (recent)', numeric: true },
  { key: 'blocked', label: 'Blocked', title: 'Blocked producers (put waiting for room)', numeric: true },
  { key: 'waiting', label: 'Waiting', title: 'Waiting consumers (get waiting for an item)', numeric: true },
  { key: 'highWater', label: 'High', title: 'Highest depth seen', numeric: true },
  { key: 'dropped', label: 'Dropped', title: 'Detail events dropped for this queue', numeric: true },
];

export const isFull = (q: QueueInfo) => q.maxsize > 0 && q.size >= q.maxsize;

/** "fastq@1.20.3" -> "fastq", "@org/queue@2.0.0" -> "@org/queue", "node:stream" -> "stream". */
export function libName(lib: string): string {
  if (lib.startsWith('node:')) return lib.slice(5);
  const at = lib.lastIndexOf('@');
  return at > 0 ? lib.slice(0, at) : lib;
}

/** Queues above which only the rows in sight are rendered. */
export const VIRTUAL_MIN = 200;
/**
 * Rows rendered above and below the visible ones. Each wheel step re-lays out and repaints
 * every rendered row (measured: paint and layout are most of a scroll frame's 40-60 ms at
 * 1,000 queues on a slow machine, the panel's own script 3-9 ms), so few: 2 (4 still put
 * frames over 50 ms of CPU on this machine when a scroll replaced the whole window).
 */
const OVERSCAN = 2;
/** Rows kept for reuse when they scroll out of sight (virtualized). */
const MAX_SPARE_ROWS = 200;
/** Row height until one is measured (px). */
const DEFAULT_ROW_PX = 30;

/** A warning about a queue ranks it above any count in the State sort, an info above none. */
const FINDING_RANK = { warning: 2e12, info: 1e12, hint: 0 } as const;

function sortValue(q: QueueInfo, key: SortKey, names: NaturalKeys, findings: ReadonlyMap<string, StripRow>): number | string {
  switch (key) {
    case 'name':
      return names.of(q.name);
    case 'status': {
      const f = findings.get(q.key);
      return troubleScore(q) + (f ? FINDING_RANK[f.severity] : 0);
    }
    case 'kind':
      return q.kind;
    case 'depth':
      return q.maxsize > 0 ? q.size / q.maxsize + q.size * 1e-9 : q.size * 1e-9;
    case 'putRate':
      return q.putRate;
    case 'getRate':
      return q.getRate;
    case 'blocked':
      return q.blocked;
    case 'waiting':
      return q.waiting;
    case 'highWater':
      return q.counters.highWater;
    case 'dropped':
      return q.counters.dropped;
  }
}

/** The sampled badge's tooltip: what "sampled" means, in full. */
function sampledTitle(stride: number): string {
  return `Waits sampled 1 in ${stride}: counts are exact; only the list of individual waits is a sample`;
}

interface Row {
  tr: HTMLTableRowElement;
  name: HTMLElement;
  /** The name in two parts (see nameParts): the head gives way before the tail. */
  nameHead: HTMLElement;
  nameTail: HTMLElement;
  source: HTMLElement;
  /** Another library's queue: its `lib` ("p-queue@10.0.0"), hidden for QueueScope's own. */
  lib: HTMLElement;
  preview: HTMLElement;
  status: HTMLElement;
  kind: HTMLElement;
  barFill: HTMLElement;
  bar: HTMLElement;
  depthText: HTMLElement;
  putRate: HTMLElement;
  getRate: HTMLElement;
  blocked: HTMLElement;
  waiting: HTMLElement;
  high: HTMLElement;
  dropped: HTMLElement;
  statusKey: string;
  /** The "waits sampled 1 in N" badge's label while the row has one (N changes often: only its text is updated). */
  sampledText: Text | null;
  sampledBadge: HTMLElement | null;
  /** A pool's running badge's "3/3", updated in place (it changes at almost every poll). */
  runningText: Text | null;
  aria: string;
  barWidth: string;
}

export interface OverviewCallbacks {
  select(key: string): void;
  sortChanged(): void;
}

export class Overview {
  readonly root: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly headers = new Map<string, HTMLTableCellElement>();
  /** Natural-order keys of queue names, kept between sorts. */
  private readonly names = new NaturalKeys();
  private readonly rows = new Map<string, Row>();
  private readonly empty: HTMLElement;
  /** "11 of 600 queues" while a filter is set, "600 queues" past VIRTUAL_MIN. */
  private readonly count: HTMLElement;
  private order: string[] = [];
  private selected: string | undefined;
  private readonly scroller: HTMLElement;
  private queues = new Map<string, QueueInfo>();
  /** The most severe finding (warning or info) about each queue, from the findings strip. */
  private findings: ReadonlyMap<string, StripRow> = new Map();
  private virtual = false;
  /** The virtualized box's height as last set (see drawWindow). */
  private boxHeight = '';
  private rowPx = DEFAULT_ROW_PX;
  private readonly topPad: HTMLTableRowElement;
  private readonly bottomPad: HTMLTableRowElement;
  private scrollQueued = false;
  /**
   * Row and header heights were measured (once, and again after the box is resized): never
   * per draw, since a layout read after the draw's own DOM writes forces a synchronous layout
   * (measured with 1,000 live queues in VS Code: ~20 ms per draw, long tasks while scrolling).
   */
  private measured = false;
  private headPx = 0;
  /**
   * Rows that scrolled out of the window, kept for the next rows that scroll in: scrolling
   * through 1,000 queues otherwise makes ~20 elements per row per frame for the garbage
   * collector (a major GC of the renderer shared with the workbench took ~80 ms).
   */
  private readonly spare: Row[] = [];
  /**
   * Virtualized: the rows drawn, in window order (row j shows the queue at `first + j`).
   * They stay in place and take whatever queue is now at their place, so a scroll or a sort
   * rewrites text and never moves rows: inserted rows were restyled and laid out whole
   * (~30 elements each), most of a wheel step's 20-30 ms of CPU at 1,000 queues.
   */
  private windowRows: Row[] = [];
  /** The Queue header's note of a sort by a column this width hides. */
  private sortNote: HTMLElement | undefined;
  /** What the empty overview says (main.ts words it for "no session at all"). */
  noQueuesText = 'No queues yet. Queues appear here as soon as the program creates them.';

  constructor(private readonly view: ViewState, private readonly cb: OverviewCallbacks) {
    this.tbody = el('tbody');
    const headRow = el('tr');
    for (const c of COLUMNS) {
      const th = el('th', { attrs: { scope: 'col', title: c.title }, class: `h-${c.key}${c.numeric ? ' num' : ''}` });
      const btn = el('button', { class: 'sort', attrs: { type: 'button', 'aria-label': `Sort by ${c.label}` } }, c.label, icon('arrow-small-down', 'sort-icon'));
      if (c.key === 'name') {
        // The sort in effect when a narrow panel hides its column ("· by Blocked ↓"): set by renderSortNote.
        this.sortNote = el('span', { class: 'sort-note', attrs: { 'aria-hidden': 'true' } });
        this.sortNote.hidden = true;
        btn.appendChild(this.sortNote);
      }
      btn.addEventListener('click', () => this.toggleSort(c.key));
      th.appendChild(btn);
      this.headers.set(c.key, th);
      headRow.appendChild(th);
    }
    headRow.setAttribute('aria-rowindex', '1');
    this.table = el('table', { class: 'overview', attrs: { role: 'grid', 'aria-label': 'Queues', id: 'overview', 'aria-rowcount': '1', 'aria-describedby': 'overview-count' } }, el('thead', {}, headRow), this.tbody);
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.empty = el('p', { class: 'empty', attrs: { id: 'overview-empty' } });
    this.scroller = el('div', { class: 'table-scroll' }, this.table);
    const pad = (): HTMLTableRowElement => el('tr', { class: 'v-pad', attrs: { 'aria-hidden': 'true' } }, el('td', { attrs: { colspan: String(COLUMNS.length) } }));
    this.topPad = pad();
    this.bottomPad = pad();
    this.scroller.addEventListener('scroll', () => {
      if (this.virtual) this.scheduleWindow();
    });
    // A new width may wrap rows differently: measure again at the next draw.
    if (typeof ResizeObserver === 'function')
      new ResizeObserver(() => {
        this.measured = false;
        this.renderSortNote(); // a width may hide or show the sorted column
      }).observe(this.scroller);
    this.count = el('p', { class: 'overview-count', attrs: { id: 'overview-count', 'aria-live': 'off' } });
    this.root = el('section', { class: 'overview-section', attrs: { 'aria-label': 'Queue overview' } }, this.count, this.scroller, this.empty);
    this.renderSortHeaders();
  }

  private toggleSort(key: SortKey): void {
    const s = this.view.sort;
    if (s.key === key) s.dir = s.dir === 'asc' ? 'desc' : 'asc';
    else {
      s.key = key;
      s.dir = key === 'name' || key === 'kind' ? 'asc' : 'desc'; // numbers and State: the most first
    }
    this.renderSortHeaders();
    this.cb.sortChanged();
    // A sort is asked for to see what comes first (the fullest, the busiest): show the top.
    if (this.virtual) this.scroller.scrollTop = 0;
  }

  private renderSortHeaders(): void {
    for (const [key, th] of this.headers) {
      const active = key === this.view.sort.key;
      th.setAttribute('aria-sort', active ? (this.view.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.classList.toggle('sorted', active);
      th.classList.toggle('desc', active && this.view.sort.dir === 'desc');
    }
    this.renderSortNote();
  }

  /**
   * A narrow panel hides some columns (media/panel.css): sorted by one of them, the Queue
   * header says which sort is in effect ("Queue · by Blocked ↓", its button's name too), so
   * the rows' order is explained and a click on it sorts by name again.
   */
  private renderSortNote(): void {
    const note = this.sortNote;
    const nameTh = this.headers.get('name');
    if (!note || !nameTh) return;
    const { key, dir } = this.view.sort;
    const th = this.headers.get(key);
    const hidden = key !== 'name' && th !== undefined && th.isConnected && getComputedStyle(th).display === 'none';
    const col = COLUMNS.find((c) => c.key === key);
    const text = hidden && col ? ` · by ${col.label} ${dir === 'asc' ? '↑' : '↓'}` : '';
    if (note.textContent !== text) note.textContent = text;
    note.hidden = text === '';
    nameTh.classList.toggle('sort-elsewhere', text !== '');
    const btn = nameTh.querySelector('button');
    const label = text && col ? `Sort by Queue (sorted by ${col.label}, ${dir === 'asc' ? 'ascending' : 'descending'}; that column is hidden at this width)` : 'Sort by Queue';
    if (btn && btn.getAttribute('aria-label') !== label) btn.setAttribute('aria-label', label);
    const title = text ? `Sorted by ${col!.label} (${dir === 'asc' ? 'ascending' : 'descending'}), a column hidden at this width. Click to sort by name.` : COLUMNS[0]!.title;
    if (nameTh.title !== title) nameTh.title = title;
  }

  /** The findings about each queue (FindingsStrip.byQueue); true when they changed (render 'all' then). */
  setFindings(findings: ReadonlyMap<string, StripRow>): boolean {
    const old = this.findings;
    this.findings = findings;
    if (old.size !== findings.size) return true;
    for (const [key, f] of findings) if (old.get(key)?.id !== f.id || old.get(key)?.text !== f.text) return true;
    return false;
  }

  /** The queue keys in display order (filtered and sorted). */
  visibleKeys(): string[] {
    return this.order;
  }

  /** Redraw: `changed` rows are refreshed; order and filter are always re-applied. */
  render(queues: Map<string, QueueInfo>, changed: Iterable<string> | 'all', selected: string | undefined): void {
    this.queues = queues;
    const virtual = queues.size > VIRTUAL_MIN;
    const keys = changed === 'all' || virtual !== this.virtual ? [...queues.keys(), ...this.rows.keys()] : changed;
    for (const key of keys) {
      const q = queues.get(key);
      const row = this.rows.get(key);
      if (!q) {
        if (row) {
          // Virtualized: the row keeps its place and the next draw gives it another queue.
          if (!this.virtual) row.tr.remove();
          this.rows.delete(key);
        }
        continue;
      }
      // Virtualized: rows exist only in the window; drawWindow() fills them.
      if (!virtual) this.fill(row ?? this.createRow(q), q);
      else if (row) this.fill(row, q);
    }
    const hasDropped = [...queues.values()].some((q) => q.counters.dropped > 0);
    this.table.classList.toggle('hide-dropped', !hasDropped);
    // One process, one thread: "pid 4242 main" on every row says nothing and takes the room
    // the names need (it stays in the name's tooltip and the detail's header).
    let source: string | undefined;
    let oneSource = true;
    for (const q of queues.values()) {
      if (source === undefined) source = q.source;
      else if (q.source !== source) {
        oneSource = false;
        break;
      }
    }
    this.table.classList.toggle('one-source', oneSource);

    const needle = this.view.filter.trim().toLowerCase();
    const { key: sortKey, dir } = this.view.sort;
    const sign = dir === 'asc' ? 1 : -1;
    const visible = [...queues.values()].filter((q) => !needle || q.name.toLowerCase().includes(needle));
    // Each queue's sort value once, not once per comparison (10,000 rows: ~130,000 of them).
    const names = this.names;
    const rows = visible.map((q) => ({ q, v: sortValue(q, sortKey, names, this.findings) }));
    rows.sort((a, b) => {
      if (a.v < b.v) return -sign;
      if (a.v > b.v) return sign;
      return compareNames(a.q.name, b.q.name, names) || (a.q.key < b.q.key ? -1 : 1);
    });
    const order = rows.map((r) => r.q.key);
    if (virtual || this.virtual) {
      if (virtual && !this.virtual) {
        // Into the window: every row so far becomes a spare for the window's rows.
        for (const r of this.rows.values()) if (this.spare.length < MAX_SPARE_ROWS) this.spare.push(r);
        this.rows.clear();
      } else if (!virtual) this.windowRows = [];
      this.virtual = virtual;
      this.scroller.classList.toggle('virtual', virtual);
      if (!virtual && this.boxHeight !== '') {
        this.boxHeight = '';
        this.scroller.style.height = '';
      }
      this.order = order;
      // One draw per frame, at its start: never a layout read after this update's writes.
      if (virtual) this.scheduleWindow();
      else {
        setChildren(this.tbody, order.map((k) => (this.rows.get(k) ?? this.createRow(queues.get(k)!)).tr));
        for (const k of order) this.fill(this.rows.get(k)!, queues.get(k)!);
      }
    } else if (order.length !== this.order.length || order.some((k, i) => k !== this.order[i]) || this.tbody.childElementCount !== order.length) {
      const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
      setChildren(this.tbody, order.map((k) => this.rows.get(k)!.tr));
      if (focusedKey && order.includes(focusedKey)) this.rows.get(focusedKey)!.tr.focus();
      this.order = order;
    }
    // Screen readers count the rows a virtual list does not draw (header row first), and
    // everyone sees how many the filter lets through.
    const rowCount = String(order.length + 1);
    if (this.table.getAttribute('aria-rowcount') !== rowCount) this.table.setAttribute('aria-rowcount', rowCount);
    if (!this.virtual) order.forEach((k, i) => rowIndex(this.rows.get(k)!.tr, i));
    const filtering = needle !== '';
    const noun = (n: number) => `${formatCount(n)} ${n === 1 ? 'queue' : 'queues'}`;
    setText(this.count, filtering ? `${formatCount(order.length)} of ${noun(queues.size)}` : queues.size > VIRTUAL_MIN ? noun(queues.size) : '');
    this.count.hidden = this.count.textContent === '';
    // Announced as the filter is typed, not as a live session's queues come and go.
    this.count.setAttribute('aria-live', filtering ? 'polite' : 'off');
    this.setSelected(selected);
    const emptyText = queues.size === 0 ? this.noQueuesText : order.length === 0 ? 'No queue matches the filter.' : '';
    setText(this.empty, emptyText);
    this.empty.hidden = !emptyText;
  }

  /** Draw the window in the next animation frame (scrolls and updates of one frame: one draw). */
  private scheduleWindow(): void {
    if (this.scrollQueued) return;
    this.scrollQueued = true;
    requestAnimationFrame(() => {
      this.scrollQueued = false;
      if (this.virtual) this.drawWindow();
    });
  }

  /** Virtualized: make the rows in sight (plus OVERSCAN) exist, filled; drop the others. */
  private drawWindow(must?: number): void {
    const n = this.order.length;
    // Reads first (scroll position, box height), then only writes.
    const head = this.headPx;
    const top = Math.max(0, this.scroller.scrollTop - head);
    let first = Math.max(0, Math.floor(top / this.rowPx) - OVERSCAN);
    let last = Math.min(n, Math.ceil((top + this.scroller.clientHeight) / this.rowPx) + OVERSCAN);
    if (must !== undefined && must >= 0 && must < n) {
      // A row the keyboard or a selection asked for is drawn even if the scroll fell short.
      first = Math.min(first, Math.max(0, must - OVERSCAN));
      last = Math.max(last, Math.min(n, must + OVERSCAN + 1));
    }
    // Scrolled far down, then filtered to fewer rows: nothing of the list is at this scroll
    // position until the box shrinks and the browser brings the scroll back (a scroll event
    // draws again). A negative count emptied the window and then threw.
    if (first > last) first = last;
    const want = last - first;
    // Read before any row leaves: a removed focused row hands the focus to the body.
    const active = document.activeElement;
    const focusedKey = active instanceof HTMLElement && active.parentElement === this.tbody ? active.dataset.key : undefined;
    while (this.windowRows.length > want) {
      const row = this.windowRows.pop()!;
      row.tr.remove();
      if (this.spare.length < MAX_SPARE_ROWS) this.spare.push(row);
    }
    this.rows.clear();
    for (let j = 0; j < want; j++) {
      const k = this.order[first + j];
      const q = this.queues.get(k)!;
      let row = this.windowRows[j];
      if (!row) this.windowRows.push((row = this.createRow(q)));
      else {
        if (row.tr.dataset.key !== k) row.tr.dataset.key = k;
        this.rows.set(k, row);
      }
      this.fill(row, q);
      rowIndex(row.tr, first + j);
    }
    const trs: HTMLTableRowElement[] = [this.topPad, ...this.windowRows.map((r) => r.tr)];
    trs.push(this.bottomPad);
    // A definite height makes the box a relayout boundary (with `contain: strict` in
    // panel.css): rows changing inside no longer lay out the whole page, which was most of
    // a scroll frame at 1,000 queues.
    const box = `min(70vh, ${Math.ceil(n * this.rowPx + head) + 2}px)`;
    if (this.boxHeight !== box) {
      this.boxHeight = box;
      this.scroller.style.height = box;
    }
    (this.topPad.firstChild as HTMLElement).style.height = `${first * this.rowPx}px`;
    (this.bottomPad.firstChild as HTMLElement).style.height = `${(n - last) * this.rowPx}px`;
    // In place, never emptying the body: an empty body for an instant lets the browser clamp
    // the scroll position to 0 (and a moved focused row would lose the focus).
    const body = this.tbody;
    for (let i = 0; i < trs.length; i++) {
      const at = body.children[i];
      if (at !== trs[i]) body.insertBefore(trs[i], at ?? null);
    }
    while (body.children.length > trs.length) body.lastChild!.remove();
    if (focusedKey !== undefined) {
      // The focus follows its queue to the row that now shows it, or leaves if it scrolled away.
      const now = this.rows.get(focusedKey)?.tr;
      if (now && now !== document.activeElement) now.focus({ preventScroll: true });
      else if (!now && (active as HTMLElement).isConnected) (active as HTMLElement).blur();
    }
    this.setSelected(this.selected);
    if (!this.measured && trs.length > 2) this.measure(trs[1], must);
  }

  /** Measure a row and the header once (a forced layout, but one); redraw if they differ. */
  private measure(row: HTMLTableRowElement, must?: number): void {
    this.measured = true;
    const head = this.table.tHead?.getBoundingClientRect().height ?? 0;
    const sample = row.getBoundingClientRect().height;
    let moved = Math.abs(head - this.headPx) > 0.5;
    this.headPx = head;
    if (sample > 0 && Math.abs(sample - this.rowPx) > 0.5) {
      this.rowPx = sample;
      moved = true;
    }
    if (moved) this.drawWindow(must);
  }

  /** Bring a queue chosen elsewhere (a finding) into sight, if the filter lists it. */
  revealQueue(key: string): void {
    const i = this.order.indexOf(key);
    if (i < 0) return;
    if (this.virtual) this.reveal(i);
    else this.rows.get(key)?.tr.scrollIntoView({ block: 'nearest' });
  }

  /** Virtualized: scroll so that row `i` of the order is in sight, and draw it. */
  private reveal(i: number): void {
    if (!this.virtual) return;
    const head = this.headPx;
    const y = i * this.rowPx + head;
    const view = this.scroller.clientHeight;
    if (y < this.scroller.scrollTop + head) this.scroller.scrollTop = y - head;
    else if (y + this.rowPx > this.scroller.scrollTop + view) this.scroller.scrollTop = y + this.rowPx - view;
    this.drawWindow(i);
    // Rows differ a little in height (badges, wrapped names), so the estimate can leave the
    // row partly hidden: once it is drawn, measure it and scroll the rest of the way.
    const tr = this.rows.get(this.order[i])?.tr;
    if (!tr) return;
    const box = this.scroller.getBoundingClientRect();
    const r = tr.getBoundingClientRect();
    const top = box.top + this.headPx;
    const bottom = box.top + this.scroller.clientHeight;
    if (r.top < top) this.scroller.scrollTop -= top - r.top;
    else if (r.bottom > bottom) this.scroller.scrollTop += r.bottom - bottom;
  }

  setSelected(key: string | undefined): void {
    this.selected = key;
    // Roving tabindex: the focused row (arrow keys moved there) else the selected one stays tabbable.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.key;
    let focusable: string | undefined = focused && this.rows.has(focused) ? focused : key && this.order.includes(key) ? key : this.order[0];
    // Past 200 queues only the rows in view are drawn: when that row is not one of them, the
    // first drawn row keeps the tab stop, so Tab still reaches the table.
    if (focusable !== undefined && !this.rows.has(focusable)) focusable = this.order.find((k) => this.rows.has(k));
    for (const [k, row] of this.rows) {
      const sel = k === key;
      if (row.tr.classList.contains('selected') !== sel) {
        row.tr.classList.toggle('selected', sel);
        row.tr.setAttribute('aria-selected', String(sel));
      }
      const tab = k === focusable ? 0 : -1;
      if (row.tr.tabIndex !== tab) row.tr.tabIndex = tab;
    }
  }

  private createRow(q: QueueInfo): Row {
    const spare = this.spare.pop();
    if (spare) {
      spare.tr.dataset.key = q.key; // fill() rewrites every cell
      this.rows.set(q.key, spare);
      return spare;
    }
    const nameHead = el('span', { class: 'q-name-head' });
    const nameTail = el('span', { class: 'q-name-tail' });
    const name = el('span', { class: 'q-name' }, nameHead, nameTail);
    const source = el('span', { class: 'q-source' });
    const lib = el('span', { class: 'badge b-lib' });
    const preview = el('span', { class: 'q-preview' });
    const barFill = el('span', { class: 'bar-fill' });
    const bar = el('span', { class: 'bar', attrs: { 'aria-hidden': 'true' } }, barFill);
    const depthText = el('span', { class: 'depth-text' });
    const cell = (cls: string, ...children: Node[]) => el('td', { class: cls }, ...children);
    const row: Row = {
      tr: el('tr', { attrs: { role: 'row', 'aria-selected': 'false' } }),
      name,
      nameHead,
      nameTail,
      source,
      lib,
      preview,
      status: el('span', { class: 'badges' }),
      kind: el('span'),
      barFill,
      bar,
      depthText,
      putRate: el('span'),
      getRate: el('span'),
      blocked: el('span'),
      waiting: el('span'),
      high: el('span'),
      dropped: el('span'),
      statusKey: '',
      sampledText: null,
      sampledBadge: null,
      runningText: null,
      aria: '',
      barWidth: '',
    };
    row.tr.dataset.key = q.key;
    row.tr.tabIndex = -1;
    row.tr.append(
      cell('c-name', el('span', { class: 'q-title' }, name, lib, source), preview),
      cell('c-status', row.status),
      cell('c-kind', row.kind),
      cell('c-depth num', el('span', { class: 'depth' }, bar, depthText)),
      cell('num c-putRate', row.putRate),
      cell('num c-getRate', row.getRate),
      cell('num c-blocked', row.blocked),
      cell('num c-waiting', row.waiting),
      cell('num c-highWater', row.high),
      cell('num c-dropped', row.dropped),
    );
    row.tr.addEventListener('click', () => this.cb.select(row.tr.dataset.key!));
    this.rows.set(q.key, row);
    return row;
  }

  private fill(row: Row, q: QueueInfo): void {
    const [head, tail] = nameParts(q.name);
    setText(row.nameHead, head);
    setText(row.nameTail, tail);
    setText(row.source, q.source);
    // The package's name in the narrow column ("fastq"); its version in the tooltip.
    setText(row.lib, q.lib === undefined ? '' : libName(q.lib));
    row.lib.hidden = q.lib === undefined;
    if (q.lib !== undefined && row.lib.title !== q.lib) row.lib.title = q.lib;
    const nameTitle = q.source ? `${q.name} (${q.source})` : q.name;
    if (row.name.title !== nameTitle) row.name.title = nameTitle;
    // A BullMQ queue's line under its name: the states that hold jobs (text only: Redis data).
    const preview = q.items && q.items.length ? `next: ${q.items.slice(0, 3).join(', ')}${q.items.length > 3 ? ', …' : ''}` : q.jobs ? jobStatesShort(q.jobs.counts) : '';
    setText(row.preview, preview);
    row.preview.hidden = !preview;
    // Only the kind in the narrow column: the library is the badge beside the name, and a
    // pool's "running 3/3" is a State badge (in this column it was cut to "FIFO · …").
    setText(row.kind, kindName(q.kind));
    const kind = kindLabel(q.kind, q);
    if (row.kind.title !== kind) row.kind.title = kind;
    const full = isFull(q);
    const frac = q.maxsize > 0 ? Math.min(1, q.size / q.maxsize) : q.counters.highWater > 0 ? Math.min(1, q.size / q.counters.highWater) : 0;
    const width = `${(frac * 100).toFixed(1)}%`;
    if (row.barWidth !== width) {
      row.barWidth = width;
      row.barFill.style.width = width;
    }
    row.bar.classList.toggle('unbounded', q.maxsize <= 0);
    // Short figures in the cell (it is narrow: "16.4k / 16.4k B"), the exact ones in its tooltip.
    const depthOf = (f: (n: number) => string, suffix: string): string => `${f(q.size)} / ${q.maxsize > 0 ? f(q.maxsize) : '∞'}${suffix}`;
    // A byte stream's buffer in the units its highWaterMark is set in ("2.8 / 16 KiB").
    const bytes = q.units === 'bytes';
    const short = bytes ? formatShortBytes : formatShortCount;
    setText(row.depthText, bytes && q.maxsize > 0 ? formatShortBytesOf(q.size, q.maxsize) : depthOf(short, ''));
    const exactDepth = depthOf(formatCount, unitSuffix(q));
    if (row.depthText.title !== exactDepth) row.depthText.title = exactDepth;
    setText(row.putRate, formatRate(q.putRate));
    setText(row.getRate, formatRate(q.getRate));
    setText(row.blocked, formatCount(q.blocked));
    setText(row.waiting, formatCount(q.waiting));
    setText(row.high, short(q.counters.highWater));
    const exactHigh = `${formatCount(q.counters.highWater)}${unitSuffix(q)}`;
    if (row.high.title !== exactHigh) row.high.title = exactHigh;
    // Short in the narrow column ("1.2M"), the exact figure in its tooltip (it was cut, "1,234,…").
    setText(row.dropped, q.counters.dropped > 0 ? formatShortCount(q.counters.dropped) : '');
    const exactDropped = q.counters.dropped > 0 ? `${formatCount(q.counters.dropped)} detail events dropped` : '';
    if (row.dropped.title !== exactDropped) row.dropped.title = exactDropped;
    row.tr.classList.toggle('is-full', full);
    row.tr.classList.toggle('has-blocked', q.blocked > 0);
    row.tr.classList.toggle('has-waiting', q.waiting > 0);
    row.tr.classList.toggle('is-gone', q.gone);
    row.tr.classList.toggle('is-shutdown', q.shutdown);

    const jobsBadge = q.jobs ? jobsBadgeText(q.jobs) : '';
    const paused = q.counters.paused === true;
    const rateLimited = q.counters.rateLimited === true;
    const stride = q.waitsSampled ?? 1;
    // The stride is not in the key: it changes with the load at almost every poll, and
    // rebuilding every visible row's badges for it made scrolling 1,000 sampled queues janky.
    const finding = this.findings.get(q.key);
    // A pool's "2/3" running: the badge's changing part (its word is a span that can give way).
    const runningCount = (q.counters.running ?? 0) > 0 ? poolCount(q) : '';
    // Whether a pool runs tasks is in the key, not how many: that changes at almost every poll.
    const statusKey = `${full}|${q.blocked}|${q.waiting}|${q.shutdown}|${q.gone}|${stride > 1}|${jobsBadge}|${paused}|${rateLimited}|${runningCount !== ''}|${finding?.id}|${finding?.text}`;
    // Short in the State column ("waits" is in the tooltip and the tree's wording).
    const sampledLabel = `sampled 1/${stride}`;
    if (statusKey === row.statusKey && row.sampledText !== null && row.sampledText.data !== sampledLabel) {
      row.sampledText.data = sampledLabel;
      row.sampledBadge!.title = sampledTitle(stride);
    }
    if (statusKey === row.statusKey && row.runningText !== null && row.runningText.data !== runningCount) row.runningText.data = runningCount;
    if (statusKey !== row.statusKey) {
      row.statusKey = statusKey;
      row.sampledText = null;
      row.sampledBadge = null;
      row.runningText = null;
      const badges: Node[] = [];
      const badge = (cls: string, ic: string, ...content: Array<Node | string>) => el('span', { class: `badge ${cls}` }, icon(ic), ...content);
      // A badge's word that gives way in a crowded, narrow State column (panel.css); its tooltip keeps it.
      const word = (text: string) => el('span', { class: 'b-word', text });
      const titled = (b: HTMLElement, title: string) => ((b.title = title), b);
      if (finding) {
        // What is wrong comes first; the whole sentence is in the tooltip and the strip above.
        const b = badge(`b-finding f-${finding.severity}`, finding.icon, finding.badge ?? finding.title);
        b.title = `${finding.title}: ${finding.text}`;
        badges.push(b);
      }
      if (q.gone) badges.push(badge('b-gone', 'trash', 'gone'));
      else if (q.shutdown) badges.push(badge('b-shutdown', 'debug-stop', 'shut down'));
      // A collected queue is full no more: its last depth stays in red in the Depth column, and
      // with a finding's badge and "gone" a third one was cut off at the column's edge.
      if (full && !q.gone) badges.push(badge('b-full', 'warning', 'full'));
      // The count stays when the word gives way.
      if (q.blocked > 0) badges.push(titled(badge('b-blocked', 'debug-pause', el('span', {}, `${formatCount(q.blocked)} `, word('blocked'))), `${formatCount(q.blocked)} blocked producer${q.blocked === 1 ? '' : 's'}`));
      if (q.waiting > 0) badges.push(titled(badge('b-waiting', 'watch', el('span', {}, `${formatCount(q.waiting)} `, word('waiting'))), `${formatCount(q.waiting)} waiting consumer${q.waiting === 1 ? '' : 's'}`));
      // Another library's pool that starts no task now (docs/ADAPTERS.md, pool state).
      // Not debug-pause: without its word it would read as the blocked badge's icon.
      if (paused) badges.push(titled(badge('b-pool', 'circle-slash', word('paused')), 'paused: the pool starts no task'));
      if (rateLimited) badges.push(titled(badge('b-pool', 'dashboard', word('rate-limited')), 'rate-limited: the pool starts no task until its interval ends'));
      // A pool at work: how many of its slots are taken ("running 3/3": saturated).
      if (runningCount !== '') {
        row.runningText = document.createTextNode(runningCount);
        badges.push(titled(badge('b-running', 'play', el('span', {}, word('running'), ' ', row.runningText)), "tasks running / the pool's concurrency"));
      }
      if (!badges.length && !jobsBadge) badges.push(el('span', { class: 'badge b-ok' }, 'ok'));
      if (jobsBadge) {
        // Short in the narrow State column; the whole sentence in its tooltip.
        // "BullMQ" gives way like the other badges' words (a Worker row with a finding and its
        // running count cut the badge at the column's edge); a gap count stays.
        const gaps = gapsText(q.jobs!);
        const b = badge(q.jobs!.gaps.length ? 'b-jobs b-gap' : 'b-jobs', 'database', word(gaps ? 'BullMQ · ' : 'BullMQ'), gaps);
        b.title = jobsBadge;
        badges.push(b);
      }
      // Counts above are exact; only the list of individual waits is a sample.
      if (stride > 1) {
        row.sampledText = document.createTextNode(sampledLabel);
        const b = el('span', { class: 'badge b-sampled' }, icon('info'), row.sampledText);
        b.title = sampledTitle(stride);
        row.sampledBadge = b;
        badges.push(b);
      }
      setChildren(row.status, badges);
    }
    const aria = [
      q.name,
      finding ? finding.title : '',
      q.maxsize > 0 ? `depth ${q.size} of ${q.maxsize}` : `depth ${q.size}, unbounded`,
      full ? 'full' : '',
      q.blocked ? `${q.blocked} blocked producers` : '',
      q.waiting ? `${q.waiting} waiting consumers` : '',
      q.shutdown ? 'shut down' : '',
      q.gone ? 'garbage-collected' : '',
      q.jobs ? `BullMQ jobs: ${jobStatesShort(q.jobs.counts)}` : '',
    ].filter(Boolean).join(', ');
    if (row.aria !== aria) {
      row.aria = aria;
      row.tr.setAttribute('aria-label', aria);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    const key = tr?.dataset.key;
    if (!key) return;
    const i = this.order.indexOf(key);
    let next = -1;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(this.order.length - 1, i + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, i - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.order.length - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.cb.select(key);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (!this.rows.has(this.order[next])) this.reveal(next);
    const target = this.rows.get(this.order[next]);
    if (target) {
      for (const r of this.rows.values()) r.tr.tabIndex = -1;
      target.tr.tabIndex = 0;
      target.tr.focus();
    }
  }
}

/** A row's place for screen readers: `i` in the listed order, after the header row (1). */
function rowIndex(tr: HTMLTableRowElement, i: number): void {
  const v = String(i + 2);
  if (tr.getAttribute('aria-rowindex') !== v) tr.setAttribute('aria-rowindex', v);
}

/**
 * A name's head and its last ` › ` segment ("pipeline 1 › " and "#2 Transform writable"), or
 * the whole name and ''. In a narrow column the head is cut first: the stages of one pipeline
 * differ only at the end, and were all "pipeline 1 › Transform…" (found on a log shipper).
 */
export function nameParts(name: string): [string, string] {
  const cut = name.lastIndexOf(' › ');
  return cut < 0 ? [name, ''] : [name.slice(0, cut + 3), name.slice(cut + 3)];
}
