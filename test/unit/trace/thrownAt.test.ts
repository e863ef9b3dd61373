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

  it('reads the first run of frames after the header: not a message that looks like frames, nor text appended after them', () => {
    const message = 'wrapped\n    at fake (/etc/passwd:1:1)\ncaused elsewhere';
    const err = { name: 'Error', message, stack: `Error: ${message}\n    at real (/app/a.js:2:3)\n    at node:internal/timers:581:17` };
    assert.deepEqual(thrownAt(err), { file: '/app/a.js', line: 2, column: 3, fn: 'real' });
    // Error.stackTraceLimit = 0: the header alone, so nothing, whatever the message holds.
    assert.equal(thrownAt({ name: 'Error', message, stack: `Error: ${message}` }), undefined);
    // A cause's stack appended after the frames (nested-error-stacks): where this one was thrown.
    const caused = { name: 'Error', message: 'outer', stack: 'Error: outer\n    at load (/app/outer.js:5:9)\nCaused By: Error: inner\n    at parse (/app/inner.js:1:1)' };
    assert.deepEqual(thrownAt(caused), { file: '/app/outer.js', line: 5, column: 9, fn: 'load' });
    // Windows line ends, a trailing line break, text after the frames.
    const crlf = { name: 'TypeError', message: 'x', stack: 'TypeError: x\r\n    at run (C:\\app\\main.js:7:2)\r\n' };
    assert.deepEqual(thrownAt(crlf), { file: 'C:\\app\\main.js', line: 7, column: 2, fn: 'run' });
    assert.equal(thrownAt(thrown('Error: only a message', 'no frames')), undefined);
    // Node's errors with a code head their stack "AssertionError [ERR_ASSERTION]: …".
    let coded: unknown;
    try {
      assert.ok(false, 'x\n    at fake (/app/fake.js:1:1)');
    } catch (e) {
      coded = e;
    }
    assert.equal(thrownAt(coded)?.file, __filename);
  });

  it('reads only the start of a huge stack', () => {
    const message = 'x\n'.repeat(2_000_000);
    assert.equal(thrownAt({ name: 'Error', message: 'other', stack: `Error: ${message}    at late (/app/a.js:1:1)` }), undefined, 'its frames are past the part read');
    const big = { name: 'Error', message, stack: `Error: ${message}\n    at f (/app/a.js:1:1)` };
    assert.deepEqual(thrownAt(big)?.file, '/app/a.js', 'the header is skipped whole');
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
