// The exit code a recording's end line carries is the one the process exits with. Node 20
// passes 0 to 'exit' listeners when an ES module's top-level await never settled, and
// exits with 13 (its own 'exit' listener sets it, after the tracer's under --require): found on a p-limit link checker whose one hung request kept
// `await Promise.all(…)` open (the terminal said "exit code 13", the panel a clean end).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { endNote } from '../../../src/protocol/endText';
import type { EndInfo } from '../../../src/protocol/wire';
import { ensureLibraryBuilt, readNdjson, REGISTER, REGISTER_ESM, run, tempFile } from './helpers';

async function endOf(source: string, preload: string[] = ['--import', REGISTER_ESM]): Promise<{ code: number | null; end: EndInfo }> {
  const file = tempFile('exit.qscope');
  const main = path.join(path.dirname(file), 'main.mjs');
  fs.writeFileSync(main, source);
  const r = await run([...preload, main], { QUEUESCOPE_TRACE_FILE: file });
  const end = readNdjson(file).find((l) => l.type === 'end') as unknown as EndInfo | undefined;
  assert.ok(end, 'the recording has an end line');
  return { code: r.code, end };
}

describe('exit code at the end of a recording', function () {
  this.timeout(30_000);
  before(ensureLibraryBuilt);

  it('an unsettled top-level await: 13, as the process exits, with what Node means by it', async () => {
    const { code, end } = await endOf("await new Promise(() => {});\n");
    assert.equal(code, 13);
    assert.deepEqual([end.reason, end.code, end.unsettledAwait], ['exit', 13, true]);
    assert.match(endNote(end) ?? '', /^exit code 13 \(Node's code for a top-level await that never settled/);
  });

  // The extension preloads with --require: Node's own 'exit' listener, which sets the 13,
  // comes after the tracer's and has not run when the tracer reads the code.
  it('the same under a --require preload, as the extension launches programs', async () => {
    const { code, end } = await endOf('await new Promise(() => {});\n', ['--require', REGISTER]);
    assert.deepEqual([code, end.code, end.unsettledAwait], [13, 13, true]);
    const settled = await endOf('await new Promise((r) => setTimeout(r, 5));\n', ['--require', REGISTER]);
    assert.deepEqual([settled.code, settled.end.code], [0, 0]);
    const exited = await endOf('setTimeout(() => process.exit(0), 5);\nawait new Promise(() => {});\n', ['--require', REGISTER]);
    assert.deepEqual([exited.code, exited.end.code], [0, 0], 'process.exit(0) while the await is pending');
  });

  // From the review: a program's own 'exit' listener may be named handleProcessExit too, and
  // a program may exit with 13 itself.
  it("13 is Node's only when Node set it: a program's own handleProcessExit or exit(13) is not an unsettled await", async () => {
    const own = await endOf('process.on("exit", function handleProcessExit() {});\nawait Promise.resolve();\n', ['--require', REGISTER]);
    assert.deepEqual([own.code, own.end.code, own.end.unsettledAwait], [0, 0, undefined]);
    const mine = await endOf('setTimeout(() => process.exit(13), 5);\n', ['--require', REGISTER]);
    assert.deepEqual([mine.code, mine.end.code, mine.end.unsettledAwait, endNote(mine.end)], [13, 13, undefined, 'exit code 13']);
  });

  it('an integer string in process.exitCode, and codes past 8 bits, as the process exits with them', async () => {
    assert.deepEqual((await endOf('process.exitCode = "3";\n')).end.code, 3);
    const wrapped = await endOf('process.exit(256);\n');
    assert.deepEqual([wrapped.code, wrapped.end.code], [0, 0]);
    const negative = await endOf('process.exit(-1);\n');
    assert.deepEqual([negative.code, negative.end.code], [255, 255]);
  });

  it('process.exitCode and process.exit(n) as before; a clean end is 0', async () => {
    assert.deepEqual((await endOf('process.exitCode = 4;\n')).end.code, 4);
    assert.deepEqual((await endOf('process.exitCode = 4;\nprocess.exit(2);\n')).end.code, 2);
    const clean = await endOf('await Promise.resolve();\n');
    assert.deepEqual([clean.code, clean.end.code, endNote(clean.end)], [0, 0, undefined]);
  });
});
