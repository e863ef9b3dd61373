// Real child processes running fixture programs against the built library
// (dist/lib/index.js), traced with QUEUESCOPE_TRACE=1 and drained from the test.

import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { DrainBatch, SampleRow, WireEvent } from '../../../src/protocol/wire';
import * as fs from 'node:fs';
import { LIB, ROOT, ensureLibraryBuilt, finished, fixture, markerLines, run, start, tempFile } from './helpers';

type Msg = { type: string; id?: number; batch?: string | null; [k: string]: unknown };

/** Talks to the drain hook preloaded in the child. One request in flight at a time. */
class Drainer {
  private nextId = 1;
  private waiting = new Map<number, (m: Msg) => void>();
  readonly batches: DrainBatch[] = [];
  done: Promise<Msg>;

  constructor(private readonly child: ChildProcess) {
    let resolveDone: (m: Msg) => void = () => undefined;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    child.on('message', (m: Msg) => {
      if (m.type === 'done') resolveDone(m);
      else if (m.id !== undefined) this.waiting.get(m.id)?.(m);
    });
  }

  async drain(maxBytes: number): Promise<DrainBatch> {
    const id = this.nextId++;
    const reply = await new Promise<Msg>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ type: 'drain', id, maxBytes });
    });
    this.waiting.delete(id);
    const batch = JSON.parse(reply.batch as string) as DrainBatch;
    this.batches.push(batch);
    return batch;
  }

  /** Drain until the hub says nothing more is pending. */
  async drainAll(maxBytes: number): Promise<void> {
    while ((await this.drain(maxBytes)).more);
  }

  get events(): WireEvent[] {
    return this.batches.flatMap((b) => b.events);
  }
}

describe('trace: a real traced program', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  it('drains reconstruct the true depth history and every blocked call with outcome and site', async () => {
    const program = fixture('prodcons.js');
    const child = start(['--require', fixture('drain-hook.js'), program], { QUEUESCOPE_TRACE: '1', QUEUESCOPE_SHORT_WAIT_MS: '0' }, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const exit = finished(child);
    const d = new Drainer(child);
    // Poll like the extension does: one request in flight, every 100 ms.
    let running = true;
    const truth = d.done.then((m) => ((running = false), m));
    while (running) {
      await d.drain(64 * 1024);
      await Promise.race([truth, new Promise((r) => setTimeout(r, 100))]);
    }
    const done = (await truth) as unknown as { history: [number, number][]; waits: { queue: string; role: string; site: string; outcome: string }[]; finalDepth: number };
    await d.drainAll(64 * 1024);
    child.send({ type: 'bye' });
    const result = await exit;
    assert.equal(result.code, 0, result.stderr);

    // Batches are consecutive.
    d.batches.forEach((b, i) => assert.equal(b.seq, d.batches[0].seq + i));
    assert.ok(d.batches.length >= 3, 'polled several times while it ran');
    const events = d.events;
    const lines = markerLines(program);
    const ids = new Map<string, number>();
    for (const e of events) if (e.type === 'queue') ids.set(e.name, e.q);
    const workId = ids.get('work');
    assert.ok(workId !== undefined);
    const created = events.find((e) => e.type === 'queue' && e.q === workId);
    assert.ok(created?.type === 'queue' && created.site !== undefined);
    assert.equal(created.site.line, lines.get('create'));
    assert.ok(created.site.file.endsWith('prodcons.js'));

    // Depth: every sample row agrees with the program's own record of its interval.
    const rows: { t: number; row: SampleRow }[] = [];
    for (const e of events) if (e.type === 'samples') for (const row of e.rows) if (row[0] === workId) rows.push({ t: e.t, row });
    assert.ok(rows.length > 5);
    let prevT = created.t;
    let prevDepth = created.size;
    let k = 0;
    const hist = done.history;
    for (const { t, row } of rows) {
      const inside: number[] = [];
      while (k < hist.length && hist[k][0] < t) inside.push(hist[k++][1]);
      const [, depth, min, max] = row;
      const expectedDepth = inside.length > 0 ? inside[inside.length - 1] : prevDepth;
      assert.equal(depth, expectedDepth, `depth at ${t} (interval from ${prevT})`);
      assert.equal(max, Math.max(prevDepth, ...inside), `max at ${t}`);
      const low = Math.min(prevDepth, ...inside);
      // A get that moves a blocked producer's item in dips by one inside the call.
      assert.ok(min === low || min === low - 1, `min ${min} vs ${low} at ${t}`);
      prevT = t;
      prevDepth = depth;
    }
    assert.equal(k, hist.length, 'every depth change fell inside a sampled interval');
    assert.equal(prevDepth, done.finalDepth);
    assert.equal(rows.reduce((s, r) => s + r.row[4], 0), 90, 'puts');
    assert.equal(rows.reduce((s, r) => s + r.row[5], 0), 90, 'gets');

    // Waits: the same multiset of (queue, role, line, outcome) as the program saw.
    const byId = new Map<number, string>([...ids].map(([name, id]) => [id, name]));
    const starts = new Map<number, { q: number; role: string; line: number | undefined; file: string | undefined }>();
    const seen: string[] = [];
    for (const e of events) {
      if (e.type === 'wait') starts.set(e.w, { q: e.q, role: e.role, line: e.site?.line, file: e.site?.file });
      if (e.type === 'waitEnd') {
        const s = starts.get(e.w);
        assert.ok(s !== undefined, `waitEnd ${e.w} after its wait`);
        assert.ok(s.file?.endsWith('prodcons.js'), `site in the program: ${s.file}`);
        seen.push(`${byId.get(s.q)}/${s.role}/${s.line}/${e.outcome}`);
      }
    }
    const expected = done.waits.map((w) => `${w.queue}/${w.role}/${lines.get(w.site)}/${w.outcome}`);
    assert.ok(expected.filter((w) => w.startsWith('work/put')).length > 0 && expected.filter((w) => w.startsWith('work/get')).length > 0);
    assert.deepEqual(seen.sort(), expected.sort());

    // Absolute counters agree with the truth.
    const counters = events.filter((e) => e.type === 'counters' && e.q === workId);
    const last = counters[counters.length - 1];
    assert.ok(last?.type === 'counters');
    assert.equal(last.c.puts, 90);
    assert.equal(last.c.gets, 90);
    assert.equal(last.c.blockedPuts, done.waits.filter((w) => w.queue === 'work' && w.role === 'put').length);
    assert.equal(last.c.waitedGets, done.waits.filter((w) => w.queue === 'work' && w.role === 'get').length);
    const side = events.filter((e) => e.type === 'counters' && e.q === ids.get('side')).pop();
    assert.ok(side?.type === 'counters');
    assert.equal(side.c.timeouts, 1);
    assert.equal(side.c.aborts, 1);
  });

  it('undrained for a long time: bounded, drops counted, output and exit code unchanged', async () => {
    const program = fixture('undrained.js');
    const plain = await run([program], { QS_DURATION: '300' });
    assert.equal(plain.code, 3);
    assert.match(plain.stdout, /^processed \d+ items\n$/);

    const caps = { QUEUESCOPE_TRACE: '1', QUEUESCOPE_SAMPLE_MS: '1', QUEUESCOPE_MAX_PENDING_ROWS: '3', QUEUESCOPE_MAX_PENDING_WAITS: '5' };
    const results: { rows: number; dropped: number }[] = [];
    for (const duration of ['300', '900']) {
      const diag = `${require('node:os').tmpdir()}/qs-undrained-${process.pid}-${duration}.json`;
      const traced = await run([program], { ...caps, QS_DURATION: duration, QS_DIAG: diag });
      assert.equal(traced.code, 3, traced.stderr);
      assert.equal(traced.stderr, '');
      assert.match(traced.stdout, /^processed \d+ items\n$/);
      const out = JSON.parse(require('node:fs').readFileSync(diag, 'utf8')) as { batch: DrainBatch; puts: number; size: number; longWaits: number };
      require('node:fs').rmSync(diag);
      const ev = out.batch.events;
      const rows = ev.flatMap((e) => (e.type === 'samples' ? e.rows : []));
      // The outbox holds at most the cap, plus the one coalesced row the drain itself takes.
      assert.ok(rows.length <= 4, `${rows.length} rows`);
      // Coalescing loses resolution, never counts or the current depth.
      assert.equal(rows.reduce((s, r) => s + r[4], 0), out.puts);
      assert.equal(rows[rows.length - 1][1], out.size);
      // Long waits: 5 kept as wait/waitEnd pairs, the other 7 dropped and counted.
      assert.equal(ev.filter((e) => e.type === 'wait').length, 5);
      assert.equal(ev.filter((e) => e.type === 'waitEnd').length, 5);
      const counters = ev.filter((e) => e.type === 'counters').pop();
      assert.ok(counters?.type === 'counters');
      assert.equal(counters.c.waitedGets, out.longWaits);
      assert.equal(counters.c.dropped, out.batch.dropped, 'one queue: its drops are all the drops');
      assert.ok(out.batch.dropped > out.longWaits - 5, 'coalesced sample rows are counted too');
      const droppedEvent = ev.find((e) => e.type === 'dropped');
      assert.ok(droppedEvent?.type === 'dropped' && droppedEvent.total === out.batch.dropped);
      results.push({ rows: rows.length, dropped: out.batch.dropped });
    }
    // Three times longer: no more rows kept, more dropped.
    assert.ok(results[1].rows <= 4 && results[1].dropped > results[0].dropped);
  });

  it('a dropped queue leaves the picture after GC', async () => {
    const result = await run(['--expose-gc', fixture('gc.js')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { tempId: number; keepId: number; events: WireEvent[]; names: string[] };
    assert.ok(out.events.some((e) => e.type === 'queue' && e.q === out.tempId));
    assert.ok(out.events.some((e) => e.type === 'gc' && e.q === out.tempId), 'gc event for the dropped queue');
    assert.ok(!out.events.some((e) => e.type === 'gc' && e.q === out.keepId));
    assert.deepEqual(out.names, ['keep']);
  });

  it("a queue that changed and was collected before the next drain: its 'gc' carries its final figures", async () => {
    const result = await run(['--expose-gc', fixture('gc-final.js')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { tempId: number; events: WireEvent[] };
    const gc = out.events.find((e) => e.type === 'gc');
    // Before: the record went silent, and the reader kept depth 1, 1 put and 1 task open.
    assert.ok(gc?.type === 'gc', JSON.stringify(out.events));
    assert.deepEqual(gc.final, { size: 0, puts: 2, gets: 2, unfinished: 1, blocked: 0, waiting: 0 });
  });

  for (const mapped of [true, false]) {
    it(`finds user call sites in an app that bundled the library (${mapped ? 'through its source map' : 'bundle positions'})`, async () => {
      const source = fixture('bundled-app.js');
      const bundle = tempFile('bundled-app.js');
      const esbuild = (await import('esbuild')) as typeof import('esbuild');
      await esbuild.build({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', sourcemap: true, outfile: bundle, absWorkingDir: ROOT, logLevel: 'warning' });
      const result = await run(mapped ? ['--enable-source-maps', bundle] : [bundle], { QUEUESCOPE_TRACE: '1' });
      assert.equal(result.code, 0, result.stderr);
      const queues = JSON.parse(result.stdout) as { name: string; site?: { file: string; line: number; fn: string }; waiters: { file: string; line: number; fn: string }[] }[];
      // Without source maps the sites are lines of the bundle: find them by their text.
      const bundleLines = require('node:fs').readFileSync(bundle, 'utf8').split('\n') as string[];
      const bundleLine = (text: string) => bundleLines.findIndex((l) => l.includes(text)) + 1;
      const lines = mapped ? markerLines(source) : new Map([['create', bundleLine('name: "jobs"')], ['put', bundleLine('jobs.put(2)')], ['iterate', bundleLine('of feed')]]);
      const where = (s: { file: string; line: number } | undefined) => s !== undefined && `${s.file.replace(/^.*[\\/]/, '')}:${s.line}`;
      const jobs = queues.find((q) => q.name === 'jobs');
      const feed = queues.find((q) => q.name === 'feed');
      assert.equal(where(jobs?.site), `bundled-app.js:${lines.get('create')}`);
      assert.deepEqual(jobs?.waiters.map(where), [`bundled-app.js:${lines.get('put')}`]);
      assert.deepEqual(feed?.waiters.map(where), [`bundled-app.js:${lines.get('iterate')}`]);
      // Function names: the source's, and none for top-level code (not the symbol a source
      // map has where the enclosing code starts: Node's guess).
      const fns = (s: { fn?: string }[]) => s.map((x) => x.fn);
      assert.deepEqual(fns([jobs?.site ?? {}, ...(jobs?.waiters ?? []), ...(feed?.waiters ?? [])]), ['', 'produce', 'consume']);
    });
  }

  it('a minified app under --enable-source-maps: its functions by their source names, top-level code by none', async () => {
    const source = tempFile('minified-src.js');
    fs.writeFileSync(
      source,
      `const { Queue } = require(${JSON.stringify(LIB)});
const jobs = new Queue({ maxsize: 1, name: 'jobs' }); // @site:create
async function produceJobs() {
  jobs.putNowait(1);
  await jobs.put(2); // @site:put (before any await: Node maps an async frame's name only there)
}
produceJobs();
setTimeout(() => {
  const snap = globalThis[Symbol.for('queuescope.hub')].snapshot();
  const q = snap.queues.find((x) => x.name === 'jobs');
  console.log(JSON.stringify({ site: q.site, waiters: q.waiters.map((w) => w.site) }));
  jobs.getNowait();
}, 10);
`,
    );
    const bundle = tempFile('minified-app.js');
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    await esbuild.build({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', sourcemap: true, minify: true, external: [LIB], outfile: bundle, logLevel: 'warning' });
    const r = await run(['--enable-source-maps', bundle], { QUEUESCOPE_TRACE: '1' });
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim()) as { site: { line: number; fn: string }; waiters: { line: number; fn: string }[] };
    const at = markerLines(source);
    assert.deepEqual([got.site.line, got.site.fn], [at.get('create'), '']);
    assert.deepEqual(got.waiters.map((w) => [w.line, w.fn]), [[at.get('put'), 'produceJobs']], 'the source name, not the minified one');
  });

  // The hub reads V8's frames directly (formatting only those it looks at) unless someone
  // else formats stacks: a user's Error.prepareStackTrace (e.g. source-map-support) or Node's
  // source maps. Every way must give the same lines, and leave the program's stacks alone.
  describe('call sites whoever formats the stack', () => {
    const program = `const { Queue } = require(${JSON.stringify(LIB)});
// Like source-map-support: the program formats stacks itself (the standard way here, counted).
let formatted = 0;
if (process.env.USER_PREPARE) Error.prepareStackTrace = function mine(e, sites) { formatted++; return String(e) + sites.map((s) => '\\n    at ' + s).join(''); };
const before = Error.prepareStackTrace;
const q = new Queue({ name: 'jobs' }); // @site:create
function consumer() {
  return q.get(); // @site:blocked
}
consumer();
const hub = globalThis[Symbol.for('queuescope.hub')];
const batch = JSON.parse(hub.drain(65536));
const created = batch.events.find((e) => e.type === 'queue');
const wait = batch.events.find((e) => e.type === 'wait');
const used = formatted;
const after = String(new Error('x').stack).split('\\n')[0];
console.log(JSON.stringify({ created: created.site, wait: wait.site, same: Error.prepareStackTrace === before, used, after }));
process.exit(0);
`;
    const file = tempFile('sites.js');
    fs.writeFileSync(file, program);
    const lines = markerLines(file);
    const cases: [string, string[], Record<string, string>, boolean][] = [
      ['plain node (V8 frames read directly)', [], {}, false],
      ["a user's Error.prepareStackTrace (used for the hub's captures too)", [], { USER_PREPARE: '1' }, true],
      ['node --enable-source-maps', ['--enable-source-maps'], {}, false],
    ];
    it('tsx (TypeScript through Node source maps): the running function names, not the first import\'s', async () => {
      // Node names a source-mapped frame after the symbol its map has where the enclosing
      // function starts: for top-level code of a tsx program, its first default import.
      const ts = tempFile('sites.ts');
      fs.writeFileSync(
        ts,
        `import path from 'node:path';
import { Queue } from ${JSON.stringify(LIB)};
const q = new Queue<number>({ name: path.basename('/jobs') }); // @site:create
class Stage {
  pull(): Promise<number> {
    return q.get(); // @site:blocked
  }
}
void new Stage().pull();
const hub = (globalThis as any)[Symbol.for('queuescope.hub')];
const batch = JSON.parse(hub.drain(65536));
const pick = (type: string) => batch.events.find((e: { type: string }) => e.type === type).site;
console.log(JSON.stringify({ created: pick('queue'), wait: pick('wait') }));
process.exit(0);
`,
      );
      const at = markerLines(ts);
      const r = await run(['--require', require.resolve('tsx/cjs'), ts], { QUEUESCOPE_TRACE: '1' });
      assert.equal(r.code, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim()) as { created: { line: number; fn: string }; wait: { line: number; fn: string } };
      assert.deepEqual([got.created.line, got.created.fn], [at.get('create'), '']);
      assert.deepEqual([got.wait.line, got.wait.fn], [at.get('blocked'), 'Stage.pull']);
    });
    for (const [label, flags, env, theirs] of cases) {
      it(label, async () => {
        const r = await run([...flags, file], { QUEUESCOPE_TRACE: '1', ...env });
        assert.equal(r.code, 0, r.stderr);
        const got = JSON.parse(r.stdout.trim()) as { created: { file: string; line: number; fn: string }; wait: { file: string; line: number; fn: string }; same: boolean; used: number; after: string };
        assert.deepEqual([got.created.file, got.created.line], [file, lines.get('create')]);
        assert.deepEqual([got.wait.file, got.wait.line, got.wait.fn], [file, lines.get('blocked'), 'consumer']);
        assert.equal(got.same, true, "the program's Error.prepareStackTrace is its own again");
        assert.equal(got.used > 0, theirs, `the program's formatter ran ${got.used} time(s) for the hub's captures`);
        assert.equal(got.after, 'Error: x', "the program's own stacks are formatted as before");
      });
    }
  });
});
