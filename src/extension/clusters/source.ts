// What views (tree, status bar, status webview) need from the cluster registry: the latest snapshot of
// each configured cluster, change events, and refresh.
import type * as vscode from 'vscode';
import type { ClusterSnapshot } from '../../etcd/model';

/** Live cluster state for the views. */
export interface ClusterStateSource {
  /** Fires with a cluster's name whenever its state changes (also per member during a refresh). */
  readonly onDidChange: vscode.Event<string>;
  /** Names of the configured clusters, in settings order. */
  names(): string[];
  /** The latest complete snapshot, or undefined before the first refresh finished. */
  snapshot(name: string): ClusterSnapshot | undefined;
  /** When each of the cluster's down members was first seen down (member id → ISO time), from its timeline. */
  downSince?(name: string): Record<string, string> | undefined;
  /** True while a refresh of the cluster is running. */
  isRefreshing(name: string): boolean;
  /** Refreshes one cluster, or all when no name is given. */
  refresh(name?: string): Promise<void>;
  /** Keeps auto-refresh running while the returned disposable lives (a visible view or open panel). */
  keepAlive(reason: string): vscode.Disposable;
}
