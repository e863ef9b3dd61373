// The validator of webview -> host messages and the page builder (both used by the host).

import * as assert from 'node:assert/strict';
import { feedMessageError, findingsMessageError, noHubMessageError, validateWebviewMessage } from '../../../src/protocol/webview';
import { APP, initMessage, queue, sessionInfo, update } from './fixtures';
import { buildPanelHtml, contentSecurityPolicy, makeNonce } from '../../../src/host/panel/html';

describe('validateWebviewMessage', () => {
  const ok = (m: unknown) => {
    const v = validateWebviewMessage(m);
    assert.ok(v.ok, `expected ok: ${JSON.stringify(m)} -> ${v.ok ? '' : v.error}`);
    return v.message;
  };
  const bad = (m: unknown, why: RegExp) => {
    const v = validateWebviewMessage(m);
    assert.equal(v.ok, false, `expected rejection: ${JSON.stringify(m)}`);
    if (!v.ok) assert.match(v.error, why);
  };

  it('accepts the three message shapes exactly', () => {
    assert.deepEqual(ok({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(ok({ type: 'ready', session: 's1' }), { type: 'ready', session: 's1' });
    ok({ type: 'selectSession', session: 'abc/def' });
    ok({ type: 'openSource', session: 's', file: 'file:///a/b.js', line: 1, column: 1 });
    ok({ type: 'openSource', session: 's', file: '/a/b.js', line: 120, column: 33 });
    assert.deepEqual(ok({ type: 'ready', session: 's1', pinned: true }), { type: 'ready', session: 's1', pinned: true });
    ok({ type: 'clearEnded' });
    assert.deepEqual(ok({ type: 'openDebugTerminal' }), { type: 'openDebugTerminal' });
  });

  it('rejects anything else with a reason', () => {
    bad(null, /not an object/);
    bad('ready', /not an object/);
    bad([], /not an object/);
    bad({}, /unknown message type/);
    bad({ type: 'eval', code: 'x' }, /unknown message type "eval"/);
    bad({ type: 'toString' }, /unknown message type/);
    bad({ type: '__proto__' }, /unknown message type/);
    bad({ type: 'clearEnded', toString: 'x' }, /unexpected field "toString"/);
    bad({ type: 'ready', hasOwnProperty: 'evil' }, /unexpected field "hasOwnProperty"/);
    bad(JSON.parse('{"type":"clearEnded","__proto__":{"x":1}}'), /unexpected field "__proto__"/);
    bad({ type: 'ready', session: 5 }, /ready\.session must be a string/);
    bad({ type: 'ready', extra: 1 }, /unexpected field "extra"/);
    bad({ type: 'ready', session: 's', pinned: 'yes' }, /ready\.pinned must be a boolean/);
    bad({ type: 'clearEnded', session: 's' }, /unexpected field "session"/);
    bad({ type: 'openDebugTerminal', command: 'rm -rf /' }, /unexpected field "command"/);
    bad({ type: 'selectSession' }, /missing session/);
    bad({ type: 'selectSession', session: '' }, /must not be empty/);
    bad({ type: 'selectSession', session: 'x'.repeat(201) }, /longer than 200/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: 0, column: 1 }, /line must be an integer >= 1/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: 1.5, column: 1 }, /line must be an integer/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: '3', column: 1 }, /line must be an integer/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: 1, column: Infinity }, /column must be an integer/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: 1 }, /missing column/);
    bad({ type: 'openSource', session: 's', file: 'x'.repeat(5000), line: 1, column: 1 }, /file longer than 4096/);
    bad({ type: 'openSource', session: 's', file: 'a.js', line: 1, column: 1, command: 'rm' }, /unexpected field "command"/);
  });
});

describe('panel HTML', () => {
  it('has a strict CSP with the nonce and no inline code', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(makeNonce(), nonce, 'fresh per call');
    const html = buildPanelHtml({ cspSource: 'https://res.test', nonce, scriptUri: 'https://res.test/main.js', styleUris: ['https://res.test/a.css'] });
    const csp = contentSecurityPolicy('https://res.test', nonce);
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://res.test; font-src https://res.test; img-src https://res.test data:`);
    assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
    assert.doesNotMatch(html, /unsafe-(inline|eval)/);
    assert.doesNotMatch(html, /style=|<style/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://res.test/main.js"></script>`));
    assert.throws(() => buildPanelHtml({ cspSource: 'x', nonce: "abc' 'unsafe-inline", scriptUri: '', styleUris: [] }), /nonce/);
  });

  it('escapes the URIs it is given', () => {
    const html = buildPanelHtml({ cspSource: 'https://r', nonce: makeNonce(), scriptUri: 'https://r/a"b<c>.js', styleUris: [] });
    assert.ok(html.includes('src="https://r/a&quot;b&lt;c&gt;.js"'));
  });
});

describe('findings message check (findingsMessageError)', () => {
  const row = { id: 'd1', severity: 'warning', icon: 'warning', title: 'Deadlock', text: 'x', age: 'for 1 s', queues: ['q'], waiters: [{ queue: 'q', id: 1 }], sites: [{ file: '/a.js', line: 3, column: 1, fn: '' }] };
  it('accepts a strip and an empty one', () => {
    assert.equal(findingsMessageError({ type: 'findings', session: 's', rows: [row] }), null);
    assert.equal(findingsMessageError({ type: 'findings', session: 's', rows: [] }), null);
  });
  it('refuses wrong shapes, with the row named', () => {
    assert.match(findingsMessageError({ type: 'findings', session: 's', rows: [row, { ...row, severity: 'fatal' }] })!, /rows\[1\]/);
    assert.match(findingsMessageError({ type: 'findings', session: 's', rows: [{ ...row, icon: 'warning x' }] })!, /rows\[0\]/);
    assert.match(findingsMessageError({ type: 'findings', session: 's', rows: [{ ...row, sites: [{ file: '', line: 1, column: 1 }] }] })!, /rows\[0\]/);
    assert.match(findingsMessageError({ type: 'findings', rows: [] })!, /session/);
    assert.match(findingsMessageError({ type: 'findings', session: 's' })!, /rows/);
  });
});

describe('noHub message check (noHubMessageError)', () => {
  it('accepts the running sessions without a hub, and none', () => {
    assert.equal(noHubMessageError({ type: 'noHub', sessions: [{ name: 'app.js [4711]', how: 'attach' }, { name: 'w', how: 'terminal' }, { name: 'x', how: 'launch' }] }), null);
    assert.equal(noHubMessageError({ type: 'noHub', sessions: [] }), null);
  });
  it('refuses wrong shapes, with the entry named', () => {
    assert.match(noHubMessageError({ type: 'noHub', sessions: [{ name: 'a', how: 'attach' }, { name: 'b', how: 'remote' }] })!, /sessions\[1\]/);
    assert.match(noHubMessageError({ type: 'noHub', sessions: [{ name: 3, how: 'attach' }] })!, /sessions\[0\]/);
    assert.match(noHubMessageError({ type: 'noHub', sessions: [null] })!, /sessions\[0\]/);
    assert.match(noHubMessageError({ type: 'noHub' })!, /must be an array/);
    assert.match(noHubMessageError({ type: 'findings', sessions: [] })!, /not a noHub message/);
  });
});

describe('feed message check (feedMessageError)', () => {
  it('accepts what the host sends: an init with and without a session, an update, a sessions list, a cursor state', () => {
    assert.equal(feedMessageError(initMessage()), null);
    assert.equal(feedMessageError(initMessage({ session: null })), null);
    assert.equal(feedMessageError(update()), null);
    assert.equal(feedMessageError(update({ waiters: undefined, refreshMs: 4200 })), null, 'waiters absent: they did not change');
    assert.equal(feedMessageError(update({ dropped: 2.5 })), null, 'a recording may hold any finite dropped figure');
    assert.equal(feedMessageError({ type: 'sessions', sessions: [sessionInfo(), sessionInfo({ id: 'b', status: 'ended' })] }), null);
    assert.equal(feedMessageError({ type: 'cursorState', session: 's', t: 5, queues: [{ key: 'q', depth: 1, min: 0, max: 2 }], waiters: [] }), null);
  });
  it('refuses the wrong shapes before any of it is applied, naming the field', () => {
    const init = initMessage();
    const { queues: _q, ...noQueues } = init.session!;
    assert.match(feedMessageError({ ...init, session: noQueues })!, /init\.session\.queues must be an array/);
    assert.match(feedMessageError({ ...init, mode: 'demo' })!, /init\.mode/);
    assert.match(feedMessageError({ ...init, session: { ...init.session!, status: 'stopped' } })!, /init\.session\.status/);
    assert.match(feedMessageError({ ...init, sessions: [sessionInfo(), { id: 3 }] })!, /init\.sessions\[1\]/);
    const { queues: _u, ...updateNoQueues } = update();
    assert.match(feedMessageError(updateNoQueues)!, /update\.queues must be an array/);
    assert.match(feedMessageError(update({ now: NaN }))!, /update\.now/);
    assert.match(feedMessageError(update({ removed: [1 as unknown as string] }))!, /update\.removed\[0\]/);
    assert.match(feedMessageError(update({ queues: [{ size: 3 } as never] }))!, /update\.queues\[0\]/);
    assert.match(feedMessageError(update({ waiters: [{ id: 'w', queue: 'q', role: 'put' } as never] }))!, /update\.waiters\[0\]/);
    assert.match(feedMessageError(update({ series: [{ queue: 'q', t: [1, 2], depth: [1], min: [1, 1], max: [1, 1] }] }))!, /update\.series\[0\]/, 'columns of different lengths');
    assert.match(feedMessageError(update({ waitCounts: [{ queue: 'q', t: [1], put: [1] } as never] }))!, /update\.waitCounts\[0\]/);
    assert.match(feedMessageError(update({ dropped: -1 }))!, /update\.dropped/);
    assert.match(feedMessageError({ type: 'sessions' })!, /sessions\.sessions must be an array/);
    assert.match(feedMessageError({ type: 'cursorState', session: 's', t: 1, queues: [{ key: 'q' }], waiters: [] })!, /cursorState\.queues\[0\]/);
    assert.match(feedMessageError([])!, /not an object/);
  });

  // Found in review: only a row's key was checked, so `lib: 42` or `name: null` passed and
  // threw in the overview's render (frozen until the next init), a waiter's site with a
  // numeric file in the detail's.
  it("refuses a queue row or waiter with any rendered field of the wrong type, in an init, a patch or a waiter list", () => {
    const jobs = { key: 'q-jobs' };
    const badPatches: [Record<string, unknown>, RegExp][] = [
      [{ ...jobs, name: 123 }, /queues\[0\]\.name/],
      [{ ...jobs, name: null }, /queues\[0\]\.name/],
      [{ ...jobs, kind: 'zzz' }, /\.kind/],
      [{ ...jobs, maxsize: 'ten' }, /\.maxsize/],
      [{ ...jobs, size: 'big' }, /\.size/],
      [{ ...jobs, size: NaN }, /\.size/],
      [{ ...jobs, counters: null }, /\.counters/],
      [{ ...jobs, counters: { puts: 'a' } }, /\.counters\.puts/],
      [{ ...jobs, counters: { dropped: null } }, /\.counters\.dropped/],
      [{ ...jobs, counters: { paused: 'yes' } }, /\.counters\.paused/],
      [{ ...jobs, source: { a: 1 } }, /\.source/],
      [{ ...jobs, site: 'x' }, /\.site/],
      [{ ...jobs, site: { file: 5, line: 1, column: 1 } }, /\.site/],
      [{ ...jobs, items: 'abc' }, /\.items/],
      [{ ...jobs, items: [1, {}] }, /\.items/],
      [{ ...jobs, lib: 42 }, /\.lib/],
      [{ ...jobs, stats: 'x' }, /\.stats/],
      [{ ...jobs, stats: { threads: 'two' } }, /\.stats/],
      [{ ...jobs, runningSince: 'x' }, /\.runningSince/],
      [{ ...jobs, concurrency: 'y' }, /\.concurrency/],
      [{ ...jobs, blocked: 'many' }, /\.blocked/],
      [{ ...jobs, waiting: null }, /\.waiting/],
      [{ ...jobs, putRate: 'fast' }, /\.putRate/],
      [{ ...jobs, getRate: Infinity }, /\.getRate/],
      [{ ...jobs, waitsSampled: 'x' }, /\.waitsSampled/],
      [{ ...jobs, stoppedAt: 'x' }, /\.stoppedAt/],
      [{ ...jobs, units: 'parsecs' }, /\.units/],
      [{ ...jobs, shutdown: 1 }, /\.shutdown/],
    ];
    for (const [patch, why] of badPatches) assert.match(feedMessageError(update({ queues: [patch as never] })) ?? 'accepted', why, JSON.stringify(patch));
    // An init's row is whole: every required field there.
    const init = initMessage();
    init.session!.queues.push({ key: 'q-bare' } as never);
    assert.match(feedMessageError(init)!, /init\.session\.queues\[4\] has no name/);
    const init2 = initMessage();
    (init2.session!.queues[1] as unknown as Record<string, unknown>).lib = 42;
    assert.match(feedMessageError(init2)!, /init\.session\.queues\[1\]\.lib/);
    const init3 = initMessage();
    (init3.session!.queues[0].counters as unknown as Record<string, unknown>).highWater = undefined;
    assert.match(feedMessageError(init3)!, /has no counters\.highWater/);
    // Null removes an optional field in a patch; an init has no use for it.
    const init4 = initMessage();
    (init4.session!.queues[0] as unknown as Record<string, unknown>).site = null;
    assert.match(feedMessageError(init4)!, /\.site/);
    // Waiters: role, site, flags.
    const w = { id: 'w', queue: 'q-jobs', role: 'put', since: 1 };
    assert.match(feedMessageError(update({ waiters: [{ ...w, site: { file: 7, line: 1, column: 1 } } as never] }))!, /update\.waiters\[0\]/);
    assert.match(feedMessageError(update({ waiters: [{ ...w, role: 'zzz' } as never] }))!, /update\.waiters\[0\]/);
    assert.match(feedMessageError(update({ waiters: [{ ...w, stoppedAt: 'x' } as never] }))!, /update\.waiters\[0\]/);
    assert.match(feedMessageError(initMessage({ session: { ...initMessage().session!, waiters: [{ ...w, adopted: 1 } as never] } }))!, /init\.session\.waiters\[0\]/);
    assert.match(feedMessageError({ type: 'cursorState', session: 's', t: 1, queues: [{ key: 'q', depth: 1, min: 'a', max: 2 }], waiters: [] })!, /cursorState\.queues\[0\]/);
  });

  it('accepts the patches the host sends: changed fields only, null for an optional field that is gone, a new queue whole', () => {
    const ok: Record<string, unknown>[] = [
      { key: 'q-jobs' },
      { key: 'q-jobs', size: 3, putRate: 1.5, counters: { puts: 4, running: null, runningSince: null } },
      { key: 'q-jobs', items: null, site: null, waitsSampled: null, stats: null, runningSince: null, stoppedAt: null, lib: null, jobs: null },
      { key: 'q-jobs', items: ['a', 'b'], stats: { threads: 2, utilization: 0.35 }, runningItems: [], lib: 'p-queue@10.0.0', concurrency: 2, units: 'bytes', waitsSampled: 4, stoppedAt: 12, runningSince: 3 },
      { key: 'q-jobs', counters: { paused: true, rateLimited: false, done: 3, taskP99Ms: 12.5, stats: { a: 1 } } },
      { key: 'q-jobs', future: 'a field a newer host adds' },
      queue('q-new', 'new', { site: { file: APP, line: 1, column: 1, fn: '' } }) as unknown as Record<string, unknown>,
    ];
    ok.push({ key: 'q-jobs', jobs: 'garbage' }); // re-read by the store (readJobsInfo), dropped there, the row kept
    for (const patch of ok) assert.equal(feedMessageError(update({ queues: [patch as never] })), null, JSON.stringify(patch));
    assert.equal(feedMessageError(update({ waiters: [{ id: 'w', queue: 'q', role: 'get', since: 1, adopted: true, stoppedAt: 5 }] })), null);
  });

  it('accepts every value the model lets through (src/model/parse.ts), so none blanks a whole message: negative and fractional numbers, an empty file', () => {
    const odd = { file: '', line: 2.5, column: -1, fn: '' };
    const init = initMessage();
    const q0 = init.session!.queues[0] as unknown as Record<string, unknown>;
    Object.assign(q0, { size: -1, maxsize: -5, putRate: -0.5, getRate: 1e300, blocked: -2, waiting: 0.5, site: odd, waitsSampled: 0.5 });
    Object.assign(q0.counters as Record<string, unknown>, { puts: -3, gets: 1.5, highWater: -1, dropped: -7, running: -1 });
    init.session!.waiters = [{ id: 'w', queue: 'q-jobs', role: 'put', since: -4, site: odd }];
    assert.equal(feedMessageError(init), null, 'init');
    const patches: Record<string, unknown>[] = [
      { key: 'q-jobs', size: -1, blocked: 1.5, waiting: -3, site: odd },
      { key: 'q-jobs', counters: { puts: -1, timeouts: 0.25, done: -2 } },
    ];
    for (const patch of patches) assert.equal(feedMessageError(update({ queues: [patch as never] })), null, JSON.stringify(patch));
    assert.equal(feedMessageError(update({ waiters: [{ id: 'w', queue: 'q', role: 'get', since: 1, site: odd }] })), null, 'a waiter');
    // Still refused: a wrong type, a null required field, a number that is not finite.
    const still: [Record<string, unknown>, RegExp][] = [
      [{ key: 'q-jobs', size: '3' }, /\.size/],
      [{ key: 'q-jobs', name: 3 }, /\.name/],
      [{ key: 'q-jobs', blocked: null }, /\.blocked/],
      [{ key: 'q-jobs', counters: { gets: '1' } }, /\.counters\.gets/],
      [{ key: 'q-jobs', counters: { highWater: -Infinity } }, /\.counters\.highWater/],
      [{ key: 'q-jobs', site: { file: '', line: '2', column: 1 } }, /\.site/],
      [{ key: 'q-jobs', site: { file: null, line: 2, column: 1 } }, /\.site/],
    ];
    for (const [patch, why] of still) assert.match(feedMessageError(update({ queues: [patch as never] })) ?? 'accepted', why, JSON.stringify(patch));
    const init2 = initMessage();
    (init2.session!.queues[2]!.counters as unknown as Record<string, unknown>).puts = null;
    assert.match(feedMessageError(init2)!, /init\.session\.queues\[2\]\.counters\.puts/);
  });
});
