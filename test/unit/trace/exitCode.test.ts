// The exit code a recording's end line carries is the one the process exits with. Node 20
// passes 0 to 'exit' listeners when an ES module's top-level await never settled, and
// exits with 13: found on a p-limit link checker whose one hung request kept
// `await Promise.all(…)` open (the terminal said "exit code 13", the panel a clean end).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { endNote } from '../../../src/protocol/endText';
import type { EndInfo } from '../../../src/protocol/wire';
import { ensureLibraryBuilt, readNdjson, REGISTER_ESM, run, tempFile } from './helpers';

async function endOf(source: string): Promise<{ code: number | null; end: EndInfo }> {
  const file = tempFile('exit.qscope');
  const main = path.join(path.dirname(file), 'main.mjs');
  fs.writeFileSync(main, source);
  const r = await run(['--import', REGISTER_ESM, main], { QUEUESCOPE_TRACE_FILE: file });
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
    assert.deepEqual([end.reason, end.code], ['exit', 13]);
    assert.match(endNote(end) ?? '', /^exit code 13 \(Node's code for a top-level await that never settled/);
  });

  it('process.exitCode and process.exit(n) as before; a clean end is 0', async () => {
    assert.deepEqual((await endOf('process.exitCode = 4;\n')).end.code, 4);
    assert.deepEqual((await endOf('process.exitCode = 4;\nprocess.exit(2);\n')).end.code, 2);
    const clean = await endOf('await Promise.resolve();\n');
    assert.deepEqual([clean.code, clean.end.code, endNote(clean.end)], [0, 0, undefined]);
  });
});
