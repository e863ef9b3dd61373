// Opening a .qscope file like a user (Quick Open): the recording editor streams it in and
// shows the QueueScope panel in replay mode with the recorded queues.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { Workbench } from './workbench';

/** A recording of the back-pressure sample, made by the hub's file recorder. */
function recordBackPressure(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qscope-e2e-'));
  const file = path.join(dir, 'run.qscope');
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, QUEUESCOPE_TRACE_FILE: file };
    delete env.QUEUESCOPE_TRACE;
    delete env.QUEUESCOPE_TRACE_SESSION;
    const run = spawnSync(process.execPath, ['--require', path.join(projectRoot, 'dist/lib/register.js'), path.join(projectRoot, 'dist/samples/back-pressure.js'), '--duration', '2', '--rate', '100', '--work', '40'], {
      env,
      stdio: 'ignore',
      timeout: 30_000,
    });
    assert.equal(run.status, 0, 'the sample ran');
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Session time (ms from the recording's start, the slider's unit) in the middle of the
 * longest blocked put the recording holds: the producer is surely blocked then. (Half-way
 * through the run it is blocked only about three quarters of the time.)
 */
function midBlockedPut(ndjson: string): number {
  const lines = ndjson.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const created = lines[0].created as number;
  const origins = new Map(lines.filter((l) => l.type === 'source').map((l) => [l.src, (l.info as { origin: number }).origin]));
  const puts = new Set(lines.filter((l) => l.type === 'wait' && l.role === 'put').map((l) => `${l.src}/${l.w}`));
  const ends = lines.filter((l) => l.type === 'waitEnd' && puts.has(`${l.src}/${l.w}`));
  assert.ok(ends.length > 0, 'the recording holds a blocked put');
  const longest = ends.reduce((a, b) => ((b.ms as number) > (a.ms as number) ? b : a));
  return origins.get(longest.src)! + (longest.t as number) - (longest.ms as number) / 2 - created;
}

describe('recording editor', function () {
  let wb: Workbench | undefined;
  after(async () => {
    await wb?.close();
  });

  it('opens a .qscope file from Quick Open in the panel, in replay mode', async () => {
    const recording = recordBackPressure();
    wb = await Workbench.open({ files: { 'run.qscope': recording } });
    await wb.page.keyboard.press('Control+P');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('run.qscope');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'run.qscope' }).first().waitFor({ timeout: 20_000 });
    await input.press('Enter');
    await wb.page.locator('.tabs-container .tab', { hasText: 'run.qscope' }).first().waitFor({ timeout: 20_000 });
    // The recorded queue is listed in the panel's overview, and the session shows as ended.
    const { frame } = await wb.webviewElement('#overview');
    await frame.locator('#overview', { hasText: 'uploads' }).waitFor({ timeout: 20_000 });
    const status = (await frame.locator('#status').innerText()).toLowerCase();
    assert.match(status, /recording/, 'a replay, not a live session');
    // The time cursor: the host answers with the depths and the waits in progress then.
    const slider = frame.locator('#cursor-slider');
    await slider.waitFor({ state: 'visible' });
    await slider.fill(String(midBlockedPut(recording)));
    await frame.locator('#cursor-depths tr', { hasText: 'uploads' }).waitFor({ timeout: 20_000 });
    // In the middle of a recorded blocked put, the cursor shows the producer blocked.
    await frame.locator('#cursor-waiters li', { hasText: 'blocked put' }).first().waitFor({ timeout: 20_000 });
    await wb.page.waitForTimeout(500); // let the chart draw before the picture
    await wb.screenshot('recording-editor');
    assert.deepEqual(await wb.notifications(), [], 'no warning or error while opening a clean recording');
  });
});
