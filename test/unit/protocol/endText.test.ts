// How a program ended, from the hub's exit hooks to the words of the panel's banner: what is
// thrown becomes one bounded line, untrusted fields are checked, and only a notable end is news.

import assert from 'node:assert/strict';
import { errorText, MAX_ERROR_TEXT } from '../../../src/trace/exitHooks';
import { endInfoOf, END_ERROR_MAX } from '../../../src/protocol/wire';
import { endNote, sessionEnd, sessionEndLine } from '../../../src/protocol/endText';
import { validateBodyLine } from '../../../src/recording/format';
import { QueueModel } from '../../../src/model';
import { ModelFeed } from '../../../src/recording/modelFeed';
import type { RecordingLine } from '../../../src/protocol/wire';

describe('program end: error text, end info and its words', () => {
  it('errorText: the first line of whatever was thrown, bounded, and never a throw of its own', () => {
    assert.equal(errorText(new SyntaxError("Expected property name or '}' in JSON at position 1")), "SyntaxError: Expected property name or '}' in JSON at position 1");
    assert.equal(errorText(new Error('two\nlines')), 'Error: two');
    assert.equal(errorText('oops'), 'a string thrown: oops');
    assert.equal(errorText(null), 'object thrown: null');
    assert.equal(errorText(undefined), 'undefined thrown: undefined');
    assert.equal(errorText(42n), 'bigint thrown: 42');
    const nameless = Object.assign(new Error('x'), { name: '' });
    assert.equal(errorText(nameless), 'Error: x');
    const hostile = { get message(): string { throw new Error('getter'); } };
    assert.equal(errorText(hostile), 'an uncaught object whose text cannot be read (its name, message or toString threw)');
    const long = errorText(new Error('y'.repeat(10_000)));
    assert.equal(long.length, MAX_ERROR_TEXT);
    assert.ok(long.endsWith('…'));
  });

  it('endInfoOf: keeps a string reason, an integer code, a bounded error and a well-formed site; drops the rest', () => {
    assert.deepEqual(endInfoOf({ reason: 'exit', code: 3 }), { reason: 'exit', code: 3 });
    assert.deepEqual(endInfoOf({ reason: 'uncaughtException', error: 'Error: boom' }), { reason: 'uncaughtException', error: 'Error: boom' });
    assert.deepEqual(endInfoOf({ reason: 'exit', code: 1.5, error: 7 }), { reason: 'exit' });
    assert.deepEqual(endInfoOf({ reason: 'exit', code: 2 ** 40, error: '' }), { reason: 'exit' });
    assert.equal(endInfoOf({ reason: 7, code: 0, error: 'x' }), undefined);
    assert.equal(endInfoOf({ reason: '', code: 0, error: 'x' }), undefined);
    assert.equal(endInfoOf({ reason: 'uncaughtException', error: 'z'.repeat(5000) })!.error!.length, END_ERROR_MAX);
    assert.equal(endInfoOf({ reason: 'r'.repeat(500) })!.reason.length, 64);
    assert.deepEqual(endInfoOf({ reason: 'SIGTERM', requested: true }), { reason: 'SIGTERM', requested: true });
    assert.deepEqual(endInfoOf({ reason: 'SIGTERM', requested: 'yes' }), { reason: 'SIGTERM' }, 'only true');
    const at = { file: '/app/crawl.js', line: 20, column: 42, fn: 'Timeout._onTimeout' };
    assert.deepEqual(endInfoOf({ reason: 'uncaughtException', error: 'TypeError: x', at }), { reason: 'uncaughtException', error: 'TypeError: x', at });
    assert.deepEqual(endInfoOf({ reason: 'uncaughtException', at: { file: 'file:///app/a.mjs', line: 1, column: 1 } })!.at, { file: 'file:///app/a.mjs', line: 1, column: 1, fn: '' }, 'no name: top level');
    for (const bad of [null, 'crawl.js:20', { file: '', line: 1, column: 1 }, { file: '/a.js', line: 0, column: 1 }, { file: '/a.js', line: 2.5, column: 1 }, { file: '/a.js', line: 1 }, { file: 'x'.repeat(5000), line: 1, column: 1 }]) {
      assert.deepEqual(endInfoOf({ reason: 'uncaughtException', at: bad }), { reason: 'uncaughtException' }, JSON.stringify(bad)?.slice(0, 40));
    }
    assert.equal(endInfoOf({ reason: 'uncaughtException', at: { file: '/a.js', line: 1, column: 1, fn: 'f'.repeat(1000) } })!.at!.fn.length, 200);
  });

  it('endNote: a crash, a non-zero exit or a signal is news; a clean exit is not', () => {
    assert.equal(endNote({ reason: 'uncaughtException', error: 'TypeError: x is not a function' }), 'uncaught TypeError: x is not a function');
    assert.equal(endNote({ reason: 'uncaughtException' }), 'uncaught exception');
    assert.equal(endNote({ reason: 'exit', code: 3 }), 'exit code 3');
    assert.equal(endNote({ reason: 'SIGTERM' }), 'killed by SIGTERM');
    assert.equal(endNote({ reason: 'SIGHUP' }), 'killed by SIGHUP');
    assert.match(endNote({ reason: 'abrupt' }) ?? '', /^abruptly, without its exit handlers \(a signal such as SIGKILL.*: its figures end at the last read$/);
    assert.equal(endNote({ reason: 'exit', code: 0 }), undefined);
    assert.equal(endNote({ reason: 'exit' }), undefined);
    assert.equal(endNote({ reason: 'ended' }), undefined);
    assert.equal(endNote(undefined), undefined);
    // The user stopped it from the debugger: not news, however it died.
    assert.equal(endNote({ reason: 'SIGTERM', requested: true }), undefined);
    assert.equal(endNote({ reason: 'abrupt', requested: true }), undefined);
  });

  it("sessionEnd: the program's crash, else another realm's crash, else an exit code; said as whose it was", () => {
    const at = (origin: number) => ({ origin });
    const worker = { info: { threadId: 2, pid: 10, ...at(1) }, end: { reason: 'uncaughtException', error: 'Error: in the worker' } };
    const main = { info: { threadId: 0, pid: 10, ...at(0) }, end: { reason: 'exit', code: 1 } };
    const mainCrash = { info: { threadId: 0, pid: 10, ...at(0) }, end: { reason: 'uncaughtException', error: 'TypeError: main' } };
    const clean = { info: { threadId: 0, pid: 10, ...at(0) }, end: { reason: 'exit', code: 0 } };
    assert.deepEqual(sessionEnd([worker, mainCrash]), { end: mainCrash.end });
    // A worker thread died; the program ran on and exited cleanly, or with a bare code.
    assert.deepEqual(sessionEnd([clean, worker]), { end: worker.end, realm: 'worker thread 2' });
    assert.deepEqual(sessionEnd([main, worker]), { end: worker.end, realm: 'worker thread 2' });
    assert.deepEqual(sessionEndLine(sessionEnd([clean, worker])), { lead: 'Worker thread 2 ended: ', note: 'uncaught Error: in the worker' });
    assert.deepEqual(sessionEnd([main]), { end: main.end });
    assert.deepEqual(sessionEndLine(sessionEnd([main])), { lead: 'The program ended: ', note: 'exit code 1' });
    // A child process (a cluster worker, a forked script) and a thread of it.
    const child = { info: { threadId: 0, pid: 11, argv: ['/usr/bin/node', '/app/server.js'], ...at(5) }, end: { reason: 'SIGTERM' } };
    const childThread = { info: { threadId: 3, pid: 11, ...at(6) }, end: { reason: 'uncaughtException', error: 'RangeError: x' } };
    assert.deepEqual(sessionEnd([clean, child]), { end: child.end, realm: 'process 11 (server.js)' });
    assert.deepEqual(sessionEnd([clean, childThread]), { end: childThread.end, realm: 'worker thread 3 of pid 11' });
    assert.equal(sessionEnd([clean, { info: { threadId: 3 } }]), undefined);
    assert.equal(sessionEndLine(undefined), undefined);
    // Launch via NPM: npm's process started first; the script it ran crashed, then npm exited 1.
    const npm = { info: { threadId: 0, pid: 20, argv: ['/usr/bin/node', '/usr/bin/npm', 'start'], ...at(0) }, end: { reason: 'exit', code: 1 } };
    const app = { info: { threadId: 0, pid: 21, argv: ['/usr/bin/node', '/app/mailer.js'], ...at(300) }, end: { reason: 'uncaughtException', error: 'SyntaxError: x' } };
    assert.deepEqual(sessionEnd([app, npm]), { end: app.end, realm: 'process 21 (mailer.js)' }, 'whatever order they attached in');
    assert.deepEqual(sessionEndLine(sessionEnd([npm, app]))?.lead, 'Process 21 (mailer.js) ended: ');
    // A cluster primary with no queues of its own: a worker's crash is the worker's, while and after.
    const primary = { info: { threadId: 0, pid: 30, ...at(0) } };
    const clusterWorker = { info: { threadId: 0, pid: 31, argv: ['/usr/bin/node', '/app/app.js'], ...at(100) }, end: { reason: 'uncaughtException', error: 'TypeError: x' } };
    assert.deepEqual(sessionEnd([clusterWorker, primary]), { end: clusterWorker.end, realm: 'process 31 (app.js)' });
    assert.deepEqual(sessionEnd([clusterWorker, { ...primary, end: { reason: 'exit', code: 0 } }]), { end: clusterWorker.end, realm: 'process 31 (app.js)' });
  });

  it("a recording's end line: checked, and replayed into the model", () => {
    assert.equal(validateBodyLine({ type: 'end', src: '1:0', t: 5, reason: 'exit', code: 'x' }), 'end: field "code" should be a number');
    assert.equal(validateBodyLine({ type: 'end', src: '1:0', t: 5, reason: 'uncaughtException', error: 3 }), 'end: field "error" should be a string');
    assert.equal(validateBodyLine({ type: 'end', src: '1:0', t: 5, reason: 'uncaughtException', error: 'Error: boom' }), null);
    const model = new QueueModel();
    const feed = new ModelFeed(model, 'replay', 'saved');
    const info = { v: 1, pid: 1, threadId: 0, isMainThread: true, title: 'node', argv: [], origin: 1_700_000_000_000, now: 0, sampleInterval: 10 };
    feed.push([{ type: 'source', src: '1:0', info } as unknown as RecordingLine, { type: 'end', src: '1:0', t: 5, reason: 'uncaughtException', error: 'Error: boom' }]);
    feed.finish();
    const src = model.sessions[0].sources.values().next().value!;
    assert.deepEqual([src.state, endNote(src.end)], ['ended', 'uncaught Error: boom']);

    // Stopped from the debugger: the mark survives the recording, even with no reason known.
    const stopped = new QueueModel();
    const again = new ModelFeed(stopped, 'replay', 'saved');
    again.push([{ type: 'source', src: '1:0', info } as unknown as RecordingLine, { type: 'end', src: '1:0', t: 5, reason: 'ended', requested: true }]);
    again.finish();
    assert.deepEqual(stopped.sessions[0].sources.values().next().value!.end, { reason: 'ended', requested: true });
  });

  it('a thrown value whose text cannot be read says what kind it was, once "uncaught"', () => {
    const unreadable = new Proxy({}, {
      get() {
        throw new Error('trap');
      },
    });
    const text = errorText(unreadable);
    assert.equal(text, 'an uncaught object whose text cannot be read (its name, message or toString threw)');
    assert.equal(endNote({ reason: 'uncaughtException', error: text }), text);
  });
});
