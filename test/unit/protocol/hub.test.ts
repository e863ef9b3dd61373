// The hub's realm-global key is written twice on purpose: src/queue/probe.ts (the library
// imports no other folder) and src/protocol/hub.ts (what the readers' expressions use).
// This test is what keeps the two copies equal.
import * as assert from 'node:assert/strict';
import { HUB_SYMBOL, drainExpression } from '../../../src/protocol/hub';
import { HUB_KEY } from '../../../src/queue/probe';

describe('hub symbol', () => {
  it('the library and the poll expressions name the same realm-global symbol', () => {
    assert.equal(Symbol.for(HUB_SYMBOL), HUB_KEY);
    assert.ok(drainExpression(1024).includes(JSON.stringify(HUB_SYMBOL)), 'the drain expression looks the hub up by HUB_SYMBOL');
  });
});
