// The panel's findings strip: what the diagnostics engine says is wrong in the selected
// session ("Deadlock: …", "Work left at exit: …"), one row per finding, above the queues.
// The host sends the whole list in a 'findings' message (after every 'init' and whenever the
// findings change), so the strip never drifts from the Problems view and the tree.
// Rows are buttons (Tab / Enter / Space); a click selects the finding's first queue and opens
// its first call site. Finding texts quote program-supplied names: text nodes only.
// Past STRIP_ROWS findings (1,000 idle consumers are 1,000 long-block hints) the strip shows
// the first ones and a toggle that counts the rest per kind; expanded, the list scrolls in
// its own box, so the queues below stay in sight either way.

import { findingsMessageError, type CallSite, type FindingsMessage, type StripRow } from '../protocol/webview';
import { el, icon, keepChildren, setChildren } from './dom';

/** Findings shown while the strip is collapsed (the host sends warnings first, then oldest). */
export const STRIP_ROWS = 5;

export interface FindingsStripHooks {
  /** Select a queue in the overview and the detail. */
  selectQueue(key: string): void;
  openSource(site: CallSite): void;
}

export class FindingsStrip {
  readonly root = el('section', { class: 'findings', attrs: { id: 'findings', 'aria-label': 'Findings' } });
  private readonly list = el('ul', { class: 'findings-list', attrs: { role: 'list' } });
  private readonly toggle = el('button', { class: 'findings-more', attrs: { type: 'button', id: 'findings-more', 'aria-expanded': 'false', 'aria-controls': 'findings-list' } });
  private rows: StripRow[] = [];
  /** The rendered rows by finding id, reused by the next render. */
  private items = new Map<string, HTMLLIElement>();
  private session: string | null = null;
  /** The whole list is shown (until the session changes). */
  private expanded = false;

  constructor(private readonly hooks: FindingsStripHooks) {
    this.list.id = 'findings-list';
    this.root.append(this.list, this.toggle);
    this.root.hidden = true;
    this.toggle.addEventListener('click', () => {
      this.expanded = !this.expanded;
      this.render();
    });
  }

  /** Apply a host message; a malformed one is refused (and reported) without touching the strip. */
  apply(msg: FindingsMessage, selected: string | null): string | null {
    const error = findingsMessageError(msg);
    if (error) return error;
    if (msg.session !== selected) return null; // for a session no longer shown
    this.session = msg.session;
    this.rows = msg.rows;
    this.render();
    return null;
  }

  /** The panel switched sessions: the old session's findings go (the host sends the new ones). */
  sessionShown(session: string | null): void {
    if (session === this.session) return;
    this.session = session;
    this.rows = [];
    this.expanded = false;
    this.render();
  }

  get count(): number {
    return this.rows.length;
  }

  /**
   * The most severe warning or info naming each queue (hints stay out: 1,000 idle consumers
   * are 1,000 long-block hints, and their rows already say "waiting"). For the overview's
   * State column, so the row of the queue a finding is about does not read "ok".
   */
  byQueue(): Map<string, StripRow> {
    const out = new Map<string, StripRow>();
    for (const r of this.rows) {
      if (r.severity === 'hint') continue;
      for (const key of r.queues) {
        const had = out.get(key);
        if (had === undefined || (had.severity !== 'warning' && r.severity === 'warning')) out.set(key, r);
      }
    }
    return out;
  }

  private render(): void {
    const many = this.rows.length > STRIP_ROWS;
    if (!many) this.expanded = false;
    const hadFocus = document.activeElement === this.toggle;
    // Where the keyboard is in the list, in case its finding goes.
    const focusedAt = [...this.list.children].findIndex((li) => li.contains(document.activeElement));
    const shown = many && !this.expanded ? this.rows.slice(0, STRIP_ROWS) : this.rows;
    // Rows are kept by finding id and updated in place: the findings come again every tick
    // ("for 13 s"), and rebuilt rows dropped the keyboard focus to the page (Tab never got
    // past the strip); refocused, a screen reader would read the focused finding each tick.
    const items = new Map<string, HTMLLIElement>();
    shown.forEach((r, i) => {
      const key = items.has(r.id) ? `${r.id}\u0000${i}` : r.id; // ids are unique; a repeat still gets its row
      items.set(key, this.row(r, this.items.get(key)));
    });
    this.items = items;
    keepChildren(this.list, [...items.values()]);
    if (focusedAt >= 0 && !this.list.contains(document.activeElement)) {
      // The focused finding went (cleared, or pushed past the first rows): the keyboard stays
      // in the strip, on the finding now at its place, else the toggle.
      const at = this.list.children[Math.min(focusedAt, this.list.children.length - 1)];
      ((at?.firstElementChild as HTMLElement | null) ?? (many ? this.toggle : null))?.focus({ preventScroll: true });
    }
    this.list.classList.toggle('expanded', many && this.expanded);
    this.root.hidden = this.rows.length === 0;
    this.toggle.hidden = !many;
    if (!many) {
      // The focused toggle went away: the keyboard stays in the strip, on its last finding.
      if (hadFocus) (this.list.lastElementChild?.firstElementChild as HTMLElement | null)?.focus();
      return;
    }
    this.toggle.setAttribute('aria-expanded', String(this.expanded));
    const text = this.expanded ? 'Show fewer findings' : `${this.rows.length - STRIP_ROWS} more: ${perTitle(this.rows.slice(STRIP_ROWS))}`;
    setChildren(this.toggle, [icon(this.expanded ? 'chevron-up' : 'chevron-down'), text]);
  }

  /** The row of `r`: `had` (its row of the last render) updated in place, or a new one. */
  private row(r: StripRow, had: HTMLLIElement | undefined): HTMLLIElement {
    const site = r.sites[0];
    const label = [`${r.title}: ${r.text}`, r.age, r.partial ? `(${r.partial})` : ''].filter(Boolean).join(' ');
    const li = had ?? el('li', {}, el('button', { attrs: { type: 'button', 'data-id': r.id } }));
    const btn = li.firstElementChild as HTMLButtonElement;
    btn.className = `finding f-${r.severity}`;
    btn.setAttribute('aria-label', label);
    btn.title = site ? `${label}\nOpen ${site.file}:${site.line}:${site.column}` : label;
    setChildren(btn, [
      icon(r.icon, `f-icon`),
      el('strong', { class: 'f-title', text: r.title }),
      el('span', { class: 'f-text', text: r.text }),
      r.age ? el('span', { class: 'f-age', text: r.age }) : null,
      r.partial ? el('span', { class: 'f-partial', text: r.partial }) : null,
      site ? icon('go-to-file', 'f-open') : null,
    ]);
    btn.onclick = () => {
      if (r.queues[0]) this.hooks.selectQueue(r.queues[0]);
      if (site) this.hooks.openSource(site);
    };
    return li;
  }
}

/** "990 Long block, 5 Stuck work": the hidden findings counted per kind, largest first. */
function perTitle(rows: readonly StripRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.title, (counts.get(r.title) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([title, n]) => `${n} ${title}`)
    .join(', ');
}
