// The harness itself: VS Code's JavaScript debugger runs a real Node program here, its output
// reaches the test, an evaluate on the program's child session answers, and the end is reported.
import * as assert from 'node:assert/strict';
import { debugProgram, evaluate, writeWorkspaceFile } from './helpers';

describe('harness: real debug session', () => {
  it('launches a node program, reads its output, evaluates in it, and stops it', async () => {
    const program = writeWorkspaceFile('harness/answer.js', 'globalThis.answer = 6 * 7;\nconsole.log("ready");\nsetInterval(() => {}, 1000);\n');
    const run = await debugProgram(program);
    try {
      assert.equal(run.child.type, 'pwa-node');
      await run.output('ready');
      assert.equal(await evaluate(run.child, 'String(globalThis.answer)'), '42');
    } finally {
      await run.stop();
    }
  });

  it('reports the end of a program that exits by itself', async () => {
    const program = writeWorkspaceFile('harness/exit.js', 'console.log("bye");\nsetTimeout(() => process.exit(3), 200);\n');
    const run = await debugProgram(program);
    await run.exited;
    assert.match(await run.output('bye'), /bye/);
    await run.stop();
  });
});
