// Names that tell sessions apart. Sessions often share a name: each program run in the
// debug terminal is a "Node.js Process", each run of a launch (Debug: Restart, a watcher's
// reload: `<id>~<n>`, src/extension/sessions/watcher.ts) is named after the launch. The
// panel's session picker listed three "tsx app (ended)" (since 2026-12-05). A name shared by
// several sessions gets what distinguishes them: the run of the launch ("run 2"), the pid of
// its program, and if that still leaves two alike, the time it started.

import type { ModelSession } from '../../model/entities';

/** Run number of a model session id: `<id>~<n>` is run n + 1, a plain id run 1. */
export function runNumberOf(id: string): number {
  const m = /~(\d+)$/.exec(id);
  return m ? Number(m[1]) + 1 : 1;
}

function launchOf(id: string): string {
  return id.replace(/~\d+$/, '');
}

/**
 * The pids a session's queues live in (main threads of processes, pid 0 being no process):
 * of the processes that have queues, else of all (a supervisor such as `tsx watch` has none).
 */
function pidsOf(s: Pick<ModelSession, 'sources'>): number[] {
  const mains = [...s.sources.values()].filter((src) => src.info.pid > 0);
  const withQueues = mains.filter((src) => src.queues.size > 0);
  return [...new Set((withQueues.length > 0 ? withQueues : mains).map((src) => src.info.pid))].sort((a, b) => a - b);
}

function clock(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

type Labelled = Pick<ModelSession, 'id' | 'name' | 'started' | 'sources'>;

/** Each session's label: its name, and for a name several sessions share what tells them apart. */
export function sessionLabels(sessions: readonly Labelled[]): Map<string, string> {
  const out = new Map<string, string>();
  const byName = new Map<string, Labelled[]>();
  for (const s of sessions) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0].id, name);
      continue;
    }
    // "run N" only among runs of one launch (two F5s are two launches, each run 1).
    const launches = new Map<string, number>();
    for (const s of group) launches.set(launchOf(s.id), (launches.get(launchOf(s.id)) ?? 0) + 1);
    const labels = group.map((s) => {
      const parts = [name];
      if ((launches.get(launchOf(s.id)) ?? 0) > 1) parts.push(`run ${runNumberOf(s.id)}`);
      const pids = pidsOf(s);
      if (pids.length > 0) parts.push(`${pids.length === 1 ? 'pid' : 'pids'} ${pids.slice(0, 3).join(', ')}${pids.length > 3 ? '…' : ''}`);
      return parts.join(' · ');
    });
    group.forEach((s, i) => {
      const alike = labels.filter((l) => l === labels[i]).length > 1;
      out.set(s.id, alike ? `${labels[i]} · ${clock(s.started)}` : labels[i]);
    });
  }
  return out;
}
