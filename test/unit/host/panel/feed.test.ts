// PanelFeed against the real model: what the host sends the webview, and when.

import * as assert from 'node:assert/strict';
import { QueueModel } from '../../../../src/model/store';
import type { SourceInfo, WireEvent } from '../../../../src/protocol/wire';
import type { HostMessage, InitMessage, UpdateMessage } from '../../../../src/protocol/webview';
import { PanelFeed } from '../../../../src/host/panel/feed';
import { ManualClock } from '../../../helpers/manualClock';
import { Store } from '../../../../src/webview/store';

const ORIGIN = 1_700_000_000_000;

function info(pid = 42, threadId = 0): SourceInfo {
  return { v: 1, pid, threadId, isMainThread: threadId === 0, title: 'app', argv: [], origin: ORIGIN, now: 0, sampleInterval: 100 };
}

/** A model, a feed on it with a manual clock and timers, and the messages it sent. */
function setup() {
  const clock = new ManualClock(ORIGIN);
  const model = new QueueModel({ now: clock.scheduler.now });
  const sent: HostMessage[] = [];
  const feed = new PanelFeed(model, (m) => sent.push(JSON.parse(JSON.stringify(m))), clock.scheduler);
  /** Advance the clock, running due timers in order. */
  const advance = (ms: number) => clock.runUntil(clock.now + ms);
  model.openSession('s1', 'Launch app.js');
  const src = model.addSource('s1', info());
  const events = (e: WireEvent[]) => model.applyEvents('s1', src, e);
  return { model, feed, sent, advance, events, src, pending: () => clock.pending, setNow: (t: number) => (clock.now = t) };
}

const site = (line: number) => ({ file: '/app/src/app.js', line, column: 3, fn: 'work' });

describe('PanelFeed', () => {
  it('sends nothing before ready, then a full init with the retained history', () => {
    const h = setup();
    h.events([
      { type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 2, size: 0, site: site(1) },
      { type: 'samples', t: 100, rows: [[1, 1, 0, 1, 1, 0]] },
      { type: 'samples', t: 200, rows: [[1, 2, 1, 2, 1, 0]] },
      { type: 'wait', t: 250, q: 1, w: 7, role: 'put', site: site(9) },
    ]);
    h.advance(1000);
    assert.equal(h.sent.length, 0);
    h.feed.ready();
    const init = h.sent[0] as InitMessage;
    assert.equal(init.type, 'init');
    assert.deepEqual(init.sessions.map((s) => [s.id, s.name, s.status, s.queueCount, s.waiters]), [['s1', 'Launch app.js', 'running', 1, 1]]);
    const s = init.session!;
    assert.equal(s.now, 1000);
    // From the queue's creation (t 0, empty) on.
    assert.deepEqual(s.series, [{ queue: 's1/42:0/1', t: [0, 100, 200], depth: [0, 1, 2], min: [0, 0, 1], max: [0, 1, 2] }]);
    const q = s.queues[0];
    assert.deepEqual([q.name, q.size, q.maxsize, q.blocked, q.waiting, q.source, q.putRate], ['jobs', 2, 2, 1, 0, 'pid 42 main', 1]);
    assert.deepEqual(s.waiters, [{ id: '42:0/7', queue: 's1/42:0/1', role: 'put', since: 250, site: site(9) }]);
    assert.deepEqual(s.waitCounts, [{ queue: 's1/42:0/1', t: [250], put: [1], get: [0] }]);
    assert.deepEqual(q.site, site(1));
    // The creation site went out with the init: later updates leave it out.
    h.events([{ type: 'samples', t: 1100, rows: [[1, 1, 1, 2, 0, 1]] }]);
    h.advance(100);
    const u = h.sent.at(-1) as UpdateMessage;
    assert.equal(u.queues[0].size, 1);
    assert.equal(u.queues[0].site, undefined);
  });

  it('then sends only new samples, at most one message per 50 ms', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }, { type: 'samples', t: 100, rows: [[1, 1, 0, 1, 1, 0]] }]);
    h.advance(150);
    h.feed.ready();
    h.sent.length = 0;
    // Three drains within 20 ms: one update.
    h.events([{ type: 'samples', t: 200, rows: [[1, 2, 1, 2, 1, 0]] }]);
    h.advance(10);
    h.events([{ type: 'samples', t: 210, rows: [[1, 3, 2, 3, 1, 0]] }]);
    h.advance(10);
    h.events([{ type: 'samples', t: 220, rows: [[1, 2, 2, 3, 0, 1]] }]);
    assert.equal(h.sent.filter((m) => m.type === 'update').length, 0, 'throttled');
    h.advance(40);
    const updates = h.sent.filter((m): m is UpdateMessage => m.type === 'update');
    assert.equal(updates.length, 1);
    assert.deepEqual(updates[0].series, [{ queue: 's1/42:0/1', t: [200, 210, 220], depth: [2, 3, 2], min: [1, 2, 2], max: [2, 3, 3] }]);
    assert.equal(updates[0].queues[0].size, 2);
    // A patch on the row the init sent: what did not change stays out.
    assert.deepEqual(Object.keys(updates[0].queues[0]).filter((k) => ['name', 'kind', 'maxsize', 'source', 'shutdown', 'gone', 'site', 'blocked', 'waiting'].includes(k)), []);
    // Nothing new: nothing sent, except the rate decaying to zero later (no drain comes at
    // all, so the rate holds at the last data for RATE_MAX_LAG_MS, then decays: rates.ts).
    h.sent.length = 0;
    h.advance(9000);
    const later = h.sent.filter((m): m is UpdateMessage => m.type === 'update');
    assert.ok(later.length >= 1 && later.length <= 8, `a few rate refreshes, got ${later.length}`);
    assert.ok(later.every((u) => u.series.length === 0));
    assert.ok(
      later.every((u) => u.queues.every((q) => Object.keys(q).every((k) => ['key', 'putRate', 'getRate'].includes(k)))),
      `a rate refresh carries the rates alone: ${JSON.stringify(later.map((u) => u.queues))}`,
    );
    assert.equal(later.at(-1)!.queues[0].putRate, 0);
    assert.equal(h.pending(), 0, 'no timer left once rates are zero');
  });

  it('tracks waiter counts as steps, also for a wait reported late', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'results', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(1000);
    h.feed.ready();
    h.events([{ type: 'wait', t: 1000, q: 1, w: 1, role: 'get' }, { type: 'wait', t: 1010, q: 1, w: 2, role: 'get' }]);
    h.advance(100);
    h.events([{ type: 'waitEnd', t: 1500, q: 1, w: 1, outcome: 'served', ms: 500 }]);
    h.advance(100);
    const updates = h.sent.filter((m): m is UpdateMessage => m.type === 'update');
    const steps = updates.flatMap((u) => u.waitCounts.flatMap((c) => c.t.map((t, i) => [t, c.put[i], c.get[i]])));
    assert.deepEqual(steps, [[1000, 0, 1], [1010, 0, 2], [1500, 0, 1]]);
    assert.deepEqual(updates.at(-1)!.waiters?.map((w) => w.id), ['42:0/2']);
    // Unchanged waiters are left out of the next update.
    h.events([{ type: 'samples', t: 1600, rows: [[1, 0, 0, 0, 0, 0]] }]);
    h.advance(100);
    assert.equal((h.sent.at(-1) as UpdateMessage).waiters, undefined);
    // A wait that started before the last step arrives late: the level at the cursor is corrected.
    h.events([{ type: 'wait', t: 1200, q: 1, w: 3, role: 'put' }]);
    h.advance(100);
    const last = (h.sent.at(-1) as UpdateMessage).waitCounts[0];
    assert.deepEqual([last.t, last.put, last.get], [[1500], [1], [1]]);
  });

  it('keeps the waiter-count history over the end and a page reload', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'orders', kind: 'fifo', maxsize: 1, size: 1 }, { type: 'wait', t: 250, q: 1, w: 1, role: 'put' }]);
    h.advance(300);
    h.feed.ready();
    h.advance(1700);
    h.model.endSession('s1'); // the model forgets the producer still blocked at the end
    h.advance(100);
    const ended = h.sent.filter((m): m is UpdateMessage => m.type === 'update').at(-1)!;
    assert.equal(ended.status, 'ended');
    assert.deepEqual(ended.waitCounts, [{ queue: 's1/42:0/1', t: [2000], put: [0], get: [0] }], 'the wait ends with the session');
    // The page reloads (hidden and shown again): the init carries what was seen live.
    h.feed.ready();
    const init = h.sent.at(-1) as InitMessage;
    assert.deepEqual(init.session!.waitCounts, [{ queue: 's1/42:0/1', t: [250, 2000], put: [1, 0], get: [0, 0] }]);
  });

  it('marks paused (with item previews) and ended', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.feed.ready();
    h.advance(500);
    h.model.applySnapshot('s1', h.src, { v: 1, t: 400, queues: [{ q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 2, shutdown: false, unfinished: 2, counters: { puts: 2, gets: 0, blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 2, dropped: 0 }, waiters: [], items: ['"a"', '"b"'] }] });
    h.advance(100);
    const paused = h.sent.filter((m): m is UpdateMessage => m.type === 'update').at(-1)!;
    assert.equal(paused.status, 'paused');
    assert.equal(paused.now, 400, 'frozen at the pause');
    assert.deepEqual(paused.queues[0].items, ['"a"', '"b"']);
    assert.equal(paused.queues[0].stoppedAt, 400, "the process's clocks (task ages, waits) stand at its pause");
    h.model.setSourceState('s1', h.src, 'live');
    h.advance(100);
    const resumed = h.sent.filter((m): m is UpdateMessage => m.type === 'update').at(-1)!;
    assert.equal(resumed.status, 'running');
    assert.equal(resumed.queues[0].items, null, 'previews only while paused: the patch takes them away');
    assert.equal(resumed.queues[0].stoppedAt, null, 'running again: its clocks tick');
    h.model.endSession('s1');
    h.advance(100);
    const ended = h.sent.filter((m): m is UpdateMessage => m.type === 'update').at(-1)!;
    assert.equal(ended.status, 'ended');
  });

  it("tells the panel how the program ended once the exit tail says so (a crash), in the sessions it sends", () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.feed.ready();
    h.advance(100);
    h.model.setSourceEnd('s1', h.src, { reason: 'uncaughtException', error: 'SyntaxError: Unexpected end of JSON input' });
    h.model.setSourceState('s1', h.src, 'ended');
    h.advance(100);
    const sessions = h.sent.filter((m) => m.type === 'sessions' || m.type === 'init').at(-1) as { sessions: { end?: unknown }[] };
    assert.deepEqual(sessions.sessions[0].end, { reason: 'uncaughtException', error: 'SyntaxError: Unexpected end of JSON input' });
    // A clean end says nothing (no field).
    const clean = setup();
    clean.feed.ready();
    clean.model.setSourceEnd('s1', clean.src, { reason: 'exit', code: 0 });
    clean.model.setSourceState('s1', clean.src, 'ended');
    clean.advance(100);
    const last = clean.sent.filter((m) => m.type === 'sessions' || m.type === 'init').at(-1) as { sessions: { end?: unknown }[] };
    assert.equal(last.sessions[0].end, undefined);
  });

  it('tells the panel how often a paced session is refreshed: from 1 s on, until below 0.8 s, and only while running', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.feed.ready();
    let seq = 0;
    let t = 0;
    const updates = () => h.sent.filter((m): m is UpdateMessage => m.type === 'update');
    const drain = (gap: number, events = true) => {
      t += gap;
      // Depth only (no puts or gets): no rate moves, so nothing but the model wakes the feed.
      h.model.applyDrain('s1', h.src, { v: 1, seq: seq++, t, events: events ? [{ type: 'samples', t, rows: [[1, (seq % 3) + 1, 0, 3, 0, 0]] }] : [], more: false, dropped: 0 });
      h.setNow(ORIGIN + t);
      h.advance(60);
      return updates().at(-1)!;
    };
    drain(100);
    assert.equal(drain(300).refreshMs, undefined, '300 ms between drains: not paced');
    assert.equal(drain(4160).refreshMs, 4200, 'rounded to 0.1 s');
    for (let k = 0; k < 8; k++) drain(900);
    assert.equal(updates().at(-1)!.refreshMs, 900, 'once shown, 0.9 s is still told');
    for (let k = 0; k < 8; k++) drain(700);
    assert.equal(updates().at(-1)!.refreshMs, undefined, 'below 0.8 s it is not');
    for (let k = 0; k < 8; k++) drain(900);
    assert.equal(updates().at(-1)!.refreshMs, undefined, 'and 0.9 s does not bring it back');
    drain(2000);
    assert.equal(updates().at(-1)!.refreshMs, 2000);
    // An empty drain changes no queue: the feed still tells the webview the pace is gone.
    const before = updates().length;
    drain(2000, false);
    h.advance(1000);
    assert.ok(updates().length > before, 'an update went out');
    assert.equal(updates().at(-1)!.refreshMs, undefined);
    drain(100);
    drain(3000);
    h.model.applySnapshot('s1', h.src, { v: 1, t: t + 10, queues: [] });
    h.advance(100);
    const paused = updates().at(-1)!;
    assert.equal(paused.status, 'paused');
    assert.equal(paused.refreshMs, undefined, 'a paused session is not being refreshed at all');
  });

  it('reads rates right when drains come further apart than the rate window (10,000 busy queues)', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.feed.ready();
    // 5 puts/s, drained every 2.4 s: 12 puts per folded row.
    for (let k = 1; k <= 5; k++) {
      const t = 2400 * k;
      h.model.applyDrain('s1', h.src, { v: 1, seq: k, t, events: [{ type: 'samples', t, rows: [[1, 0, 0, 1, 12, 12]] }], more: false, dropped: 0 });
      h.setNow(ORIGIN + t);
      h.advance(100);
    }
    const q = h.sent.filter((m): m is UpdateMessage => m.type === 'update').flatMap((m) => m.queues).at(-1)!;
    assert.deepEqual([q.putRate, q.getRate], [5, 5], 'not 6: a row spans the 2.4 s since the previous drain');
  });

  it('keeps showing the rates between drains paced 9.5 s apart, rather than 0 (10,000 busy queues under F5)', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.feed.ready();
    const shown = () => h.sent.filter((m): m is UpdateMessage => m.type === 'update').flatMap((m) => m.queues).filter((q) => q.putRate !== undefined).at(-1)!.putRate;
    // 4 puts/s, drained every 9.5 s: 38 puts per folded row.
    for (let k = 1; k <= 4; k++) {
      const t = 9500 * k;
      h.model.applyDrain('s1', h.src, { v: 1, seq: k, t, events: [{ type: 'samples', t, rows: [[1, 0, 0, 1, 38, 38]] }], more: false, dropped: 0 });
      h.setNow(ORIGIN + t);
      h.advance(100);
      if (k === 1) continue; // a queue's first row has no interval yet: it counts whole
      assert.equal(shown(), 4, `after drain ${k}`);
      h.advance(8000); // the next drain is 9.5 s away
      assert.equal(shown(), 4, `8 s after drain ${k}`);
    }
  });

  it("shows 0/s for a realm that ended while the session runs on, not its last rates (a worker thread that died)", () => {
    const h = setup();
    const worker = h.model.addSource('s1', info(42, 2));
    h.model.applyEvents('s1', worker, [{ type: 'queue', t: 0, q: 1, name: 'resize-jobs', kind: 'fifo', maxsize: 4, size: 0 }]);
    h.feed.ready();
    const rows = () => h.sent.filter((m): m is UpdateMessage => m.type === 'update').flatMap((m) => m.queues).filter((q) => q.putRate !== undefined);
    for (let k = 1; k <= 3; k++) {
      const t = 1000 * k;
      h.model.applyDrain('s1', worker, { v: 1, seq: k, t, events: [{ type: 'samples', t, rows: [[1, 2, 0, 3, 5, 4]] }], more: false, dropped: 0 });
      h.setNow(ORIGIN + t);
      h.advance(100);
    }
    assert.ok(rows().at(-1)!.putRate! > 0, 'moving while it ran');
    h.model.setSourceEnd('s1', worker, { reason: 'uncaughtException', error: 'TypeError: x' });
    h.model.setSourceState('s1', worker, 'ended');
    h.advance(100);
    assert.deepEqual([rows().at(-1)!.putRate, rows().at(-1)!.getRate], [0, 0]);
    // The whole session ends: its rows stand as they were at its end, rates included.
    h.model.endSession('s1');
    h.advance(100);
    assert.ok(rows().at(-1)!.putRate! > 0, 'the rates it ended with');
  });

  it('knows which files are call sites of which session', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0, site: site(1) }, { type: 'wait', t: 10, q: 1, w: 1, role: 'put', site: { file: 'file:///app/src/producer.js', line: 4, column: 1, fn: '' } }]);
    h.feed.ready();
    assert.equal(h.feed.isKnownCallSite('s1', '/app/src/app.js'), true);
    assert.equal(h.feed.isKnownCallSite('s1', 'file:///app/src/producer.js'), true);
    // Still known after the waiter left (the webview may show it a moment longer).
    h.events([{ type: 'waitEnd', t: 20, q: 1, w: 1, outcome: 'served', ms: 10 }]);
    assert.equal(h.feed.isKnownCallSite('s1', 'file:///app/src/producer.js'), true);
    assert.equal(h.feed.isKnownCallSite('s1', '/etc/passwd'), false);
    assert.equal(h.feed.isKnownCallSite('other', '/app/src/app.js'), false);
  });

  it('takes the openSource allow-list from the model, not from what was drawn', () => {
    const h = setup();
    // Nothing was rendered yet (no ready), and s2 is never the selected session.
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0, site: site(1) }]);
    h.model.openSession('s2', 'other');
    const src2 = h.model.addSource('s2', info(43));
    h.model.applyEvents('s2', src2, [{ type: 'wait', t: 1, q: 5, w: 1, role: 'get', site: { file: '/other/x.js', line: 1, column: 1, fn: '' } }]);
    assert.equal(h.feed.isKnownCallSite('s1', '/app/src/app.js'), true);
    assert.equal(h.feed.isKnownCallSite('s2', '/other/x.js'), true);
    assert.equal(h.feed.isKnownCallSite('s1', '/other/x.js'), false);
  });

  it('an ended session lists who was still waiting when it ended, their clocks stopped there', () => {
    const h = setup();
    h.events([
      { type: 'queue', t: 0, q: 1, name: 'orders', kind: 'fifo', maxsize: 1, size: 1 },
      { type: 'wait', t: 200, q: 1, w: 7, role: 'put', site: site(15) },
    ]);
    h.feed.ready();
    h.advance(100);
    h.model.setSourceEnd('s1', h.src, { reason: 'uncaughtException', error: 'TypeError: x' });
    h.model.setSourceState('s1', h.src, 'ended', ORIGIN + 1200);
    h.model.endSession('s1');
    h.advance(100);
    const updates = h.sent.filter((m): m is UpdateMessage => m.type === 'update');
    const last = updates.at(-1)!;
    assert.equal(last.status, 'ended');
    const waiters = updates.filter((m) => m.waiters !== undefined).at(-1)!.waiters!;
    assert.deepEqual(waiters.map((w) => [w.role, w.since, w.stoppedAt, w.site?.line]), [['put', 200, 1200, 15]]);
    // The row as the panel merges it (updates carry only what changed): still one blocked.
    const init = h.sent.find((m) => m.type === 'init');
    assert.ok(init?.type === 'init' && init.session);
    const row = Object.assign({}, init.session.queues[0], ...updates.flatMap((m) => m.queues ?? [])) as { blocked?: number; stoppedAt?: number };
    assert.deepEqual([row.blocked, row.stoppedAt], [1, 1200], 'the row counts it too');
  });

  it("sends a crash's site as the views show it (source-mapped), and lets the panel open it", () => {
    const clock = new ManualClock(ORIGIN);
    // A bundle's line maps to its source (the extension's SiteMapper does this from disk).
    const model = new QueueModel({ now: clock.scheduler.now, mapSite: (s) => (s.file === '/app/dist/app.js' ? { ...s, file: '/app/src/app.ts', line: s.line - 10 } : s) });
    const sent: HostMessage[] = [];
    const feed = new PanelFeed(model, (m) => sent.push(JSON.parse(JSON.stringify(m))), clock.scheduler);
    model.openSession('s1', 'Launch app.js');
    const src = model.addSource('s1', info());
    model.applyEvents('s1', src, [{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    feed.ready();
    assert.equal(feed.isKnownCallSite('s1', '/app/src/app.ts'), false);
    const at = { file: '/app/dist/app.js', line: 30, column: 7, fn: 'settle' };
    model.setSourceEnd('s1', src, { reason: 'uncaughtException', error: 'RangeError: out of range', at });
    model.setSourceState('s1', src, 'ended');
    clock.runUntil(clock.now + 100);
    const sessions = sent.filter((m) => m.type === 'sessions' || m.type === 'init').at(-1) as { sessions: { end?: unknown }[] };
    assert.deepEqual(sessions.sessions[0].end, { reason: 'uncaughtException', error: 'RangeError: out of range', at: { file: '/app/src/app.ts', line: 20, column: 7, fn: 'settle' } });
    assert.deepEqual(model.sessions[0].sources.get(src)!.end!.at, at, 'the model keeps it as reported (the recorder writes it so)');
    assert.equal(feed.isKnownCallSite('s1', '/app/src/app.ts'), true);
    assert.equal(feed.isKnownCallSite('s1', '/app/dist/app.js'), true);
  });

  it('forgets a removed session: its axis, its kept steps and its call sites', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0, site: site(1) }, { type: 'wait', t: 10, q: 1, w: 1, role: 'put' }]);
    h.feed.ready();
    assert.deepEqual(h.feed.retained, { starts: 1, steps: 1 });
    h.model.endSession('s1');
    h.model.removeSession('s1');
    h.advance(100);
    assert.deepEqual(h.feed.retained, { starts: 0, steps: 0 });
    assert.equal(h.feed.isKnownCallSite('s1', '/app/src/app.js'), false);
  });

  it('a new session takes over the panel at its first queue, even while the shown one runs', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0 }]);
    h.feed.ready();
    h.model.openSession('s2', 'F5 run');
    const src2 = h.model.addSource('s2', info(43));
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's1', 'no queue yet: the panel stays');
    h.model.applyEvents('s2', src2, [{ type: 'queue', t: 0, q: 1, name: 'frontier', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's2');
    assert.equal((h.sent.filter((m): m is InitMessage => m.type === 'init').at(-1)!.session)?.id, 's2');
    // A later queue of the old session does not pull the panel back.
    h.events([{ type: 'queue', t: 5, q: 2, name: 'more', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's2');
  });

  it('a recording opened beside it neither takes the live panel over nor shows in its picker (it has its own editor)', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0 }]);
    h.feed.ready();
    h.model.endSession('s1');
    h.advance(100);
    h.model.openSession('rec-1', 'Launch app.js', 'recording');
    const src2 = h.model.addSource('rec-1', info(43));
    h.model.applyEvents('rec-1', src2, [{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.model.endSession('rec-1');
    h.advance(200);
    assert.equal(h.feed.selectedSession, 's1');
    const listed = h.sent.flatMap((m) => (m.type === 'init' || m.type === 'sessions' ? [m.sessions.map((x) => x.id)] : []));
    assert.ok(listed.length > 0 && listed.every((ids) => !ids.includes('rec-1')), JSON.stringify(listed));
  });

  it('a pin moves to a run of the picked launch that starts after the pick (Debug: Restart), not to one already listed', () => {
    const h = setup();
    h.events([{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0 }]);
    h.feed.ready();
    const run = (id: string) => {
      h.model.openSession(id, 'Launch app.js');
      const src = h.model.addSource(id, info(50 + id.length));
      h.model.applyEvents(id, src, [{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 1, size: 0 }]);
      h.advance(100);
    };
    h.model.endSession('s1');
    run('s1~1'); // restarted before the user picked anything
    h.model.endSession('s1~1');
    h.advance(100);
    assert.equal(h.feed.select('s1'), true); // the user picks the first, killed run to look at it
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's1', 'an earlier run stays choosable');
    run('other'); // another launch: the pin holds
    assert.equal(h.feed.selectedSession, 's1');
    run('s1~2'); // Debug: Restart of the picked launch
    assert.equal(h.feed.selectedSession, 's1~2');
    h.model.endSession('s1~2');
    run('other~1');
    assert.equal(h.feed.selectedSession, 's1~2', 'still pinned');
    // The page comes back (hidden, reloaded) with the state it saved: the run it showed
    // before the move, or the new run marked unpinned because the host switched to it.
    h.feed.ready('s1', true);
    assert.equal(h.feed.selectedSession, 's1~2');
    h.feed.ready('s1~2', false);
    run('other~2');
    assert.equal(h.feed.selectedSession, 's1~2', 'the pin holds after a reload');
  });

  it('a session the user picked stays, also after the page reloads', () => {
    const h = setup();
    h.model.openSession('s2', 'other');
    h.feed.ready('s1', true); // the restored view state: the user had picked s1
    const src3 = (h.model.openSession('s3', 'F5 run'), h.model.addSource('s3', info(44)));
    h.model.applyEvents('s3', src3, [{ type: 'queue', t: 0, q: 1, name: 'q', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's1');
  });

  it('a reloaded page that only showed what the feed chose does not pin it', () => {
    const h = setup();
    h.model.endSession('s1');
    h.feed.ready('s1'); // restored, not picked by the user
    const src2 = (h.model.openSession('s2', 'F5 run'), h.model.addSource('s2', info(43)));
    h.model.applyEvents('s2', src2, [{ type: 'queue', t: 0, q: 1, name: 'q', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's2');
  });

  it('show() of a session that has not reached the model yet selects it when it does', () => {
    const h = setup();
    h.feed.ready();
    h.feed.show('sample');
    assert.equal(h.feed.selectedSession, 's1');
    h.model.openSession('sample', 'Sample: back-pressure');
    h.advance(100);
    assert.equal(h.feed.selectedSession, 'sample');
    assert.equal((h.sent.filter((m): m is InitMessage => m.type === 'init').at(-1)!.session)?.id, 'sample');
  });

  it("show() of an ended session beside a live one keeps it shown (the status bar's findings of a crashed program)", () => {
    const h = setup();
    h.feed.ready();
    h.model.endSession('s1'); // a compound's program that crashed
    const src2 = (h.model.openSession('s2', 'Jobs'), h.model.addSource('s2', info(43)));
    h.model.applyEvents('s2', src2, [{ type: 'queue', t: 0, q: 1, name: 'jobs', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's2', 'the live one took over');
    h.feed.show('s1');
    h.advance(100);
    h.events([{ type: 'queue', t: 5, q: 2, name: 'more', kind: 'fifo', maxsize: 0, size: 0 }]);
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's1');
    assert.equal((h.sent.filter((m): m is InitMessage => m.type === 'init').at(-1)!.session)?.id, 's1');
  });

  it('follows the newest live session unless the user picked one', () => {
    const h = setup();
    h.feed.ready();
    assert.equal((h.sent[0] as InitMessage).session?.id, 's1');
    h.model.endSession('s1');
    h.model.openSession('s2', 'second run');
    h.model.addSource('s2', info(43));
    h.advance(100);
    const init2 = h.sent.filter((m): m is InitMessage => m.type === 'init');
    assert.equal(init2.at(-1)!.session?.id, 's2', 'switched to the new live session');
    assert.equal(h.feed.select('s1'), true);
    h.model.endSession('s2');
    h.model.openSession('s3', 'third run');
    h.advance(100);
    assert.equal(h.feed.selectedSession, 's1', 'a chosen session stays');
    assert.equal(h.feed.select('nope'), false);
  });

  it('an update carrying many queues is followed by a longer gap (1,000 queues: 200 ms), a small one by the usual 50 ms', () => {
    const h = setup();
    const N = 1000;
    h.events(Array.from({ length: N }, (_, i) => ({ type: 'queue' as const, t: 0, q: i + 1, name: `conn-${i}`, kind: 'fifo' as const, maxsize: 0, size: 0 })));
    h.feed.ready();
    h.advance(60);
    // Every queue changes: one update with all of them.
    let t = 100;
    const all = () => h.events([{ type: 'samples', t: (t += 10), rows: Array.from({ length: N }, (_, i) => [i + 1, 1, 0, 1, 1, 0] as [number, number, number, number, number, number]) }]);
    const before = h.sent.length;
    all();
    h.advance(3); // due at once (the init went out 60 ms ago); its other parts one a tick
    const big = h.sent.length;
    assert.deepEqual((h.sent.slice(before) as UpdateMessage[]).map((u) => u.queues.length), [250, 250, 250, 250], 'in parts of 250 rows (split.ts)');
    all();
    h.advance(196);
    assert.equal(h.sent.length, big, 'no update within 200 ms of a 1,000-queue one');
    h.advance(1);
    assert.equal(h.sent.length, big + 1);
    // Then one queue changes: after a small update the next may follow 50 ms later.
    h.events([{ type: 'samples', t: (t += 10), rows: [[1, 2, 0, 2, 1, 0]] }]);
    h.advance(200);
    const small = h.sent.length;
    assert.equal((h.sent.at(-1) as UpdateMessage).queues.length, 1);
    h.events([{ type: 'samples', t: (t += 10), rows: [[1, 3, 0, 3, 1, 0]] }]);
    h.advance(49);
    assert.equal(h.sent.length, small);
    h.advance(1);
    assert.equal(h.sent.length, small + 1);
  });

  it('a page fed the parts of large messages holds every queue as the model has it (1,200 queues, patches and parts)', () => {
    const h = setup();
    const N = 1_200;
    h.events(Array.from({ length: N }, (_, i): WireEvent => ({ type: 'queue', t: 0, q: i + 1, name: `conn-${i}`, kind: 'fifo', maxsize: 50, size: 0 })));
    const page = new Store(() => 0);
    let seen = 0;
    const deliver = () => {
      for (const m of h.sent.slice(seen)) page.apply(JSON.parse(JSON.stringify(m)));
      seen = h.sent.length;
    };
    h.feed.ready();
    h.advance(10);
    deliver();
    assert.equal(h.sent[0].type, 'init');
    assert.equal((h.sent[0] as InitMessage).session!.queues.length, 250, 'the init carries the first 250 rows');
    assert.equal(page.queues.size, N);
    for (let k = 1; k <= 3; k++) {
      h.events([
        { type: 'samples', t: 1000 * k, rows: Array.from({ length: N }, (_, i) => [i + 1, (i + k) % 50, 0, 49, 10, 9] as [number, number, number, number, number, number]) },
        ...Array.from({ length: N }, (_, i): WireEvent => ({ type: 'counters', t: 1000 * k, q: i + 1, unfinished: 0, c: { puts: 10 * k + i, gets: 9 * k, blockedPuts: 0, waitedGets: k, timeouts: 0, aborts: 0, highWater: 49, dropped: 0 } })),
      ]);
      h.advance(1000);
      deliver();
    }
    for (const q of h.model.session('s1')!.sources.get(h.src)!.queues.values()) {
      const row = page.queues.get(q.key);
      assert.ok(row, q.key);
      assert.deepEqual([row.name, row.size, row.maxsize, row.counters.puts, row.counters.waitedGets], [q.name, q.size, q.maxsize, q.counters.puts, q.counters.waitedGets], q.key);
    }
  });
});
