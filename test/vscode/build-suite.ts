// Bundles the extension-host suite (test/vscode/suite) into out/test/vscode/suite/ with esbuild:
// index.js carries mocha (so no ESM loading happens inside the extension host), and every
// *.test.ts becomes its own *.test.js that index.js hands to mocha. `vscode` stays external.
//
//   npx tsx test/vscode/build-suite.ts
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from './config';

export const suiteSrcDir = path.join(projectRoot, 'test/vscode/suite');
export const suiteOutDir = path.join(projectRoot, 'out/test/vscode/suite');
export const suiteIndex = path.join(suiteOutDir, 'index.js');

/** Builds into outDir (default out/test/vscode/suite) and returns the test files' names. */
export async function buildSuite(outDir = suiteOutDir): Promise<string[]> {
  const tests = fs.readdirSync(suiteSrcDir).filter((f) => f.endsWith('.test.ts')).sort();
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ['index.ts', ...tests].map((f) => path.join(suiteSrcDir, f)),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    external: ['vscode'],
    logLevel: 'warning',
    // Mocha requires reporters (and its unused parallel mode's workers) and test files by runtime path; those requires are meant to stay dynamic.
    logOverride: { 'unsupported-require-call': 'silent', 'unsupported-dynamic-import': 'silent', 'require-resolve-not-external': 'silent' },
  });
  return tests.map((f) => f.replace(/\.ts$/, '.js'));
}

if (require.main === module) {
  buildSuite().then(
    (files) => console.log(`built ${files.length} suite file(s) into ${path.relative(projectRoot, suiteOutDir)}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
