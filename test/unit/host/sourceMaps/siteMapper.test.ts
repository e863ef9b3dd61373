// Call sites of TypeScript programs open the .ts line: real programs compiled by the real
// tsc (node_modules/typescript) and run by plain node under the file recorder, or run by the
// real tsx; the recording is read back into a QueueModel that maps sites with SiteMapper,
// as the extension does, and the blocked `await jobs.put(` must land on its .ts line.

import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SiteMapper } from '../../../../src/host/sourceMaps/siteMapper';
import { QueueModel, type ModelQueue } from '../../../../src/model';
import type { CallSite } from '../../../../src/protocol/wire';
import { cursorState } from '../../../../src/recording/cursor';
import { ModelFeed } from '../../../../src/recording/modelFeed';
import { readRecordingLines } from '../../../../src/recording/reader';
import { WaitIndex } from '../../../../src/recording/waitIndex';
import { ensureLibraryBuilt, markerLines, readNdjson, REGISTER, ROOT, run, tempFile } from '../../trace/helpers';

const FIXTURES = path.join(ROOT, 'test/fixtures/sourcemaps');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const LIB_URL = pathToFileURL(path.join(ROOT, 'dist/lib/index.mjs')).href;
const MARKS = markerLines(path.join(FIXTURES, 'app.ts'));
const MARKS_ESM = markerLines(path.join(FIXTURES, 'app.mts'));

/** A temp project: src/app.ts and src/app.mts, compiled by the real tsc into dist/. */
async function compiled(options: Record<string, unknown>): Promise<string> {
  const dir = path.dirname(tempFile('x'));
  fs.mkdirSync(path.join(dir, 'src'));
  for (const f of ['app.ts', 'app.mts']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, 'src', f));
  const compilerOptions = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', outDir: 'dist', rootDir: 'src', strict: true, types: [], lib: ['es2022'], ...options };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
  await tsc(dir);
  return dir;
}

async function tsc(dir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [TSC, '-p', dir], { cwd: dir });
}

interface Recorded {
  /** The sites as the hub recorded them (raw). */
  raw: CallSite[];
  jobs: ModelQueue;
  model: QueueModel;
  /** The recording's wait index (raw sites), as the recording editor builds it. */
  waits: WaitIndex;
  session: string;
  log: string[];
}

/** Runs `args` under the file recorder and reads the recording into a mapping model. */
async function recorded(args: string[], mapper?: SiteMapper): Promise<Recorded> {
  const file = tempFile('run.qscope');
  const r = await run(['--require', REGISTER, ...args], { QUEUESCOPE_TRACE_FILE: file, QUEUESCOPE_LIB_URL: LIB_URL });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /consumed 4/);
  const raw = readNdjson(file).flatMap((l) => (l.site !== undefined ? [l.site as CallSite] : []));
  const log: string[] = [];
  const sites = mapper ?? new SiteMapper({ log: (m) => log.push(m) });
  const model = new QueueModel({ mapSite: (s) => sites.map(s) });
  const feed = new ModelFeed(model, 'rec', 'run');
  const waits = new WaitIndex();
  const { lines } = await readRecordingLines(file);
  waits.push(lines);
  feed.push(lines);
  feed.finish();
  const jobs = model.queuesOf('rec').find((q) => q.name === 'jobs');
  assert.ok(jobs !== undefined, 'the queue is recorded');
  return { raw, jobs, model, waits, session: 'rec', log };
}

/** `file:line` of the model's creation site and of every ended blocked put of `jobs`. */
function shown(r: Recorded): { created: string; puts: string[] } {
  const at = (s: CallSite | undefined) => (s === undefined ? 'none' : `${s.file}:${s.line}`);
  const puts = r.jobs.recentWaits.filter((w) => w.role === 'put').map((w) => at(w.site));
  assert.ok(puts.length >= 2, `blocked puts recorded: ${puts.length}`);
  return { created: at(r.jobs.site), puts: [...new Set(puts)] };
}

/** Line and column (1-based) of the first `text` in a file. */
function position(file: string, text: string): { line: number; column: number } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  return { line: line + 1, column: lines[line].indexOf(text) + 1 };
}

describe('host: call sites through source maps (real tsc, real tsx)', function () {
  this.timeout(60000);
  before(ensureLibraryBuilt);

  describe('tsc with sourceMap: true, run by plain node', () => {
    let dir: string;
    before(async () => {
      dir = await compiled({ sourceMap: true });
    });

    it('CommonJS: the hub records the .js line; the model shows the .ts line of `await jobs.put(`', async () => {
      const r = await recorded([path.join(dir, 'dist/app.js')]);
      const js = path.join(dir, 'dist/app.js');
      const jsPut = position(js, 'jobs.put(');
      assert.ok(r.raw.some((s) => s.file === js && s.line === jsPut.line), `raw sites are .js positions: ${JSON.stringify(r.raw)}`);
      assert.notEqual(jsPut.line, MARKS.get('put'), 'the fixture moves lines: an unmapped site would be wrong');
      const ts = path.join(dir, 'src/app.ts');
      assert.deepEqual(shown(r), { created: `${ts}:${MARKS.get('create')}`, puts: [`${ts}:${MARKS.get('put')}`] });
      // The column is the call's (`put`), as V8 reports it for the .ts under tsx.
      const put = r.jobs.recentWaits.find((w) => w.role === 'put')?.site;
      assert.equal(put?.column, position(ts, 'jobs.put(').column + 'jobs.'.length);
      assert.equal(put?.fn, 'produce');
      // The panel may open the .ts (and the reported .js, as before).
      const files = r.model.session(r.session)?.siteFiles;
      assert.ok(files?.has(ts) && files.has(js), JSON.stringify([...(files ?? [])]));
      assert.deepEqual(r.log, []);
    });

    it('ES module: sites are file:// URLs of the .mjs; the model shows the .mts line', async () => {
      const r = await recorded([path.join(dir, 'dist/app.mjs')]);
      assert.ok(r.raw.every((s) => s.file.startsWith('file://') && s.file.endsWith('/dist/app.mjs')), JSON.stringify(r.raw));
      const mts = path.join(dir, 'src/app.mts');
      assert.deepEqual(shown(r), { created: `${mts}:${MARKS_ESM.get('create')}`, puts: [`${mts}:${MARKS_ESM.get('put')}`] });
    });

    it("the recording cursor shows the .ts line for its wait index's raw sites", async () => {
      const r = await recorded([path.join(dir, 'dist/app.js')]);
      const put = r.jobs.recentWaits.find((w) => w.role === 'put');
      assert.ok(put !== undefined);
      const state = cursorState(r.model, r.session, put.since + 1, r.waits);
      const rawPut = r.raw.find((s) => s.fn === 'produce') as CallSite;
      assert.deepEqual(
        state.waiters.map((w) => [w.role, w.site]),
        [['put', { file: path.join(dir, 'src/app.ts'), line: MARKS.get('put'), column: rawPut.column - 4, fn: 'produce' }]],
      );
    });

    it('a map rewritten by a new tsc run is read again (size/mtime), the old one is not kept', async () => {
      const mapper = new SiteMapper({ recheckMs: 0 });
      const js = path.join(dir, 'dist/app.js');
      const raw: CallSite = { file: js, ...position(js, 'put(job)'), fn: 'produce' };
      assert.equal(mapper.map(raw).line, MARKS.get('put'));
      // Two type-only lines on top: the JavaScript stays the same, its map does not.
      const src = path.join(dir, 'src/app.ts');
      fs.writeFileSync(src, `type Shift1 = number;\ntype Shift2 = string;\n${fs.readFileSync(src, 'utf8')}`);
      await tsc(dir);
      assert.deepEqual(position(js, 'put(job)'), { line: raw.line, column: raw.column });
      assert.equal(mapper.map(raw).line, (MARKS.get('put') as number) + 2);
    });
  });

  it('inline maps (data: URL) with a file:// sourceRoot', async () => {
    // sourceRoot names another folder holding the sources (a build that moved them).
    const elsewhere = path.join(path.dirname(tempFile('x')), 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.copyFileSync(path.join(FIXTURES, 'app.ts'), path.join(elsewhere, 'app.ts'));
    const dir = await compiled({ inlineSourceMap: true, sourceRoot: pathToFileURL(elsewhere).href });
    const js = fs.readFileSync(path.join(dir, 'dist/app.js'), 'utf8');
    const inline = JSON.parse(Buffer.from(/base64,(\S+)/.exec(js)?.[1] ?? '', 'base64').toString()) as { sourceRoot: string; sources: string[] };
    assert.deepEqual([inline.sourceRoot, inline.sources], [`${pathToFileURL(elsewhere).href}/`, ['app.ts']]);
    assert.ok(!fs.existsSync(path.join(dir, 'dist/app.js.map')));
    const r = await recorded([path.join(dir, 'dist/app.js')]);
    const ts = path.join(elsewhere, 'app.ts');
    assert.deepEqual(shown(r), { created: `${ts}:${MARKS.get('create')}`, puts: [`${ts}:${MARKS.get('put')}`] });
  });

  describe('maps written by other tools, and maps that cannot be used', () => {
    let dir: string;
    let js: string;
    let raw: CallSite;
    let map: { sources: string[]; sourceRoot?: string };
    before(async () => {
      dir = await compiled({ sourceMap: true });
      js = path.join(dir, 'dist/app.js');
      raw = { file: js, ...position(js, 'put(job)'), fn: 'produce' };
      map = JSON.parse(fs.readFileSync(`${js}.map`, 'utf8')) as typeof map;
    });
    const withMap = (edit: Record<string, unknown> | string): { mapper: SiteMapper; log: string[] } => {
      fs.writeFileSync(`${js}.map`, typeof edit === 'string' ? edit : JSON.stringify({ ...map, ...edit }));
      const log: string[] = [];
      return { mapper: new SiteMapper({ log: (m) => log.push(m) }), log };
    };
    const ts = () => path.join(dir, 'src/app.ts');

    it('absolute and file:// sources (webpack-like devtool output)', () => {
      for (const source of [ts(), pathToFileURL(ts()).href]) {
        const { mapper, log } = withMap({ sources: [source], sourceRoot: '' });
        assert.deepEqual(mapper.map(raw), { file: ts(), line: MARKS.get('put'), column: raw.column - 4, fn: 'produce' }, source);
        assert.deepEqual(log, []);
      }
    });

    it('webpack:// sources and sources not on disk: the .js line, one quiet log line', () => {
      // A source that is no local file is simply not mapped; one that is missing says so once.
      for (const [source, logged] of [['webpack://app/./src/app.ts', 0], ['../src/gone.ts', 1]] as const) {
        const { mapper, log } = withMap({ sources: [source] });
        assert.deepEqual(mapper.map(raw), raw);
        assert.deepEqual(mapper.map(raw), raw);
        assert.equal(log.length, logged, JSON.stringify(log));
      }
    });

    it('a corrupt map or a missing one: the .js line, logged once per file version', () => {
      for (const bad of ['{"version":3,"sources":["../src/app.ts"],"mappings":', '[1,2]', '{"version":2}', '{"version":3,"sources":[],"mappings":5}']) {
        const { mapper, log } = withMap(bad);
        assert.deepEqual(mapper.map(raw), raw);
        assert.deepEqual(mapper.map({ ...raw, line: 1 }), { ...raw, line: 1 });
        assert.equal(log.length, 1, JSON.stringify(log));
        assert.match(log[0], /app\.js/);
      }
      // The .js names app.js.map, which is gone: one log line; a .js with no map at all: none.
      fs.rmSync(`${js}.map`);
      const log: string[] = [];
      const mapper = new SiteMapper({ log: (m) => log.push(m) });
      assert.deepEqual(mapper.map(raw), raw);
      assert.deepEqual(mapper.map(raw), raw);
      assert.equal(log.length, 1);
      assert.match(log[0], /app\.js\.map/);
      fs.writeFileSync(js, fs.readFileSync(js, 'utf8').replace(/\/\/# sourceMappingURL=.*/, ''));
      log.length = 0;
      assert.deepEqual(new SiteMapper({ log: (m) => log.push(m) }).map(raw), raw);
      assert.deepEqual(log, []);
    });

    it('garbage mappings: the .js line, never a made-up position', () => {
      for (const mappings of ['!!!!;;;;;;;;', 'A;A;A;A;A;A;A;A;A;A', 'gggggg;;;;;;;;;;;;']) {
        const { mapper } = withMap({ mappings });
        const got = mapper.map(raw);
        assert.ok(got === raw || (got.file === ts() && got.line >= 1 && got.column >= 1), JSON.stringify(got));
      }
    });

    it('sites that are not generated files pass through untouched, quietly', () => {
      const log: string[] = [];
      const mapper = new SiteMapper({ log: (m) => log.push(m) });
      for (const s of [
        { file: ts(), line: 3, column: 1, fn: '' },
        { file: 'node:internal/streams/pipeline', line: 3, column: 1, fn: '' },
        { file: 'webpack://x/y.js', line: 3, column: 1, fn: '' },
        { file: path.join(dir, 'no-such.js'), line: 3, column: 1, fn: '' },
        { file: js, line: 0, column: 0, fn: '' },
      ]) assert.equal(mapper.map(s), s);
      assert.deepEqual(log, []);
    });

    it('a site naming a device or a FIFO (a crafted recording) is not read: it reports size 0 and never ends', () => {
      const fifo = path.join(dir, 'pipe.js');
      execFileSync('mkfifo', [fifo]);
      const log: string[] = [];
      const mapper = new SiteMapper({ log: (m) => log.push(m) });
      // Before: /dev/zero was read without end (7.8 GB in 30 s) and a FIFO blocked for good.
      for (const file of ['/dev/zero', fifo]) {
        const s = { file, line: 1, column: 1, fn: '' };
        assert.equal(mapper.map(s), s);
      }
    });
  });

  describe('tsx (source maps enabled by tsx itself)', () => {
    it('tsx enables process.setSourceMapsEnabled: the hub already records the .ts line, the mapper keeps it', async () => {
      const ts = path.join(FIXTURES, 'app.ts');
      const r = await recorded(['--import', 'tsx', ts], new SiteMapper());
      const rawPut = r.raw.filter((s) => s.fn === 'produce');
      assert.ok(rawPut.length > 0 && rawPut.every((s) => s.file === ts && s.line === MARKS.get('put')), JSON.stringify(r.raw));
      assert.deepEqual(shown(r), { created: `${ts}:${MARKS.get('create')}`, puts: [`${ts}:${MARKS.get('put')}`] });
    });

    it('an ES module under tsx', async () => {
      const mts = path.join(FIXTURES, 'app.mts');
      const r = await recorded(['--import', 'tsx', mts]);
      assert.deepEqual(shown(r), { created: `${mts}:${MARKS_ESM.get('create')}`, puts: [`${mts}:${MARKS_ESM.get('put')}`] });
    });

    it("an adapter's blocked producer (p-queue's onSizeLessThan) under tsx: the .mts line", async () => {
      const fixture = path.join(FIXTURES, 'pqueue.mts');
      const file = tempFile('pqueue.qscope');
      const r = await run(['--require', REGISTER, '--import', 'tsx', fixture], { QUEUESCOPE_TRACE_FILE: file });
      assert.equal(r.code, 0, r.stderr);
      const waits = readNdjson(file).filter((l) => l.type === 'wait');
      assert.ok(waits.length > 0, 'the blocked producer is timed');
      const at = waits.map((w) => { const s = w.site as CallSite; return `${s.file}:${s.line}`; });
      assert.deepEqual([...new Set(at)], [`${fixture}:${markerLines(fixture).get('room')}`]);
    });
  });
});
