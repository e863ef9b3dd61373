'use strict';
/* global performance */
// Preload for bench/live/slowdown.js: drains the armed hub in process with the extension's
// columnar drain and budget, paced the way the poller paces it: QUEUESCOPE_INTERVAL_JS
// names a bundle of src/host/polling/adaptiveInterval.ts (slowdown.js builds it), fed each
// drain's figures like the poller feeds it (base interval DRAIN_MS, 100 by default, the
// setting's default; no extension-host time here, so only the debuggee's own duty, the
// program's CPU share and the bytes-per-second ceiling stretch it). Without that variable, a fixed DRAIN_MS period.
// On exit it prints {"drains":…, "bytesPerPoll":…, "msPerPoll":…, "meanIntervalMs":…} on stderr.

const KEY = Symbol.for('queuescope.hub');
const base = Number(process.env.DRAIN_MS) || 100;
const MAX_BYTES = 256 * 1024;
const adaptive = process.env.QUEUESCOPE_INTERVAL_JS ? new (require(process.env.QUEUESCOPE_INTERVAL_JS).AdaptiveInterval)(() => ({ baseMs: base })) : undefined;
let drains = 0;
let bytes = 0;
let ms = 0;
const t0 = performance.now();
function drainOnce() {
  const hub = globalThis[KEY];
  let delay = base;
  if (hub !== undefined && typeof hub.drain === 'function') {
    const t = performance.now();
    const text = hub.drain(MAX_BYTES, { columns: true });
    const took = performance.now() - t;
    ms += took;
    bytes += text.length;
    drains++;
    if (adaptive !== undefined) {
      // The batch's own figures, as the poller reads them (events, more, the hub's ms).
      const head = text.slice(-200);
      const more = /"more":true/.test(head);
      const debuggeeMs = Number((/"ms":([\d.]+),"stride"/.exec(head) || [])[1] ?? took);
      const cpu = /"cpu":([\d.]+)/.exec(head);
      delay = adaptive.next({ events: text.includes('"events":[]') ? 0 : 1, bytes: text.length, debuggeeMs, programCpu: cpu ? Number(cpu[1]) : undefined, more });
    }
  }
  setTimeout(drainOnce, Math.max(1, delay)).unref();
}
setTimeout(drainOnce, base).unref();
process.on('exit', () => {
  const n = Math.max(1, drains);
  process.stderr.write(`${JSON.stringify({ drains, bytesPerPoll: Math.round(bytes / n), msPerPoll: ms / n, meanIntervalMs: Math.round((performance.now() - t0) / n) })}\n`);
});
