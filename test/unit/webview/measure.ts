// Measures the panel with 50 queues and one hour of history (not a test: no timing claims
// in tests). Run: npx tsx test/unit/webview/measure.ts
//   1. a real QueueModel gets one hour of drains (100 ms samples, all 50 queues busy);
//   2. a PanelFeed sends the init, then 30 s of live updates (its throttle, its message sizes);
//   3. the real page in Chromium gets those messages; each update is timed from delivery
//      to the end of its render (overview, waiter lists, chart), and as a whole frame.

import { QueueModel } from '../../../src/model/store';
import type { SourceInfo, WireEvent } from '../../../src/protocol/wire';
import type { HostMessage } from '../../../src/protocol/webview';
import { PanelFeed } from '../../../src/host/panel/feed';
import { launch, openPanel, settle } from './harness';
import { ManualClock } from '../../helpers/manualClock';

const QUEUES = 50;
const ORIGIN = 1_700_000_000_000;
const HOUR = 3_600_000;
const LIVE_MS = 30_000;
const SAMPLE_MS = 100;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main(): Promise<void> {
  const clock = new ManualClock(ORIGIN);
  const model = new QueueModel({ now: clock.scheduler.now });
  model.openSession('s1', 'Launch load.js');
  const info: SourceInfo = { v: 1, pid: 1, threadId: 0, isMainThread: true, title: 'load', argv: [], origin: ORIGIN, now: 0, sampleInterval: SAMPLE_MS };
  const src = model.addSource('s1', info);
  const depth = new Array(QUEUES).fill(0);
  const created: WireEvent[] = [];
  for (let q = 1; q <= QUEUES; q++) created.push({ type: 'queue', t: 0, q, name: `stage-${String(q).padStart(2, '0')}`, kind: 'fifo', maxsize: q % 3 === 0 ? 0 : 100, size: 0, site: { file: '/app/load.js', line: q, column: 1, fn: 'make' } });
  model.applyEvents('s1', src, created);
  let waiter = 0;
  const open: { q: number; w: number }[] = [];
  /** One drain: every queue moved; a few waits start and end; counters of all. */
  const drain = (t: number): WireEvent[] => {
    const rows: [number, number, number, number, number, number][] = [];
    const ev: WireEvent[] = [];
    for (let q = 1; q <= QUEUES; q++) {
      const d = Math.max(0, Math.min(100, depth[q - 1] + Math.round((Math.random() - 0.5) * 6)));
      rows.push([q, d, Math.max(0, d - 2), d + 2, 3, 3]);
      depth[q - 1] = d;
      ev.push({ type: 'counters', t, q, c: { puts: Math.floor(t / 30), gets: Math.floor(t / 30), blockedPuts: 0, waitedGets: 0, timeouts: 0, aborts: 0, highWater: 100, dropped: 0 }, unfinished: d });
    }
    ev.unshift({ type: 'samples', t, rows });
    if (Math.random() < 0.3) {
      const q = 1 + Math.floor(Math.random() * QUEUES);
      ev.push({ type: 'wait', t, q, w: ++waiter, role: Math.random() < 0.5 ? 'put' : 'get', site: { file: '/app/load.js', line: 100 + q, column: 5, fn: 'stage' } });
      open.push({ q, w: waiter });
      // About ten waiters at any time, each for a few seconds.
      if (open.length > 10) {
        const done = open.shift()!;
        ev.push({ type: 'waitEnd', t, q: done.q, w: done.w, outcome: 'served', ms: 3000 });
      }
    }
    return ev;
  };

  let t0 = Date.now();
  for (let t = SAMPLE_MS; t <= HOUR; t += SAMPLE_MS) {
    clock.now = ORIGIN + t;
    model.applyEvents('s1', src, drain(t));
  }
  const mem = model.memoryStats();
  console.log(`model: one hour of ${QUEUES} queues applied in ${Date.now() - t0} ms; ${mem.points} points, ${(mem.bytes / 1e6).toFixed(1)} MB`);

  const sent: HostMessage[] = [];
  const feed = new PanelFeed(model, (m) => sent.push(m), clock.scheduler);
  t0 = performance.now();
  feed.ready();
  const init = sent[0];
  const initBytes = JSON.stringify(init).length;
  console.log(`init: ${(initBytes / 1e6).toFixed(2)} MB JSON, built in ${(performance.now() - t0).toFixed(0)} ms`);
  sent.length = 0;
  // Live: drains every 100 ms (the extension's default poll interval).
  const start = clock.now;
  for (let t = HOUR + SAMPLE_MS; t <= HOUR + LIVE_MS; t += SAMPLE_MS) {
    clock.runUntil(ORIGIN + t);
    model.applyEvents('s1', src, drain(t));
  }
  clock.runUntil(clock.now + 1000);
  const seconds = (clock.now - start) / 1000;
  const updates = sent.filter((m) => m.type === 'update');
  const bytes = sent.reduce((n, m) => n + JSON.stringify(m).length, 0);
  console.log(`live: ${sent.length} messages in ${seconds.toFixed(1)} s = ${(sent.length / seconds).toFixed(1)}/s; ${(bytes / seconds / 1024).toFixed(1)} KB/s; mean update ${(bytes / Math.max(1, updates.length) / 1024).toFixed(1)} KB`);

  if (process.env.MSGS_OUT) require('node:fs').writeFileSync(process.env.MSGS_OUT, JSON.stringify({ init, updates: updates.slice(0, 100) }));
  if (process.env.NO_BROWSER) return;
  const browser = await launch();
  try {
    const p = await openPanel(browser, { width: 1600, height: 1000 });
    // Hand the init over first, then time only its handling in the page (not the test's transfer).
    await p.page.evaluate((m) => ((window as unknown as { __init: unknown }).__init = m), init as unknown as Record<string, unknown>);
    const initMs = await p.page.evaluate(() => {
      const a = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: (window as unknown as { __init: unknown }).__init }));
      (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel.flush();
      void document.body.offsetHeight;
      return performance.now() - a;
    });
    await settle(p.page);
    console.log(`browser: init (${QUEUES} queues, 1 h) handled, rendered and laid out in ${initMs.toFixed(0)} ms`);
    for (const [label, setup] of [
      ['one queue, live window (1 min)', async () => undefined],
      ['one queue, whole hour visible', async () => p.page.locator('#whole').click()],
      ['combined chart (8 queues), whole hour', async () => p.page.locator('#combined').click()],
    ] as const) {
      await setup();
      await settle(p.page);
      const times = (await p.page.evaluate(async (msgs) => {
        const api = (window as unknown as { queuescopePanel: { flush(): void } }).queuescopePanel;
        const out: { sync: number; frame: number }[] = [];
        for (const m of msgs) {
          const a = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data: m }));
          api.flush();
          void document.body.offsetHeight; // include style and layout
          const b = performance.now();
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          out.push({ sync: b - a, frame: performance.now() - a });
        }
        return out;
      }, updates.slice(0, 200) as unknown as Record<string, unknown>[])) as { sync: number; frame: number }[];
      const sync = times.map((x) => x.sync);
      console.log(`  ${label}: update handled+rendered+laid out median ${percentile(sync, 50).toFixed(2)} ms, p95 ${percentile(sync, 95).toFixed(2)} ms, max ${Math.max(...sync).toFixed(2)} ms (n=${sync.length}); to next frame median ${percentile(times.map((x) => x.frame), 50).toFixed(1)} ms`);
    }
    await p.close();
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
