// Live lists of the selected queue's blocked producers and waiting consumers, and the
// item previews of a paused snapshot. Wait times tick on the client (now - since); each
// call site is a button asking the host to open the source. A waiter that just left stays
// listed for a moment, marked as ended (waiterHold.ts), so short waits do not blink.

import type { CallSite, QueueInfo, WaiterInfo } from '../protocol/webview';
import { el, icon, keepChildren, setChildren, setText } from './dom';
import { baseName, formatDuration } from './format';
import { WaiterHold, type ShownWaiter } from './waiterHold';

export interface WaiterCallbacks {
  openSource(site: CallSite): void;
  now(): number;
}

interface Item {
  li: HTMLLIElement;
  time: HTMLElement;
  role: HTMLElement;
  since: number;
  key: string;
  /** The waiter's id (a line whose key changed, e.g. its site arrived, is still this waiter). */
  id: string;
  /** The wait began before QueueScope attached: its time is a lower bound. */
  atLeast: boolean;
  /** Its clock stands still at this session time: the waiter left (held on the list), or its process stopped. */
  endedAt?: number;
}

export function callSiteLabel(site: CallSite): string {
  const where = `${baseName(site.file)}:${site.line}:${site.column}`;
  return site.fn ? `${site.fn} (${where})` : where;
}

/**
 * A button that opens `site` in the editor, reading `text` ("created at app.js:3:14", or the
 * site alone) and announced as `ariaLabel`. Its texts are the program's: text nodes only.
 */
export function siteLink(site: CallSite, text: string, ariaLabel: string, open: (site: CallSite) => void): HTMLButtonElement {
  const btn = el('button', { class: 'site link', attrs: { type: 'button', title: `Open ${site.file}:${site.line}:${site.column}`, 'aria-label': ariaLabel } }, icon('go-to-file'), text);
  btn.addEventListener('click', () => open(site));
  return btn;
}

/**
 * Waits that just ended shown one by one, per role; the rest are counted in one line. On a
 * busy queue dozens end within the hold, and a list of them under "Waiting consumers (1)"
 * read as if they were still waiting.
 */
export const HELD_SHOWN = 3;

interface Listed {
  /** The current waiters (oldest first), then the most recently ended ones. */
  shown: ShownWaiter[];
  /** Ended waits held but not listed. */
  moreEnded: number;
}

function listed(all: readonly ShownWaiter[], role: 'put' | 'get'): Listed {
  const mine = all.filter((w) => w.info.role === role);
  const current = mine.filter((w) => w.endedAt === undefined).sort((a, b) => a.info.since - b.info.since);
  const ended = mine.filter((w) => w.endedAt !== undefined).sort((a, b) => b.endedAt! - a.endedAt! || b.info.since - a.info.since);
  return { shown: [...current, ...ended.slice(0, HELD_SHOWN)], moreEnded: Math.max(0, ended.length - HELD_SHOWN) };
}

/** A waiter's line stays its own while it waits and while it is held after (a call site keeps the focus). */
function lineKey(w: ShownWaiter): string {
  return `${w.info.role} ${w.info.id}@${w.info.since} ${w.info.adopted === true} ${w.info.site ? callSiteLabel(w.info.site) : ''}`;
}

/**
 * The focused line at `at` went: the keyboard stays in the list, on the button of the line now
 * at its place (else the one before it), or on the list itself when none has one.
 */
function focusNear(list: HTMLUListElement, at: number): void {
  const lis = [...list.children];
  const order = [...lis.slice(Math.min(at, lis.length - 1)), ...lis.slice(0, Math.min(at, lis.length - 1)).reverse()];
  const target = order.map((li) => li.querySelector<HTMLElement>('button')).find((b) => b !== null);
  if (target) target.focus({ preventScroll: true });
  else {
    list.tabIndex = -1;
    list.focus({ preventScroll: true });
  }
}

/** Whether the lists show a stopped state: the session's end ('ended', or a replay), or their queue's process only. */
export type Stopped = 'no' | 'ended' | 'process';

export class WaiterLists {
  readonly root: HTMLElement;
  private readonly putList: HTMLUListElement;
  private readonly getList: HTMLUListElement;
  private readonly putHead: HTMLElement;
  private readonly getHead: HTMLElement;
  private readonly itemsBox: HTMLElement;
  private readonly itemsHead: HTMLElement;
  private readonly itemsList: HTMLOListElement;
  private items: Item[] = [];
  /** Each waiter's line by waiter (lineKey), as last drawn, and the queue they are of. */
  private lines = new Map<string, Item>();
  private linesQueue: string | undefined;
  private lastKey = '';
  private readonly hold = new WaiterHold();
  private last: { queue: QueueInfo | undefined; waiters: WaiterInfo[]; live: boolean; stopped: Stopped } = { queue: undefined, waiters: [], live: false, stopped: 'no' };

  constructor(private readonly cb: WaiterCallbacks) {
    this.putHead = el('h3', { attrs: { id: 'blocked-head' } });
    this.getHead = el('h3', { attrs: { id: 'waiting-head' } });
    this.putList = el('ul', { class: 'waiters put', attrs: { id: 'blocked-list', 'aria-labelledby': 'blocked-head' } });
    this.getList = el('ul', { class: 'waiters get', attrs: { id: 'waiting-list', 'aria-labelledby': 'waiting-head' } });
    this.itemsHead = el('h3', { attrs: { id: 'items-head' } });
    this.itemsList = el('ol', { class: 'items', attrs: { id: 'items-list', 'aria-labelledby': 'items-head' } });
    this.itemsBox = el('div', { class: 'items-box' }, this.itemsHead, this.itemsList);
    this.root = el(
      'div',
      { class: 'waiter-lists' },
      el('div', { class: 'waiter-col col-put' }, this.putHead, this.putList),
      el('div', { class: 'waiter-col col-get' }, this.getHead, this.getList),
      this.itemsBox,
    );
  }

  /**
   * Rebuild when the set of waiters changed; otherwise only the clocks move (tick()).
   * `live`: the session runs live, so waiters that just left are held for a moment.
   */
  render(queue: QueueInfo | undefined, waiters: WaiterInfo[], live = false, stopped: Stopped = 'no'): void {
    this.last = { queue, waiters, live, stopped };
    const shown = this.hold.update(queue?.key, waiters, this.cb.now(), live);
    const puts = listed(shown, 'put');
    const gets = listed(shown, 'get');
    // Who was still waiting when the program ended, or when this queue's process stopped
    // while the session runs on (clocks stopped there).
    const when = stopped === 'ended' ? ' at the end' : stopped === 'process' ? ' when its process stopped' : '';
    // The counts are the hub's exact ones; the list is a sample of them at scale (waitsSampled).
    const count = (role: 'put' | 'get', exact: number | undefined) => {
      const listedCount = waiters.filter((w) => w.role === role).length;
      return exact === undefined || exact <= listedCount ? `${listedCount}` : `${exact}, ${listedCount} listed`;
    };
    setText(this.putHead, `Blocked producers${when} (${count('put', queue?.blocked)})`);
    setText(this.getHead, `Waiting consumers${when} (${count('get', queue?.waiting)})`);
    const ids = (l: Listed) => l.shown.map((w) => `${w.info.id}@${w.info.since}${w.endedAt !== undefined ? '~' : ''}${w.info.stoppedAt ?? ''}`).join(',');
    const key = `${queue?.key}|${ids(puts)}+${puts.moreEnded}|${ids(gets)}+${gets.moreEnded}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      // Lines are kept by waiter and updated in place: a waiter arriving or leaving rebuilt
      // both lists, and a focused call-site button took the keyboard focus with it to the page.
      if (queue?.key !== this.linesQueue) this.lines.clear();
      this.linesQueue = queue?.key;
      const kept = new Map<string, Item>();
      this.items = [];
      for (const [list, l, none, what] of [
        [this.putList, puts, 'No blocked producers.', 'blocked'],
        [this.getList, gets, 'No waiting consumers.', 'waits'],
      ] as const) {
        // Where the keyboard is in this list, in case its line goes.
        const focusedAt = [...list.children].findIndex((li) => li.contains(document.activeElement));
        const focusedId = focusedAt >= 0 ? [...this.lines.values()].find((it) => it.li === list.children[focusedAt])?.id : undefined;
        const lis: HTMLLIElement[] = l.shown.map((w) => {
          const item = this.line(w, kept.has(lineKey(w)) ? undefined : this.lines.get(lineKey(w)));
          kept.set(item.key, item);
          this.items.push(item);
          return item.li;
        });
        if (lis.length === 0) lis.push(this.note(list, 'none', none));
        if (l.moreEnded > 0) lis.push(this.note(list, 'more-ended', `and ${l.moreEnded} more ${what} that ended in the last second`));
        keepChildren(list, lis);
        if (focusedAt >= 0 && !list.contains(document.activeElement)) {
          // The same waiter's line if it is still listed (by identity, never by place: the
          // line now at its index may be another waiter's); the line at its place only when it went.
          const same = focusedId === undefined ? undefined : l.shown.findIndex((w) => w.info.id === focusedId);
          const btn = same !== undefined && same >= 0 ? lis[same]!.querySelector<HTMLElement>('button') : null;
          if (btn) btn.focus({ preventScroll: true });
          else focusNear(list, focusedAt);
        }
      }
      this.lines = kept;
    }
    this.renderItems(queue);
    this.tick();
  }

  /** A list's line that is no waiter ("No blocked producers.", "and 4 more…"), kept while shown. */
  private note(list: HTMLUListElement, kind: 'none' | 'more-ended', text: string): HTMLLIElement {
    let li = list.querySelector<HTMLLIElement>(`:scope > li.${kind === 'none' ? 'none:not(.more-ended)' : 'more-ended'}`);
    li ??= el('li', { class: kind === 'none' ? 'none' : 'none more-ended' });
    setText(li, text);
    return li;
  }

  /** A waiter's line: `had` (its line of the last render) updated in place, or a new one. */
  private line(shown: ShownWaiter, had: Item | undefined): Item {
    const w = shown.info;
    const ended = shown.endedAt !== undefined;
    const roleClass = w.role === 'put' ? 'put' : 'get';
    const doing = w.role === 'put' ? (ended ? 'put() was blocked' : 'put() blocked') : ended ? 'get() waited' : 'get() waiting';
    // A wait whose process ended or paused stands still there, like one that just ended.
    const endedAt = ended ? shown.endedAt : w.stoppedAt;
    let item = had;
    if (!item) {
      const time = el('span', { class: 'wait-time' });
      const role = el('span', { class: 'role' });
      const li = el('li', {}, icon(w.role === 'put' ? 'debug-pause' : 'watch', 'role-icon'), role, time);
      if (w.site) {
        li.appendChild(siteLink(w.site, callSiteLabel(w.site), `Open call site ${callSiteLabel(w.site)}`, (site) => this.cb.openSource(site)));
      } else {
        li.appendChild(el('span', { class: 'site none', text: w.adopted ? 'already waiting when QueueScope attached; call site unknown' : 'call site unknown' }));
      }
      item = { li, time, role, since: w.since, key: lineKey(shown), id: w.id, atLeast: w.adopted === true };
    }
    const cls = `waiter ${roleClass}${ended ? ' held' : ''}`;
    if (item.li.className !== cls) item.li.className = cls;
    if (ended) item.li.title = 'This call just stopped waiting';
    else item.li.removeAttribute('title');
    item.time.setAttribute('aria-label', ended ? 'waited for' : 'waiting for');
    setText(item.role, doing);
    if (endedAt !== undefined) item.endedAt = endedAt;
    else delete item.endedAt;
    return item;
  }

  private renderItems(queue: QueueInfo | undefined): void {
    const items = queue?.items;
    this.itemsBox.hidden = !items;
    if (!items) return;
    setText(this.itemsHead, items.length ? `First items of ${queue!.name} (${items.length} of ${queue!.size})` : `${queue!.name} is empty`);
    const lis = items.map((text, i) => el('li', { attrs: { 'aria-label': `item ${i + 1}` } }, el('code', { text })));
    setChildren(this.itemsList, lis);
  }

  /** Advance the wait clocks (called by a timer while the session runs). */
  tick(): void {
    const now = this.cb.now();
    if (this.hold.expired(now)) this.render(this.last.queue, this.last.waiters, this.last.live, this.last.stopped);
    for (const it of this.items) setText(it.time, `${it.atLeast ? '≥ ' : ''}${formatDuration((it.endedAt ?? now) - it.since)}`);
  }
}
