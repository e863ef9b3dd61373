// What the Queues tree shows, computed from the model without vscode (unit-tested); the
// vscode adapter (queuesTree.ts) turns these descriptions into TreeItems. A source with many
// queues lists groups ("Most troubled", then name ranges: ../tree/queueGroups.ts) instead.

import { waitCounts, type ModelQueue, type ModelSession, type ModelSource, type ModelWaiter } from '../../model/entities';
import { sourceLabel, type CallSite } from '../../protocol/wire';
import { formatDuration, formatSite } from './sites';
import { kindLabel, poolStateTexts, poolText, statsText, unitSuffix } from '../../protocol/libText';
import { jobStatesShort, jobStatesText, oldestText, workersText } from '../../protocol/jobsText';
import { endNote, sessionEnd } from '../../protocol/endText';

/**
 * What the findings say about one queue (src/diagnostics/strip.ts queueBadges, the same list
 * the Problems view and the panel strip show): its worst severity and one tooltip line per finding.
 */
export interface QueueFlag {
  severity: 'warning' | 'info' | 'hint';
  /** One or two characters for the tree's FileDecoration badge. */
  badge: string;
  tooltip: string;
}
import { groupQueues, type GroupOptions, type QueueGroup } from '../tree/queueGroups';

/** A codicon id and an optional theme color id. */
export interface IconSpec {
  id: string;
  color?: string;
}

export type NodeKind = 'session' | 'source' | 'group' | 'queue' | 'waiter' | 'site' | 'items' | 'item';

export interface NodeSpec {
  kind: NodeKind;
  /** Stable across refreshes (keeps expansion state). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: IconSpec;
  /** Has children. */
  expandable: boolean;
  /** Open on selection. */
  site?: CallSite;
  /** Model session id this node belongs to. */
  session: string;
  /** contextValue for menus. */
  context: string;
  source?: ModelSource;
  queue?: ModelQueue;
  /** A queue named by a finding. */
  flag?: QueueFlag;
  /** Group nodes: the queues listed under it (as of this refresh). */
  group?: QueueGroup;
}

/** Icons that say at a glance: full queue, blocked producer, waiting consumer. */
export const ICONS = {
  sessionLive: { id: 'debug-alt' },
  sessionPaused: { id: 'debug-pause', color: 'debugIcon.pauseForeground' },
  sessionEnded: { id: 'debug-stop', color: 'disabledForeground' },
  source: { id: 'server-process' },
  groupTroubled: { id: 'warning', color: 'list.warningForeground' },
  groupRange: { id: 'list-tree' },
  queue: { id: 'inbox' },
  // Full is a state, not a failure: the queue's own icon in the warning colour, never the error icon.
  queueFull: { id: 'inbox', color: 'list.warningForeground' },
  queueWaiting: { id: 'watch', color: 'charts.yellow' },
  // A finding names the queue (deadlock, growth…): the finding's own icon.
  queueWarning: { id: 'warning', color: 'list.warningForeground' },
  queueInfo: { id: 'info', color: 'notificationsInfoIcon.foreground' },
  queueShutdown: { id: 'circle-slash', color: 'disabledForeground' },
  blockedProducer: { id: 'arrow-circle-up', color: 'charts.red' },
  waitingConsumer: { id: 'arrow-circle-down', color: 'charts.yellow' },
  site: { id: 'file-code' },
  items: { id: 'symbol-array' },
  item: { id: 'symbol-field' },
} as const satisfies Record<string, IconSpec>;

/** `label`: the session's name, told apart from others of the same name (host/sessions/sessionLabels.ts). */
export function sessionNode(s: ModelSession, label = s.name): NodeSpec {
  const icon = s.state === 'ended' ? ICONS.sessionEnded : s.state === 'paused' ? ICONS.sessionPaused : ICONS.sessionLive;
  // How it ended, when that is news: short in the row, whole in the tooltip.
  const ended = sessionEnd(s.sources.values());
  const end = ended?.end;
  const died = endNote(end);
  const short = end?.reason === 'uncaughtException' ? 'uncaught exception' : end?.reason === 'abrupt' ? 'abruptly' : died;
  // A worker thread or child process that died while the program ran on says whose end it was.
  const who = ended?.realm === undefined ? '' : `${ended.realm}: `;
  return {
    kind: 'session',
    id: `s:${s.id}`,
    label,
    description: died === undefined ? s.state : `${s.state} · ${who}${short}`,
    tooltip: died === undefined ? `${label} (${s.state})` : `${label} (${s.state}: ${who}${died})`,
    icon,
    expandable: true,
    session: s.id,
    context: sessionContext(s),
  };
}

/**
 * The session row's contextValue, which decides its Close button (package.json,
 * view/item/context): an ended debug session or Redis watch can be closed, and a running
 * Redis watch (closing it stops the watch). A running debug session cannot: closing it
 * dropped its queues while its poller went on, every drain thrown away, until the next run.
 * A recording is closed with its editor, which shows it.
 */
export function sessionContext(s: Pick<ModelSession, 'state' | 'origin'>): string {
  if (s.origin === 'recording') return 'queuescope.session.recording';
  return closable(s) ? `queuescope.session.closable.${s.state}` : `queuescope.session.${s.state}`;
}

/** Whether Close may remove the session (see sessionContext; the command asks the same). */
export function closable(s: Pick<ModelSession, 'state' | 'origin'>): boolean {
  return s.origin !== 'recording' && (s.state === 'ended' || s.origin === 'redis');
}

export function sourceNode(src: ModelSource): NodeSpec {
  const live = visibleQueues(src).length;
  const notes = [src.state === 'live' ? '' : src.state, `${live} queue${live === 1 ? '' : 's'}`];
  if (src.dropped) notes.push(`${src.dropped} dropped`);
  if (src.lostBatches) notes.push(`${src.lostBatches} lost`);
  // A Redis watch that lost its server: the time it could not read is a gap, not zeros.
  if (src.gaps?.length) notes.push(`${src.gaps.length} gap${src.gaps.length === 1 ? '' : 's'}`);
  return {
    kind: 'source',
    id: `src:${src.session}/${src.key}`,
    label: sourceLabel(src.info),
    description: notes.filter(Boolean).join(' · '),
    tooltip: [src.info.title, src.info.argv.join(' ')].filter(Boolean).join('\n'),
    icon: ICONS.source,
    expandable: true,
    session: src.session,
    context: 'queuescope.source',
    source: src,
  };
}

/**
 * Children of a source: its queues, or groups of them when there are more than
 * `options.flatMax` (50): "Most troubled" first (expanded), then name ranges (collapsed).
 */
/** What the findings say about a queue (the tree passes its queueBadges lookup). */
export type FlagOf = (q: ModelQueue) => QueueFlag | undefined;

export function sourceChildren(src: ModelSource, options: GroupOptions = {}, flagOf: FlagOf = () => undefined, now?: number): NodeSpec[] {
  const listing = groupQueues(visibleQueues(src), options);
  if (listing.kind === 'flat') return listing.queues.map((q) => queueNode(q, flagOf(q), now));
  return listing.groups.map((g) => groupNode(src, g));
}

/**
 * Children of a group. A troubled queue is listed twice (in "Most troubled" and in its name
 * range), and tree ids must be unique: the copy's id (and its children's, see inGroupCopy) gets
 * the `t:` prefix.
 */
export function groupChildren(g: QueueGroup, flagOf: FlagOf = () => undefined, now?: number): NodeSpec[] {
  return g.queues.map((q) => (g.troubled ? inGroupCopy(queueNode(q, flagOf(q), now), TROUBLED_PREFIX) : queueNode(q, flagOf(q), now)));
}

const TROUBLED_PREFIX = 't:';

/** A node under a queue listed in "Most troubled" keeps that queue's prefix (unique ids). */
export function inGroupCopy(child: NodeSpec, parentOrPrefix: NodeSpec | string): NodeSpec {
  const prefix = typeof parentOrPrefix === 'string' ? parentOrPrefix : parentOrPrefix.id.startsWith(TROUBLED_PREFIX) ? TROUBLED_PREFIX : '';
  return prefix === '' ? child : { ...child, id: `${prefix}${child.id}` };
}

export function groupNode(src: ModelSource, g: QueueGroup): NodeSpec {
  return {
    kind: 'group',
    id: `g:${src.session}/${src.key}/${g.id}`,
    label: g.label,
    description: g.description,
    tooltip: g.troubled ? 'Queues with blocked producers, then full, then waiting consumers, then fullest' : `${g.queues.length} queues in name order`,
    icon: g.troubled ? ICONS.groupTroubled : ICONS.groupRange,
    expandable: true,
    session: src.session,
    context: g.troubled ? 'queuescope.group.troubled' : 'queuescope.group',
    source: src,
    group: g,
  };
}

/** Does a live source have a pool whose oldest running task ages (the tree re-renders each second)? */
export function hasRunningAge(src: ModelSource): boolean {
  if (src.state !== 'live') return false;
  for (const q of src.queues.values()) if (q.runningSince !== undefined && q.collected === undefined) return true;
  return false;
}

/** Queues the tree lists: those still alive in the program (collected ones are history for the panel). */
export function visibleQueues(src: ModelSource): ModelQueue[] {
  return [...src.queues.values()].filter((q) => q.collected === undefined);
}

export function waiterCounts(q: ModelQueue): { blocked: number; waiting: number } {
  return waitCounts(q);
}

export function queueIcon(q: ModelQueue): IconSpec {
  const { blocked, waiting } = waiterCounts(q);
  if (q.shutdown) return ICONS.queueShutdown;
  if ((q.maxsize > 0 && q.size >= q.maxsize) || blocked > 0) return ICONS.queueFull;
  if (waiting > 0) return ICONS.queueWaiting;
  return ICONS.queue;
}

/**
 * `flag`: the findings naming this queue, if any (a warning or info changes the icon; all add a tooltip line).
 * `now`: epoch ms the source is at (sourceNow), for the age of a pool's oldest running task.
 */
export function queueNode(q: ModelQueue, flag?: QueueFlag, now?: number): NodeSpec {
  const { blocked, waiting } = waiterCounts(q);
  const parts = [`${q.size}/${q.maxsize > 0 ? q.maxsize : '∞'}${unitSuffix(q)}`, q.lib ?? '', poolText(q), ...poolStateTexts(q, now)].filter(Boolean);
  if (blocked) parts.push(`${blocked} blocked`);
  if (waiting) parts.push(`${waiting} waiting`);
  if ((q.waitsSampled ?? 1) > 1) parts.push(`waits sampled 1 in ${q.waitsSampled}`);
  if (q.shutdown) parts.push(q.shutdown === 'immediate' ? 'shut down (immediate)' : 'shut down');
  const j = q.jobs;
  // A BullMQ queue: the states that hold jobs, then its workers (every state in the tooltip).
  if (j) parts.push(...[jobStatesShort(j.counts), workersText(j)].filter(Boolean));
  const c = q.counters;
  const tooltip = [
    `${q.name} (${q.lib ? kindLabel(q.kind, q) : q.kind}${q.maxsize > 0 ? `, maxsize ${q.maxsize}${unitSuffix(q)}` : ', unbounded'})`,
    `depth ${q.size}, high water ${c.highWater}, unfinished ${q.unfinished}`,
    `puts ${c.puts}, gets ${c.gets}, blocked puts ${c.blockedPuts}, waited gets ${c.waitedGets}`,
    `timeouts ${c.timeouts}, aborts ${c.aborts}`,
    statsText(q.stats),
    q.runningSince !== undefined && c.runningAdopted === true ? 'oldest running ≥: that task was already running when QueueScope attached' : '',
    q.runningItems?.length ? `running: ${q.runningItems.join(', ')}` : '',
    q.site ? `created at ${formatSite(q.site)}` : '',
    j ? `BullMQ: ${jobStatesText(j.counts)}` : '',
    j ? [oldestText(j), `${workersText(j)}${j.workers.length ? `: ${j.workers.map((w) => w.name || '(unnamed)').join(', ')}` : ''}`].filter(Boolean).join('; ') : '',
    j ? `since the watch began: ${j.totals.completed} completed, ${j.totals.failed} failed, ${j.totals.retried} retried, ${j.totals.stalled} stalled` : '',
    flag ? `\n${flag.tooltip}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    kind: 'queue',
    id: `q:${q.key}`,
    label: q.name,
    description: parts.join(' · '),
    tooltip,
    icon: flag?.severity === 'warning' ? ICONS.queueWarning : flag?.severity === 'info' ? ICONS.queueInfo : queueIcon(q),
    ...(flag ? { flag } : {}),
    expandable: q.waiters.size > 0 || q.site !== undefined || (q.items?.length ?? 0) > 0,
    session: q.session,
    context: 'queuescope.queue',
    queue: q,
  };
}

export function waiterNode(q: ModelQueue, w: ModelWaiter, now: number): NodeSpec {
  // An adopted wait began before QueueScope attached: its time is a lower bound.
  const waited = `${w.adopted ? '≥ ' : ''}${formatDuration(Math.max(0, now - w.since))}`;
  const label = w.role === 'put' ? `producer blocked ${waited}` : `consumer waiting ${waited}`;
  return {
    kind: 'waiter',
    id: `w:${q.key}/${w.id}`,
    label,
    description: formatSite(w.site),
    tooltip: w.site ? `${w.site.file}:${w.site.line}:${w.site.column}` : w.adopted ? 'already waiting when QueueScope attached; call site unknown' : 'call site unknown',
    icon: w.role === 'put' ? ICONS.blockedProducer : ICONS.waitingConsumer,
    expandable: false,
    site: w.site,
    session: q.session,
    context: 'queuescope.waiter',
  };
}

/** Children of a queue: creation site, waiters (longest first), item previews from a pause. */
export function queueChildren(q: ModelQueue, now: number, showItems: boolean): NodeSpec[] {
  const out: NodeSpec[] = [];
  if (q.site) {
    out.push({
      kind: 'site',
      id: `site:${q.key}`,
      label: 'created at',
      description: formatSite(q.site),
      tooltip: `${q.site.file}:${q.site.line}:${q.site.column}`,
      icon: ICONS.site,
      expandable: false,
      site: q.site,
      session: q.session,
      context: 'queuescope.site',
    });
  }
  for (const w of [...q.waiters.values()].sort((a, b) => a.since - b.since)) out.push(waiterNode(q, w, now));
  if (showItems && q.items && q.items.length > 0) {
    out.push({
      kind: 'items',
      id: `items:${q.key}`,
      label: 'items',
      description: `first ${q.items.length} of ${q.size}`,
      tooltip: `The first ${q.items.length} of the ${q.size} items in ${q.name}, in the order get() takes them, as the program was paused`,
      icon: ICONS.items,
      expandable: true,
      session: q.session,
      context: 'queuescope.items',
      queue: q,
    });
  }
  return out;
}

export function itemNodes(q: ModelQueue): NodeSpec[] {
  return (q.items ?? []).map((text, i) => ({
    kind: 'item' as const,
    id: `item:${q.key}/${i}`,
    label: `[${i}]`,
    description: text,
    tooltip: text,
    icon: ICONS.item,
    expandable: false,
    session: q.session,
    context: 'queuescope.item',
  }));
}
