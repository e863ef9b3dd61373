// A long answer read in parts (issue #17: at 6,000 queues an attach's snapshot is ~2.7 MB):
// the hub's bounded()/chunk() against the reader's expressions, evaluated as a debugger
// would, in this realm.
import * as assert from 'node:assert/strict';
import { Hub } from '../../../src/trace/hub';
import { DEFAULTS } from '../../../src/trace/config';
import { boundedExpression, chunkExpression, HUB_SYMBOL, parseChunkHead } from '../../../src/protocol/hub';

const KEY = Symbol.for(HUB_SYMBOL);
const g = globalThis as unknown as Record<symbol, unknown>;

describe('trace: long answers in parts', () => {
  let saved: unknown;
  beforeEach(() => {
    saved = g[KEY];
    g[KEY] = new Hub({ ...DEFAULTS });
  });
  afterEach(() => {
    if (saved === undefined) delete g[KEY];
    else g[KEY] = saved;
  });
  // What a debugger's evaluate does with an expression (global scope, a string answer).
  const evaluate = (expression: string): string => String((0, eval)(expression));
  const answer = (text: string): string => `(function(){return ${JSON.stringify(text)}})()`;

  it('a short answer comes whole; a long one as a head and parts that join to it exactly, each within the bound', () => {
    assert.equal(evaluate(boundedExpression(answer('{"v":1}'), 2048)), '{"v":1}');
    const long = JSON.stringify({ v: 1, queues: Array.from({ length: 500 }, (_, i) => ({ q: i, name: `tenant-${i} \u00e9\u{1F600}`, maxsize: 50 })) });
    const first = evaluate(boundedExpression(answer(long), 2048));
    assert.ok(first.length <= 2048);
    const head = parseChunkHead(first)!;
    assert.equal(head.length, long.length);
    const parts = [head.first];
    for (let got = head.first.length; got < long.length; ) {
      const part = evaluate(chunkExpression(head.id, got, 2048));
      assert.ok(part.length > 0 && part.length <= 2048);
      parts.push(part);
      got += part.length;
    }
    assert.equal(parts.join(''), long);
    assert.equal(evaluate(chunkExpression(head.id, 0, 2048)), '', 'released once its last part was read');
  });

  it('no part ends inside a surrogate pair (an emoji), which the debugger\'s UTF-8 transport would break', () => {
    const emoji = '\u{1F600}'.repeat(3000); // every other code unit is a high surrogate
    const head = parseChunkHead(evaluate(boundedExpression(answer(emoji), 1025)))!;
    const parts = [head.first];
    for (let got = head.first.length; got < emoji.length; got += parts[parts.length - 1].length) parts.push(evaluate(chunkExpression(head.id, got, 1025)));
    assert.equal(parts.join(''), emoji);
    assert.deepEqual(parts.filter((p) => /[\uD800-\uDBFF]$/.test(p) || /^[\uDC00-\uDFFF]/.test(p)).length, 0);
  });

  it('a newer long answer replaces the staged one: asking for the old one gets "" (the reader asks again)', () => {
    const a = parseChunkHead(evaluate(boundedExpression(answer('a'.repeat(5000)), 1024)))!;
    const b = parseChunkHead(evaluate(boundedExpression(answer('b'.repeat(5000)), 1024)))!;
    assert.notEqual(a.id, b.id);
    assert.equal(evaluate(chunkExpression(a.id, a.first.length, 1024)), '');
    assert.equal(evaluate(chunkExpression(b.id, b.first.length, 1024)), 'b'.repeat(1024));
    assert.equal(evaluate(chunkExpression(b.id, -5, 1024)), '', 'a bad offset');
  });

  it('a hub that predates parts answers whole; a realm without a hub answers as before', () => {
    g[KEY] = { drain: () => 'x'.repeat(5000) };
    assert.equal(evaluate(boundedExpression('(function(){var h=globalThis[Symbol.for("queuescope.hub")];return h.drain()})()', 1024)).length, 5000);
    delete g[KEY];
    assert.equal(evaluate(boundedExpression(answer('null'), 1024)), 'null');
    assert.equal(evaluate(chunkExpression(1, 0, 1024)), '');
    assert.equal(parseChunkHead('{"v":1}'), undefined);
    assert.equal(parseChunkHead('#chunk 1 x\nabc'), undefined, 'a malformed head is not a head');
  });
});
