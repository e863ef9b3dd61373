// The catalog, the launch configuration and the manifest entries agree with the sample
// programs that exist.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SAMPLES, findSample } from '../../../src/host/samples/catalog';
import { sampleLaunchConfig } from '../../../src/host/samples/launchConfig';
import { ROOT, ensureBuilt, samplePath } from './recording';

const run = promisify(execFile);

describe('sample catalog', function () {
  it('lists exactly the programs in src/samples, each once', function () {
    const programs = fs
      .readdirSync(path.join(ROOT, 'src/samples'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    const ids = SAMPLES.map((s) => s.id);
    assert.deepEqual([...ids].sort(), programs);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(SAMPLES.length, 8);
  });

  it('gives every sample a title and a one-line description', function () {
    for (const s of SAMPLES) {
      assert.ok(s.title.length > 0 && s.title.length <= 40, `${s.id} title`);
      assert.ok(s.description.length > 20 && s.description.length <= 120, `${s.id} description is ${s.description.length} chars`);
      assert.ok(!s.description.includes('\n'), `${s.id} description is one line`);
    }
  });

  it('finds samples by id and nothing else', function () {
    assert.equal(findSample('deadlock')?.title, 'Deadlock');
    assert.equal(findSample('no-such-sample'), undefined);
    assert.equal(findSample(''), undefined);
  });

  it("passes only options each program accepts (checked against the program's --help)", async function () {
    this.timeout(30_000);
    ensureBuilt(SAMPLES.map((s) => s.id));
    await Promise.all(
      SAMPLES.map(async (s) => {
        const { stdout } = await run(process.execPath, [samplePath(s.id), '--help']);
        assert.match(stdout, new RegExp(`usage: node ${s.id}\\.js`));
        for (const arg of s.args.filter((a) => a.startsWith('--'))) {
          assert.ok(stdout.includes(`${arg} <n>`), `${s.id}: ${arg} is not in its --help`);
        }
      }),
    );
  });
});

describe('sample launch configuration', function () {
  const ext = path.join(path.sep, 'ext', 'queuescope');
  const sample = findSample('back-pressure')!;
  const config = sampleLaunchConfig(ext, sample, '**/queuescope-poll.js', '/ext/queuescope/dist/lib/**');

  it('launches the bundled program inside the extension with node', function () {
    assert.equal(config.type, 'node');
    assert.equal(config.request, 'launch');
    assert.equal(config.program, path.join(ext, 'dist', 'samples', 'back-pressure.js'));
    assert.equal(config.cwd, path.join(ext, 'dist', 'samples'));
    assert.deepEqual(config.args, sample.args);
    assert.notEqual(config.args, sample.args, 'a copy: the debugger may not change the catalog');
    assert.match(config.name, /Back-pressure/);
  });

  it('arms tracing itself, whatever the autoArm setting', function () {
    assert.equal(config.env.QUEUESCOPE_TRACE, '1');
  });

  it("skips the poll expression's file and the extension's library when pausing", function () {
    assert.ok(config.skipFiles.includes('**/queuescope-poll.js'));
    assert.ok(config.skipFiles.includes('/ext/queuescope/dist/lib/**'));
    assert.ok(config.skipFiles.includes('<node_internals>/**'));
  });
});

describe('sample manifest entries', function () {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      commands: { command: string; title: string; category: string }[];
      walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown?: string } }[] }[];
    };
  };

  it('contributes "QueueScope: Launch Sample Scenario…"', function () {
    const cmd = pkg.contributes.commands.find((c) => c.command === 'queuescope.launchSample');
    assert.ok(cmd);
    assert.equal(cmd.category, 'QueueScope');
    assert.equal(cmd.title, 'Launch Sample Scenario…');
  });

  it('has a walkthrough from launching a sample to debugging your own program, with its media present', function () {
    const wt = pkg.contributes.walkthroughs.find((w) => w.id === 'queuescope.gettingStarted');
    assert.ok(wt);
    assert.equal(wt.steps[0].id, 'launchSample');
    assert.equal(wt.steps.at(-1)!.id, 'debugOwnProgram');
    for (const step of wt.steps) {
      assert.ok(step.media.markdown, `${step.id} has markdown media`);
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.media.markdown} exists`);
    }
  });

  it("walkthrough links launch samples that exist", function () {
    const wt = pkg.contributes.walkthroughs.find((w) => w.id === 'queuescope.gettingStarted')!;
    const links = wt.steps.flatMap((s) => [...s.description.matchAll(/\(command:queuescope\.launchSample(?:\?([^)]*))?\)/g)]);
    assert.ok(links.length >= 3);
    for (const link of links) {
      if (link[1] === undefined) continue; // no argument: the quick pick
      const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
      assert.equal(args.length, 1);
      assert.ok(findSample(String(args[0])), `link to unknown sample ${String(args[0])}`);
    }
  });
});
