// `npm test`'s verdict: a tier that exits 0 but prints no counts line must fail the run.
import * as assert from 'node:assert/strict';
import { tierTotals } from '../../vscode/tierTotals';

describe('npm test tier totals', () => {
  it('passes when every tier exits 0 with no failures', () => {
    const t = tierTotals([
      { name: 'unit', code: 0, counts: '300 passed, 0 failed' },
      { name: 'host', code: 0, counts: '40 passed, 0 failed' },
    ]);
    assert.deepEqual([t.passed, t.failed, t.exitCode], [340, 0, 0]);
  });

  it('fails a tier that exits 0 without printing its counts line', () => {
    const t = tierTotals([
      { name: 'unit', code: 0, counts: '300 passed, 0 failed' },
      { name: 'UI', code: 0, counts: '' },
    ]);
    assert.deepEqual([t.passed, t.failed, t.exitCode], [300, 1, 1]);
    assert.match(t.lines[1], /UI: 0 passed, 1 failed \(no counts line\)/);
  });

  it('fails on reported failures even when the exit code says 0', () => {
    assert.equal(tierTotals([{ name: 'unit', code: 0, counts: '10 passed, 2 failed' }]).exitCode, 1);
  });

  it('fails a tier that crashed after all its tests passed', () => {
    const t = tierTotals([{ name: 'host', code: 3, counts: '40 passed, 0 failed' }]);
    assert.deepEqual([t.failed, t.exitCode], [1, 1]);
    assert.match(t.lines[0], /exit code 3/);
  });
});
