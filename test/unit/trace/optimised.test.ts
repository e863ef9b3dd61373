// The tracer must not make V8 throw away a program's optimised queue code. V8 builds a
// field stored only once into optimised code as a constant; the hub's first drain stored
// its sampling epoch again, and every optimised put()/get() that had read it was
// deoptimised ("code dependencies"): a slow run once a program's hot code had just been
// compiled (bench/README.md, "Constant fields"). A real child process, with V8's own
// status of the record's hooks.
import * as assert from 'node:assert/strict';
import { ensureLibraryBuilt, fixture, run } from './helpers';

describe('the hub and V8\'s optimised code', function () {
  this.timeout(60_000);
  before(ensureLibraryBuilt);

  it('the record\'s put()/get() hooks stay optimised through the first drains', async () => {
    const result = await run(['--allow-natives-syntax', fixture('stays-optimised.js')], { QUEUESCOPE_TRACE: '1' });
    assert.equal(result.code, 0, result.stderr);
    const { before, after } = JSON.parse(result.stdout.trim()) as { before: Record<string, boolean>; after: Record<string, boolean> };
    assert.deepEqual(before, { put: true, get: true }, 'optimised before the drains (else this test proves nothing)');
    assert.deepEqual(after, { put: true, get: true }, 'still optimised after the drains');
  });
});
