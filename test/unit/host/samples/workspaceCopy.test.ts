// The workspace's own copy of a sample: run it and open it when it exists.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SAMPLES } from '../../../../src/host/samples/catalog';
import { sampleLaunchConfig } from '../../../../src/host/samples/launchConfig';
import { preferWorkspaceSample, workspaceSampleCopy } from '../../../../src/host/samples/workspaceCopy';

const EXT = path.join(path.sep, 'ext');
const WS = path.join(path.sep, 'demo', 'workspace');
const files = new Set([path.join(WS, 'samples', 'back-pressure.js'), path.join(WS, 'lib', 'index.js')]);
const exists = (f: string) => files.has(f);

describe('workspace copy of a sample', () => {
  it('is found only where the sample and its library both are', () => {
    assert.deepEqual(workspaceSampleCopy([path.join(path.sep, 'other'), WS], 'back-pressure.js', exists), { program: path.join(WS, 'samples', 'back-pressure.js'), libDir: path.join(WS, 'lib') });
    assert.equal(workspaceSampleCopy([WS], 'deadlock.js', exists), undefined);
    assert.equal(workspaceSampleCopy([WS], 'back-pressure.js', (f) => f.endsWith('back-pressure.js')), undefined, 'no lib beside it');
  });

  it('call sites in the built copy open the workspace copy; other files are left alone', () => {
    const built = path.join(EXT, 'dist', 'samples', 'back-pressure.js');
    assert.equal(preferWorkspaceSample(built, EXT, [WS], exists), path.join(WS, 'samples', 'back-pressure.js'));
    assert.equal(preferWorkspaceSample(built, EXT, [], exists), built);
    const user = path.join(WS, 'app.js');
    assert.equal(preferWorkspaceSample(user, EXT, [WS], exists), user);
  });

  it('a launch runs the workspace copy and skips its library on pause', () => {
    const sample = SAMPLES.find((s) => s.id === 'back-pressure')!;
    const copy = workspaceSampleCopy([WS], 'back-pressure.js', exists)!;
    const config = sampleLaunchConfig(EXT, sample, '**/queuescope-poll.js', `${EXT}/dist/lib/**`, copy);
    assert.equal(config.program, copy.program);
    assert.equal(config.cwd, path.join(WS, 'samples'));
    assert.ok(config.skipFiles.includes(`${copy.libDir.split(path.sep).join('/')}/**`));
    assert.equal(sampleLaunchConfig(EXT, sample, 'p', 'l').program, path.join(EXT, 'dist', 'samples', 'back-pressure.js'), 'without a copy: the built one');
  });
});
