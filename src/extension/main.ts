// Entry point of the extension host bundle. activate() only wires services together; logic lives in the
// modules it constructs.
import * as vscode from 'vscode';
import { ClusterTreeProvider } from './tree/clusterTree';
import { readClusters } from './settings';
import { startLanguageClient } from './lspClient';
import { registerLintCommands } from './lint/commands';
import type { LanguageClient } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('etcd Inspector', { log: true });
  context.subscriptions.push(log);

  const tree = new ClusterTreeProvider(() => readClusters(log));
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('etcdInspector.clusters', tree),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('etcdInspector.clusters')) tree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    vscode.commands.registerCommand('etcdInspector.refresh', () => tree.refresh()),
    vscode.commands.registerCommand('etcdInspector.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', 'etcdInspector'),
    ),
    vscode.commands.registerCommand('etcdInspector.showLog', () => log.show()),
  );

  registerLintCommands(context);
  client = await startLanguageClient(context, log);
  log.info(`etcd Inspector ${String(context.extension.packageJSON.version)} activated`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
