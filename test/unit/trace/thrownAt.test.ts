// Where an uncaught exception was thrown (EndInfo.at, the banner's "thrown at" link): read
// from the error's own stack, so the program's frame is found whatever formatted it.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { thrownAt } from '../../../src/trace/callsite';

/** An error-like value whose stack is exactly `lines`. */
const thrown = (...lines: string[]): { stack: string } => ({ stack: lines.join('\n') });

describe('trace: where an uncaught exception was thrown', () => {
  it("takes the first frame of the program's own code, past Node's", () => {
    const err = thrown(
      "TypeError: Cannot read properties of null (reading 'total')",
      '    at node:internal/process/task_queues:95:5',
      '    at Timeout._onTimeout (/app/crawl.js:20:42)',
      '    at listOnTimeout (node:internal/timers:581:17)',
    );
    assert.deepEqual(thrownAt(err), { file: '/app/crawl.js', line: 20, column: 42, fn: 'Timeout._onTimeout' });
    assert.deepEqual(thrownAt(thrown('Error: x', '    at file:///app/main.mjs:3:9')), { file: 'file:///app/main.mjs', line: 3, column: 9, fn: '' }, 'top-level ES module code');
    assert.deepEqual(thrownAt(thrown('Error: x', '    at async run (C:\\app\\main.js:7:2)')), { file: 'C:\\app\\main.js', line: 7, column: 2, fn: 'run' });
  });

  it("prefers the program's frame to a dependency's, and takes a dependency's when it is all there is", () => {
    const deep = thrown('Error: bad', '    at parse (/app/node_modules/yaml/dist/index.js:10:3)', '    at load (/app/config.js:4:10)');
    assert.deepEqual(thrownAt(deep), { file: '/app/config.js', line: 4, column: 10, fn: 'load' });
    const only = thrown('Error: bad', '    at parse (/app/node_modules/yaml/dist/index.js:10:3)', '    at node:internal/timers:581:17');
    assert.deepEqual(thrownAt(only), { file: '/app/node_modules/yaml/dist/index.js', line: 10, column: 3, fn: 'parse' });
  });

  it("skips QueueScope's own frames", () => {
    // The hub's own files are known from its load (running from sources: its folder).
    const own = path.join(__dirname, '../../../src/trace/hub.ts');
    const err = thrown('QueueShutDown: queue is shut down', `    at Hub.waitEnd (${own}:180:13)`, '    at drainAll (/app/jobs.js:12:20)');
    assert.deepEqual(thrownAt(err), { file: '/app/jobs.js', line: 12, column: 20, fn: 'drainAll' });
  });

  it("reads frames only from the stack's end: a message with frame-like lines names nothing", () => {
    const err = thrown('Error: wrapped', '    at fake (/etc/passwd:1:1)', 'caused elsewhere', '    at real (/app/a.js:2:3)');
    assert.deepEqual(thrownAt(err), { file: '/app/a.js', line: 2, column: 3, fn: 'real' });
    assert.equal(thrownAt(thrown('Error: only a message', 'no frames')), undefined);
  });

  it('gives nothing for code without a file, no stack, or a stack that throws', () => {
    assert.equal(thrownAt(thrown('Error: x', '    at eval (eval at run (/app/a.js:1:1), <anonymous>:1:1)', '    at <anonymous>:1:1', '    at Array.map (native)')), undefined);
    assert.equal(thrownAt('a string'), undefined);
    assert.equal(thrownAt(null), undefined);
    assert.equal(thrownAt({ stack: 42 }), undefined);
    const hostile = {
      get stack(): string {
        throw new Error('no');
      },
    };
    assert.equal(thrownAt(hostile), undefined);
    // A real error thrown here: this test file is the program's code.
    assert.equal(thrownAt(new Error('here'))?.file, __filename);
  });
});
