// Who can feed or drain a queue, learned from the call sites of its waits. The hub captures
// a call site only when a put or get waits, so a function that always puts without blocking
// is invisible here: the book says which roles of which queues have no known party, and the
// rules call their conclusions partial then. A "party" is a function of one realm (file +
// function name, or file + line for anonymous code); several coroutines running the same
// function are one party.

import type { CallSite, WaiterRoleWire } from '../protocol/wire';
import type { ModelWaiter } from '../model';
import type { FindingSite } from './findings';

/** A party's key: `${source}|${file}|${fn}` (or `…|${file}:${line}` when anonymous). */
export function partyOf(source: string, w: Pick<ModelWaiter, 'id' | 'site'>): string {
  const s = w.site;
  if (!s) return `${source}|waiter#${w.id}`; // no site: a party of its own, unknown to the book
  return s.fn ? `${source}|${s.file}|${s.fn}` : `${source}|${s.file}:${s.line}`;
}

/** Whether two sets of parties (PartyBook.parties of two queues or roles) have one in common. */
export function shareParty(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  for (const p of a.keys()) if (b.has(p)) return true;
  return false;
}

/** One line of code, whatever function or realm: `file`, line and column. */
export function lineKey(site: CallSite): string {
  return `${site.file}\u0000${site.line}\u0000${site.column}`;
}

/** A party's human label: "sender (deadlock.js:46)", or "deadlock.js:46" when nameless. */
export function partyLabel(site: CallSite | undefined): string {
  if (!site) return 'a call with no known site';
  const file = site.file.replace(/^file:\/\//, '').split(/[\\/]/).pop() ?? site.file;
  return site.fn ? `${site.fn} (${file}:${site.line})` : `${file}:${site.line}`;
}

/** The line that created queue `name`, as a finding names it. */
export function creationSite(name: string, site: CallSite | undefined): FindingSite[] {
  return site ? [{ ...site, what: { does: 'creates', queue: name } }] : [];
}

/** Parties' lines that put into (`put`) or get from (`get`) queue `name`, as a finding names them. */
export function partySites(sites: Iterable<CallSite>, role: WaiterRoleWire, name: string): FindingSite[] {
  return [...sites].map((s) => ({ ...s, what: { does: role === 'put' ? 'puts' : 'gets', queue: name } }));
}

/** A feeder's or drainer's part: "puts into `jobs`", "gets from `jobs`". */
export function partyDoes(what: { does: 'gets' | 'puts'; queue: string }): string {
  return `${what.does === 'puts' ? 'puts into' : 'gets from'} \`${what.queue}\``;
}

/**
 * What a finding's site does, for a reader that shows the location itself (the Problems
 * view's related entries): "`jobs` is created here", "worker() gets from `jobs`".
 */
export function siteRoleText(s: FindingSite): string {
  if (s.what === undefined) return `related: ${partyLabel(s)}`;
  if (s.what.does === 'creates') return `\`${s.what.queue}\` is created here`;
  return `${s.fn ? `${s.fn}()` : 'this line'} ${partyDoes({ does: s.what.does, queue: s.what.queue })}`;
}

interface RoleBook {
  /** Party key -> a site where it was seen (the latest). */
  readonly parties: Map<string, CallSite>;
}

export class PartyBook {
  private readonly byQueue = new Map<string, { put: RoleBook; get: RoleBook }>();
  /** Every party seen at any wait of the session, with a site. */
  readonly all = new Map<string, CallSite>();
  /** Party key -> the (role, queue) pairs it was seen at. */
  private readonly seenAt = new Map<string, Map<string, { queue: string; role: WaiterRoleWire }>>();

  /** Learn from one wait (current or ended) on `queueKey`. Waits without a site teach nothing. */
  learn(queueKey: string, source: string, w: Pick<ModelWaiter, 'id' | 'site' | 'role'>): void {
    if (!w.site) return;
    const key = partyOf(source, w);
    this.book(queueKey)[w.role].parties.set(key, w.site);
    this.all.set(key, w.site);
    let at = this.seenAt.get(key);
    if (!at) this.seenAt.set(key, (at = new Map()));
    at.set(`${w.role}:${queueKey}`, { queue: queueKey, role: w.role });
  }

  /** Where a party was seen: each queue and role. */
  placesOf(party: string): Iterable<{ queue: string; role: WaiterRoleWire }> {
    return this.seenAt.get(party)?.values() ?? [];
  }

  /** Parties seen putting (`put`) into or getting (`get`) from the queue. */
  parties(queueKey: string, role: WaiterRoleWire): ReadonlyMap<string, CallSite> {
    return this.byQueue.get(queueKey)?.[role].parties ?? EMPTY;
  }

  /** Parties that could end a wait of `role` on the queue: drainers for a blocked put, feeders for a waiting get. */
  releasers(queueKey: string, role: WaiterRoleWire): ReadonlyMap<string, CallSite> {
    return this.parties(queueKey, role === 'put' ? 'get' : 'put');
  }

  private book(queueKey: string): { put: RoleBook; get: RoleBook } {
    let b = this.byQueue.get(queueKey);
    if (!b) {
      b = { put: { parties: new Map() }, get: { parties: new Map() } };
      this.byQueue.set(queueKey, b);
    }
    return b;
  }
}

const EMPTY: ReadonlyMap<string, CallSite> = new Map();
