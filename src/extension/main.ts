// Entry point of the extension host bundle. activate() only wires services together; logic lives in the
// modules it constructs.
import * as vscode from 'vscode';
import { ClusterTreeProvider, type TreeNode } from './tree/clusterTree';
import { ClusterRegistry } from './clusters/registry';
import { ClusterStatusBar } from './statusBar';
import { Settings } from './settings';
import { LazyLanguageClient } from './lspClient';
import { measuredPeers } from '../metrics/judge';
import { registerLintCommands } from './lint/commands';
import { registerClusterCommands } from './commands/clusterCommands';
import { clusterSummary } from '../shared/clusterState';
import { StatusPanel, registerStatusPanelSerializer } from './webview/statusPanel';
import { registerActionCommands } from './actions/commands';
import { SETTING_EFFECTS } from '../shared/settings';
import { SshHostsFactory } from './ssh/hosts';
import { ReportDocuments } from './ssh/documents';
import { registerSshCommands } from './ssh/commands';

let client: LazyLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('etcd Inspector', { log: true });
  const settings = new Settings(context.extension.packageJSON, log);
  context.subscriptions.push(log, settings);

  // One SSH layer for the member hosts' commands and the clusters' tunnels: one set of host-key questions.
  const sshHosts = new SshHostsFactory(context.secrets, context.globalStorageUri, log);
  const registry = new ClusterRegistry(settings, context.secrets, log, sshHosts);
  const isReadOnly = (cluster: string): boolean => settings.isReadOnly(cluster);
  const tree = new ClusterTreeProvider(registry, isReadOnly);
  const view = vscode.window.createTreeView<TreeNode>('etcdInspector.clusters', { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new ClusterStatusBar(registry);
  context.subscriptions.push(registry, tree, view, statusBar);

  // Auto-refresh runs only while the tree is visible (the status panel keeps it alive too).
  let visibleKeepAlive: vscode.Disposable | undefined;
  const onVisibility = (visible: boolean): void => {
    visibleKeepAlive?.dispose();
    visibleKeepAlive = visible ? registry.keepAlive('clusters view') : undefined;
    if (visible) void registry.refresh();
  };
  onVisibility(view.visible);
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => onVisibility(e.visible)),
    { dispose: () => visibleKeepAlive?.dispose() },
    view.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node) statusBar.setActive(node.cluster);
    }),
    registry.onDidChange(() => {
      const trouble = tree.clustersInTrouble();
      view.badge = trouble.length ? { value: trouble.length, tooltip: `No leader: ${trouble.join(', ')}` } : undefined;
    }),
    registry.onDidTransition(({ name, kind, snapshot }) => {
      const summary = clusterSummary(snapshot);
      const open = 'Open Status';
      const message =
        kind === 'lost'
          ? `etcd cluster "${name}" has no leader: ${summary}. Need ${snapshot.quorum.needed} of ${snapshot.quorum.votingMembers} voting members.`
          : kind === 'unreachable'
            ? `etcd cluster "${name}" does not answer: ${snapshot.errors[0] ?? 'no endpoint answered'}`
            : `etcd cluster "${name}" has a leader again: ${summary}.`;
      log.info(message);
      const shown =
        kind === 'regained' ? vscode.window.showInformationMessage(message, open) : vscode.window.showWarningMessage(message, open);
      void shown.then((choice) =>
        choice === open ? vscode.commands.executeCommand('etcdInspector.openStatus', { cluster: name }) : undefined,
      );
    }),
    settings.onDidChange((keys) => {
      registry.settingsChanged(keys);
      // Read-only changes the menus (context values) and the panel's buttons, nothing else.
      if (keys.some((k) => SETTING_EFFECTS[k] === 'rerender')) {
        tree.repaint();
        StatusPanel.rerender();
      }
    }),
    vscode.commands.registerCommand('etcdInspector.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', 'etcdInspector'),
    ),
    vscode.commands.registerCommand('etcdInspector.showLog', () => log.show()),
  );
  registerClusterCommands(context, registry, settings, log);
  context.subscriptions.push(
    registerStatusPanelSerializer(context, registry, { log, isReadOnly }),
    // Called from the palette (no argument), a cluster's tree node or the status bar ({ cluster: name }).
    vscode.commands.registerCommand('etcdInspector.openStatus', (arg?: unknown) => {
      const cluster = typeof arg === 'string' ? arg : (arg as { cluster?: unknown } | undefined)?.cluster;
      StatusPanel.createOrShow(context, registry, typeof cluster === 'string' ? cluster : undefined, { log, isReadOnly });
    }),
  );
  registerActionCommands(context, { registry, settings, log });
  const reports = new ReportDocuments();
  context.subscriptions.push(reports);
  registerSshCommands(context, {
    registry,
    settings,
    log,
    reports,
    factory: sshHosts,
  });
  registerLintCommands(context);

  const lsp = new LazyLanguageClient(context, settings, log);
  client = lsp;
  // After each refresh, every cluster's measured peer round trip goes to the hovers of the timeout keys.
  context.subscriptions.push(
    registry.onDidChange(() => {
      const measured = registry.names().flatMap((name) => {
        const s = registry.snapshot(name);
        const members = (s?.members ?? []).map((m) => ({ id: m.id, name: m.name, figures: m.metrics, peerURLs: m.peerURLs }));
        const found = s ? measuredPeers(name, members) : null;
        return found ? [found] : [];
      });
      lsp.setMeasured(measured);
    }),
  );
  log.info(`etcd Inspector ${String(context.extension.packageJSON.version)} activated`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
