import assert from 'node:assert/strict';
import { armConfiguration, debugTerminalOptions, EXIT_TAIL_DIR_ENV, extensionLibraryGlob, PACKAGE_SKIP_GLOB, POLL_SKIP_GLOB, type DebugConfigLike } from '../../../../src/host/sessions/arm';
import { POLL_SOURCE_URL } from '../../../../src/protocol/hub';

const options = { autoArm: true, sampleIntervalMs: 10, extraSkipGlobs: ['/ext/dist/lib/**'] };
const launch = (over: Partial<DebugConfigLike> = {}): DebugConfigLike => ({ type: 'pwa-node', request: 'launch', name: 'app', program: '/app/main.js', ...over });

describe('armConfiguration (debug configuration provider)', () => {
  it('sets QUEUESCOPE_TRACE and QUEUESCOPE_SAMPLE_MS, keeping the user env', () => {
    const input = launch({ env: { FOO: 'bar', PATH: '/x' } });
    const out = armConfiguration(input, options);
    assert.deepEqual(out.env, { FOO: 'bar', PATH: '/x', QUEUESCOPE_TRACE: '1', QUEUESCOPE_SAMPLE_MS: '10' });
    assert.deepEqual(input.env, { FOO: 'bar', PATH: '/x' }, 'the input is not mutated');
    assert.equal(out.program, '/app/main.js');
  });

  it('passes the launch\'s exit-tail folder (each launch its own), for realms that end before the first poll', () => {
    const out = armConfiguration(launch(), { ...options, exitTailDir: '/tmp/queuescope-tails-x/launch-3' });
    assert.equal(out.env!.QUEUESCOPE_EXIT_TAIL_DIR, '/tmp/queuescope-tails-x/launch-3');
    assert.equal(armConfiguration(launch(), options).env!.QUEUESCOPE_EXIT_TAIL_DIR, undefined);
  });

  it("never overrides the user's own QUEUESCOPE_* values", () => {
    const out = armConfiguration(launch({ env: { QUEUESCOPE_TRACE: '0', QUEUESCOPE_SAMPLE_MS: '50' } }), options);
    assert.equal(out.env!.QUEUESCOPE_TRACE, '0');
    assert.equal(out.env!.QUEUESCOPE_SAMPLE_MS, '50');
  });

  it('appends the poll, package and extension-library globs after the user skipFiles, without duplicates', () => {
    const out = armConfiguration(launch({ skipFiles: ['<node_internals>/**', POLL_SKIP_GLOB] }), options);
    assert.deepEqual(out.skipFiles, ['<node_internals>/**', POLL_SKIP_GLOB, PACKAGE_SKIP_GLOB, '/ext/dist/lib/**']);
  });

  it("the poll glob matches the poll expressions' sourceURL file", () => {
    assert.ok(POLL_SOURCE_URL.endsWith('/' + POLL_SKIP_GLOB.replace('**/', '')));
  });

  it('arms node, pwa-node and node-terminal; attach gets skipFiles but no env', () => {
    for (const type of ['node', 'pwa-node', 'node-terminal']) {
      const out = armConfiguration(launch({ type }), options);
      assert.equal(out.env?.QUEUESCOPE_TRACE, '1', type);
    }
    const attach = armConfiguration<DebugConfigLike>({ type: 'pwa-node', request: 'attach', name: 'a', port: 9229 }, options);
    assert.equal(attach.env, undefined);
    assert.ok(attach.skipFiles!.includes(POLL_SKIP_GLOB));
  });

  it('leaves child-session configurations, other debuggers and a disabled autoArm alone', () => {
    const child = launch({ __pendingTargetId: 'abc' });
    assert.equal(armConfiguration(child, options), child);
    const py = { type: 'python', request: 'launch', name: 'py' };
    assert.equal(armConfiguration(py, options), py);
    const plain = launch();
    assert.equal(armConfiguration(plain, { ...options, autoArm: false }), plain);
  });

  it("preloads the extension's register through NODE_OPTIONS, after the user's own options, once", () => {
    const pre = { ...options, preload: '/ext dir/dist/lib/register.js', inheritedNodeOptions: '--max-old-space-size=4096' };
    const flag = '--require "/ext dir/dist/lib/register.js"';
    assert.equal(armConfiguration(launch(), pre).env!.NODE_OPTIONS, `--max-old-space-size=4096 ${flag}`);
    assert.equal(armConfiguration(launch({ env: { NODE_OPTIONS: '--enable-source-maps' } }), pre).env!.NODE_OPTIONS, `--enable-source-maps ${flag}`);
    assert.equal(armConfiguration(launch({ env: { NODE_OPTIONS: null } }), pre).env!.NODE_OPTIONS, flag, 'a user who cleared NODE_OPTIONS gets only the preload');
    const again = armConfiguration(armConfiguration(launch({ runtimeArgs: ['--inspect-brk'] }), pre), pre);
    assert.equal(again.env!.NODE_OPTIONS, `--max-old-space-size=4096 ${flag}`);
    assert.deepEqual(again.runtimeArgs, ['--inspect-brk'], 'runtimeArgs untouched');
    assert.equal(armConfiguration(launch(), { ...pre, autoArm: false }).env, undefined, 'autoArm off: no preload');
    const attach = armConfiguration<DebugConfigLike>({ type: 'pwa-node', request: 'attach', name: 'a', port: 9229 }, pre);
    assert.equal(attach.env, undefined);
  });

  it("gives a QueueScope debug terminal a launch's env and skipFiles, without an exit-tail folder, even with autoArm off", () => {
    const out = debugTerminalOptions({ sampleIntervalMs: 50, extraSkipGlobs: ['/ext/dist/lib/**'], preload: '/ext/dist/lib/register.js', inheritedNodeOptions: '--enable-source-maps' });
    const expected: Record<string, string> = { QUEUESCOPE_TRACE: '1', QUEUESCOPE_SAMPLE_MS: '50', NODE_OPTIONS: '--enable-source-maps --require "/ext/dist/lib/register.js"' };
    assert.deepEqual(out.env, expected);
    assert.ok(!(EXIT_TAIL_DIR_ENV in out.env), "no folder: the terminal's sessions could not say which is theirs");
    assert.deepEqual(out.skipFiles, [POLL_SKIP_GLOB, PACKAGE_SKIP_GLOB, '/ext/dist/lib/**']);
  });

  it('builds the extension library glob with forward slashes', () => {
    assert.equal(extensionLibraryGlob('C:\\Users\\me\\ext\\'), 'C:/Users/me/ext/dist/lib/**');
    assert.equal(extensionLibraryGlob('/home/me/ext'), '/home/me/ext/dist/lib/**');
  });
});
