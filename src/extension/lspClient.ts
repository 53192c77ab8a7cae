// The etcd configuration language server (dist/server.js) for env-style etcd.conf documents and etcd's
// YAML config files, which stay in the `yaml` language so YAML tooling keeps working. The server process
// starts with the first such document, not at activation: opening the Clusters view costs no server.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ETCD_YAML_GLOBS } from '../shared/documents';
import { SECTION } from '../shared/settings';
import { MEASURED_PEERS, type MeasuredPeers } from '../lint/measured';
import type { Settings } from './settings';

/** The documents the language server lints: env-style etcd.conf, and YAML files named like etcd configuration. */
export const SELECTOR = [{ language: 'etcd-conf' }, ...ETCD_YAML_GLOBS.map((pattern) => ({ language: 'yaml', pattern }))];

/** Starts the language client once an etcd configuration document is open; stop() ends the server. */
export class LazyLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly watcher: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: Pick<Settings, 'etcdVersion'>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.watcher = vscode.workspace.onDidOpenTextDocument((doc) => this.startFor(doc));
    for (const doc of vscode.workspace.textDocuments) this.startFor(doc);
  }

  private startFor(doc: vscode.TextDocument): void {
    if (this.client || vscode.languages.match(SELECTOR, doc) === 0) return;
    this.watcher.dispose();
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: SELECTOR,
      // The version is known at initialize, before the first document is linted; later changes of the
      // section (etcdVersion, maxNumberOfProblems) reach the server through the synchronisation.
      initializationOptions: { etcdVersion: this.settings.etcdVersion },
      synchronize: { configurationSection: SECTION },
      outputChannel: this.log,
    };
    // The client sends didOpen for the documents already open when it starts, this one included.
    this.client = new LanguageClient('etcdInspector.languageServer', 'etcd Inspector Language Server', serverOptions, clientOptions);
    this.client.start().then(
      () => {
        this.log.info('language server started');
        this.sendMeasured();
      },
      (error: unknown) => this.log.error(`language server failed to start: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** The clusters' measured peer round trips, for the hovers of heartbeat-interval and election-timeout. */
  setMeasured(clusters: MeasuredPeers[]): void {
    const next = JSON.stringify(clusters);
    if (next === this.lastMeasured) return;
    this.lastMeasured = next;
    this.measured = clusters;
    this.sendMeasured();
  }

  private measured: MeasuredPeers[] = [];
  private lastMeasured = '[]';

  private sendMeasured(): void {
    if (this.client?.isRunning()) void this.client.sendNotification(MEASURED_PEERS, { clusters: this.measured });
  }

  async stop(): Promise<void> {
    this.watcher.dispose();
    await this.client?.stop();
    this.client = undefined;
  }

  dispose(): void {
    void this.stop();
  }
}
