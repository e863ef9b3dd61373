// The names an ES module exports, as the loader hooks read them before exporting an
// adapter's stand-in under one of them (src/trace/adapters/esmExports.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportedNames } from '../../../src/trace/adapters/esmExports';
import { ROOT } from '../trace/helpers';

const names = (source: string) => [...exportedNames(source)].sort();

describe('adapters: the export names of an ES module', () => {
  it('declarations, lists with `as`, re-exports and the default', () => {
    assert.deepEqual(names('export default function pLimit(c) {}\nexport async function* gen() {}\nexport class K {}\nexport let a = 1;'), ['K', 'a', 'default', 'gen']);
    assert.deepEqual(names('function a() {}\nexport { a as lf, a as default, a };'), ['a', 'default', 'lf']);
    assert.deepEqual(names("export { limitFunction } from './x.js';"), ['limitFunction']);
  });

  it('not a name in a comment, a string or a template', () => {
    assert.deepEqual(names('// export function limitFunction() {}\n/* export default 1 */\nconst s = "export { limitFunction }";\nconst t = `export default ${1}`;\nexport const kept = \'x\';'), ['kept']);
    assert.deepEqual(names('const s = "unterminated'), []);
    assert.deepEqual(names('export default 1;\n// export function limitFunction() {}'), ['default'], 'a line comment that ends the file');
  });

  it("the real p-limit majors: default, and limitFunction from 6.x", () => {
    const of = (pkg: string) => names(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'index.js'), 'utf8'));
    assert.deepEqual(of('p-limit'), ['default', 'limitFunction']);
    assert.deepEqual(of('p-limit6'), ['default', 'limitFunction']);
    assert.deepEqual(of('p-limit5'), ['default']);
    assert.deepEqual(of('p-limit4'), ['default']);
  });
});
