// Starts the etcd configuration language server (dist/server.js) for env-style etcd.conf documents and
// etcd's YAML config files, which stay in the `yaml` language so YAML tooling keeps working.
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ETCD_YAML_GLOBS } from '../shared/documents';

export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'etcd-conf' }, ...ETCD_YAML_GLOBS.map((pattern) => ({ language: 'yaml', pattern }))],
    synchronize: { configurationSection: 'etcdInspector' },
    outputChannel: log,
  };
  const client = new LanguageClient('etcdInspector.languageServer', 'etcd Inspector Language Server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    log.error(`language server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return client;
}
