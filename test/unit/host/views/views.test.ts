import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel } from '../../../../src/model';
import { ICONS, queueChildren, queueNode, sessionContext, sessionNode, sourceNode } from '../../../../src/host/views/queueNodes';
import { formatDuration, formatSite, isUnder, siteToPath } from '../../../../src/host/views/sites';
import { statusText } from '../../../../src/host/views/statusText';
import { SETTING_DEFAULTS } from '../../../../src/host/settingDefaults';
import { attachInfo, queueSnap, site, snapshot } from '../../model/fixtures';

function model() {
  const m = new QueueModel();
  m.openSession('S', 'Launch app');
  const key = m.attach('S', attachInfo({
    snapshot: snapshot(5, [
      queueSnap(1, { name: 'full', maxsize: 2, size: 2, site: site(3), waiters: [{ w: 1, q: 1, role: 'put', since: 1, waitMs: 4, site: site(10, 'produce') }] }),
      queueSnap(2, { name: 'starved', waiters: [{ w: 2, q: 2, role: 'get', since: 2, waitMs: 3 }, { w: 3, q: 2, role: 'get', since: 1, waitMs: 4 }] }),
      queueSnap(3, { name: 'idle', size: 1, items: ['"x"'] }),
    ]),
  }));
  return { m, src: m.source('S', key)! };
}

describe('Queues tree nodes', () => {
  it('icons make full queues, blocked producers and waiting consumers obvious', () => {
    const { src } = model();
    const [full, starved, idle] = [...src.queues.values()].map((q) => queueNode(q));
    assert.equal(full.icon, ICONS.queueFull);
    assert.notEqual(ICONS.queueFull.id, 'error', 'full is a state, not a failure');
    assert.ok(!/red|error/i.test(ICONS.queueFull.color), `not an error colour: ${ICONS.queueFull.color}`);
    assert.equal(full.description, '2/2 · 1 blocked');
    assert.equal(starved.icon, ICONS.queueWaiting);
    assert.equal(starved.description, '0/∞ · 2 waiting');
    assert.equal(idle.icon, ICONS.queue);
    const kids = queueChildren(src.queues.get(1)!, 1_700_000_000_000 + 1501, false);
    assert.equal(kids[0].kind, 'site');
    assert.deepEqual(kids[0].site, site(3));
    assert.equal(kids[1].icon, ICONS.blockedProducer);
    assert.equal(kids[1].label, 'producer blocked 1.5 s');
    assert.equal(kids[1].description, 'produce (app.js:10)');
    assert.deepEqual(kids[1].site, site(10, 'produce'));
  });

  it('lists waiters longest-waiting first and item previews only when asked (paused)', () => {
    const { src } = model();
    const kids = queueChildren(src.queues.get(2)!, 1_700_000_000_010, false);
    assert.deepEqual(kids.map((k) => k.id.split('/').pop()), ['3', '2']);
    assert.equal(kids[0].icon, ICONS.waitingConsumer);
    assert.equal(queueChildren(src.queues.get(3)!, 0, false).length, 0);
    const items = queueChildren(src.queues.get(3)!, 0, true)[0];
    assert.equal(items.kind, 'items');
    assert.match(String(items.tooltip), /^The first \d+ of the \d+ items in .+, in the order get\(\) takes them/);
  });

  it('a wait adopted at a late attach shows its time as a lower bound and why its site is unknown', () => {
    const m = new QueueModel();
    m.openSession('S', 'Attach');
    const key = m.attach('S', attachInfo({ snapshot: snapshot(5, [queueSnap(1, { name: 'stuck', maxsize: 1, size: 1, waiters: [{ w: 7, q: 1, role: 'put', since: 1, waitMs: 4, adopted: true }] })]) }));
    const q = m.source('S', key)!.queues.get(1)!;
    assert.equal([...q.waiters.values()][0].adopted, true);
    const [waiter] = queueChildren(q, 1_700_000_000_000 + 2001, false);
    assert.equal(waiter.label, 'producer blocked ≥ 2.0 s');
    assert.match(String(waiter.tooltip), /already waiting when QueueScope attached/);
  });

  it('session and source nodes show state and realm', () => {
    const { m, src } = model();
    assert.equal(sourceNode(src).label, 'pid 4242 main');
    assert.equal(sessionNode(m.session('S')!).description, 'live');
    m.endSession('S');
    const ended = sessionNode(m.session('S')!);
    assert.equal(ended.icon, ICONS.sessionEnded);
    assert.equal(ended.context, 'queuescope.session.closable.ended');
    // Close is offered on ended sessions and on Redis watches, not on a running debug
    // session (its poller went on) nor on a recording (its editor shows it).
    const closable = (s: Parameters<typeof sessionContext>[0]) => /^queuescope\.session\.closable\./.test(sessionContext(s));
    assert.deepEqual(
      [closable({ state: 'live', origin: 'debug' }), closable({ state: 'paused', origin: 'debug' }), closable({ state: 'ended', origin: 'debug' }), closable({ state: 'live', origin: 'redis' }), closable({ state: 'ended', origin: 'recording' })],
      [false, false, true, true, false],
    );
    const menu = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when: string }[]> } }).contributes.menus['view/item/context'].find((m) => m.command === 'queuescope.closeSession')!;
    assert.match(menu.when, /viewItem =~ \/\^queuescope\\\.session\\\.closable\\\.\//, 'the menu reads the same context');
    assert.equal(ended.description, 'ended', 'no end reason known: nothing more');
  });

  it('an ended session says how the program ended when that is news: short in the row, whole in the tooltip', () => {
    const { m, src } = model();
    m.setSourceEnd('S', src.key, { reason: 'uncaughtException', error: 'TypeError: job.run is not a function' });
    m.endSession('S');
    const node = sessionNode(m.session('S')!);
    assert.equal(node.description, 'ended · uncaught exception');
    assert.match(String(node.tooltip), /\(ended: uncaught TypeError: job\.run is not a function\)$/);
  });

  it("a worker thread that died while the program ran on is said as the worker's", () => {
    const { m } = model();
    const worker = m.attach('S', attachInfo({ threadId: 2, isMainThread: false }));
    m.setSourceEnd('S', worker, { reason: 'uncaughtException', error: 'TypeError: bytes is null' });
    m.setSourceState('S', worker, 'ended');
    const node = sessionNode(m.session('S')!);
    assert.equal(node.description, 'live · worker thread 2: uncaught exception');
    assert.match(String(node.tooltip), /\(live: worker thread 2: uncaught TypeError: bytes is null\)$/);
  });
});

describe('call sites and formatting', () => {
  it('accepts file URLs and absolute paths only', () => {
    assert.equal(siteToPath('file:///app/src/a.js'), '/app/src/a.js');
    assert.equal(siteToPath('/app/src/a.js'), '/app/src/a.js');
    assert.equal(siteToPath('node:internal/timers'), undefined);
    assert.equal(siteToPath('https://example.invalid/a.js'), undefined);
    assert.equal(siteToPath('relative/a.js'), undefined);
  });

  it('isUnder refuses .. escapes and siblings with a common prefix', () => {
    assert.ok(isUnder('/app/src/a.js', '/app'));
    assert.ok(!isUnder('/app/../etc/passwd', '/app'));
    assert.ok(!isUnder('/application/a.js', '/app'));
  });

  it('formats sites and durations', () => {
    assert.equal(formatSite({ file: 'file:///a/b/c.js', line: 3, column: 1, fn: '' }), 'c.js:3');
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(3200), '3.2 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(7_380_000), '2 h 03 min');
  });
});

describe('Queues tree: queues named by findings', () => {
  it('a warning or info takes the icon and adds its tooltip lines; a hint only adds the line', () => {
    const { src } = model();
    const q = [...src.queues.values()][0];
    const plain = queueNode(q);
    const warned = queueNode(q, { severity: 'warning', badge: '!', tooltip: 'Deadlock: stuck for good' });
    assert.equal(warned.icon, ICONS.queueWarning);
    assert.ok(warned.tooltip!.startsWith(plain.tooltip!) && warned.tooltip!.endsWith('\n\nDeadlock: stuck for good'));
    assert.equal(queueNode(q, { severity: 'info', badge: 'i', tooltip: 'Bottleneck: x' }).icon, ICONS.queueInfo);
    const hinted = queueNode(q, { severity: 'hint', badge: '·', tooltip: 'Long block: y' });
    assert.equal(hinted.icon, plain.icon);
    assert.match(hinted.tooltip!, /Long block: y$/);
  });
});

describe('status bar text', () => {
  it('one item: the findings count joins the queue count and raises the alarm', () => {
    const f = { text: '$(warning) 1 finding', tooltip: 'Deadlock: a and b wait on each other', warning: true };
    const t = statusText({ queues: 2, blocked: 0, waiting: 1 }, f)!;
    assert.equal(t.text, '$(inbox) 2 queues  $(arrow-circle-down) 1 waiting  $(warning) 1 finding');
    assert.equal(t.alarm, true);
    assert.match(t.tooltip, /Deadlock: a and b wait on each other/);
    // A checked recording's findings show even with no running queues.
    assert.equal(statusText({ queues: 0, blocked: 0, waiting: 0 }, { ...f, warning: false })!.text, '$(warning) 1 finding');
  });

  it('hides without queues and warns while producers are blocked', () => {
    assert.equal(statusText({ queues: 0, blocked: 0, waiting: 0 }), undefined);
    const t = statusText({ queues: 3, blocked: 2, waiting: 1 })!;
    assert.equal(t.text, '$(inbox) 3 queues  $(arrow-circle-up) 2 blocked  $(arrow-circle-down) 1 waiting');
    assert.equal(t.alarm, true);
    assert.equal(statusText({ queues: 1, blocked: 0, waiting: 0 })!.alarm, false);
  });
});

describe('package.json contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));

  it('declares every setting with its default and a description', () => {
    const props = pkg.contributes.configuration.properties;
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) {
      const p = props[`queuescope.${key}`];
      assert.ok(p, `queuescope.${key} missing`);
      assert.equal(p.default, value, key);
      assert.ok(p.description.length > 20, key);
    }
  });

  it('declares the Queues view in Run and Debug and the core commands under QueueScope', () => {
    assert.ok(pkg.contributes.views.debug.some((v: { id: string }) => v.id === 'queuescope.queues'));
    for (const id of ['queuescope.clearEndedSessions', 'queuescope.closeSession', 'queuescope.showLog', 'queuescope.openSite']) {
      const c = pkg.contributes.commands.find((x: { command: string }) => x.command === id);
      assert.ok(c, id);
      assert.equal(c.category, 'QueueScope');
    }
  });
});
