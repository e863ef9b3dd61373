// "QueueScope: Watch Redis (BullMQ)…" in a real VS Code against a real redis-server: the
// command (called with its arguments, so no input box) feeds the model a session of origin
// 'redis' with the queue's backlog; "Stop Watching Redis" ends it; an unreachable server
// gives no session. Skipped until the extension registers the command (wired at merge).
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
    if (!(await vscode.commands.getCommands(true)).includes('queuescope.watchRedis')) this.skip();
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
