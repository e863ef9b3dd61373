// Export to the Chrome Trace Event format (JSON object form), which Perfetto UI and
// chrome://tracing open. Mapping:
//   - one process (pid) per recording source, named with 'M' process_name metadata;
//   - depth of each queue as a 'C' counter series "<queue> #<id> depth";
//   - each blocked put / waiting get as an 'X' complete event on the queue's wait track.
//     Waits of one queue overlap, and slices on one thread must not overlap partially,
//     so a queue gets as many tracks ("lanes", one tid each) as it had concurrent waits;
//     each lane is named with 'M' thread_name metadata;
//   - queue lifecycle (created, shut down, collected) as 'i' instant events on a
//     per-source "queues" track (tid 0).
// Times: ts/dur in microseconds on the recording's common axis (see context.ts).
// Every track's timestamps are non-decreasing by construction: a lane only takes a wait
// that starts after the lane's last wait ended; the rare out-of-order input line is
// clamped to its track's latest time and counted in `reordered`.

import { WaitTracker, type TrackedWait, type WaitEnding } from '../model/waitRules';
import type { RecordingLine, SourceInfo, WaiterRoleWire } from '../protocol/wire';
import { RecordingContext, sourceLabel, type SourceEntry } from './context';
import type { LineExporter } from './exporter';

export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'C' | 'i' | 'M';
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

interface OpenWait {
  start: number; // common-axis ms
  role: WaiterRoleWire | 'unknown';
  q: number;
  site?: string;
}

interface Lane {
  tid: number;
  lastEnd: number; // µs
}

interface SourceState {
  pid: number;
  entry: SourceEntry;
  /** queue id -> its wait lanes. */
  lanes: Map<number, Lane[]>;
  nextTid: number;
  /** Queues already announced (created or in a snapshot). */
  queues: Set<number>;
}

const WAIT_NAMES: Record<WaiterRoleWire | 'unknown', string> = { put: 'blocked put', get: 'waiting get', unknown: 'wait' };
const LIFECYCLE_TID = 0;

const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

export class ChromeTraceExporter implements LineExporter {
  readonly context = new RecordingContext();
  /** Events whose time went backwards on their track and were clamped. */
  reordered = 0;
  /** How many trace events were written. */
  events = 0;
  private readonly states = new Map<string, SourceState>();
  private readonly trackLast = new Map<string, number>();
  private first = true;
  /** Where the wait rules' reports go during one push() or end(). */
  private out: ChromeTraceEvent[] = [];
  /** The wait rules (src/model/waitRules.ts), on the common time axis. */
  private readonly waits = new WaitTracker(
    {
      started: () => undefined,
      ended: (w: TrackedWait, e: WaitEnding) => {
        const outcome = e.outcome ?? (e.cause === 'end' ? 'still waiting' : 'ended unseen');
        this.waitSlice(this.state(w.src, this.out), { start: w.since, role: w.role, q: w.q, site: siteText(w.site) }, e.at, outcome, this.out);
      },
      // A wait the file never announced (short waits may not be) still has its duration.
      unmatchedEnd: (src, e, at) => this.waitSlice(this.state(src, this.out), { start: at - e.ms, role: 'unknown', q: e.q }, at, e.outcome, this.out),
    },
    (src, t) => this.context.time(src, t),
  );

  begin(): string {
    return '{"traceEvents":[\n';
  }

  push(line: RecordingLine): string {
    const added = this.context.observe(line);
    const out: ChromeTraceEvent[] = (this.out = []);
    if (added) this.addSource(added, out);
    switch (line.type) {
      case 'source': {
        const state = this.state(line.src, out);
        const t = this.context.time(line.src, line.snapshot?.t ?? line.info.now);
        // A source announced again (the extension records each pause snapshot this way)
        // adds a depth observation and waits not seen yet; its known queues are not new.
        for (const q of line.snapshot?.queues ?? []) {
          if (!state.queues.has(q.q)) this.lifecycle(state, t, `queue ${q.name} #${q.q}`, { kind: q.kind, maxsize: q.maxsize }, out);
          state.queues.add(q.q);
          this.depth(state, q.q, t, q.size, out);
        }
        if (line.snapshot) this.waits.snapshot(line.src, line.snapshot);
        break;
      }
      case 'queue': {
        const state = this.state(line.src, out);
        const t = this.context.time(line.src, line.t);
        state.queues.add(line.q);
        this.lifecycle(state, t, `queue ${line.name} #${line.q}`, { kind: line.kind, maxsize: line.maxsize, site: siteText(line.site) }, out);
        this.depth(state, line.q, t, line.size, out);
        break;
      }
      case 'samples': {
        const state = this.state(line.src, out);
        const t = this.context.time(line.src, line.t);
        for (const row of line.rows) this.depth(state, row[0], t, row[1], out);
        break;
      }
      case 'wait':
      case 'waitEnd':
      case 'shortWaits':
        this.state(line.src, out);
        this.waits.event(line.src, line);
        break;
      case 'shutdown': {
        const state = this.state(line.src, out);
        this.lifecycle(state, this.context.time(line.src, line.t), `shutdown ${this.context.queueName(line.src, line.q)} #${line.q}`, { immediate: line.immediate }, out);
        break;
      }
      case 'gc': {
        const state = this.state(line.src, out);
        this.lifecycle(state, this.context.time(line.src, line.t), `collected ${this.context.queueName(line.src, line.q)} #${line.q}`, {}, out);
        break;
      }
      case 'end':
        this.state(line.src, out);
        this.waits.endSource(line.src, line.t);
        break;
      case 'pause':
      case 'resume': {
        const state = this.state(line.src, out);
        this.lifecycle(state, this.context.time(line.src, line.t), line.type === 'pause' ? 'paused by the debugger' : 'resumed', {}, out);
        break;
      }
      default:
        break;
    }
    return this.format(out);
  }

  end(): string {
    const out: ChromeTraceEvent[] = (this.out = []);
    for (const state of this.states.values()) this.waits.endSource(state.entry.src, state.entry.lastT);
    return this.format(out) + '\n],"displayTimeUnit":"ms"}\n';
  }

  private format(events: ChromeTraceEvent[]): string {
    if (!events.length) return '';
    let text = '';
    for (const event of events) {
      text += (this.first ? '' : ',\n') + JSON.stringify(event);
      this.first = false;
    }
    this.events += events.length;
    return text;
  }

  private state(src: string, out: ChromeTraceEvent[]): SourceState {
    let state = this.states.get(src);
    if (!state) state = this.addSource(this.context.source(src), out);
    return state;
  }

  private addSource(entry: SourceEntry, out: ChromeTraceEvent[]): SourceState {
    const existing = this.states.get(entry.src);
    if (existing) return existing;
    const state: SourceState = { pid: entry.index + 1, entry, lanes: new Map(), nextTid: 1, queues: new Set() };
    this.states.set(entry.src, state);
    out.push(meta('process_name', state.pid, 0, { name: processName(entry.info) }));
    out.push(meta('process_sort_index', state.pid, 0, { sort_index: entry.index }));
    out.push(meta('thread_name', state.pid, LIFECYCLE_TID, { name: 'queues' }));
    return state;
  }

  private depth(state: SourceState, q: number, tMs: number, depth: number, out: ChromeTraceEvent[]): void {
    const name = `${this.context.queueName(state.entry.src, q)} #${q} depth`;
    out.push({ name, ph: 'C', ts: this.monotonic(`${state.pid}/c/${name}`, us(tMs)), pid: state.pid, tid: 0, args: { depth } });
  }

  private lifecycle(state: SourceState, tMs: number, name: string, args: Record<string, unknown>, out: ChromeTraceEvent[]): void {
    const ts = this.monotonic(`${state.pid}/${LIFECYCLE_TID}`, us(tMs));
    out.push({ name, ph: 'i', s: 't', ts, pid: state.pid, tid: LIFECYCLE_TID, args: dropUndefined(args) });
  }

  private waitSlice(state: SourceState, wait: OpenWait, endMs: number, outcome: string, out: ChromeTraceEvent[]): void {
    const ts = us(wait.start);
    const dur = Math.max(0, us(endMs) - ts);
    const lane = this.lane(state, wait.q, ts, out);
    lane.lastEnd = ts + dur;
    const args = dropUndefined({ outcome, site: wait.site });
    out.push({ name: WAIT_NAMES[wait.role], cat: 'wait', ph: 'X', ts, dur, pid: state.pid, tid: lane.tid, args });
  }

  /** The lowest lane of queue q that is free at `ts`, creating (and naming) one if none is. */
  private lane(state: SourceState, q: number, ts: number, out: ChromeTraceEvent[]): Lane {
    let lanes = state.lanes.get(q);
    if (!lanes) state.lanes.set(q, (lanes = []));
    const free = lanes.find((l) => l.lastEnd <= ts);
    if (free) return free;
    const lane: Lane = { tid: state.nextTid++, lastEnd: -Infinity };
    lanes.push(lane);
    const name = `${this.context.queueName(state.entry.src, q)} #${q} waits` + (lanes.length > 1 ? ` (${lanes.length})` : '');
    out.push(meta('thread_name', state.pid, lane.tid, { name }));
    out.push(meta('thread_sort_index', state.pid, lane.tid, { sort_index: q * 1000 + lanes.length }));
    return lane;
  }

  private monotonic(track: string, ts: number): number {
    const last = this.trackLast.get(track);
    if (last !== undefined && ts < last) {
      this.reordered++;
      return last;
    }
    this.trackLast.set(track, ts);
    return ts;
  }
}

function meta(name: string, pid: number, tid: number, args: Record<string, unknown>): ChromeTraceEvent {
  return { name, ph: 'M', ts: 0, pid, tid, args };
}

function processName(info: SourceInfo): string {
  const title = info.title && info.title !== 'node' ? `${info.title} ` : '';
  return `${title}(${sourceLabel(info)})`;
}

function siteText(site: { file: string; line: number; column: number; fn: string } | undefined): string | undefined {
  if (!site) return undefined;
  return `${site.fn ? site.fn + ' ' : ''}${site.file}:${site.line}:${site.column}`;
}

function dropUndefined(args: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(args)) if (args[key] === undefined) delete args[key];
  return args;
}
