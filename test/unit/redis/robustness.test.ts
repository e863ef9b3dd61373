// The watch against what a real Redis holds besides BullMQ, and against what its users do
// (review of 2026-12-04, scripts in .tmp/review-redis/): another application's keys under
// the prefix, a user whose ACL refuses CLIENT LIST and INFO, a Cancel during the first read,
// and passwords that are common words or digits.

import * as assert from 'node:assert/strict';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { QueueModel } from '../../../src/model';
import { modelSink, parseRedisTarget, RedisWatch, RedisWatchError } from '../../../src/redis';
import { freePort, RedisServer } from '../../helpers/redisServer';
import { CaptureSink, is, watchInto, type Watched } from './harness';

describe('Redis watch: robustness', function () {
  this.timeout(30_000);
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const track = (w: Watched): Watched => (cleanup.push(() => w.dispose()), w);
  const server = async (options: Parameters<typeof RedisServer.start>[0] = {}): Promise<RedisServer> => {
    const srv = await RedisServer.start(options);
    cleanup.push(() => srv.stop());
    return srv;
  };
  const admin = (srv: RedisServer, password?: string): Redis => {
    const c = new Redis({ host: '127.0.0.1', port: srv.port, ...(password ? { password } : {}) });
    cleanup.push(async () => c.disconnect());
    return c;
  };
  const seed = async (srv: RedisServer, name: string, jobs: number): Promise<Queue> => {
    const q = new Queue(name, { connection: { host: '127.0.0.1', port: srv.port } });
    cleanup.push(() => q.close());
    for (let i = 0; i < jobs; i++) await q.add('j', { i });
    return q;
  };
  /** The latest jobCounts of a queue, by name. */
  const countsOf = (w: Watched, name: string): Record<string, number> | undefined => {
    const id = w.sink.captured.filter(is('queue')).find((e) => e.name === name)?.q;
    return w.sink.captured.filter(is('jobCounts')).filter((e) => e.q === id).at(-1)?.counts;
  };
  const warnings = (w: Watched): string[] => w.logs.filter((l) => l.startsWith('warn '));

  describe("another application's keys under the prefix", () => {
    it('at connect: the BullMQ queues are read, the foreign one is skipped with one warning, a string meta is no queue', async () => {
      const srv = await server();
      await seed(srv, 'orders', 2);
      const r = admin(srv);
      await r.hset('bull:cache:meta', 'owner', 'otherapp');
      await r.set('bull:cache:wait', 'some string');
      await r.set('bull:other:meta', 'x');
      const w = track(watchInto(srv.url, { scan: { count: 1000, everyMs: 5 }, discoverEveryMs: 50 }));
      await w.watch.start(); // START FAILED "WRONGTYPE Operation against a key holding the wrong kind of value" before
      assert.equal(countsOf(w, 'orders')?.waiting, 2);
      const walks = w.watch.stats.scan.walks;
      for (let i = 0; i < 50 && w.watch.stats.scan.walks < walks + 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(w.watch.stats.scan.walks >= walks + 2, 'two background (meta) walks ran');
      await w.watch.pollNow();
      await w.watch.pollNow();
      assert.deepEqual(w.watch.queues, ['orders'], "neither 'cache' nor 'other' (meta is a string) is followed");
      assert.deepEqual(w.sink.captured.filter(is('queue')).map((e) => e.name), ['orders']);
      assert.deepEqual(warnings(w), [
        `warn queue "cache" under 'bull' is not read: bull:cache:wait holds another kind of value than BullMQ writes (another application's key?)`,
      ]);
    });

    it('appearing while watching: only that queue stops, with one warning; the others stay live', async () => {
      const srv = await server();
      const orders = await seed(srv, 'orders', 1);
      await seed(srv, 'mail', 1);
      const w = track(watchInto(srv.url));
      await w.watch.start();
      assert.deepEqual([...w.watch.queues].sort(), ['mail', 'orders']);
      const r = admin(srv);
      await r.del('bull:mail:wait');
      await r.set('bull:mail:wait', 'not a list');
      await w.watch.pollNow();
      await orders.add('j', {});
      await w.watch.pollNow();
      await orders.add('j', {});
      await w.watch.pollNow();
      assert.equal(countsOf(w, 'orders')?.waiting, 3, 'orders still read (every read failed before: a warning a second, timelines frozen)');
      assert.deepEqual(w.watch.queues, ['orders']);
      assert.deepEqual(warnings(w), [
        `warn queue "mail" under 'bull' is not read: bull:mail:wait holds another kind of value than BullMQ writes (another application's key?)`,
      ]);
    });

    it("an events key that is not a stream fails its own queue only, the others' events are still counted", async () => {
      const srv = await server();
      const orders = await seed(srv, 'orders', 1);
      await seed(srv, 'mail', 1);
      const w = track(watchInto(srv.url));
      await w.watch.start();
      const r = admin(srv);
      await r.del('bull:mail:events');
      await r.set('bull:mail:events', 'x');
      await orders.add('j', {});
      await orders.add('j', {});
      await w.watch.pollNow();
      await w.watch.pollNow();
      const id = w.sink.captured.filter(is('queue')).find((e) => e.name === 'orders')?.q;
      const added = w.sink.captured.filter(is('jobCounts')).filter((e) => e.q === id).reduce((n, e) => n + e.flow.added, 0);
      assert.equal(added, 2, "orders' stream read (one XREAD of every stream failed with WRONGTYPE before)");
      assert.equal(countsOf(w, 'orders')?.waiting, 3);
      assert.deepEqual(w.watch.queues, ['orders']);
      assert.deepEqual(warnings(w), [
        `warn queue "mail" under 'bull' is not read: bull:mail:events holds another kind of value than BullMQ writes (another application's key?)`,
      ]);
    });
  });

  describe('a user with a restricted ACL', () => {
    it('a +@read user (no INFO, no CLIENT LIST) watches without workers, told once', async () => {
      const srv = await server();
      await seed(srv, 'orders', 2);
      const r = admin(srv);
      await r.call('ACL', 'SETUSER', 'reader', 'on', '>reader-pw', '~*', '+@read');
      const w = track(watchInto(`redis://reader:reader-pw@127.0.0.1:${srv.port}`, { workersEveryMs: 0 }));
      await w.watch.start(); // START FAILED "NOPERM … 'info'" / "'client|list'" before
      await w.watch.pollNow();
      await w.watch.pollNow();
      assert.equal(countsOf(w, 'orders')?.waiting, 2);
      assert.equal(w.sink.captured.filter(is('workers')).length, 0, 'nothing said of workers');
      const said = warnings(w);
      assert.equal(said.length, 1, said.join('\n'));
      // The server's own words vary with its version ("User reader has" on 7.0.15, "this user has" later).
      assert.match(said[0], new RegExp(`^warn no workers shown: redis://127\\.0\\.0\\.1:${srv.port} refuses CLIENT LIST \\(NOPERM .*'client\\|list' command\\); queues are found by SCAN only$`));
    });

    it('the minimal ACL of docs/REDIS.md is enough: counts, events, names and workers, no command refused', async () => {
      const srv = await server();
      const connection = { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null };
      const q = await seed(srv, 'orders', 1);
      const worker = new Worker('orders', async (job) => {
        if (job.data.fail) throw new Error('boom');
      }, { connection, name: 'w1', autorun: false });
      cleanup.push(() => worker.close());
      const r = admin(srv);
      const acl = '~bull:* -@all +scan +type +llen +zcard +lindex +hmget +hget +xread +xrevrange +info +client|list +client|setname'.split(' ');
      await r.call('ACL', 'SETUSER', 'watcher', 'on', '>watcher-pw', 'resetkeys', ...acl);
      await r.call('ACL', 'LOG', 'RESET');
      const w = track(watchInto(`redis://watcher:watcher-pw@127.0.0.1:${srv.port}`, { workersEveryMs: 0 }));
      await w.watch.start();
      void worker.run();
      await q.add('bad', { fail: true });
      await new Promise<void>((resolve) => worker.on('failed', () => resolve()));
      await w.watch.pollNow();
      await w.watch.pollNow();
      assert.equal(countsOf(w, 'orders')?.failed, 1);
      assert.ok(w.sink.captured.filter(is('jobEvent')).some((e) => e.event === 'failed' && e.name === 'bad'), 'the failure is listed with its name (HGET)');
      assert.deepEqual(w.sink.captured.filter(is('workers')).at(-1)?.workers.map((x) => x.name), ['w1']);
      assert.deepEqual(warnings(w), []);
      assert.deepEqual(await r.call('ACL', 'LOG'), [], 'no command of the watch was refused');
    });
  });

  describe('Cancel during the first picture', () => {
    it('right after the source was sent: start() rejects as stopped, the session ends, nothing runs on', async () => {
      const srv = await server();
      await seed(srv, 'orders', 1);
      const model = new QueueModel();
      cleanup.push(async () => model.dispose());
      let stopping: Promise<void> | undefined;
      const sink = new CaptureSink(modelSink(model, 'redis:1', 'BullMQ test'));
      const cancelling = {
        source: (info: Parameters<CaptureSink['source']>[0]) => {
          sink.source(info);
          stopping = watch.stop('cancelled'); // what the progress notification's Cancel does
        },
        events: (e: Parameters<CaptureSink['events']>[0]) => sink.events(e),
        end: (t: number, reason: string) => sink.end(t, reason),
      };
      const watch: RedisWatch = new RedisWatch({ target: parseRedisTarget(srv.url), sink: cancelling, scan: { count: 1000, everyMs: 5 }, discoverEveryMs: 50 });
      const err = await watch.start().then(() => undefined, (e: unknown) => e);
      await stopping;
      assert.ok(err instanceof RedisWatchError, 'start() does not resolve after a Cancel (it set state live before)');
      assert.equal(err.kind, 'stopped');
      assert.equal(watch.state, 'stopped');
      assert.equal(sink.ended, 'cancelled');
      assert.equal(model.session('redis:1')?.state, 'ended', 'the session ends (it stayed live forever)');
      const { ticks, scan } = watch.stats;
      const events = sink.captured.length;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(watch.stats.ticks, ticks, 'no read after the Cancel');
      assert.equal(watch.stats.scan.calls, scan.calls, 'no SCAN after the Cancel');
      assert.equal(sink.captured.length, events);
    });

    it('before the source: start() rejects as stopped, without "Connection is closed", and the sink hears nothing', async () => {
      const srv = await server();
      await seed(srv, 'orders', 1);
      const sink = new CaptureSink();
      let stopping: Promise<void> | undefined;
      const watch: RedisWatch = new RedisWatch({
        target: parseRedisTarget(srv.url),
        sink,
        createClient: (o) => {
          const c = new Redis(o);
          c.once('ready', () => (stopping = watch.stop('cancelled')));
          return c;
        },
      });
      const err = await watch.start().then(() => undefined, (e: unknown) => e);
      await stopping;
      assert.ok(err instanceof RedisWatchError);
      assert.equal(err.kind, 'stopped');
      assert.doesNotMatch(err.message, /Connection is closed/);
      assert.equal(watch.state, 'stopped');
      assert.equal(sink.info, undefined);
      assert.equal(sink.ended, undefined);
    });

    it('a first read that fails after the source was sent ends the session', async () => {
      const srv = await server();
      await seed(srv, 'orders', 1);
      const model = new QueueModel();
      cleanup.push(async () => model.dispose());
      const inner = modelSink(model, 'redis:1', 'BullMQ test');
      let kill: Promise<void> | undefined;
      const watch = new RedisWatch({
        target: parseRedisTarget(srv.url),
        sink: { source: (i) => (inner.source(i), (kill = srv.kill())), events: (e) => inner.events(e), end: (t, r) => inner.end(t, r) },
      });
      await assert.rejects(watch.start(), (e: unknown) => e instanceof RedisWatchError && e.kind === 'other');
      await kill;
      assert.equal(watch.state, 'failed');
      assert.equal(model.session('redis:1')?.state, 'ended');
    });
  });

  describe('passwords that are common words or digits', () => {
    it('a wrong password reads "authentication failed (wrong user name or password)" word for word, as kind auth', async () => {
      const srv = await server({ password: '1' });
      for (const wrong of ['wrong', 'redis', 'failed', '2']) {
        const w = track(watchInto(`redis://127.0.0.1:${srv.port}`, { password: wrong }));
        const err = await w.watch.start().then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof RedisWatchError);
        assert.equal(err.message, `cannot read redis://127.0.0.1:${srv.port}: authentication failed (wrong user name or password)`, `password ${wrong}`);
        assert.equal(err.kind, 'auth', `password ${wrong}`);
      }
      const unreachable = track(watchInto(`redis://:1@127.0.0.1:${await freePort()}`));
      const err = await unreachable.watch.start().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof RedisWatchError && err.kind === 'other' && /connection refused/.test(err.message));
    });

    it('with the password "1", log lines keep the server\'s address whole', async () => {
      let srv = await RedisServer.start({ password: '1' });
      cleanup.push(() => srv.stop());
      const w = track(watchInto(`redis://127.0.0.1:${srv.port}`, { password: '1', backoff: { initialMs: 50, maxMs: 200 } }));
      await w.watch.start();
      srv = await srv.restart();
      await w.sink.waitFor(is('gap'));
      const display = `redis://127.0.0.1:${srv.port}`;
      assert.ok(w.logs.includes(`info watching 0 BullMQ queue(s) under 'bull' on ${display}`), w.logs.join('\n'));
      assert.ok(w.logs.includes(`warn lost ${display}; reconnecting with backoff`), w.logs.join('\n'));
      assert.ok(w.logs.includes(`info reconnected to ${display}`), w.logs.join('\n'));
    });
  });
});
