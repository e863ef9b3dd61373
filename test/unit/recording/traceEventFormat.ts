// A checker for the Trace Event format (the JSON chrome://tracing and Perfetto read),
// written from the format's specification: it returns every violation it finds.

/** Phase values the Trace Event format defines. */
export const TRACE_PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 'S', 'T', 'p', 'F', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'V', 'v', 'R', 'c', '(', ')']);

interface TraceEvent {
  name?: unknown;
  ph?: unknown;
  ts?: unknown;
  pid?: unknown;
  tid?: unknown;
  dur?: unknown;
  s?: unknown;
  args?: unknown;
}

export interface TraceCheck {
  problems: string[];
  events: TraceEvent[];
  counts: Record<string, number>;
}

export function checkTraceEventJson(text: string): TraceCheck {
  const problems: string[] = [];
  const doc = JSON.parse(text) as { traceEvents?: unknown };
  if (!Array.isArray(doc.traceEvents)) return { problems: ['no traceEvents array'], events: [], counts: {} };
  const events = doc.traceEvents as TraceEvent[];
  const counts: Record<string, number> = {};
  const lastTs = new Map<string, number>();
  const openEnds = new Map<string, number[]>(); // per thread: stack of X end times
  const processNames = new Set<string>();
  const threadNames = new Set<string>();
  const usedThreads = new Set<string>();
  const usedPids = new Set<string>();
  const say = (i: number, what: string): void => void (problems.length < 50 && problems.push(`event ${i}: ${what}`));

  events.forEach((e, i) => {
    if (typeof e.name !== 'string') say(i, 'name is not a string');
    if (typeof e.ph !== 'string' || !TRACE_PHASES.has(e.ph)) return say(i, `ph ${JSON.stringify(e.ph)} is not a Trace Event phase`);
    counts[e.ph] = (counts[e.ph] ?? 0) + 1;
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) say(i, 'ts is not a finite number');
    if (!Number.isInteger(e.pid)) say(i, 'pid is not an integer');
    if (!Number.isInteger(e.tid)) say(i, 'tid is not an integer');
    const thread = `${String(e.pid)}/${String(e.tid)}`;
    if (e.ph === 'M') {
      const args = e.args as { name?: unknown } | undefined;
      if (e.name === 'process_name') {
        if (typeof args?.name !== 'string') say(i, 'process_name without args.name');
        processNames.add(String(e.pid));
      }
      if (e.name === 'thread_name') {
        if (typeof args?.name !== 'string') say(i, 'thread_name without args.name');
        threadNames.add(thread);
      }
      return;
    }
    usedPids.add(String(e.pid));
    const ts = e.ts as number;
    const track = e.ph === 'C' ? `${String(e.pid)}/counter/${String(e.name)}` : thread;
    const last = lastTs.get(track);
    if (last !== undefined && ts < last) say(i, `ts ${ts} goes back from ${last} on track ${track}`);
    lastTs.set(track, ts);
    if (e.ph === 'X') {
      usedThreads.add(thread);
      if (typeof e.dur !== 'number' || !(e.dur >= 0)) say(i, `X event with dur ${String(e.dur)}`);
      const end = ts + (e.dur as number);
      const stack = openEnds.get(thread) ?? [];
      while (stack.length && stack[stack.length - 1] <= ts) stack.pop();
      if (stack.length && end > stack[stack.length - 1]) say(i, `X event overlaps its enclosing slice partially on ${thread}`);
      stack.push(end);
      openEnds.set(thread, stack);
    }
    if (e.ph === 'C') {
      const args = e.args as Record<string, unknown> | undefined;
      const values = args ? Object.values(args) : [];
      if (!values.length || values.some((v) => typeof v !== 'number')) say(i, 'counter event without numeric args');
    }
    if (e.ph === 'i' && e.s !== undefined && !['g', 'p', 't'].includes(e.s as string)) say(i, `instant scope ${String(e.s)}`);
  });
  for (const pid of usedPids) if (!processNames.has(pid)) problems.push(`pid ${pid} has no process_name`);
  for (const thread of usedThreads) if (!threadNames.has(thread)) problems.push(`thread ${thread} has no thread_name`);
  return { problems, events, counts };
}
