// One build script for every bundle QueueScope ships (see docs/ARCHITECTURE.md).
//   node esbuild.js            build once
//   node esbuild.js --watch    rebuild on change
//   node esbuild.js --minify   smaller bundles (no script uses it: the .vsix ships readable
//                              bundles with source maps, so stacks in bug reports read)
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = __dirname;
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');
/** Every entry and asset is required: a moved file must fail the build, not ship a .vsix without it. */
function required(p) {
  if (!fs.existsSync(path.join(root, p))) throw new Error(`esbuild.js: ${p} is missing (moved? update esbuild.js and docs/ARCHITECTURE.md)`);
  return p;
}

// Samples import the library as a user would ('queuescope'); at run time they load the
// built library next to them, so the debugger's skipFiles glob for dist/lib matches the hub.
const libraryAsExternal = {
  name: 'queuescope-external',
  setup(build) {
    build.onResolve({ filter: /^queuescope$/ }, () => ({ path: '../lib/index.js', external: true }));
  },
};

const common = { bundle: true, sourcemap: true, minify, logLevel: 'warning', target: 'es2022' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // The library, carrying the tracing hub. One bundle: the ESM entry re-exports it (writeEsmEntry).
  { ...common, entryPoints: [required('src/trace/library.ts')], outfile: 'dist/lib/index.js', platform: 'node', format: 'cjs' },
  // `node --require queuescope/register app.js`: arms the hub from the environment.
  { ...common, entryPoints: [required('src/trace/register.ts')], outfile: 'dist/lib/register.js', platform: 'node', format: 'cjs' },
  // `node --import queuescope/register app.mjs`: the same as an ES module; the banner gives it its URL.
  { ...common, entryPoints: [required('src/trace/register.ts')], outfile: 'dist/lib/register.mjs', platform: 'node', format: 'esm', banner: { js: 'const __queuescopeModuleUrl = import.meta.url;' } },
  // The ESM loader hooks register installs (module.register) for ESM-only libraries such as p-queue 7+.
  { ...common, entryPoints: [required('src/trace/adapters/esmLoader.ts')], outfile: 'dist/lib/esm-hooks.mjs', platform: 'node', format: 'esm' },
  { ...common, entryPoints: [required('src/extension/extension.ts')], outfile: 'dist/extension/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: [required('src/webview/main.ts')], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', loader: { '.css': 'css' } },
];
const samples = fs.readdirSync(path.join(root, required('src/samples'))).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
if (samples.length === 0) throw new Error('esbuild.js: no sample programs in src/samples');
builds.push({ ...common, entryPoints: samples.map((f) => `src/samples/${f}`), outdir: 'dist/samples', platform: 'node', format: 'cjs', plugins: [libraryAsExternal] });
// `queuescope check run.qscope` (package.json "bin"): the diagnostics engine over a recording.
builds.push({ ...common, entryPoints: [required('src/cli/queuescope.ts')], outfile: 'dist/cli/queuescope.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } });

/** Type declarations for the library: tsc emits them, dist/lib/index.d.ts re-exports. */
function emitDeclarations() {
  const outDir = path.join(root, 'dist/lib/types');
  fs.rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.lib.json', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  fs.writeFileSync(path.join(root, 'dist/lib/index.d.ts'), "export * from './types/index';\n");
}

/**
 * `import 'queuescope'` loads dist/lib/index.mjs, which re-exports the CommonJS bundle (Node
 * reads its export names from the annotation esbuild writes). A second, ESM bundle gave a
 * program that both imports the library and requires it (through a CommonJS dependency)
 * two copies of every class, and `err instanceof QueueTimeout` failed across them.
 */
function writeEsmEntry() {
  fs.mkdirSync(path.join(root, 'dist/lib'), { recursive: true });
  const note = '// The ES module entry: the CommonJS bundle itself, so import and require share one copy of every class.\n';
  fs.writeFileSync(path.join(root, 'dist/lib/index.mjs'), `${note}export * from './index.js';\n`);
  // Types for the `import` condition, read as ESM (index.d.ts is read as CommonJS).
  fs.writeFileSync(path.join(root, 'dist/lib/index.d.mts'), "export * from './index.js';\n");
  // index.js is CommonJS whatever Node's default: with the package linked from outside
  // node_modules (npm link, workspaces), `--experimental-default-type=module` read it as ESM.
  fs.writeFileSync(path.join(root, 'dist/lib/package.json'), '{ "type": "commonjs" }\n');
}

/** Static assets the webview loads from its own resource root. */
function copyAssets() {
  const copies = [
    ['node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css'],
    ['node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf'],
    ['node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css'],
  ];
  for (const [from, to] of copies) {
    required(from);
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(root, to));
  }
}

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    writeEsmEntry();
    copyAssets();
    console.log('[watch] watching for changes');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  writeEsmEntry();
  fs.chmodSync(path.join(root, 'dist/cli/queuescope.js'), 0o755); // a bin must be executable
  copyAssets();
  emitDeclarations();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
