// The status bar item: the active cluster's leader and quorum at a glance; a click opens the status panel.
import * as vscode from 'vscode';
import { clusterHealth, clusterSummary } from '../shared/treeModel';
import type { ClusterRegistry } from './clusters/registry';

const ICON = {
  healthy: '$(pass)',
  degraded: '$(warning)',
  'no-leader': '$(error)',
  unreachable: '$(debug-disconnect)',
  unknown: '$(database)',
} as const;

export class ClusterStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('etcdInspector.status', vscode.StatusBarAlignment.Left, 10);
  private active: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: ClusterRegistry) {
    this.item.name = 'etcd Inspector';
    this.subscription = registry.onDidChange(() => this.render());
    this.render();
  }

  /** The cluster the status bar follows (the one last selected in the tree). */
  setActive(name: string | undefined): void {
    this.active = name;
    this.render();
  }

  render(): void {
    const names = this.registry.names();
    const name = this.active && names.includes(this.active) ? this.active : names[0];
    if (!name) {
      this.item.hide();
      return;
    }
    const snapshot = this.registry.snapshot(name);
    const health = clusterHealth(snapshot);
    this.item.text = `${ICON[health]} etcd ${name}: ${clusterSummary(snapshot, this.registry.isRefreshing(name))}`;
    this.item.tooltip = `etcd Inspector — ${name}\nClick to open the endpoint status.`;
    this.item.command = { command: 'etcdInspector.openStatus', title: 'Open Status', arguments: [{ cluster: name }] };
    this.item.backgroundColor =
      health === 'no-leader' || health === 'unreachable'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : health === 'degraded'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
