'use strict';
/* global performance */
// Preload for bench/live/slowdown.js: drains the armed hub in process every DRAIN_MS (100 by
// default) with the extension's columnar drain and budget, as the poller would, but without
// a debugger in the loop. On exit it prints {"drains":…, "bytesPerPoll":…, "msPerPoll":…}
// on stderr.

const KEY = Symbol.for('queuescope.hub');
const every = Number(process.env.DRAIN_MS) || 100;
let drains = 0;
let bytes = 0;
let ms = 0;
setInterval(() => {
  const hub = globalThis[KEY];
  if (hub === undefined || typeof hub.drain !== 'function') return;
  const t = performance.now();
  const text = hub.drain(256 * 1024, { columns: true });
  ms += performance.now() - t;
  bytes += text.length;
  drains++;
}, every).unref();
process.on('exit', () => {
  const n = Math.max(1, drains);
  process.stderr.write(`${JSON.stringify({ drains, bytesPerPoll: Math.round(bytes / n), msPerPoll: ms / n })}\n`);
});
