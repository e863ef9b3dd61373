// "QueueScope: Watch Redis (BullMQ)…" in a real VS Code against a real redis-server: the
// command (called with its arguments, so no input box) feeds the model a session of origin
// 'redis' with the queue's backlog and per-state counts, the Queues tree describes the
// states; "Stop Watching Redis" ends it; an unreachable server gives no session. Needs
// redis-server (test/redis/install.js): without it RedisServer.start fails with that hint,
// never a silent skip.
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import { freePort, RedisServer } from '../../helpers/redisServer';
import { activate } from './helpers';

describe('Watch Redis (BullMQ)', function () {
  this.timeout(60_000);
  let srv: RedisServer | undefined;

  before(async function () {
    await activate();
    assert.ok((await vscode.commands.getCommands(true)).includes('queuescope.watchRedis'), 'the extension registers queuescope.watchRedis');
    srv = await RedisServer.start();
    // The keys BullMQ writes for a queue 'mail' holding 7 waiting jobs.
    const r = new Redis(srv.port, '127.0.0.1');
    await r.hset('bull:mail:meta', 'opts.maxLenEvents', '10000');
    for (let i = 1; i <= 7; i++) {
      await r.hset(`bull:mail:${i}`, 'name', 'job', 'timestamp', String(Date.now()), 'delay', '0', 'data', '{}');
      await r.lpush('bull:mail:wait', String(i));
    }
    r.disconnect();
  });
  after(async () => {
    await srv?.stop();
  });

  it('watches the queues of a prefix as a session of origin redis, and stops', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const session = (await vscode.commands.executeCommand('queuescope.watchRedis', { url: srv!.url, prefix: 'bull' })) as string | undefined;
    assert.ok(session, 'the command returns the model session id');
    const s = api.services.model.session(session);
    assert.equal(s?.origin, 'redis');
    const q = api.services.model.queuesOf(session).find((x) => x.name === 'mail');
    assert.equal(q?.size, 7);
    assert.equal(q?.jobs?.counts.waiting, 7);
    // The Queues tree: session -> source -> queue, the states that hold jobs in the description.
    const tree = api.queuesTree;
    const sNode = tree.getChildren().find((n) => n.session === session)!;
    const qNode = tree.getChildren(tree.getChildren(sNode)[0]).find((n) => n.label === 'mail');
    assert.match(qNode?.description ?? '', /7 waiting · no worker/);
    assert.match(qNode?.tooltip ?? '', /BullMQ: waiting 7 · active 0 · delayed 0 · prioritized 0 · waiting-children 0 · completed 0 · failed 0 · paused 0/);
    assert.equal(await vscode.commands.executeCommand('queuescope.stopRedisWatch', session), true);
    assert.equal(api.services.model.session(session)?.state, 'ended');
  });

  it('an unreachable server gives no session', async () => {
    const api = (await activate()).exports as QueueScopeApi;
    const before = api.services.model.sessions.length;
    const session = await vscode.commands.executeCommand('queuescope.watchRedis', { url: `redis://127.0.0.1:${await freePort()}`, prefix: 'bull' });
    assert.equal(session, undefined);
    assert.equal(api.services.model.sessions.length, before);
  });
});
