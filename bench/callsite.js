// `node bench/callsite.js [--rounds N] [--captures N]`: what one call-site capture costs
// (src/trace/callsite.ts: Error.captureStackTrace, V8 formatting the stack, parsing it) when
// the program runs with source maps enabled, as under tsx or `node --enable-source-maps`
// (V8 then calls Node's source-map translation for every frame of every capture), against
// plain `node` running tsc's output (raw .js positions; the extension maps them afterwards,
// src/host/sourceMaps/). The capture code is the real module, bundled with a source map as
// dist/lib is; the user program is TypeScript compiled by the real tsc with `sourceMap:
// true`, calling into the "library" from `depth` nested user frames (a blocked put deep in a
// program's call chain fills the hub's 16-frame window).
//
// Each sample is a fresh process: the first 200 captures are the cold figure (the first
// blocked calls of a program), the next `--captures` the warm one. Rounds interleave the
// modes, so outside load hits all of them; the table gives medians. Figures: docs/PROTOCOL.md.
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { option, median } = require('./cli');
const rounds = option('--rounds', 5);
const captures = option('--captures', 20000);
const COLD = 200;
const work = path.join(root, '.tmp/bench/callsite');

// The "library": the hub's capture entry point below a library frame, as Queue.block ->
// QueueRecord.waitStart -> userSite is in the real hub.
const LIB_ENTRY = `import { userSite } from ${JSON.stringify(path.join(root, 'src/trace/callsite'))};
export function waitStart() { return userSite(waitStart); }
export function put() { return waitStart(); }
`;

// The user's program: type-only lines move the emitted lines, so a raw site is visibly off.
const PROGRAM = `declare const process: { argv: string[]; hrtime: { bigint(): bigint } };
declare function require(id: string): unknown;
declare const console: { log(text: string): void };

interface Site {
  file: string;
  line: number;
}

type Library = { put(): Site | undefined };

const lib = require(process.argv[2]) as Library;
const depth = Number(process.argv[3]);
const count = Number(process.argv[4]);
const cold = Number(process.argv[5]);
const shape = process.argv[6];

type Timed = { ns: number; site: Site | undefined };

function loop(n: number): Timed {
  let site: Site | undefined;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) site = lib.put(); // @site
  return { ns: Number(process.hrtime.bigint() - t0), site };
}

// Synchronous nesting: the stack window is full of program frames.
function nest(level: number, n: number): Timed {
  return level > 0 ? nest(level - 1, n) : loop(n);
}

// The usual shape of a blocked put: in an async function, after an await, awaited by others.
async function nestAsync(level: number, n: number): Promise<Timed> {
  if (level > 0) return await nestAsync(level - 1, n);
  await null;
  return loop(n);
}

async function main(): Promise<void> {
  const run = (n: number): Promise<Timed> => (shape === 'async' ? nestAsync(depth, n) : Promise.resolve(nest(depth, n)));
  const first = await run(cold);
  const rest = await run(count);
  console.log(JSON.stringify({ coldNs: first.ns / cold, warmNs: rest.ns / count, site: rest.site }));
}

void main();
`;

function prepare() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, 'src'), { recursive: true });
  fs.writeFileSync(path.join(work, 'lib-entry.ts'), LIB_ENTRY);
  require('esbuild').buildSync({ entryPoints: [path.join(work, 'lib-entry.ts')], bundle: true, sourcemap: true, platform: 'node', format: 'cjs', target: 'es2022', outfile: path.join(work, 'dist/lib/index.js'), logLevel: 'warning' });
  fs.writeFileSync(path.join(work, 'src/program.ts'), PROGRAM);
  const compilerOptions = { target: 'es2022', module: 'commonjs', outDir: 'dist', rootDir: 'src', sourceMap: true, strict: true, types: [], lib: ['es2022'] };
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', work], { cwd: work, stdio: 'inherit' });
}

const ts = () => path.join(work, 'src/program.ts');
const js = () => path.join(work, 'dist/program.js');
const lineOf = (file, text) => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

/** Modes: how the program runs, and where its capture must point. */
const MODES = {
  'node (raw .js)': { argv: () => [js()], expect: () => [js(), lineOf(js(), 'lib.put()')] },
  'node --enable-source-maps': { argv: () => ['--enable-source-maps', js()], expect: () => [ts(), lineOf(ts(), '@site')] },
  'tsx (node --import tsx)': { argv: () => ['--import', 'tsx', ts()], expect: () => [ts(), lineOf(ts(), '@site')] },
};

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUEUESCOPE_') && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}

/** Stack shapes: [label, nesting depth, sync|async]. */
const SHAPES = [
  ['async function after an await, awaited by 3 others', 3, 'async'],
  ['16 synchronous program frames (the window full)', 14, 'sync'],
];

function sample(mode, depth, shape) {
  const m = MODES[mode];
  const r = spawnSync(process.execPath, [...m.argv(), path.join(work, 'dist/lib/index.js'), String(depth), String(captures), String(COLD), shape], { cwd: root, env: cleanEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  const [file, line] = m.expect();
  if (out.site?.file !== file || out.site?.line !== line) throw new Error(`${mode}: captured ${JSON.stringify(out.site)}, expected ${file}:${line}`);
  return out;
}

const us = (ns) => (ns / 1000).toFixed(1);

// The extension's side (src/host/sourceMaps/siteMapper.ts): mapping a raw site of the .js.
const MAPPER = `
const { SiteMapper } = require(${JSON.stringify(path.join(root, 'src/host/sourceMaps/siteMapper.ts'))});
const [file, line, column, n] = process.argv.slice(1);
const site = { file, line: Number(line), column: Number(column), fn: 'loop' };
let t0 = process.hrtime.bigint();
const mapper = new SiteMapper();
const first = mapper.map(site);
const firstNs = Number(process.hrtime.bigint() - t0);
t0 = process.hrtime.bigint();
for (let i = 0; i < Number(n); i++) mapper.map(site);
console.log(JSON.stringify({ firstNs, cachedNs: Number(process.hrtime.bigint() - t0) / Number(n), first }));
`;

function mapperCost() {
  const text = fs.readFileSync(js(), 'utf8').split('\n');
  const line = text.findIndex((l) => l.includes('lib.put()'));
  const column = text[line].indexOf('put()') + 1;
  const firsts = [];
  const cached = [];
  for (let i = 0; i < rounds; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', MAPPER, js(), String(line + 1), String(column), '100000'], { cwd: root, env: cleanEnv(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mapper failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim());
    if (out.first.file !== ts() || out.first.line !== lineOf(ts(), '@site')) throw new Error(`mapper: ${JSON.stringify(out.first)}`);
    firsts.push(out.firstNs);
    cached.push(out.cachedNs);
  }
  console.log(`\nThe extension maps a raw site (SiteMapper.map, this program's 1 KB map): first call ${us(median(firsts))} us (reads and parses the map), then ${us(median(cached))} us per site (cached; the file's size and mtime are checked at most once a second).`);
}

function main() {
  prepare();
  console.log(`call-site capture, ${process.version}, ${rounds} rounds, ${captures} warm captures per process (cold: the first ${COLD})\n`);
  console.log('| stack at the blocked call | mode | cold us/capture | warm us/capture | warm vs raw |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [label, depth, shape] of SHAPES) {
    const got = Object.fromEntries(Object.keys(MODES).map((m) => [m, { cold: [], warm: [] }]));
    for (let i = 0; i < rounds; i++) {
      for (const mode of Object.keys(MODES)) {
        const s = sample(mode, depth, shape);
        got[mode].cold.push(s.coldNs);
        got[mode].warm.push(s.warmNs);
      }
    }
    const raw = median(got['node (raw .js)'].warm);
    for (const mode of Object.keys(MODES)) {
      const warm = median(got[mode].warm);
      console.log(`| ${label} | ${mode} | ${us(median(got[mode].cold))} | ${us(warm)} | ${(warm / raw).toFixed(1)}x |`);
    }
  }
  mapperCost();
  console.log('\nThe hub captures at most 100 sites per second after each queue and role\'s first, fewer while a site repeats (docs/PROTOCOL.md, "Call sites"): the worst case is 100 x the warm figure per second.');
}

main();
