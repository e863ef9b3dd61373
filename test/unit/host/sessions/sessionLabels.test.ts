// Session names in the panel's picker and the Queues tree: sessions that share a name are
// told apart (three "tsx app (ended)" after restarts, three "Node.js Process (ended)" from
// the debug terminal could not be, 2026-12-05).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAttachInfo } from '../../../../src/model/parse';
import type { AttachInfo } from '../../../../src/protocol/wire';
import { QueueModel } from '../../../../src/model';
import { runNumberOf, sessionLabels } from '../../../../src/host/sessions/sessionLabels';
import { sessionInfos } from '../../../../src/host/panel/messages';

/** A real hub's attach answer (fixtures/hub-transcript.json, queue `jobs`) as process `pid`; without its queues when `queues` is false. */
const recorded = JSON.parse((JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/hub-transcript.json'), 'utf8')) as { attach: string }).attach) as Record<string, unknown> & { snapshot: { queues: unknown[] } };
function info(pid: number, queues = false): AttachInfo {
  const parsed = parseAttachInfo(JSON.stringify({ ...recorded, pid, armedAt: undefined, snapshot: { ...recorded.snapshot, queues: queues ? recorded.snapshot.queues : [] } }));
  assert.ok(parsed.ok);
  return parsed.value;
}

describe('sessionLabels', () => {
  it('runs of one launch: the run and the pid of its program (not of the supervisor, which has no queue)', () => {
    let now = new Date(2026, 11, 5, 10, 42, 7).getTime();
    const model = new QueueModel({ now: () => now });
    model.openSession('L', 'tsx app');
    model.attach('L', info(100), 'c0'); // tsx watch itself
    model.attach('L', info(101, true), 'c1');
    now += 5000;
    model.openSession('L~1', 'tsx app');
    model.attach('L~1', info(100), 'c0');
    model.attach('L~1', info(102, true), 'c2');
    model.openSession('M', 'other');
    const labels = sessionLabels(model.sessions);
    assert.deepEqual([...labels.values()], ['tsx app · run 1 · pid 101', 'tsx app · run 2 · pid 102', 'other']);
    // The picker's list says the same.
    assert.deepEqual(sessionInfos(model, () => 0).map((s) => s.name), [...labels.values()]);
  });

  it('separate launches of one name (the debug terminal\'s "Node.js Process"): the pid; the start time when that is not enough', () => {
    let now = new Date(2026, 11, 5, 9, 5, 3).getTime();
    const model = new QueueModel({ now: () => now });
    for (const [id, pid] of [['a', 7], ['b', 8], ['c', 8]] as const) {
      model.openSession(id, 'Node.js Process');
      model.attach(id, info(pid, true), 'x');
      now += 61_000;
    }
    assert.deepEqual([...sessionLabels(model.sessions).values()], ['Node.js Process · pid 7', 'Node.js Process · pid 8 · 09:06:04', 'Node.js Process · pid 8 · 09:07:05']);
  });

  it('run numbers', () => {
    assert.equal(runNumberOf('abc'), 1);
    assert.equal(runNumberOf('abc~1'), 2);
    assert.equal(runNumberOf('abc~12'), 13);
  });
});
