// A watcher's reload against one more process of the run (src/host/sessions/reload.ts), and
// what SessionPoller gives that rule: how the earlier instance ended (endReason) and the new
// one's attach, asked before it enters the model (runAtAttach).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel } from '../../../../src/model';
import { SessionPoller } from '../../../../src/host/sessions/poller';
import { processGone, reloadOf, RELOAD_GAP_MS } from '../../../../src/host/sessions/reload';
import type { ExitTailFile } from '../../../../src/host/sessions/exitTail';
import { ManualClock, MemoryLog, ScriptedSession } from './doubles';

const transcript = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/hub-transcript.json'), 'utf8')) as { attach: string };

describe('reloadOf: a watcher reloading its program, or a program running its next job', () => {
  const end = 1_000_000;
  it('a process killed by a signal (tsx watch and node --watch: SIGTERM; nodemon: SIGUSR2, an empty tail) is reloaded however soon the next starts', () => {
    for (const reason of ['SIGTERM', 'SIGINT', 'SIGHUP', 'abrupt']) assert.equal(reloadOf({ reason, endedAt: end }, end + 60), 'killed', reason);
    assert.equal(reloadOf({ reason: 'SIGTERM', endedAt: end }, end - 200), 'killed', 'the new process may start before VS Code reports the old one ended');
  });
  it('a process that ended by itself, the next started at once: the next job of the same run (an orchestrator, a re-forked crashed worker)', () => {
    for (const reason of ['exit', 'uncaughtException', 'unhandledRejection', 'ended', undefined]) {
      assert.equal(reloadOf({ reason, endedAt: end }, end + 260), undefined, String(reason));
      assert.equal(reloadOf({ reason, endedAt: end }, end - 300), undefined, String(reason));
    }
  });
  it('a process that ended by itself, the next started a second or more later: an edit restarted it', () => {
    assert.equal(reloadOf({ reason: 'exit', endedAt: end }, end + RELOAD_GAP_MS), 'gap');
    assert.equal(reloadOf({ reason: 'uncaughtException', endedAt: end }, end + 5000), 'gap');
    assert.equal(reloadOf({ endedAt: end }, end + 5000), 'gap', 'how it ended unknown: the gap decides');
    assert.equal(reloadOf({ reason: 'exit', endedAt: end }, end + RELOAD_GAP_MS - 1), undefined);
  });
});

describe('processGone: an end VS Code has not reported yet', () => {
  it('a real process: running, then gone once it exited and was reaped', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    assert.equal(processGone(child.pid!), false, 'still running');
    assert.equal(processGone(process.pid), false, 'this process');
    child.kill('SIGUSR2');
    await once(child, 'exit');
    assert.equal(processGone(child.pid!), true, 'exited (a watcher starts the next instance only now)');
  });
  it('a process that exists but is not ours (EPERM) runs; a pid that cannot be one is never gone', () => {
    const eperm = (): void => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    };
    assert.equal(processGone(1234, eperm), false);
    for (const pid of [0, -1, 1.5, NaN]) assert.equal(processGone(pid, () => assert.fail('not asked')), false, String(pid));
  });
});

function tailFile(text: string | undefined): ExitTailFile & { removed: boolean } {
  return { path: '/tmp/none.ndjson', removed: false, read: () => text, remove() { this.removed = true; } };
}

describe('SessionPoller: what the reload rule reads', () => {
  async function attached(tail: ExitTailFile, runAtAttach?: (info: { origin: number; pid: number }, model: QueueModel) => string | undefined) {
    const session = new ScriptedSession();
    const clock = new ManualClock();
    const log = new MemoryLog();
    const model = new QueueModel({ log });
    const poller = new SessionPoller(session, model, 'root', 'child', log, { intervalMs: () => 100, clock, sessionName: 'tsx watch', exitTail: tail, runAtAttach: runAtAttach && ((info) => runAtAttach(info, model)) });
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    return { poller, model, session };
  }

  it('endReason: the closing line of an exit tail not read yet (finish() may come later), the model\'s end once read', async () => {
    const tail = tailFile('{"v":1,"seq":3,"t":4,"events":[],"more":false,"dropped":0}\n{"type":"tailEnd","reason":"SIGTERM","t":5}\n');
    const { poller, model } = await attached(tail);
    assert.equal(poller.endReason(), 'SIGTERM');
    assert.equal(tail.removed, false, 'only read: finish() applies it');
    poller.stop();
    const key = poller.sourceKey!;
    model.setSourceEnd('root', key, { reason: 'exit', code: 0 });
    assert.equal(poller.endReason(), 'exit');
  });

  it('endReason: a main thread whose armed tail stayed empty ended abruptly (nodemon\'s SIGUSR2); no tail, or never attached: unknown', async () => {
    assert.equal((await attached(tailFile(''))).poller.endReason(), 'abrupt');
    assert.equal((await attached(tailFile(undefined))).poller.endReason(), undefined);
    assert.equal((await attached(tailFile('{"v":1,"seq":3,"t":4,"events":[],"more":false,"dropped":0}\n'))).poller.endReason(), undefined, 'cut short: no closing line');
    const never = new SessionPoller(new ScriptedSession(), new QueueModel({ log: new MemoryLog() }), 'root', 'child', new MemoryLog(), { intervalMs: () => 100, clock: new ManualClock(), exitTail: tailFile('') });
    assert.equal(never.endReason(), undefined);
  });

  it('runAtAttach: asked with the hub\'s attach answer (its origin: the process start), before the realm enters the model', async () => {
    const asked: number[] = [];
    const { poller, model } = await attached(tailFile(undefined), (info, m) => {
      asked.push(info.origin);
      assert.equal(m.session('root'), undefined, 'nothing opened yet');
      return 'root~1';
    });
    assert.deepEqual(asked, [(JSON.parse(transcript.attach) as { origin: number }).origin]);
    assert.equal(poller.modelSession, 'root~1');
    assert.equal(model.session('root'), undefined);
    assert.deepEqual(model.queuesOf('root~1').map((q) => q.name), ['jobs']);
    assert.equal(model.session('root~1')?.name, 'tsx watch');
    poller.stop();
  });

  it('runAtAttach throwing: logged, and the realm attaches in the run it was given', async () => {
    const { poller, model } = await attached(tailFile(undefined), () => {
      throw new Error('no');
    });
    assert.equal(poller.modelSession, 'root');
    assert.deepEqual(model.queuesOf('root').map((q) => q.name), ['jobs']);
    poller.stop();
  });

  it('runAtAttach answering undefined: the run it was given', async () => {
    const { poller, model } = await attached(tailFile(undefined), () => undefined);
    assert.equal(poller.modelSession, 'root');
    assert.deepEqual(model.queuesOf('root').map((q) => q.name), ['jobs']);
    poller.stop();
  });
});
