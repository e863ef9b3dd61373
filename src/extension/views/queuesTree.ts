// The "Queues" tree in Run and Debug: session > source > [group >] queue > waiters / creation
// site / items (groups when a source has more than 50 queues: docs/SCALE.md). Node
// descriptions come from queueNodes.ts; this file only adapts them to vscode.
// A queue named by a finding gets the finding's icon, a tooltip line per finding and a
// FileDecoration (badge + colour) through a `queuescope-queue:` resource URI; all from
// queueBadges() over services.diagnostics, refreshed when the findings change.

import * as vscode from 'vscode';
import type { QueueModel } from '../../model/store';
import { sourceNow } from '../../model/entities';
import type { ExtensionServices } from '../services';
import type { DiagnosticsPart } from '../diagnostics';
import { queueBadges } from '../../diagnostics/strip';
import { sessionLabels } from '../../host/sessions/sessionLabels';
import { groupChildren, inGroupCopy, itemNodes, queueChildren, sessionNode, hasRunningAge, sourceChildren, sourceNode, type NodeSpec, type QueueFlag } from '../../host/views/queueNodes';
import { OPEN_SITE_COMMAND } from './openSite';

export const QUEUES_VIEW_ID = 'queuescope.queues';
/** Context key: true while the model has sessions (the view's `when` clause). */
export const HAS_SESSIONS_CONTEXT = 'queuescope.hasSessions';

/** Coalesce model changes: a 100 ms poll must not rebuild the tree 10 times a second per session. */
const REFRESH_MS = 250;

/** Scheme of the queue items' resource URIs: only there so the decoration provider can find them. */
export const QUEUE_URI_SCHEME = 'queuescope-queue';

const FLAG_COLORS: Readonly<Record<QueueFlag['severity'], string | undefined>> = {
  warning: 'list.warningForeground',
  info: 'notificationsInfoIcon.foreground',
  hint: undefined,
};

export class QueuesTreeProvider implements vscode.TreeDataProvider<NodeSpec>, vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<NodeSpec | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** Per queue key, what the findings say about it (recomputed when they change). */
  private flags = new Map<string, QueueFlag>();

  constructor(private readonly model: QueueModel, private readonly diagnostics?: DiagnosticsPart) {
    this.subscriptions = [
      model.onDidChange((c) => {
        // Samples alone change nothing the tree shows except the depth, which `updated` covers.
        if (c.kind === 'queues' && !c.added.length && !c.updated.length && !c.collected.length) return;
        if (c.kind === 'pace') return; // the tree does not show it
        this.refreshSoon();
      }),
    ];
    if (diagnostics) {
      this.flags = queueBadges(diagnostics.findings());
      this.subscriptions.push(
        diagnostics.onDidChange(() => {
          // At once, not coalesced: the tree changes in the same turn as Problems and the panel.
          this.flags = queueBadges(diagnostics.findings());
          this.decorationsChanged.fire(undefined);
          this.refreshNow();
        }),
      );
    }
  }

  /** What the findings say about a queue (tests read it beside the tree items). */
  flagOf(queueKey: string): QueueFlag | undefined {
    return this.flags.get(queueKey);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== QUEUE_URI_SCHEME) return undefined;
    const flag = this.flags.get(decodeURIComponent(uri.path.slice(1)));
    if (!flag) return undefined;
    const color = FLAG_COLORS[flag.severity];
    return new vscode.FileDecoration(flag.badge, flag.tooltip, color ? new vscode.ThemeColor(color) : undefined);
  }

  refreshSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refreshNow();
    }, REFRESH_MS);
  }

  refreshNow(): void {
    this.changed.fire(undefined);
    void vscode.commands.executeCommand('setContext', HAS_SESSIONS_CONTEXT, this.model.sessions.length > 0);
    this.updateTicker();
  }

  /** Wait times (and pools' oldest running ages) grow while nothing changes: re-render once a second while a live session has either. */
  private updateTicker(): void {
    const waiting = this.model.sessions.some(
      (s) => s.state === 'live' && (this.model.summary(s.id).blocked + this.model.summary(s.id).waiting > 0 || [...s.sources.values()].some(hasRunningAge)),
    );
    if (waiting && !this.ticker) this.ticker = setInterval(() => this.changed.fire(undefined), 1000);
    if (!waiting && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getTreeItem(node: NodeSpec): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.expandable ? (node.kind === 'items' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded) : vscode.TreeItemCollapsibleState.None,
    );
    // Name ranges start collapsed (10,000 queues: 100 ranges); "Most troubled" starts open.
    if (node.kind === 'group' && node.group?.troubled !== true) item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    if (node.kind === 'queue') item.collapsibleState = node.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.context;
    if (node.kind === 'queue' && node.queue) item.resourceUri = vscode.Uri.from({ scheme: QUEUE_URI_SCHEME, path: `/${encodeURIComponent(node.queue.key)}` });
    if (node.site) {
      item.command = { command: OPEN_SITE_COMMAND, title: 'Go to Source', arguments: [node.site, node.session] };
    }
    return item;
  }

  getChildren(node?: NodeSpec): NodeSpec[] {
    const now = Date.now();
    if (!node) {
      const labels = sessionLabels(this.model.sessions);
      return this.model.sessions.map((s) => sessionNode(s, labels.get(s.id)));
    }
    switch (node.kind) {
      case 'session': {
        const s = this.model.session(node.session);
        return s ? [...s.sources.values()].map(sourceNode) : [];
      }
      case 'source':
        return node.source ? sourceChildren(node.source, {}, (q) => this.flags.get(q.key), sourceNow(node.source, now)) : [];
      case 'group':
        return node.group ? groupChildren(node.group, (q) => this.flags.get(q.key), sourceNow(node.source, now)) : [];
      case 'queue': {
        const q = node.queue;
        const src = q ? this.model.source(q.session, q.source) : undefined;
        // Wait times grow only while the program runs: paused or ended, they are as of that moment.
        const at = sourceNow(src, now);
        return q ? queueChildren(q, at, src?.state !== 'live').map((c) => inGroupCopy(c, node)) : [];
      }
      case 'items':
        return node.queue ? itemNodes(node.queue).map((c) => inGroupCopy(c, node)) : [];
      default:
        return [];
    }
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    if (this.ticker) clearInterval(this.ticker);
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
    this.decorationsChanged.dispose();
  }
}

export function registerQueuesTree(context: vscode.ExtensionContext, services: ExtensionServices): QueuesTreeProvider {
  const provider = new QueuesTreeProvider(services.model, services.diagnostics);
  const view = vscode.window.createTreeView(QUEUES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view, vscode.window.registerFileDecorationProvider(provider));
  provider.refreshNow();
  return provider;
}
