// The detail area's lines for a BullMQ queue (a Redis watch, or a traced program's Queue or
// Worker): every state's count, the throughput and failures, the oldest waiting job, the
// workers, a traced Worker's running jobs, the recent notable job events and the source's gaps (an outage is a gap, never zeros). Job names, reasons and
// worker names are program and Redis data: they only ever reach the page as text nodes.

import type { JobsInfo } from '../protocol/webview';
import { jobStatesText, oldestText, throughputText, workersText } from '../protocol/jobsText';
import { el, icon } from './dom';
import { formatDuration, formatSessionTime } from './format';

export function jobsFacts(j: JobsInfo): Node[] {
  const out: Node[] = [
    el('span', { class: 'jobs-states', attrs: { title: 'BullMQ job counts per state' } }, icon('database'), jobStatesText(j.counts)),
    el('span', { class: 'jobs-flow' }, throughputText(j)),
    el('span', { class: 'jobs-oldest' }, oldestText(j)),
  ];
  const workers = workersText(j);
  if (workers) out.push(el('span', { class: 'jobs-workers', attrs: { title: j.workers.map((w) => w.name || '(unnamed)').join('\n') } }, workers));
  for (const g of j.gaps) {
    out.push(
      el(
        'span',
        { class: 'badge b-gap jobs-gap' },
        icon('debug-disconnect'),
        `not read ${formatSessionTime(g.from)} – ${formatSessionTime(g.to)} (${formatDuration(g.to - g.from)})${g.reason ? `: ${g.reason}` : ''}`,
      ),
    );
  }
  const running = j.workers.flatMap((w) => (w.running ?? []).map((r) => ({ worker: w.name, ...r })));
  if (running.length) {
    const list = el('ul', { class: 'jobs-running', attrs: { 'aria-label': 'Jobs running now' } });
    for (const r of running) {
      list.append(el('li', {}, `running #${r.id}`, el('span', { class: 'job-name', text: ` ${r.name}` }), ` · ${formatDuration(r.ageMs)} · attempt ${r.attempts}${r.worker ? ` · ${r.worker}` : ''}`));
    }
    out.push(list);
  }
  if (j.recent.length) {
    const list = el('ul', { class: 'jobs-recent', attrs: { 'aria-label': 'Recent notable jobs' } });
    for (const e of j.recent) {
      list.append(el('li', {}, `${formatSessionTime(e.t)} ${e.event} #${e.jobId}`, e.name !== undefined ? el('span', { class: 'job-name', text: ` ${e.name}` }) : null, e.reason ? el('span', { class: 'job-reason', text: `: ${e.reason}` }) : null));
    }
    out.push(list);
  }
  return out;
}
