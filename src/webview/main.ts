// Entry of the QueueScope panel's webview (bundled to dist/webview/main.js).
// Builds the page, talks to the host (ready handshake, then init/update messages), and
// keeps the view state (selection, sort, filter, zoom) with VS Code's getState/setState.

import { feedMessageError, isHostMessage, noHubMessageError, type CallSite, type HostMessage, type NoHubSession, type WebviewMessage } from '../protocol/webview';
import { DepthChart } from './chart';
import { el, icon, keepChildren, nextFrame, setChildren, setText } from './dom';
import { countOf, formatCount, formatDuration, formatSessionTime } from './format';
import { Overview, isFull } from './overview';
import { Store, type Changes } from './store';
import { LIVE_WINDOWS, restoreViewState, type ViewState } from './viewstate';
import { WaiterLists, callSiteLabel, siteLink } from './waiters';
import { installRecordingTools } from './recordingTools';
import { jobsFacts } from './jobsFacts';
import { FindingsStrip } from './findingsStrip';
import { poolText } from '../protocol/libText';
import { poolFacts } from './poolFacts';
import { sessionEndLine } from '../protocol/endText';
import { STREAM_LIB, endInfoOf, type EndFields, type EndInfo } from '../protocol/wire';
import { noHubNotes } from './noHubNote';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Extra toolbar buttons (replay mode, PNG export) are added through this. */
export interface ToolbarButton {
  id: string;
  label: string;
  icon: string;
  onClick(): void;
}


class Panel {
  private readonly vscode = acquireVsCodeApi();
  private readonly view: ViewState = restoreViewState(this.vscode.getState());
  private readonly store = new Store();
  private readonly overview: Overview;
  private readonly chart: DepthChart;
  private readonly waiters: WaiterLists;
  private readonly findings: FindingsStrip;
  private readonly sessionPicker = el('select', { attrs: { id: 'session-picker', 'aria-label': 'Debug session' } });
  private readonly sessionName = el('span', { class: 'session-name', attrs: { id: 'session-name' } });
  private readonly statusBadge = el('span', { class: 'status', attrs: { id: 'status', role: 'status' } });
  /** "every 4.2 s" beside the badge while reading the program is paced (no live region: it changes often). */
  private readonly paceNote = el('span', {
    class: 'pace',
    attrs: {
      id: 'pace',
      title: "Reading this program's queues is paced by what it costs the program (a small share of its own CPU time), so with many busy queues the picture is refreshed less often. Every figure is exact as of the last refresh.",
    },
  });
  private readonly filter = el('input', { attrs: { id: 'filter', type: 'search', placeholder: 'Filter queues', 'aria-label': 'Filter queues by name' } });
  private readonly liveButton = el('button', { class: 'tool live', attrs: { id: 'live', type: 'button', title: 'Follow live (L)' } }, icon('pulse'), 'Live');
  private readonly wholeButton = el('button', { class: 'tool', attrs: { id: 'whole', type: 'button', title: 'Show the whole session (0)' } }, icon('zoom-out'), 'All');
  private readonly windowSelect = el('select', { attrs: { id: 'window', 'aria-label': 'Live window' } });
  private readonly combinedToggle = el('button', { class: 'tool', attrs: { id: 'combined', type: 'button', 'aria-pressed': 'false', title: 'One chart for the listed queues' } }, icon('graph-line'), 'Combined');
  private readonly extras = el('span', { class: 'toolbar-extra', attrs: { id: 'toolbar-extra' } });
  private readonly banner = el('div', { class: 'banner', attrs: { id: 'banner', role: 'status', 'aria-live': 'polite' } });
  private readonly clearEndedButton = el('button', { class: 'tool banner-action', attrs: { id: 'clear-ended', type: 'button', title: 'Remove every ended session and its timelines' } }, icon('clear-all'), 'Clear Ended Sessions');
  private readonly openTerminalButton = el('button', { class: 'tool banner-action', attrs: { id: 'open-debug-terminal', type: 'button', title: "Open a JavaScript Debug Terminal whose programs QueueScope sees from their start" } }, icon('terminal'), 'Open QueueScope Debug Terminal');
  /** Running debug sessions in which no hub answers (host 'noHub'). */
  private noHub: NoHubSession[] = [];
  private readonly detailTitle = el('h2', { class: 'detail-title', attrs: { id: 'detail-title' } });
  private readonly detailFacts = el('div', { class: 'detail-facts', attrs: { id: 'detail-facts' } });
  /** Re-renders the selected pool's oldest-running age (set by renderFacts). */
  private poolTick: ((now: number) => void) | undefined;
  /** The shown queue's "created at" link, kept while that queue is shown (renderFacts). */
  private createdLink: { key: string; el: HTMLElement } | undefined;
  private pendingDetail = false;
  private detail!: HTMLElement;
  private readonly listeners: ((msg: HostMessage) => void)[] = [];
  /**
   * The name of the queue selected in the session shown before the host switched to another
   * (a restart, a watcher's reload): selected again in the new one as soon as a queue of that
   * name is listed, since keys hold the pid and never match across runs. Dropped by the
   * user's own pick and by the next switch.
   */
  private carryName: string | undefined;

  constructor(root: HTMLElement) {
    this.overview = new Overview(this.view, {
      select: (key) => this.select(key),
      sortChanged: () => {
        this.save();
        this.renderOverview('all');
        // The combined chart draws the first listed queues: a sort chooses them. Replays,
        // ended and paused sessions get no further message that would redraw it.
        if (this.view.combined) this.renderDetail();
      },
    });
    this.chart = new DepthChart(this.view, {
      followChanged: () => this.renderLiveButton(),
      zoomChanged: () => this.save(),
      now: () => this.store.now(),
    });
    this.waiters = new WaiterLists({ openSource: (site) => this.openSource(site), now: () => this.store.now() });
    this.findings = new FindingsStrip({
      selectQueue: (key) => {
        if (!this.store.queues.has(key)) return;
        this.select(key);
        // Among thousands of rows the finding's queue is likely out of sight.
        this.overview.revealQueue(key);
      },
      openSource: (site) => this.openSource(site),
    });

    for (const w of LIVE_WINDOWS) this.windowSelect.appendChild(el('option', { attrs: { value: String(w.ms) }, text: w.label }));
    this.windowSelect.value = String(this.view.window);
    this.filter.value = this.view.filter;
    this.filter.addEventListener('input', () => {
      this.view.filter = this.filter.value;
      this.save();
      this.renderOverview('all');
      this.renderDetail();
    });
    this.windowSelect.addEventListener('change', () => {
      this.view.window = Number(this.windowSelect.value);
      this.save();
      this.chart.resumeLive();
      this.chart.schedule();
    });
    this.liveButton.addEventListener('click', () => this.chart.resumeLive());
    this.wholeButton.addEventListener('click', () => this.chart.showWholeSession());
    this.combinedToggle.addEventListener('click', () => {
      this.view.combined = !this.view.combined;
      this.save();
      this.renderDetail();
    });
    this.clearEndedButton.addEventListener('click', () => this.post({ type: 'clearEnded' }));
    this.openTerminalButton.addEventListener('click', () => this.post({ type: 'openDebugTerminal' }));
    this.sessionPicker.addEventListener('change', () => {
      this.view.session = this.sessionPicker.value;
      this.view.pinned = true;
      this.view.zoom = null;
      this.save();
      this.post({ type: 'selectSession', session: this.sessionPicker.value });
    });

    const toolbar = el(
      'div',
      { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'QueueScope' } },
      el('span', { class: 'brand' }, icon('list-ordered'), 'QueueScope'),
      this.sessionPicker,
      this.sessionName,
      this.statusBadge,
      this.paceNote,
      el('span', { class: 'spacer' }),
      el('span', { class: 'filter-box' }, icon('filter'), this.filter),
      this.windowSelect,
      this.combinedToggle,
      this.wholeButton,
      this.liveButton,
      this.extras,
    );
    const detail = (this.detail = el(
      'section',
      { class: 'detail', attrs: { 'aria-labelledby': 'detail-title' } },
      el('div', { class: 'detail-head' }, this.detailTitle, this.detailFacts),
      this.chart.root,
      this.waiters.root,
    ));
    setChildren(root, [toolbar, this.banner, this.findings.root, el('main', { class: 'layout' }, this.overview.root, detail)]);
    root.removeAttribute('aria-busy');

    window.addEventListener('message', (e) => this.onMessage(e.data));
    setInterval(() => this.tick(), 250);
    new MutationObserver(() => this.chart.themeChanged()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.renderLiveButton();
    this.renderStatus();
    this.renderOverview('all');
    this.renderDetail();
    this.post({ type: 'ready', ...(this.view.session ? { session: this.view.session, ...(this.view.pinned ? { pinned: true } : {}) } : {}) });
  }

  private post(msg: WebviewMessage): void {
    this.vscode.postMessage(msg);
  }

  private save(): void {
    this.vscode.setState(this.view);
  }

  private onMessage(data: unknown): void {
    // Host messages come from our own extension; still, ignore anything not shaped like one.
    if (!isHostMessage(data)) return;
    if (data.type === 'findings') {
      const error = this.findings.apply(data, this.store.sessionId);
      if (error) console.warn(`QueueScope panel: ignored a findings message: ${error}`);
      else this.showFindingsInOverview();
    } else if (data.type === 'noHub') {
      const error = noHubMessageError(data);
      if (error) console.warn(`QueueScope panel: ignored a noHub message: ${error}`);
      else {
        this.noHub = data.sessions;
        this.renderStatus();
        this.renderOverview('all');
      }
    } else {
      // Checked whole before any of it is applied: a message of the wrong shape changes nothing.
      const error = feedMessageError(data);
      if (error) {
        console.warn(`QueueScope panel: ignored a ${data.type} message: ${error}`);
        return;
      }
      if (data.type !== 'cursorState') {
        const before = this.view.queue !== undefined ? this.store.queues.get(this.view.queue)?.name : undefined;
        const shown = this.store.sessionId;
        const changes = this.store.apply(data);
        if (changes.reset && this.store.sessionId !== shown) this.carryName = before ?? this.carryName;
        this.renderChanges(changes);
      }
    }
    for (const fn of this.listeners) fn(data);
  }

  private renderChanges(ch: Changes): void {
    if (ch.sessions) this.renderSessions();
    if (ch.reset) {
      this.findings.sessionShown(this.store.sessionId);
      this.overview.setFindings(this.findings.byQueue());
      if (this.store.sessionId && this.store.sessionId !== this.view.session) {
        this.view.session = this.store.sessionId;
        this.view.pinned = false; // the host switched: the user did not pick it
        this.view.zoom = null;
        this.save();
      }
      this.renderStatus();
      this.renderLiveButton();
      this.renderOverview('all');
      this.renderDetail();
      return;
    }
    if (ch.status) {
      this.renderStatus();
      this.renderLiveButton();
    } else if (ch.pace) this.renderPace();
    if (ch.queues.size) this.renderOverview(ch.queues);
    const sel = this.view.queue;
    // Other queues' changes do not touch the detail of the selected one (with 1,000 busy
    // queues every update changed some), unless nothing is selected yet.
    const selected = sel !== undefined && this.store.queues.has(sel) ? sel : undefined;
    const detailChanged = ch.waiters || ch.status || (selected !== undefined && (ch.queues.has(selected) || ch.series.has(selected))) || this.view.combined || (selected === undefined && ch.queues.size > 0);
    if (detailChanged) this.renderDetail();
    else this.chart.schedule(); // live follow: the time axis moves on
  }

  private renderSessions(): void {
    const sessions = this.store.sessions;
    setChildren(this.sessionPicker, sessions.map((s) => el('option', { attrs: { value: s.id }, text: `${s.name}${s.status === 'ended' ? ' (ended)' : s.status === 'paused' ? ' (paused)' : ''}` })));
    if (this.store.sessionId) this.sessionPicker.value = this.store.sessionId;
    this.sessionPicker.hidden = sessions.length < 2;
    this.sessionName.hidden = sessions.length >= 2;
    setText(this.sessionName, this.store.session()?.name ?? '');
    // How the program ended arrives with the sessions (after the exit tail): redraw the banner
    // then, and only then (it is a live region).
    if (this.diedShown !== diedKey(this.diedEnd())) this.renderStatus();
  }

  /**
   * How the program ended (status 'ended' or a replay), or a worker thread or child process
   * that died while the rest runs on, when the banner has something to say of it.
   */
  private diedEnd(): Died | undefined {
    if (!this.store.sessionId) return undefined;
    const session = this.store.session();
    const end = sessionEndOf(session);
    const realm = realmOf(session);
    if (this.store.status !== 'ended' && this.store.mode !== 'replay' && realm === undefined) return undefined;
    const line = sessionEndLine(end === undefined ? undefined : { end, ...(realm !== undefined ? { realm } : {}) });
    return line === undefined ? undefined : { ...line, ...(end?.at ? { at: end.at } : {}) };
  }
  private diedShown: string | undefined;

  private renderPace(): void {
    const s = this.store;
    const paced = s.sessionId && s.status === 'running' && s.mode === 'live' ? s.refreshMs : undefined;
    this.paceNote.hidden = paced === undefined;
    // Read as "Refreshed every 4.2 s"; the title says why.
    setChildren(this.paceNote, paced === undefined ? [] : [icon('watch'), el('span', { class: 'sr-only', text: 'Refreshed ' }), `every ${formatDuration(paced)}`]);
  }

  private renderStatus(): void {
    const s = this.store;
    const replay = s.mode === 'replay';
    const status = !s.sessionId ? 'none' : replay ? 'replay' : s.status;
    document.body.dataset.status = status;
    document.body.dataset.mode = s.mode;
    // 'Running', not 'Live': the toolbar's one "Live" is the button that follows the live edge.
    const label = { none: 'No session', running: 'Running', paused: 'Paused', ended: 'Ended', replay: 'Recording' }[status];
    const ic = { none: 'circle-slash', running: 'record', paused: 'debug-pause', ended: 'debug-stop', replay: 'history' }[status];
    setChildren(this.statusBadge, [icon(ic), label]);
    this.statusBadge.className = `status s-${status}`;
    this.renderPace();
    setText(this.sessionName, s.session()?.name ?? '');

    // Each line has a key that changes when its content does; a line whose key stayed is
    // kept as it is (a status or dropped-count change used to rebuild the whole banner, which
    // took the keyboard focus off its buttons and made screen readers read it all again).
    const lines: { key: string; make: () => HTMLElement }[] = [];
    const at = formatSessionTime(s.now());
    if (status === 'paused') lines.push({ key: `paused ${at}`, make: () => el('div', { class: 'banner-line paused' }, icon('debug-pause'), el('strong', { text: 'Paused. ' }), `The program is stopped in the debugger; this is its state at ${at}, with the first items of each queue.`) });
    if (status === 'ended') lines.push({ key: `ended ${at}`, make: () => el('div', { class: 'banner-line ended' }, icon('debug-stop'), el('strong', { text: 'Session ended ' }), `at ${at}. Its timelines stay until you clear ended sessions. `, this.clearEndedButton) });
    // Why it ended, when that is news (a crash, a non-zero exit, a signal); live and in replay.
    // The error line is the program's text: a text node only.
    const died = this.diedEnd();
    this.diedShown = diedKey(died);
    if (died !== undefined) {
      lines.push({
        key: `died ${this.diedShown}`,
        make: () => {
          const line = el('div', { class: 'banner-line died' }, icon('error'), el('strong', { text: died.lead }), el('span', { class: 'died-text', text: died.note }));
          if (died.at) line.append(this.siteButton(died.at, 'thrown at', 'where the exception was thrown'));
          return line;
        },
      });
    }
    let terminalOffered = false;
    for (const note of noHubNotes(this.noHub)) {
      const offer: boolean = note.offerTerminal && !terminalOffered;
      terminalOffered ||= offer;
      const text = note.text.map((part) => (typeof part === 'string' ? part : `\`${part.code}\``)).join('');
      lines.push({ key: `noHub ${note.how} ${offer} ${note.names} ${text}`, make: () => el('div', { class: `banner-line no-hub how-${note.how}` }, icon('info'), el('div', { class: 'banner-text' }, el('strong', { text: `No QueueScope hub in ${note.names}. ` }), ...note.text.map((part) => (typeof part === 'string' ? part : el('code', { text: part.code })))), ...(offer ? [this.openTerminalButton] : [])) });
    }
    if (s.dropped > 0) {
      const text = `${formatCount(s.dropped)} detail events were dropped by the program's hub (nobody read them in time); depths and counters are complete.`;
      lines.push({ key: `dropped ${text}`, make: () => el('div', { class: 'banner-line dropped' }, icon('warning'), text) });
    }
    const kept = new Map<string, HTMLElement>();
    for (const { key, make } of lines) kept.set(key, this.bannerLines.get(key) ?? make());
    this.bannerLines = kept;
    keepChildren(this.banner, [...kept.values()]);
    this.banner.hidden = lines.length === 0;
  }
  /** The banner's lines by key, as last drawn. */
  private bannerLines = new Map<string, HTMLElement>();

  private renderLiveButton(): void {
    const following = this.chart.following;
    // A replay or an ended session has no "live": the same button follows the end of the data.
    const live = this.store.mode === 'live' && this.store.status !== 'ended';
    setChildren(this.liveButton, [icon(live ? 'pulse' : 'debug-step-over'), live ? 'Live' : 'To end']);
    // While paused nothing is live: the button is not lit, though the view still follows the pause.
    const lit = following && !(live && this.store.status === 'paused');
    this.liveButton.setAttribute('aria-pressed', String(lit));
    this.liveButton.classList.toggle('active', lit);
    this.liveButton.title = live ? (following ? 'Following live' : 'Resume following live (L)') : following ? 'Showing up to the end' : 'Show up to the end (L)';
    this.combinedToggle.setAttribute('aria-pressed', String(this.view.combined));
    this.combinedToggle.classList.toggle('active', this.view.combined);
  }

  /** The overview's State column names the findings about each queue; their order counts in its sort. */
  private showFindingsInOverview(): void {
    if (this.overview.setFindings(this.findings.byQueue())) this.renderOverview('all');
  }

  private renderOverview(changed: Iterable<string> | 'all'): void {
    this.overview.noQueuesText = this.store.sessionId
      ? 'No queues yet. Queues appear here as soon as the program creates them.'
      : this.noHub.length > 0
        ? 'No queues: nothing in the running debug session reports to QueueScope (see above).'
        : "No debug session yet. Start debugging a Node.js program (F5), run it in \"QueueScope: Open JavaScript Debug Terminal\", or try \"QueueScope: Launch Sample Scenario…\": its queues appear here, the QueueScope library's and those of p-queue, p-limit, fastq, async, streams, piscina and BullMQ.";
    this.overview.render(this.store.queues, changed, this.view.queue);
    this.detail.hidden = this.store.queues.size === 0;
    // The queue selected before the host switched sessions, once one of that name is listed.
    if (this.carryName !== undefined) {
      // Only the rows this update changed (all of them after an init): O(changes) per update
      // for as long as no queue of that name shows up.
      let same: string | undefined;
      for (const k of changed === 'all' ? this.store.queues.keys() : changed) {
        if (this.store.queues.get(k)?.name === this.carryName) {
          same = k;
          break;
        }
      }
      if (same !== undefined) {
        this.carryName = undefined;
        this.view.queue = same;
        this.overview.setSelected(same);
        this.save();
      }
    }
    // Keep a selection: the remembered queue if it still exists, else the first listed.
    const current = this.view.queue === undefined ? undefined : this.store.queues.get(this.view.queue);
    if (current === undefined) {
      const first = this.overview.visibleKeys()[0];
      if (first && first !== this.view.queue) this.selectForUser(first);
    } else if (this.autoPicked && current.lib === STREAM_LIB && this.listsNonStream(changed)) {
      // A stream picked for the user gives way to the program's own queues once they are
      // listed: a supervisor's pipes attach before its program does (nodemon), and the detail
      // showed an idle pipe beside a full queue (2026-12-05).
      const own = this.overview.visibleKeys().find((k) => this.store.queues.get(k)?.lib !== STREAM_LIB);
      if (own !== undefined) {
        this.selectForUser(own);
        this.save();
      }
    }
  }

  /** The selection was made for the user (the first listed), not by them: it may give way. */
  private autoPicked = false;

  private selectForUser(key: string): void {
    this.view.queue = key;
    this.overview.setSelected(key);
    this.autoPicked = true;
  }

  /** `changed` lists a queue that is not a stream. */
  private listsNonStream(changed: Iterable<string> | 'all'): boolean {
    for (const k of changed === 'all' ? this.store.queues.keys() : changed) {
      const q = this.store.queues.get(k);
      if (q !== undefined && q.lib !== STREAM_LIB) return true;
    }
    return false;
  }

  private select(key: string): void {
    this.carryName = undefined; // the user's pick
    this.autoPicked = false;
    if (this.view.queue !== key) {
      this.view.queue = key;
      this.save();
    }
    this.overview.setSelected(key);
    this.renderDetail();
  }

  private renderDetail(): void {
    this.renderLiveButton();
    if (this.pendingDetail) return;
    this.pendingDetail = true;
    // Coalesce bursts of messages into one detail render per frame.
    nextFrame(() => {
      if (!this.pendingDetail) return; // flush() ran it already
      this.pendingDetail = false;
      this.renderDetailNow();
    });
  }

  private renderDetailNow(): void {
    const s = this.store;
    const q = this.view.queue ? s.queues.get(this.view.queue) : undefined;
    if (this.view.combined) {
      const keys = this.overview.visibleKeys();
      setText(this.detailTitle, `Depth of the listed queues (${Math.min(keys.length, 8)} of ${keys.length})`);
      this.chart.setQueues(keys.map((k) => ({ info: s.queues.get(k)!, depth: s.depth.get(k), counts: s.counts.get(k) })), true);
    } else if (q) {
      setText(this.detailTitle, q.name);
      this.chart.setQueues([{ info: q, depth: s.depth.get(q.key), counts: s.counts.get(q.key), states: s.states.get(q.key) }], false);
    } else {
      setText(this.detailTitle, s.queues.size ? 'No queue selected' : 'Waiting for queues');
      this.chart.setQueues([], false);
    }
    this.renderFacts(q);
    const stopped = s.status === 'ended' || s.mode === 'replay' ? 'ended' : s.status === 'running' && q?.stoppedAt !== undefined ? 'process' : 'no';
    this.waiters.render(q, q ? s.waitersOf(q.key) : [], s.status === 'running' && s.mode === 'live', stopped);
    this.chart.render();
  }

  private renderFacts(q: ReturnType<Store['queues']['get']>): void {
    this.poolTick = undefined;
    if (!q) {
      setChildren(this.detailFacts, []);
      return;
    }
    const pool = poolFacts(q, this.store.now());
    this.poolTick = pool.tick;
    const facts: Node[] = [
      el('span', { text: q.kind === 'priority' ? 'priority queue' : q.kind === 'lifo' ? 'LIFO queue' : 'FIFO queue' }),
      el('span', { text: q.maxsize > 0 ? `maxsize ${formatCount(q.maxsize)}` : 'unbounded' }),
      ...(q.lib !== undefined ? [el('span', { class: 'badge b-lib', text: q.lib })] : []),
      ...(poolText(q) !== '' ? [el('span', { text: poolText(q) })] : []),
      ...pool.nodes,
      el('span', { text: `${countOf(q.counters.puts, 'put')}, ${countOf(q.counters.gets, 'get')}` }),
      el('span', { text: `${countOf(q.counters.timeouts, 'timeout')}, ${countOf(q.counters.aborts, 'abort')}` }),
      el('span', { text: q.source }),
    ];
    if (q.jobs) facts.push(...jobsFacts(q.jobs));
    if (isFull(q)) facts.unshift(el('span', { class: 'badge b-full' }, icon('warning'), 'full'));
    if (q.site) {
      // The same link element while the same queue is shown: the facts are rebuilt on every
      // update, and a new link dropped the keyboard focus to the page each time.
      const key = `${q.key} ${callSiteLabel(q.site)}`;
      if (this.createdLink?.key !== key) this.createdLink = { key, el: this.siteButton(q.site, 'created at', `where ${q.name} was created`) };
      facts.push(this.createdLink.el);
    }
    // A new link for the same queue (its site was sent again, another line): the keyboard moves onto it.
    const hadFocus = this.detailFacts.contains(document.activeElement);
    keepChildren(this.detailFacts, facts.map((n) => (n instanceof Element ? n : el('span', {}, n))));
    if (hadFocus && !this.detailFacts.contains(document.activeElement)) this.createdLink?.el.focus({ preventScroll: true });
  }

  /** A link that opens `site`: "created at app.js:3:14", announced as "Open `what`, app.js:3:14". */
  private siteButton(site: CallSite, words: string, what: string): HTMLElement {
    return siteLink(site, `${words} ${callSiteLabel(site)}`, `Open ${what}, ${callSiteLabel(site)}`, (s) => this.openSource(s));
  }

  private openSource(site: CallSite): void {
    if (!this.store.sessionId) return;
    this.post({ type: 'openSource', session: this.store.sessionId, file: site.file, line: site.line, column: site.column });
  }

  private tick(): void {
    if (this.store.status === 'running' && this.store.mode === 'live') {
      this.waiters.tick();
      this.poolTick?.(this.store.now());
      if (this.chart.following) this.chart.schedule();
    }
  }

  /** Hooks for later features (replay cursor, PNG export) and for tests. */
  api() {
    return {
      chartCanvas: () => this.chart.canvas(),
      following: () => this.chart.following,
      mode: () => this.store.mode,
      post: (msg: WebviewMessage) => this.post(msg),
      sessionId: () => this.store.sessionId,
      /** Epoch ms of the session's time zero. */
      sessionStart: () => this.store.session()?.start ?? null,
      /** Session ms of "now" (the end, for an ended session or a replay). */
      now: () => this.store.now(),
      /** Visible chart range in session ms. */
      visibleRange: () => this.chart.range(),
      /** The chart's axes: tick labels as drawn and widths (tests). */
      chartAxes: () => this.chart.axes(),
      /** Session ms of the chart's last point drawn, or null. */
      lastPlotted: () => this.chart.lastPlotted,
      queueName: (key: string) => this.store.queues.get(key)?.name,
      selectedQueue: () => this.view.queue,
      /** Rows in the findings strip. */
      findingsCount: () => this.findings.count,
      /** Subscribe to every host message after the panel applied it (extra tools' own messages too). */
      onMessage: (fn: (msg: HostMessage) => void) => {
        this.listeners.push(fn);
      },
      addToolbarButton: (b: ToolbarButton) => {
        const btn = el('button', { class: 'tool', attrs: { id: b.id, type: 'button' } }, icon(b.icon), b.label);
        btn.addEventListener('click', b.onClick);
        this.extras.appendChild(btn);
        return btn;
      },
      /** Run pending renders now (measurements and tests). */
      flush: () => {
        if (this.pendingDetail) {
          this.pendingDetail = false;
          this.renderDetailNow();
        } else this.chart.render();
      },
    };
  }
}

const root = document.getElementById('app');
if (root) {
  const panel = new Panel(root);
  (window as unknown as { queuescopePanel: ReturnType<Panel['api']> }).queuescopePanel = panel.api();
  installRecordingTools(panel.api());
}

/** The banner's line on how the program (or a part of it) ended. */
interface Died {
  lead: string;
  note: string;
  at?: CallSite;
}

/** What identifies the banner's end line, to redraw it only when that changes. */
function diedKey(died: Died | undefined): string | undefined {
  return died === undefined ? undefined : `${died.lead}${died.note}${died.at ? `\n${died.at.file}:${died.at.line}:${died.at.column}` : ''}`;
}

/** Who the session's end was, when not the program (SessionInfo.endRealm), as the host sent it: text, bounded. */
function realmOf(session: { endRealm?: unknown } | undefined): string | undefined {
  const realm = session?.endRealm;
  return typeof realm === 'string' && realm !== '' ? realm.slice(0, 80) : undefined;
}

/** A session's end as the host sent it, read with the readers' own checks (the message is only shallowly checked). */
function sessionEndOf(session: { end?: unknown } | undefined): EndInfo | undefined {
  const e = session?.end;
  if (typeof e !== 'object' || e === null) return undefined;
  return endInfoOf(e as EndFields);
}
