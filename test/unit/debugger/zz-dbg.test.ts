import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueModel } from '/work/wt-int/src/model';
import { SessionPoller } from '/work/wt-int/src/host/sessions/poller';
import { CdpClient, startInspected } from '/work/wt-int/test/unit/debugger/cdp';
const ROOT = '/work/wt-int';
it('dbg', async function () {
  this.timeout(200000);
  for (let run = 0; run < 15; run++) {
    const file = `/tmp/dbgtail-${run}.ndjson`; fs.rmSync(file, { force: true });
    const started = await startInspected([path.join(ROOT, 'test/fixtures/trace/exit-pipeline.js')], { ...process.env, QUEUESCOPE_TRACE: '1', QUEUESCOPE_LIB: path.join(ROOT, 'dist/lib/index.js'), EXIT_MODE: 'natural' });
    const exited = new Promise<void>((r) => started.child.once('exit', () => r()));
    const client = await CdpClient.connect(started.url);
    await client.send('Runtime.enable'); await client.send('Debugger.enable');
    const log: string[] = []; const t0 = Date.now();
    const model = new QueueModel();
    const poller = new SessionPoller({ evaluate: async (e) => { const kind = e.includes('attach') ? 'attach' : 'drain'; const a = await client.evaluateString(e); log.push(`${Date.now() - t0}ms ${kind} -> ${a.slice(0, 60)}`); return a; } }, model, 'root', 'child', { info: (m) => log.push(m), warn: (m) => log.push('W ' + m) }, { intervalMs: () => 100, noHubBackoffMs: 5, exitTail: { path: file, read: () => fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined, remove: () => undefined } });
    poller.start();
    client.on('Runtime.executionContextDestroyed', () => log.push(`${Date.now() - t0}ms context destroyed; tail exists ${fs.existsSync(file)}`));
    await client.once('Runtime.executionContextDestroyed');
    client.close(); await exited; await poller.finish();
    const q = model.queuesOf('root').find((x) => x.name === 'parsed-records');
    const ok = q?.counters.gets === 193;
    if (!ok) { console.log(`RUN ${run} BAD`, q?.counters.gets, '\n' + log.join('\n'), '\nTAIL:', fs.readFileSync(file, 'utf8').split('\n').map((l) => l.slice(0, 50)).join('\n')); }
  }
});
