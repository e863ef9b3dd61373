import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel } from '../../../../src/model';
import { SessionPoller, type PollerOptions } from '../../../../src/host/sessions/poller';
import { HOOKS_THREAD } from '../../../../src/protocol/hub';
import { deferred, ManualClock, MemoryLog, ScriptedSession, settle } from './doubles';

/** Answers recorded from the real hub (see fixtures/record-transcript.js). */
const transcript = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/hub-transcript.json'), 'utf8')) as {
  attach: string;
  drains: string[];
  pausedSnapshot: string;
};

function setup(options: Partial<PollerOptions> = {}) {
  const session = new ScriptedSession();
  const clock = new ManualClock();
  const log = new MemoryLog();
  const model = new QueueModel({ log });
  const poller = new SessionPoller(session, model, 'root', 'child', log, { intervalMs: () => 100, clock, ...options });
  const queues = () => model.queuesOf('root');
  return { session, model, clock, log, poller, queues };
}

const drain = (seq: number, events: unknown[] = [], more = false) => JSON.stringify({ v: 1, seq, t: seq * 100, events, more, dropped: 0 });
const queueEvent = (q: number, name: string) => ({ type: 'queue', t: 1, q, name, kind: 'fifo', maxsize: 0, size: 0 });

describe('SessionPoller', () => {
  it('backs off quietly while the program has no hub (soon at first, then up to the cap), then attaches when one appears', async () => {
    const looked: number[] = [];
    let attachedAt: number | undefined;
    const { session, clock, log, poller, queues } = setup({ noHubBackoffMs: 3000, onNoHub: (ms) => looked.push(ms), onAttached: () => (attachedAt = looked.length) });
    const nulls = Array.from({ length: 9 }, () => 'null');
    session.script('attach', ...nulls, transcript.attach);
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('attach'), 1);
    // 25, 50, 100 … ms: a program F5'd a moment ago is found within its first moments.
    const waits = [25, 50, 100, 200, 400, 800, 1600, 3000];
    for (const [i, ms] of waits.entries()) {
      await clock.advance(ms - 1);
      assert.equal(session.count('attach'), i + 1, `no attach ${i + 2} before ${ms} ms`);
      await clock.advance(1);
      assert.equal(session.count('attach'), i + 2);
    }
    assert.equal(poller.state, 'attaching');
    assert.equal(attachedAt, undefined);
    await clock.advance(3000);
    assert.equal(session.count('attach'), 10, 'capped at noHubBackoffMs');
    assert.equal(attachedAt, 9, 'told once, after the nine answers without a hub (the panel then stops saying it has none)');
    assert.equal(poller.state, 'polling');
    assert.deepEqual(queues().map((q) => q.name), ['jobs']);
    assert.deepEqual(log.warnings, [], 'NO_HUB is not a problem worth reporting');
    // Each "no hub" says how long the poller had looked by then (the extension hints after seconds).
    assert.deepEqual(looked, [0, 25, 75, 175, 375, 775, 1575, 3175, 6175]);
  });

  it("stops asking a module-hooks thread (no program runs there): one attach, then none, and the model never hears of it", async () => {
    const { session, clock, log, model, poller } = setup({ noHubBackoffMs: 3000 });
    session.script('attach', HOOKS_THREAD);
    poller.start();
    await clock.advance(0);
    await clock.advance(60_000);
    assert.equal(session.count('attach'), 1, 'asked every ~3 s before');
    assert.equal(poller.state, 'stopped');
    assert.equal(model.sessions.length, 0);
    assert.deepEqual(log.warnings, []);
    assert.ok(log.infos.some((m) => /module-hooks thread/.test(m)), log.infos.join('\n'));
  });

  it('feeds recorded drains into the model: queues, blocked producer and waiting consumer appear, then end', async () => {
    const { session, clock, model, poller, queues } = setup();
    session.script('attach', transcript.attach).script('drain', transcript.drains[0], transcript.drains[1]);
    poller.start();
    await clock.advance(0); // attach, then the first drain at once
    assert.deepEqual(queues().map((q) => q.name), ['jobs', 'results']);
    assert.deepEqual(model.summary('root'), { queues: 2, blocked: 1, waiting: 1 });
    const blocked = [...queues()[0].waiters.values()][0];
    assert.equal(blocked.role, 'put');
    assert.ok(blocked.site && blocked.site.line > 0, 'call site recorded');
    await clock.advance(100); // drain 2
    assert.deepEqual(model.summary('root'), { queues: 2, blocked: 0, waiting: 0 });
    assert.equal(queues()[0].recentWaits[0].outcome, 'served');
    assert.ok(queues()[0].timeline.series().t.length > 0);
  });

  it('polls at the configured interval and at once while the hub has more', async () => {
    const { session, clock, poller } = setup();
    session.script('attach', transcript.attach).script('drain', drain(1, [], true), drain(2, [], true), drain(3));
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('drain'), 3, 'the first drain follows the attach, two `more` batches are followed at once');
    await clock.advance(99);
    assert.equal(session.count('drain'), 3);
    await clock.advance(1);
    assert.equal(session.count('drain'), 4);
  });

  it("paces by what an evaluated answer costs the debuggee: the hub's ms plus handing the answer back", async () => {
    const { session, clock, poller } = setup({ adaptive: {} });
    // 1 ms of drain in a program spending 100 ms a second: 250 ms at 4% of it. The answer,
    // 500,000 characters, costs ~6 ms more to hand back: ~1.75 s.
    const rows = Array.from({ length: 25_000 }, () => [1, 1, 0, 1, 0, 0]);
    const big = (seq: number) => JSON.stringify({ v: 1, seq, t: seq * 100, events: [queueEvent(1, 'jobs'), { type: 'samples', t: seq * 100, rows }], more: false, dropped: 0, ms: 1, cpu: 100 }).padEnd(500_000, ' ');
    session.script('attach', transcript.attach).script('drain', big(1), big(2));
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('drain'), 1);
    await clock.advance(1500);
    assert.equal(session.count('drain'), 1, 'not after the 250 ms the hub\'s ms alone would give');
    await clock.advance(300);
    assert.equal(session.count('drain'), 2);
  });

  it('paces a cut batch (`more`) within the same ceilings: a costly drain is not followed at once', async () => {
    // With the duty's credit spent (it lets 0.5 s of drains through at once first:
    // adaptiveInterval.test.ts), 40 ms of drain cut at its budget: a drain may take at most
    // 2% of the interval, so the next comes 2 s later, not back to back (at 10,000 busy
    // queues under F5, cut drains of 100-190 ms each followed one another at once).
    const { session, clock, poller } = setup({ adaptive: { dutyCreditMs: 0, hostCreditMs: 0, dutyStartMs: 0, hostStartMs: 0 } });
    const cut = (seq: number, more: boolean) => JSON.stringify({ v: 1, seq, t: seq * 100, events: [queueEvent(1, 'jobs')], more, dropped: 0, ms: 40, cpu: 1000 });
    session.script('attach', transcript.attach).script('drain', cut(1, true), cut(2, true), cut(3, false));
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('drain'), 1);
    await clock.advance(1900);
    assert.equal(session.count('drain'), 1, 'the cut batch waits for the duty the drain cost allows');
    await clock.advance(100);
    assert.equal(session.count('drain'), 2);
  });

  it('never has more than one request in flight, however slow the debugger', async () => {
    const { session, clock, poller } = setup();
    const slow = deferred<string>();
    session.script('attach', transcript.attach).script('drain', () => slow.promise);
    poller.start();
    await clock.advance(0);
    await clock.advance(5000); // 50 intervals pass while the first drain hangs
    assert.equal(session.count('drain'), 1);
    void poller.stopped(); // a pause while the drain hangs queues behind it
    await settle();
    assert.equal(session.inFlight, 1);
    slow.resolve(drain(2));
    await poller.whenIdle();
    assert.equal(session.maxInFlight, 1);
  });

  it('logs and skips malformed, truncated, unknown, out-of-order and oversize answers; the model stays consistent', async () => {
    const { session, clock, model, log, poller, queues } = setup({ maxPayloadChars: 2000, maxAnswerChars: 2000 });
    const good = drain(1, [queueEvent(11, 'a')]);
    session.script('attach', transcript.attach.replace(/"nextSeq":\d+/, '"nextSeq":1'));
    session.script(
      'drain',
      good,
      'not json at all',
      good.slice(0, good.length - 7), // truncated: seq 2 lost
      drain(3, [queueEvent(12, 'b'), { type: 'fromTheFuture', t: 1 }, { type: 'wait', t: 1, q: 'x' }]),
      drain(2, [queueEvent(9, 'stale')]), // out of order: older than expected
      drain(4, [{ type: 'samples', t: 400, rows: [[12, 1, 0, 1, 1, 0]] }, { type: 'x'.repeat(3000), t: 1 }]), // oversize
      drain(5, [{ type: 'samples', t: 500, rows: [[12, 3, 0, 3, 3, 0]] }]),
    );
    poller.start();
    await clock.advance(0);
    for (let i = 0; i < 6; i++) await clock.advance(100);
    assert.equal(session.count('drain'), 7);
    assert.deepEqual(queues().map((q) => q.name).sort(), ['a', 'b', 'jobs']);
    const src = model.source('root', poller.sourceKey!)!;
    assert.equal(src.nextSeq, 6);
    assert.equal(src.lostBatches, 2, 'seq 2 (truncated) and seq 4 (oversize) are counted as lost');
    assert.equal(src.skippedEvents, 2, 'an unknown type and a malformed wait');
    assert.equal(model.queue(`root/${poller.sourceKey}/12`)!.size, 3);
    const text = log.warnings.join('\n');
    assert.match(text, /not valid JSON/);
    assert.match(text, /2 malformed or unknown event\(s\) skipped \(fromTheFuture, wait\)/);
    assert.match(text, /older than expected/);
    assert.match(text, /exceeds 2000; skipped/);
    assert.match(text, /lost \(expected seq 2, got 3\)/);
    assert.equal(poller.state, 'polling', 'bad answers never stop polling');
  });

  it('reads a long answer in parts of at most maxPayloadChars; one the hub no longer has is a lost batch, not a stop', async () => {
    const { session, clock, model, log, poller, queues } = setup({ maxPayloadChars: 1024 });
    /** What the hub's bounded() and chunk() answer for `text`, in parts of 1024. */
    const inParts = (id: number, text: string): string[] => {
      const head = `#chunk ${id} ${text.length}\n`;
      const parts = [head + text.slice(0, 1024 - head.length)];
      for (let at = 1024 - head.length; at < text.length; at += 1024) parts.push(text.slice(at, at + 1024));
      return parts;
    };
    const long = drain(1, Array.from({ length: 60 }, (_, i) => queueEvent(100 + i, `tenant-${i}`)));
    const [first, ...rest] = inParts(7, long);
    assert.ok(rest.length >= 3, `${long.length} characters: ${rest.length + 1} parts`);
    session.script('attach', transcript.attach.replace(/"nextSeq":\d+/, '"nextSeq":1'));
    session.script('drain', first, inParts(8, drain(2, Array.from({ length: 60 }, (_, i) => queueEvent(200 + i, `lost-${i}`))))[0], drain(3));
    session.script('chunk', ...rest, ''); // the second long answer is gone after its first part
    poller.start();
    await clock.advance(0);
    assert.equal(queues().filter((q) => q.name.startsWith('tenant-')).length, 60, 'every queue of the answer read in parts');
    const offsets = session.sent.filter((s) => s.kind === 'chunk').map((s) => /h\.chunk\(7,(\d+),1024\)/.exec(s.expression)?.[1]);
    assert.deepEqual(offsets.slice(0, rest.length).map(Number), rest.map((_, i) => 1024 - `#chunk 7 ${long.length}\n`.length + 1024 * i));
    for (let i = 0; i < 3; i++) await clock.advance(2000);
    assert.match(log.warnings.join('\n'), /drain answer of \d+ characters was gone from the hub after \d+; asking again/);
    const src = model.source('root', poller.sourceKey!)!;
    assert.ok(src.nextSeq >= 4, 'the batches after it applied');
    assert.equal(src.lostBatches, 1, 'the one read only in part is counted lost');
    assert.equal(queues().filter((q) => q.name.startsWith('lost-')).length, 0);
    assert.equal(poller.state, 'polling');
  });

  it('refuses an incompatible protocol version with a clear message', async () => {
    const { session, clock, log, poller } = setup();
    session.script('attach', transcript.attach.replace('"v":1', '"v":2'));
    poller.start();
    await clock.advance(0);
    assert.equal(poller.sourceKey, undefined);
    assert.match(log.warnings[0], /protocol version 2 is not supported/);
  });

  it('a pause request stops polling; the stop drains, snapshots with item previews; continue resumes', async () => {
    const { session, clock, model, poller, queues } = setup({ itemPreviewCount: () => 3 });
    session.script('attach', transcript.attach).script('drain', transcript.drains[0]).script('snapshot', transcript.pausedSnapshot);
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('drain'), 1);
    poller.pauseRequested();
    await clock.advance(1000);
    assert.equal(session.count('drain'), 1, 'no poll between the pause request and the stop');
    await poller.stopped();
    assert.deepEqual(session.sent.slice(-2).map((s) => s.kind), ['drain', 'snapshot']);
    assert.match(session.sent[session.sent.length - 1].expression, /"items":3/);
    assert.equal(poller.state, 'paused');
    const jobs = queues().find((q) => q.name === 'jobs')!;
    assert.deepEqual(jobs.items, ['{ id: 1 }', '{ id: 2 }']);
    assert.equal(jobs.waiters.size, 1, 'the snapshot shows the blocked producer');
    assert.equal(model.session('root')!.state, 'paused');
    await clock.advance(1000);
    assert.equal(session.count('drain'), 2, 'no polling while paused');
    poller.continued();
    await clock.advance(0);
    assert.equal(session.count('drain'), 3);
    assert.equal(model.session('root')!.state, 'live');
  });

  it('a continue that arrives while the pause snapshot is in flight resumes polling', async () => {
    const { session, clock, model, poller } = setup();
    const slowSnap = deferred<string>();
    session.script('attach', transcript.attach).script('snapshot', () => slowSnap.promise);
    poller.start();
    await clock.advance(0);
    const stopping = poller.stopped();
    await settle();
    poller.continued();
    slowSnap.resolve(transcript.pausedSnapshot);
    await stopping;
    await clock.advance(0);
    const drains = session.count('drain');
    await clock.advance(300);
    assert.ok(session.count('drain') >= drains + 3, 'polling resumed');
    assert.equal(model.source('root', poller.sourceKey!)!.state, 'live', 'a late snapshot does not mark the program paused');
  });

  it("'continued' events only resume after a real stop (js-debug sends them around evaluates and while stepping)", async () => {
    const { session, clock, poller } = setup();
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    poller.pauseRequested();
    poller.continuedEvent();
    await clock.advance(1000);
    assert.equal(session.count('drain'), 1, 'still halted after a stray continued event');
    await poller.stopped();
    poller.continuedEvent();
    assert.equal(poller.state, 'polling');
  });

  it('a second pause request while paused changes nothing', async () => {
    const { session, clock, poller } = setup();
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    await poller.stopped();
    poller.pauseRequested();
    await clock.advance(60_000);
    assert.equal(poller.state, 'paused', 'the pause grace does not apply to a real stop');
  });

  it('a pause request that never stops resumes polling after a grace period', async () => {
    const { session, clock, poller } = setup({ pauseGraceMs: 5000 });
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    poller.pauseRequested();
    await clock.advance(4999);
    assert.equal(session.count('drain'), 1);
    await clock.advance(1);
    assert.equal(session.count('drain'), 2);
  });

  it('a session that ends while a pause races a poll in flight leaves no timer behind', async () => {
    const { session, clock, poller } = setup();
    session.pause = async () => undefined;
    const slow = deferred<string>();
    session.script('attach', transcript.attach);
    session.script('drain', () => slow.promise);
    poller.start();
    await clock.advance(0);
    await clock.advance(100); // a drain in flight
    poller.pauseRequested();
    const finished = poller.finish();
    slow.resolve(drain(1));
    await settle();
    await clock.advance(0);
    await finished;
    // Before: the poll's settling armed the 300 ms re-pause after the end had cleared the timers.
    assert.deepEqual(clock.pending, []);
  });

  it('a stop before the hub was found attaches while paused and still takes the snapshot', async () => {
    const { session, clock, poller, queues } = setup();
    session.script('attach', 'null', transcript.attach).script('snapshot', transcript.pausedSnapshot);
    poller.start();
    await clock.advance(0);
    await poller.stopped();
    assert.deepEqual(session.sent.map((s) => s.kind), ['attach', 'attach', 'drain', 'snapshot']);
    assert.ok(queues().some((q) => q.items?.length === 2));
  });

  it('failed evaluates back off and are logged once per kind of failure, not once per poll', async () => {
    const { session, clock, log, poller } = setup({ errorBackoffMs: 2000 });
    session.script('attach', transcript.attach);
    for (let i = 0; i < 12; i++) session.script('drain', new Error('Cannot evaluate: the target is busy'));
    poller.start();
    await clock.advance(0);
    assert.equal(session.count('drain'), 1);
    await clock.advance(1999);
    assert.equal(session.count('drain'), 1, 'back-off after a failure');
    await clock.advance(1);
    assert.equal(session.count('drain'), 2);
    await clock.advance(2000 * 10);
    assert.equal(session.count('drain'), 12);
    assert.deepEqual(log.warnings, ['child: drain failed: Cannot evaluate: the target is busy', 'child: drain failed: Cannot evaluate: the target is busy (10 times)']);
  });

  it('stop() ends the source, keeps the data and sends nothing more', async () => {
    const { session, clock, model, poller, queues } = setup();
    session.script('attach', transcript.attach).script('drain', transcript.drains[0]);
    poller.start();
    await clock.advance(0);
    poller.stop();
    const sent = session.sent.length;
    await clock.advance(10_000);
    assert.equal(session.sent.length, sent);
    assert.equal(model.source('root', poller.sourceKey!)!.state, 'ended');
    assert.equal(queues().length, 2, 'the recording stays');
  });

  it('a step lets the program run: polling resumes after the grace unless it stops again', async () => {
    const { session, clock, model, poller } = setup();
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    await poller.stopped();
    const drains = session.count('drain');
    poller.stepRequested(500);
    assert.equal(model.source('root', poller.sourceKey!)!.state, 'live');
    await clock.advance(499);
    assert.equal(session.count('drain'), drains);
    await clock.advance(1);
    assert.equal(session.count('drain'), drains + 1);
  });

  describe('a pause lost in a poll in flight (measured with js-debug: V8 drops a pause that lands in a skipped script)', () => {
    function withPause(repauseMs = 300) {
      const env = setup({ repauseMs, pauseGraceMs: 5000 });
      let pauses = 0;
      env.session.pause = async () => {
        pauses++;
        env.poller.pauseRequested(); // the tracker sees our own pause request too
      };
      return { ...env, pauses: () => pauses };
    }

    it('is re-sent once, after the poll in flight ended and the debugger stayed silent', async () => {
      const { session, clock, log, poller, pauses } = withPause();
      const slow = deferred<string>();
      session.script('attach', transcript.attach).script('drain', drain(1), () => slow.promise);
      poller.start();
      await clock.advance(100); // the second drain is now in flight
      poller.pauseRequested();
      await clock.advance(1000);
      assert.equal(pauses(), 0, 'nothing is re-sent while the poll is in flight');
      slow.resolve(drain(3));
      await clock.advance(299);
      assert.equal(pauses(), 0);
      await clock.advance(1);
      assert.equal(pauses(), 1);
      await clock.advance(4000);
      assert.equal(pauses(), 1, 'only once');
      assert.equal(poller.repauses, 1);
      assert.match(log.infos.join('\n'), /lost in a poll in flight/);
      await poller.stopped();
      assert.equal(poller.state, 'paused');
    });

    it('is not re-sent when the stop arrives, nor while js-debug is stepping out of skipped code', async () => {
      const { session, clock, poller, pauses } = withPause();
      session.script('attach', transcript.attach);
      poller.start();
      await clock.advance(0);
      poller.pauseRequested();
      await poller.stopped();
      await clock.advance(10_000);
      assert.equal(pauses(), 0, 'a normal stop');
      poller.continued();
      await clock.advance(0);
      poller.pauseRequested();
      poller.continuedEvent(); // js-debug stepping: the debugger is alive, the stop will come
      await clock.advance(1000);
      assert.equal(pauses(), 0);
      // Stepping that goes on for seconds keeps polling off (each 'continued' re-arms the grace).
      const drains = session.count('drain');
      for (let i = 0; i < 10; i++) {
        await clock.advance(1000);
        poller.continuedEvent();
      }
      assert.equal(session.count('drain'), drains);
      await clock.advance(5000);
      assert.equal(session.count('drain'), drains + 1, 'the grace still ends a pause that never stops');
    });
  });
});

/** A DrainFetcher double: answers from a script, like ScriptedSession does for evaluate. */
class ScriptedFetcher {
  started = 0;
  stops = 0;
  failure: string | undefined;
  readonly answers: (string | Error)[] = [];
  constructor(private readonly canStart = true) {}
  async start(): Promise<boolean> {
    this.started++;
    if (!this.canStart) this.failure = 'no CDP connection';
    return this.canStart;
  }
  async drain(): Promise<string> {
    const a = this.answers.shift();
    if (a instanceof Error) throw a;
    if (a === undefined) throw new Error('fetcher script ran out');
    return a;
  }
  async stop(): Promise<void> {
    this.stops++;
  }
}

describe('SessionPoller with a drain fetcher (the formatter read)', () => {
  it('reads drains through the fetcher once attached; a stop still drains and snapshots by evaluate', async () => {
    const fetcher = new ScriptedFetcher();
    const { session, clock, poller, queues } = setup({ fetch: fetcher });
    session.script('attach', transcript.attach);
    fetcher.answers.push(drain(1, [queueEvent(7, 'extra')]), drain(2));
    poller.start();
    await clock.advance(0);
    assert.equal(poller.mode, 'formatter');
    await clock.advance(100);
    assert.equal(session.count('drain'), 0, 'no drain evaluated');
    assert.equal(poller.fetches, 2);
    assert.ok(queues().some((q) => q.name === 'extra'));
    // A stop: its drain and snapshot go by evaluate (the fetcher is not asked while halted).
    session.script('drain', drain(3));
    await poller.stopped();
    assert.equal(poller.state, 'paused');
    assert.ok(session.count('drain') >= 1);
    assert.equal(session.count('snapshot'), 1);
    assert.equal(poller.fetches, 2);
    poller.stop();
    assert.equal(fetcher.stops, 1, 'the fetcher is let go with the poller');
  });

  it('a failing fetch falls back to evaluate in the same poll, for good, and says so once', async () => {
    const fetcher = new ScriptedFetcher();
    const { session, clock, log, poller } = setup({ fetch: fetcher });
    session.script('attach', transcript.attach).script('drain', drain(2), drain(3));
    fetcher.answers.push(drain(1), new Error('the CDP connection closed'));
    poller.start();
    await clock.advance(0);
    await clock.advance(100);
    assert.equal(poller.mode, 'evaluate');
    assert.equal(session.count('drain'), 1, 'the failed poll was evaluated at once');
    assert.equal(fetcher.stops, 1);
    await clock.advance(100);
    assert.equal(session.count('drain'), 2);
    assert.equal(poller.fetches, 2, 'never asked again');
    assert.equal(log.warnings.filter((w) => /formatter channel lost \(the CDP connection closed\)/.test(w)).length, 1, log.warnings.join('\n'));
  });

  it('a fetcher that cannot start leaves evaluate polling, and push, when on, goes first', async () => {
    const fetcher = new ScriptedFetcher(false);
    const { session, clock, log, poller } = setup({ fetch: fetcher });
    session.script('attach', transcript.attach);
    poller.start();
    await clock.advance(0);
    await clock.advance(100);
    assert.equal(poller.mode, 'evaluate');
    assert.ok(session.count('drain') >= 1);
    assert.ok(log.infos.some((m) => /formatter channel unavailable: no CDP connection/.test(m)), log.infos.join('\n'));

    const second = new ScriptedFetcher();
    const push = { start: async () => true, setHalted: () => undefined, flush: async () => undefined, stop: async () => undefined };
    const s2 = setup({ fetch: second, push });
    s2.session.script('attach', transcript.attach);
    s2.poller.start();
    await s2.clock.advance(0);
    assert.equal(s2.poller.mode, 'push');
    assert.equal(second.started, 0, 'the fetcher is not started while push delivers');
  });

  it('an exit tail left as the hub armed it (empty) ends the main thread as abrupt, unless the user stopped it; no file, a worker: nothing said', async () => {
    const end = async (tail: string | undefined, opts: { stop?: boolean; threadId?: number } = {}) => {
      let removed = 0;
      const s = setup({ exitTail: { path: '/tails/child.ndjson', read: () => tail, remove: () => void removed++ } });
      const attach = JSON.parse(transcript.attach) as { threadId: number };
      attach.threadId = opts.threadId ?? 0;
      s.session.script('attach', JSON.stringify(attach));
      s.poller.start();
      await s.clock.advance(0);
      assert.ok(s.poller.sourceKey, 'attached');
      if (opts.stop) s.poller.stopRequested();
      await s.poller.finish();
      const src = s.model.source('root', s.poller.sourceKey!);
      return { end: src?.end, state: src?.state, removed, infos: s.log.infos };
    };
    const killed = await end('');
    assert.deepEqual(killed.end, { reason: 'abrupt' });
    assert.equal(killed.state, 'ended');
    assert.equal(killed.removed, 1);
    assert.ok(killed.infos.some((m) => /ended without running its exit hooks/.test(m)), killed.infos.join('\n'));
    assert.deepEqual((await end('', { stop: true })).end, { reason: 'ended', requested: true }, 'Stop in the debugger may kill it as hard: no news, but asked for');
    assert.equal((await end('', { threadId: 3 })).end, undefined, 'a worker may be terminate()d while its process lives on');
    assert.equal((await end(undefined)).end, undefined, 'no file: the debuggee could not write here (remote), nothing is known');
    assert.deepEqual((await end(undefined, { stop: true })).end, { reason: 'ended', requested: true }, 'no file, but the user stopped it');
    // A tail that says how it ended keeps its reason, marked as asked for.
    const tail = `{"type":"tailEnd","reason":"SIGTERM"}\n`;
    assert.deepEqual((await end(tail, { stop: true })).end, { reason: 'SIGTERM', requested: true });
    assert.deepEqual((await end(tail)).end, { reason: 'SIGTERM' });
  });
});

// A process that runs on across a reload of the program it supervises (`tsx watch`, npm
// running `node --watch`) belongs to the launch's new run (src/extension/sessions/watcher.ts).
describe('SessionPoller.moveTo (a supervisor across a reload)', () => {
  const attach = JSON.parse(transcript.attach) as { origin: number; armedAt: number; nextSeq: number };

  it('ends its source in the run before and feeds the new run from a new attach, which does not move the run\'s start back to the arming', async () => {
    const session = new ScriptedSession();
    const clock = new ManualClock();
    const log = new MemoryLog();
    // The model's clock: long after the hub armed (a reload minutes into the session).
    let now = attach.origin + attach.armedAt + 60_000;
    const model = new QueueModel({ log, now: () => now });
    const poller = new SessionPoller(session, model, 'root', 'child', log, { intervalMs: () => 100, clock, sessionName: 'tsx watch' });
    // The hub's second attach: after the first drain (seq 1), the next is seq 2.
    const again = JSON.stringify({ ...JSON.parse(transcript.attach), nextSeq: 2 });
    session.script('attach', transcript.attach, again).script('drain', transcript.drains[0]);
    poller.start();
    await clock.advance(0);
    assert.deepEqual(model.queuesOf('root').map((q) => q.name), ['jobs', 'results']);
    const key = poller.sourceKey!;

    now += 5_000;
    await poller.moveTo('root~1');
    assert.equal(poller.modelSession, 'root~1');
    assert.equal(model.source('root', key)?.state, 'ended', 'its source ends in the run before');
    assert.equal(model.source('root', key)?.end, undefined, 'with no end reason: the process did not end');
    assert.equal(model.source('root~1', key)?.state, 'live');
    assert.equal(model.session('root~1')?.name, 'tsx watch');
    assert.equal(model.session('root~1')?.started, now, "the new run starts at the reload, not at the process's arming");
    assert.deepEqual(model.queuesOf('root~1').map((q) => q.name), ['jobs'], 'its queues, as the new attach says they are');
    assert.equal(session.count('attach'), 2);

    // Drains go on into the new run.
    session.script('drain', transcript.drains[1]);
    await clock.advance(100);
    assert.equal(model.source('root~1', key)?.nextSeq, 3);
    assert.equal(model.session('root')?.state, 'live', 'the watcher ends the run before, not the poller');
    assert.deepEqual(log.warnings, []);
    poller.stop();
  });

  it('before a hub answered: only the run it will open changes', async () => {
    const session = new ScriptedSession();
    const clock = new ManualClock();
    const log = new MemoryLog();
    const model = new QueueModel({ log });
    const poller = new SessionPoller(session, model, 'root', 'child', log, { intervalMs: () => 100, clock, noHubBackoffMs: 1000 });
    poller.start();
    await clock.advance(0);
    await poller.moveTo('root~1');
    session.script('attach', transcript.attach);
    await clock.advance(1000);
    assert.equal(model.session('root'), undefined);
    assert.deepEqual(model.queuesOf('root~1').map((q) => q.name), ['jobs']);
    poller.stop();
  });
});
