// The host -> webview message list is defined once (HOST_MESSAGE_TYPES); the webview
// recognises host messages with isHostMessage instead of a hand-copied list.
import * as assert from 'node:assert/strict';
import { HOST_MESSAGE_TYPES, isHostMessage } from '../../../src/protocol/webview';
import { sourceLabel } from '../../../src/protocol/wire';

describe('host messages', () => {
  it('recognises every listed type, including the cursor answer', () => {
    assert.deepEqual([...HOST_MESSAGE_TYPES].sort(), ['cursorState', 'findings', 'init', 'noHub', 'sessions', 'update']);
    for (const type of HOST_MESSAGE_TYPES) assert.equal(isHostMessage({ type }), true, type);
  });

  it('rejects anything else', () => {
    for (const v of [null, undefined, 'init', 42, {}, { type: 'ready' }, { type: 'openSource' }, { type: 7 }]) {
      assert.equal(isHostMessage(v), false, JSON.stringify(v));
    }
  });
});

describe('sourceLabel', () => {
  it('names the main thread and workers one way everywhere', () => {
    assert.equal(sourceLabel({ pid: 42, threadId: 0 }), 'pid 42 main');
    assert.equal(sourceLabel({ pid: 42, threadId: 3 }), 'pid 42 worker 3');
  });
});
