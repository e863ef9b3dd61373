// Every wait of a recording as an interval, for the replay's time cursor: "who was waiting
// at instant T?". The live model keeps only the current waiters and a few recent ones per
// queue; a recording has them all, so the replay builds this index while it loads.
//
// Storage is columnar typed arrays (about 30 bytes a wait) that grow by doubling, and call
// sites are interned, so a recording with a million waits costs ~30 MB at most. Past
// `maxWaits` the oldest half is dropped (and counted): memory stays bounded.

import { WaitTracker } from '../model/waitRules';
import type { CallSite, RecordingLine, WaiterRoleWire, WaitOutcomeWire } from '../protocol/wire';

export interface IndexedWait {
  /** Source key and queue id: `${src}/${q}`. */
  queue: string;
  w: number;
  role: WaiterRoleWire;
  /** Epoch ms. */
  since: number;
  /** Epoch ms, or undefined when it had not ended by the end of the recording. */
  ended?: number;
  outcome?: WaitOutcomeWire;
  site?: CallSite;
}

const OUTCOMES: WaitOutcomeWire[] = ['served', 'timeout', 'aborted', 'shutdown'];
const OPEN = Number.POSITIVE_INFINITY;

export class WaitIndex {
  private since = new Float64Array(256);
  private ended = new Float64Array(256);
  private queueIdx = new Int32Array(256);
  private waiterId = new Float64Array(256);
  private siteIdx = new Int32Array(256);
  /** bit 0: role (1 = put); bits 1-3: outcome index + 1 (0 = none). */
  private flags = new Uint8Array(256);
  private count = 0;
  private readonly queues: string[] = [];
  private readonly queueIds = new Map<string, number>();
  private readonly sites: CallSite[] = [];
  private readonly siteIds = new Map<string, number>();
  /** `${src}/${w}` -> row of a wait not ended yet. */
  private readonly open = new Map<string, number>();
  private readonly origins = new Map<string, number>();
  /** The wait rules (src/model/waitRules.ts); the index only stores what they report. */
  private readonly tracker = new WaitTracker(
    {
      started: (w) => this.start(w.src, w.q, w.w, w.role, w.since, w.site),
      refined: (w) => {
        const row = this.open.get(`${w.src}/${w.w}`);
        if (row === undefined) return;
        this.since[row] = w.since;
        if (w.site) this.siteIdx[row] = this.internSite(w.site);
      },
      ended: (w, ending) => {
        const key = `${w.src}/${w.w}`;
        const row = this.open.get(key);
        if (row === undefined) return;
        this.open.delete(key);
        this.ended[row] = ending.at;
        if (ending.outcome) this.flags[row] |= (OUTCOMES.indexOf(ending.outcome) + 1) << 1;
      },
    },
    (src, t) => (this.origins.get(src) ?? 0) + t,
  );
  /** Waits dropped to keep the index within maxWaits. */
  dropped = 0;

  constructor(private readonly maxWaits = 1_000_000) {}

  get size(): number {
    return this.count;
  }

  /** Takes what it needs from recording lines (call for every line, in order). */
  push(lines: readonly RecordingLine[]): void {
    for (const line of lines) {
      switch (line.type) {
        case 'source':
          this.origins.set(line.src, line.info.origin);
          if (line.snapshot) this.tracker.snapshot(line.src, line.snapshot);
          break;
        case 'end':
          this.tracker.endSource(line.src, line.t);
          break;
        case 'qscope':
        case 'pause':
        case 'resume':
        case 'saved':
          break;
        default:
          this.tracker.event(line.src, line);
          break;
      }
    }
  }

  /** The waits in progress at epoch-ms `t` (since <= t < ended), oldest first. */
  at(t: number): IndexedWait[] {
    const out: IndexedWait[] = [];
    for (let i = 0; i < this.count; i++) {
      if (this.since[i] <= t && t < this.ended[i]) out.push(this.row(i));
    }
    return out.sort((a, b) => a.since - b.since);
  }

  /**
   * Every indexed wait of one queue (`${src}/${q}`), oldest first; at most the `limit` most
   * recent (a chart's step series of millions of waits would not help anyone).
   */
  ofQueue(queue: string, limit = 50_000): IndexedWait[] {
    const id = this.queueIds.get(queue);
    if (id === undefined) return [];
    const rows: number[] = [];
    for (let i = this.count - 1; i >= 0 && rows.length < limit; i--) if (this.queueIdx[i] === id) rows.push(i);
    return rows.reverse().map((i) => this.row(i));
  }

  private row(i: number): IndexedWait {
    const flags = this.flags[i];
    const wait: IndexedWait = { queue: this.queues[this.queueIdx[i]], w: this.waiterId[i], role: flags & 1 ? 'put' : 'get', since: this.since[i] };
    if (this.ended[i] !== OPEN) wait.ended = this.ended[i];
    const outcome = flags >> 1;
    if (outcome) wait.outcome = OUTCOMES[outcome - 1];
    if (this.siteIdx[i] >= 0) wait.site = this.sites[this.siteIdx[i]];
    return wait;
  }

  private start(src: string, q: number, w: number, role: WaiterRoleWire, since: number, site: CallSite | undefined): void {
    if (this.count === this.maxWaits) this.dropOldestHalf();
    if (this.count === this.since.length) this.grow();
    const i = this.count++;
    this.since[i] = since;
    this.ended[i] = OPEN;
    this.queueIdx[i] = this.intern(`${src}/${q}`);
    this.waiterId[i] = w;
    this.siteIdx[i] = site ? this.internSite(site) : -1;
    this.flags[i] = role === 'put' ? 1 : 0;
    this.open.set(`${src}/${w}`, i);
  }

  private intern(queue: string): number {
    let id = this.queueIds.get(queue);
    if (id === undefined) {
      id = this.queues.push(queue) - 1;
      this.queueIds.set(queue, id);
    }
    return id;
  }

  private internSite(site: CallSite): number {
    const key = `${site.file}\n${site.line}\n${site.column}\n${site.fn}`;
    let id = this.siteIds.get(key);
    if (id === undefined) {
      id = this.sites.push({ file: site.file, line: site.line, column: site.column, fn: site.fn }) - 1;
      this.siteIds.set(key, id);
    }
    return id;
  }

  private grow(): void {
    const n = Math.min(this.since.length * 2, this.maxWaits);
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.since = copy(this.since, (k) => new Float64Array(k));
    this.ended = copy(this.ended, (k) => new Float64Array(k));
    this.queueIdx = copy(this.queueIdx, (k) => new Int32Array(k));
    this.waiterId = copy(this.waiterId, (k) => new Float64Array(k));
    this.siteIdx = copy(this.siteIdx, (k) => new Int32Array(k));
    this.flags = copy(this.flags, (k) => new Uint8Array(k));
  }

  private dropOldestHalf(): void {
    const half = Math.floor(this.count / 2);
    for (const a of [this.since, this.ended, this.queueIdx, this.waiterId, this.siteIdx, this.flags]) a.copyWithin(0, half, this.count);
    this.count -= half;
    this.dropped += half;
    for (const [key, row] of this.open) {
      if (row < half) this.open.delete(key);
      else this.open.set(key, row - half);
    }
  }
}
