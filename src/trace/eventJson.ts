// The JSON of the outbox events a busy program produces most: 'wait' and 'waitEnd'. A drain
// at 1,000 queues serialises hundreds of them, and JSON.stringify walks each object (and its
// call site) generically; here the fixed keys are written out and each call-site object's
// JSON is made once (sites are shared: one per queue and role, reused by later waits). The
// text is exactly what JSON.stringify gives (same keys, same order, `site` left out when
// undefined) for the events the hub builds, which carry no other string keys; any other
// event goes to JSON.stringify.

import type { CallSite, WaiterRoleWire, WireEvent } from '../protocol/wire';

const siteJson = new WeakMap<CallSite, string>();

function siteText(site: CallSite): string {
  let s = siteJson.get(site);
  if (s === undefined) {
    s = JSON.stringify(site);
    siteJson.set(site, s);
  }
  return s;
}

/** Finite numbers print the same in JSON and in a template; anything else goes the slow way. */
function num(x: number): string {
  return Number.isFinite(x) ? `${x}` : JSON.stringify(x);
}

export function eventJson(ev: WireEvent): string {
  if (ev.type === 'waitEnd') {
    return `{"type":"waitEnd","t":${num(ev.t)},"q":${num(ev.q)},"w":${num(ev.w)},"outcome":${JSON.stringify(ev.outcome)},"ms":${num(ev.ms)}}`;
  }
  if (ev.type === 'wait') {
    const site = ev.site === undefined ? '' : `,"site":${typeof ev.site === 'object' && ev.site !== null ? siteText(ev.site) : JSON.stringify(ev.site)}`;
    const adopted = ev.adopted === undefined ? '' : `,"adopted":${JSON.stringify(ev.adopted)}`;
    return `{"type":"wait","t":${num(ev.t)},"q":${num(ev.q)},"w":${num(ev.w)},"role":${JSON.stringify(ev.role)}${site}${adopted}}`;
  }
  return JSON.stringify(ev);
}

/**
 * A 'shortWaits' event's JSON, exactly JSON.stringify's of `{ type, t, q, role, count,
 * totalMs, hist }`: a columnar drain at 10,000 queues writes thousands of them.
 */
export function shortWaitsJson(t: number, q: number, role: WaiterRoleWire, count: number, totalMs: number, hist: readonly number[]): string {
  let h = '';
  for (let i = 0; i < hist.length; i++) h += i === 0 ? num(hist[i]) : `,${num(hist[i])}`;
  return `{"type":"shortWaits","t":${num(t)},"q":${num(q)},"role":${JSON.stringify(role)},"count":${num(count)},"totalMs":${num(totalMs)},"hist":[${h}]}`;
}
