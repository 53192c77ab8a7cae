// The status bar item: the active cluster's leader and quorum at a glance; a click opens the status panel.
import * as vscode from 'vscode';
import { clusterState, type ClusterCondition } from '../shared/clusterState';
import type { ClusterRegistry } from './clusters/registry';

const ICON: Record<ClusterCondition, string> = {
  healthy: '$(pass)',
  degraded: '$(warning)',
  'quorum-lost': '$(error)',
  'no-leader': '$(error)',
  unreachable: '$(debug-disconnect)',
  unknown: '$(database)',
};

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
    const state = clusterState(this.registry.snapshot(name), this.registry.isRefreshing(name));
    this.item.text = `${ICON[state.condition]} etcd ${name}: ${state.text}`;
    this.item.tooltip = `etcd Inspector — ${name}\nClick to open the endpoint status.`;
    this.item.command = { command: 'etcdInspector.openStatus', title: 'Open Status', arguments: [{ cluster: name }] };
    this.item.backgroundColor =
      state.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : state.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
