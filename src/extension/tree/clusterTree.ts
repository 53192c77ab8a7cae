// The etcdInspector.clusters tree view: one node per configured cluster.
import * as vscode from 'vscode';
import type { ClusterSetting } from '../../shared/settings';

/** A cluster node of the tree. */
export class ClusterNode extends vscode.TreeItem {
  constructor(readonly cluster: ClusterSetting) {
    super(cluster.name, vscode.TreeItemCollapsibleState.None);
    this.description = cluster.endpoints.join(', ');
    this.tooltip = `${cluster.name}\n${cluster.endpoints.join('\n')}`;
    this.contextValue = 'cluster';
    this.iconPath = new vscode.ThemeIcon('server-environment');
  }
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterNode> {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly loadClusters: () => ClusterSetting[]) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    return node;
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (node) return [];
    return this.loadClusters().map((cluster) => new ClusterNode(cluster));
  }
}
