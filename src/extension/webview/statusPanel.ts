// The status webview's host: one panel showing every configured cluster (a tab each), fed by the
// ClusterStateSource, updated live (coalesced), surviving a window reload through a serializer. The webview
// is untrusted: its messages pass the `is()` guards and commands the allow-list before anything runs.
import * as vscode from 'vscode';
import type { ClusterStateSource } from '../clusters/source';
import {
  CopyTableMessage,
  ExportJsonMessage,
  ReadyMessage,
  RefreshMessage,
  RunCommandMessage,
  StatusWebviewState,
  type HostToWebviewMessage,
} from '../../shared/messages';
import { buildStatusViewModel } from '../../shared/statusViewModel';
import { MetricsSeries } from '../../shared/metricsSeries';
import { tableText, toEtcdctlStatusJson } from '../../etcd/printer';
import { makeNonce, statusPanelHtml } from './html';
import { decideRunCommand } from './commands';

/** The view type of the status panel (the serializer and the `onWebviewPanel:` activation event use it). */
export const STATUS_PANEL_VIEW_TYPE = 'etcdInspector.status';

/** Live updates are posted at most this often: a refresh reports member by member. */
const UPDATE_INTERVAL_MS = 100;

/** Optional collaborators of the panel. */
export interface StatusPanelOptions {
  /** Where refused messages and failed actions are logged. */
  log?: vscode.LogOutputChannel;
  /** Whether a cluster is read-only: its fix buttons are shown disabled and their commands refused. */
  isReadOnly?: (cluster: string) => boolean;
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
  };
}

/** The single status panel. */
export class StatusPanel implements vscode.Disposable {
  private static current: StatusPanel | undefined;

  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPost = 0;
  private focus: string | undefined;
  private keepAlive: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /**
   * The charts' points per cluster, kept while this panel exists (also while it is hidden: the webview reloads
   * on show and gets them back) and dropped with it. Each is bounded (MAX_POINTS).
   */
  private readonly series = new Map<string, MetricsSeries>();

  /** Opens the panel (or reveals the open one) and selects `clusterName`'s tab when given. */
  static createOrShow(
    context: vscode.ExtensionContext,
    source: ClusterStateSource,
    clusterName?: string,
    options: StatusPanelOptions = {},
  ): StatusPanel {
    const open = StatusPanel.current;
    if (open) {
      open.panel.reveal();
      if (clusterName !== undefined) open.select(clusterName);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      STATUS_PANEL_VIEW_TYPE,
      'etcd Status',
      vscode.ViewColumn.Active,
      webviewOptions(context),
    );
    StatusPanel.current = new StatusPanel(panel, context, source, clusterName, options);
    return StatusPanel.current;
  }

  /** Posts the view-models again (a read-only setting changed the buttons). */
  static rerender(): void {
    StatusPanel.current?.scheduleUpdate();
  }

  /** Takes over a panel VS Code restored after a reload. */
  static revive(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    source: ClusterStateSource,
    state: unknown,
    options: StatusPanelOptions = {},
  ): StatusPanel {
    StatusPanel.current?.dispose();
    panel.webview.options = webviewOptions(context);
    const selected = StatusWebviewState.is(state) ? state.selectedCluster : undefined;
    StatusPanel.current = new StatusPanel(panel, context, source, selected, options);
    return StatusPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly source: ClusterStateSource,
    focus: string | undefined,
    private readonly options: StatusPanelOptions,
  ) {
    this.focus = focus;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'etcd.svg');
    const webview = panel.webview;
    webview.html = statusPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.css')).toString(),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      source.onDidChange((name) => {
        this.record(name);
        this.scheduleUpdate();
      }),
      panel.onDidChangeViewState(() => this.onVisibility()),
    );
    for (const name of source.names()) this.record(name);
    this.onVisibility();
  }

  dispose(): void {
    if (StatusPanel.current === this) StatusPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.keepAlive?.dispose();
    this.keepAlive = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.series.clear();
    this.panel.dispose();
  }

  /** Appends a cluster's latest completed refresh to its charts (nothing while a refresh is only under way). */
  private record(name: string): void {
    if (!this.source.names().includes(name)) {
      this.series.delete(name);
      return;
    }
    let series = this.series.get(name);
    if (!series) this.series.set(name, (series = new MetricsSeries()));
    series.append(this.source.snapshot(name));
  }

  /** Selects a cluster's tab; before the webview is ready it is sent with the first state. */
  private select(cluster: string): void {
    this.focus = cluster;
    if (this.ready) this.post({ type: 'focusCluster', cluster });
  }

  // Auto-refresh runs while the panel is visible, like the tree: a panel in a background tab costs nothing.
  // The webview is not retained when hidden; it reloads on show and asks for state with `ready` again.
  private onVisibility(): void {
    if (this.panel.visible) {
      this.keepAlive ??= this.source.keepAlive('status panel');
    } else {
      this.keepAlive?.dispose();
      this.keepAlive = undefined;
      this.ready = false;
    }
  }

  private scheduleUpdate(): void {
    if (this.timer || !this.ready) return;
    const wait = Math.max(0, this.lastPost + UPDATE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.postState();
    }, wait);
  }

  private postState(): void {
    if (!this.ready || !this.panel.visible) return;
    this.lastPost = Date.now();
    const names = this.source.names();
    // A cluster removed from the settings takes its charts with it.
    for (const name of this.series.keys()) if (!names.includes(name)) this.series.delete(name);
    const clusters = names.map((name) =>
      buildStatusViewModel(name, this.source.snapshot(name), this.source.isRefreshing(name), {
        readOnly: this.isReadOnly(name),
        metrics: this.series.get(name)?.view() ?? null,
        // The banner's cause says since when each down member is down.
        downSince: this.source.downSince?.(name),
      }),
    );
    const focus = this.focus;
    this.focus = undefined;
    this.post(focus === undefined ? { type: 'state', clusters } : { type: 'state', clusters, focus });
  }

  /** Read-only unless told otherwise: without the setting's reader no button may change a cluster. */
  private isReadOnly(cluster: string): boolean {
    return this.options.isReadOnly ? this.options.isReadOnly(cluster) : true;
  }

  private post(message: HostToWebviewMessage): void {
    void this.panel.webview
      .postMessage(message)
      .then(undefined, (error: unknown) => this.options.log?.warn(`status panel: could not post ${message.type}: ${String(error)}`));
  }

  private notice(text: string, severity: 'info' | 'error' = 'info'): void {
    if (severity === 'error') this.options.log?.warn(`status panel: ${text}`);
    this.post({ type: 'notice', text, severity });
  }

  private onMessage(message: unknown): void {
    if (ReadyMessage.is(message)) {
      this.ready = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.postState();
    } else if (RefreshMessage.is(message)) {
      if (message.cluster !== undefined && !this.source.names().includes(message.cluster)) return this.notice('Unknown cluster', 'error');
      this.options.log?.info(`status panel: refresh ${message.cluster ?? 'all clusters'}`);
      this.source.refresh(message.cluster).then(undefined, (error: unknown) => this.notice(`Refresh failed: ${String(error)}`, 'error'));
    } else if (RunCommandMessage.is(message)) {
      const decision = decideRunCommand(message, this.source.names(), {
        isReadOnly: (cluster) => this.isReadOnly(cluster),
        memberIds: (cluster) => this.source.snapshot(cluster)?.members.map((m) => m.id) ?? [],
      });
      if (!decision.ok) return this.notice(`Refused: ${decision.reason}`, 'error');
      this.options.log?.info(`status panel: run ${decision.command} ${JSON.stringify(decision.args)}`);
      vscode.commands
        .executeCommand(decision.command, ...decision.args)
        .then(undefined, (error: unknown) => this.notice(`${decision.command} failed: ${String(error)}`, 'error'));
    } else if (CopyTableMessage.is(message)) {
      const snapshot = this.snapshotOf(message.cluster);
      if (!snapshot) return;
      const text = tableText(snapshot, message.table);
      vscode.env.clipboard.writeText(text).then(
        () => this.notice(`Copied the ${message.table} table of ${message.cluster}`),
        (error: unknown) => this.notice(`Copy failed: ${String(error)}`, 'error'),
      );
    } else if (ExportJsonMessage.is(message)) {
      const snapshot = this.snapshotOf(message.cluster);
      if (!snapshot) return;
      let content: string;
      try {
        content = toEtcdctlStatusJson(snapshot);
      } catch (error) {
        return this.notice(`Export failed: ${(error as Error).message}`, 'error');
      }
      // An untitled document: the user sees the JSON at once and saves it where they like.
      vscode.workspace
        .openTextDocument({ language: 'json', content })
        .then((doc) => vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside }))
        .then(
          () => this.notice(`Exported the endpoint status of ${message.cluster} as etcdctl JSON`),
          (error: unknown) => this.notice(`Export failed: ${String(error)}`, 'error'),
        );
    } else {
      this.options.log?.warn('status panel: ignored a malformed message from the webview');
    }
  }

  private snapshotOf(cluster: string): ReturnType<ClusterStateSource['snapshot']> {
    if (!this.source.names().includes(cluster)) {
      this.notice('Unknown cluster', 'error');
      return undefined;
    }
    const snapshot = this.source.snapshot(cluster);
    if (!snapshot) this.notice(`${cluster} has not been refreshed yet`, 'error');
    return snapshot;
  }
}

/** Restores the status panel after a window reload (needs the `onWebviewPanel:etcdInspector.status` activation event). */
export function registerStatusPanelSerializer(
  context: vscode.ExtensionContext,
  source: ClusterStateSource,
  options: StatusPanelOptions = {},
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(STATUS_PANEL_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
      StatusPanel.revive(panel, context, source, state, options);
      return Promise.resolve();
    },
  });
}
