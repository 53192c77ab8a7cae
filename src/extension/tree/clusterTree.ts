// The etcdInspector.clusters tree: clusters, their members, and each member's details. The labels and
// icons come from src/shared/treeModel.ts (pure, unit-tested); this file only makes TreeItems of them.
import * as vscode from 'vscode';
import { clusterState } from '../../shared/clusterState';
import { clusterNode, memberDetails, memberNode, type NodeModel } from '../../shared/treeModel';
import type { ClusterRegistry } from '../clusters/registry';

/** A node of the tree: what it stands for. */
export type TreeNode =
  | { kind: 'cluster'; cluster: string }
  | { kind: 'member'; cluster: string; memberId: string }
  | { kind: 'detail'; cluster: string; memberId: string; label: string; value: string }
  | { kind: 'message'; cluster: string; text: string };

function toItem(model: NodeModel, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(model.label, collapsible);
  item.description = model.description;
  item.tooltip = model.tooltip;
  item.contextValue = model.contextValue;
  item.iconPath = new vscode.ThemeIcon(model.icon.id, model.icon.color ? new vscode.ThemeColor(model.icon.color) : undefined);
  return item;
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: ClusterRegistry,
    /** Whether a cluster is read-only: its nodes then carry no `writable` and the menus offer no change. */
    private readonly isReadOnly: (cluster: string) => boolean = () => false,
  ) {
    // Coalesce the bursts of member-by-member updates into one repaint every 50 ms.
    this.subscription = registry.onDidChange(() => {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.changed.fire(undefined);
      }, 50);
    });
  }

  /** Clusters without a leader (or unreachable): the view badge counts them. */
  clustersInTrouble(): string[] {
    return this.registry.names().filter((n) => {
      const { condition } = clusterState(this.registry.snapshot(n));
      return condition === 'no-leader' || condition === 'unreachable';
    });
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'cluster': {
        const setting = this.registry.setting(node.cluster);
        const model = clusterNode(
          node.cluster,
          setting?.endpoints ?? [],
          this.registry.snapshot(node.cluster),
          this.registry.isRefreshing(node.cluster),
          this.registry.leaderChanges(node.cluster),
          !this.isReadOnly(node.cluster),
          this.registry.route(node.cluster),
        );
        const item = toItem(model, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `cluster/${node.cluster}`;
        return item;
      }
      case 'member': {
        const snapshot = this.registry.snapshot(node.cluster);
        const member = snapshot?.members.find((m) => m.id === node.memberId);
        if (!member) return new vscode.TreeItem(node.memberId);
        const item = toItem(memberNode(member, { writable: !this.isReadOnly(node.cluster) }), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `member/${node.cluster}/${node.memberId}`;
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        item.contextValue = /URL$/.test(node.label) ? 'memberDetail.url' : 'memberDetail';
        item.id = `detail/${node.cluster}/${node.memberId}/${node.label}/${node.value}`;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.text;
        return item;
      }
    }
  }

  /** Draws every node again (a read-only setting changed: the menus follow the context values). */
  repaint(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.registry.names().map((cluster) => ({ kind: 'cluster', cluster }));
    if (node.kind === 'cluster') {
      const snapshot = this.registry.snapshot(node.cluster);
      if (!snapshot)
        return [
          { kind: 'message', cluster: node.cluster, text: this.registry.isRefreshing(node.cluster) ? 'Refreshing…' : 'Not refreshed yet' },
        ];
      if (snapshot.members.length === 0) return snapshot.errors.map((text) => ({ kind: 'message', cluster: node.cluster, text }));
      return snapshot.members.map((m) => ({ kind: 'member', cluster: node.cluster, memberId: m.id }));
    }
    if (node.kind === 'member') {
      const snapshot = this.registry.snapshot(node.cluster);
      const member = snapshot?.members.find((m) => m.id === node.memberId);
      if (!snapshot || !member) return [];
      return memberDetails(member, snapshot).map(([label, value]) => ({
        kind: 'detail',
        cluster: node.cluster,
        memberId: node.memberId,
        label,
        value,
      }));
    }
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'cluster') return undefined;
    if (node.kind === 'detail') return { kind: 'member', cluster: node.cluster, memberId: node.memberId };
    return { kind: 'cluster', cluster: node.cluster };
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
