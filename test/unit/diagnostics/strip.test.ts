// The views' pure functions (strip rows, tree badges, status text) and the settings table
// mirrored in package.json.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../src/diagnostics/findings';
import { findingProblems, sessionsProblems } from '../../../src/diagnostics/problems';
import { findingsStatus, findingsStripRows, queueBadges } from '../../../src/diagnostics/strip';
import { THRESHOLD_KEYS, THRESHOLD_TABLE } from '../../../src/diagnostics/thresholds';

const site = (fn: string, line: number) => ({ file: '/app/app.js', line, column: 3, fn });

function finding(over: Partial<Finding>): Finding {
  return { id: 'x', rule: 'deadlock', severity: 'warning', session: 's', message: 'm', since: 1000, queues: [], waiters: [], sites: [], figures: {}, ...over };
}

const deadlock = finding({
  id: 'd',
  message: 'Deadlock: …',
  queues: [
    { key: 's/1:0/1', name: 'records', size: 3, maxsize: 3 },
    { key: 's/1:0/2', name: 'headers', size: 0, maxsize: 0 },
  ],
  waiters: [
    { queue: 's/1:0/1', queueName: 'records', id: 7, role: 'put', since: 1000, waitedMs: 12_000, site: site('sender', 46) },
    { queue: 's/1:0/2', queueName: 'headers', id: 8, role: 'get', since: 1000, waitedMs: 12_500, site: site('receiver', 56) },
  ],
  partial: 'no call was seen getting from `records`',
});
const hint = finding({ id: 'h', rule: 'long-block', severity: 'hint', since: 500, queues: [{ key: 's/1:0/1', name: 'records', size: 3, maxsize: 3 }] });
const growth = finding({ id: 'g', rule: 'growth', severity: 'warning', since: 2000, queues: [{ key: 's/1:0/3', name: 'events', size: 90, maxsize: 0 }], sites: [site('consumer', 9)] });
const neck = finding({ id: 'b', rule: 'bottleneck', severity: 'info', since: 100, queues: [{ key: 's/1:0/3', name: 'events', size: 90, maxsize: 0 }] });

describe('diagnostics views', () => {
  it('strip rows: warnings first (oldest first), then info, then hints; each links its queues, waiters and sites', () => {
    const rows = findingsStripRows([hint, growth, neck, deadlock], 20_000);
    assert.deepEqual(rows.map((r) => r.id), ['d', 'g', 'b', 'h']);
    const d = rows[0];
    assert.equal(d.title, 'Deadlock');
    assert.equal(d.icon, 'warning');
    assert.equal(d.age, 'for 13 s'); // the longest wait (active time), not wall time since
    assert.deepEqual(d.queues, ['s/1:0/1', 's/1:0/2']);
    assert.deepEqual(d.waiters, [
      { queue: 's/1:0/1', id: 7 },
      { queue: 's/1:0/2', id: 8 },
    ]);
    assert.deepEqual(d.sites.map((s) => s.fn), ['sender', 'receiver']);
    assert.equal(d.partial, 'no call was seen getting from `records`');
    assert.equal(rows[1].age, 'for 18 s');
  });

  it('strip rows of a recording: a finding is aged until it was last seen, not against today\'s clock', () => {
    // Opened a day after it was recorded: the growth lasted 3 s in the recording.
    const recorded = { ...growth, until: 5000 };
    const [row] = findingsStripRows([recorded], 86_400_000);
    assert.equal(row.age, 'for 3.0 s');
    // Under a second, floored as the panel's clocks are: 71.8 ms is "71 ms" there and here.
    assert.equal(findingsStripRows([{ ...growth, until: growth.since + 71.8 }], 86_400_000)[0].age, 'for 71 ms');
    assert.equal(findingsStripRows([{ ...growth, until: growth.since + 999.7 }], 86_400_000)[0].age, 'for 999 ms');
  });

  it('tree badges: the worst finding per queue, all of them in the tooltip', () => {
    const badges = queueBadges([hint, deadlock, neck, growth]);
    assert.deepEqual(badges.get('s/1:0/1')?.severity, 'warning');
    assert.equal(badges.get('s/1:0/1')?.badge, '!');
    assert.match(badges.get('s/1:0/1')?.tooltip ?? '', /^Deadlock: …\nLong block: m$/);
    assert.equal(badges.get('s/1:0/3')?.severity, 'warning');
    assert.equal(badges.has('s/1:0/9'), false);
  });

  it('status: counts warnings and infos, hides for hints only', () => {
    assert.equal(findingsStatus([hint]), undefined);
    assert.deepEqual(findingsStatus([neck])?.text, '$(info) 1 finding');
    const s = findingsStatus([deadlock, neck, hint]);
    assert.equal(s?.text, '$(warning) 2 findings');
    assert.equal(s?.warning, true);
    // A click goes to the worst finding's session, wherever it is listed.
    assert.equal(findingsStatus([{ ...neck, session: 'a' }, { ...deadlock, session: 'b' }])?.session, 'b');
    assert.equal(findingsStatus([{ ...hint, session: 'h' }, { ...neck, session: 'a' }])?.session, 'a');
  });

  it('problems: one per waiting line, each relating the other parties and the related sites', () => {
    const problems = findingProblems([deadlock, growth]);
    assert.deepEqual(
      problems.map((p) => [p.site.fn, p.severity, p.message, p.related.map((r) => r.message)]),
      [
        ['sender', 'warning', 'blocked 12 s: Deadlock: …', ['receiver (app.js:56) waiting to get from `headers` for 13 s']],
        ['receiver', 'warning', 'waiting 13 s: Deadlock: …', ['sender (app.js:46) blocked putting into `records` for 12 s']],
        ['consumer', 'warning', 'm', []], // no waiter: on the first related site
      ],
    );
    // Sites that cannot be shown (node:internal, URLs) are skipped, and so are findings with none left.
    assert.deepEqual(findingProblems([deadlock], (s) => s.fn !== 'sender').map((p) => [p.site.fn, p.related.length]), [['receiver', 0]]);
    assert.deepEqual(findingProblems([growth], () => false), []);
  });

  it('problems of several sessions: a newer run of the same line and rule hides the older run\'s copy; one session keeps all of its own', () => {
    const older = { started: 1000, findings: [{ ...deadlock, session: 'run1' }, { ...growth, session: 'run1' }] };
    const newer = { started: 2000, findings: [{ ...deadlock, id: 'd2', session: 'run2' }] };
    // In any order given (the one whose findings changed last may be an old run's recording):
    // run2's two deadlock lines, then run1's growth line (its deadlock lines are run2's now).
    for (const given of [[newer, older], [older, newer]]) {
      assert.deepEqual(sessionsProblems(given).map((p) => [p.finding, p.site.fn]), [['d2', 'sender'], ['d2', 'receiver'], [growth.id, 'consumer']]);
    }
    assert.equal(sessionsProblems([older]).length, findingProblems(older.findings).length);
    assert.equal(sessionsProblems([older, { ...older, started: 3000 }]).length, findingProblems(older.findings).length, 'two runs of one program: one copy per line');
  });

  it("problems: a related line says what the program does there (creates, feeds, drains the queue)", () => {
    const f = finding({
      id: 'roles',
      message: 'm',
      sites: [
        { ...site('feeder', 30), what: { does: 'puts', queue: 'jobs' } },
        { ...site('', 31), what: { does: 'gets', queue: 'jobs' } },
        { ...site('', 4), what: { does: 'creates', queue: 'jobs' } },
        site('helper', 40),
      ],
      waiters: [{ queue: 's/1:0/1', queueName: 'jobs', id: 1, role: 'put', since: 900, waitedMs: 7000, site: site('main', 20) }],
    });
    assert.deepEqual(findingProblems([f])[0].related.map((r) => r.message), ['feeder() puts into `jobs`', 'this line gets from `jobs`', '`jobs` is created here', 'related: helper (app.js:40)']);
  });

  it('problems: waiters at one call site are one problem, however many queues they wait on', () => {
    const tenants = Array.from({ length: 300 }, (_, i) => ({ queue: `s/1:0/${i + 10}`, queueName: `tenant-${i}`, id: 100 + i, role: 'get' as const, since: 1000, waitedMs: 6000 + i, site: site('worker', 7) }));
    const stall = finding({
      id: 'all',
      message: 'Every known queue party is waiting …',
      sites: [site('worker', 7), site('feeder', 30)], // the worker's line again (a releaser), and another
      waiters: [{ queue: 's/1:0/9', queueName: 'tenant-stuck', id: 9, role: 'put', since: 900, waitedMs: 7000, site: site('dispatch', 18) }, ...tenants],
    });
    const problems = findingProblems([stall]);
    assert.deepEqual(
      problems.map((p) => [p.site.fn, p.message, p.related.map((r) => r.message)]),
      [
        ['dispatch', 'blocked 7.0 s: Every known queue party is waiting …', ['worker (app.js:7) waiting to get from 300 queues (`tenant-0`, …) for 6.3 s', 'related: feeder (app.js:30)']],
        ['worker', 'waiting 6.3 s (on 300 queues): Every known queue party is waiting …', ['dispatch (app.js:18) blocked putting into `tenant-stuck` for 7.0 s', 'related: feeder (app.js:30)']],
      ],
    );
  });

  it('package.json mirrors the threshold table as queuescope.diagnostics.* settings', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: number; minimum: number; type: string }> } };
    };
    const props = pkg.contributes.configuration.properties;
    const mirrored = Object.keys(props).filter((k) => k.startsWith('queuescope.diagnostics.'));
    assert.deepEqual(mirrored.sort(), THRESHOLD_KEYS.map((k) => `queuescope.diagnostics.${k}`).sort());
    for (const k of THRESHOLD_KEYS) {
      const p = props[`queuescope.diagnostics.${k}`];
      assert.deepEqual([p.type, p.default, p.minimum], ['number', THRESHOLD_TABLE[k].default, THRESHOLD_TABLE[k].min], k);
    }
  });
});
