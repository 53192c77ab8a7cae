// The extension's one settings object, as rust-analyzer's Config owns its section: typed getters over
// etcdInspector.*, checked against the declarations in package.json (read once at activation), one change
// event naming the settings that changed (what each change requires is SETTING_EFFECTS in
// src/shared/settings.ts), and the writes of the clusters list. Clusters from workspace settings are
// honoured only in a trusted workspace: a cloned repository must not be able to point the extension at
// endpoints of its choosing. Passwords are not settings: they stay in SecretStorage.
import * as vscode from 'vscode';
import {
  SECTION,
  changedSettings,
  clusterIsReadOnly,
  declaredSettings,
  hasCluster,
  parseClusterSettings,
  readEnumSetting,
  readNumberSetting,
  withCluster,
  withoutCluster,
  type ClusterSetting,
  type EtcdVersion,
  type SettingDeclaration,
  type SettingKey,
} from '../shared/settings';

/** Where a clusters write went, and whether the list shown comes from elsewhere (so the entry is not shown). */
export interface ClusterWrite {
  target: vscode.ConfigurationTarget;
  /** The scope's name for messages: "user settings" or "workspace settings". */
  where: string;
  /** True when a trusted workspace's own clusters list replaces the user's, hiding an entry saved there. */
  shadowed: boolean;
}

/** Typed, checked access to the etcdInspector.* settings. */
export class Settings implements vscode.Disposable {
  private readonly declared: Record<SettingKey, SettingDeclaration>;
  private readonly changed = new vscode.EventEmitter<readonly SettingKey[]>();
  /** Fires with the settings whose effective value may have changed (a trust grant counts as a clusters change). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Problems with the values as written, logged once until the settings change. */
  private readonly reported = new Set<string>();

  constructor(
    packageJson: unknown,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.declared = declaredSettings(packageJson);
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        const keys = changedSettings((key) => e.affectsConfiguration(key));
        if (keys.length === 0) return;
        this.reported.clear();
        this.changed.fire(keys);
      }),
      // Trusting the workspace brings its clusters in.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(['clusters'])),
    ];
  }

  /** The configured clusters, well-formed entries only (each dropped one is logged with the reason). */
  get clusters(): ClusterSetting[] {
    const { clusters, problems } = parseClusterSettings(this.effectiveClusters().value);
    for (const problem of problems) this.report(problem);
    return clusters;
  }

  /** The deadline of each member's probes in one refresh, in milliseconds. */
  get requestTimeoutMs(): number {
    return this.number('requestTimeoutMs');
  }

  /** How often visible clusters are refreshed, in seconds; 0: never on a timer. */
  get refreshIntervalSeconds(): number {
    return this.number('refreshIntervalSeconds');
  }

  /** The etcd version whose rules the configuration linter applies. */
  get etcdVersion(): EtcdVersion {
    const { value, problem } = readEnumSetting<EtcdVersion>('etcdVersion', this.raw('etcdVersion'), this.declared.etcdVersion);
    if (problem) this.report(problem);
    return value;
  }

  /** At most this many problems are published per configuration file. */
  get maxNumberOfProblems(): number {
    return this.number('maxNumberOfProblems');
  }

  /** etcdInspector.readOnly as the user wrote it in any scope (true when any scope sets it). */
  get readOnly(): boolean {
    return clusterIsReadOnly(this.readOnlyValues(), '', []);
  }

  /**
   * Whether runbook actions that change `cluster` are refused: etcdInspector.readOnly, or the cluster's own
   * `readOnly` (in the list in effect or the user's entry of that name). A workspace can add read-only, never
   * remove it.
   */
  isReadOnly(cluster: string): boolean {
    const clusters = this.config().inspect<unknown>('clusters');
    const lists = [this.effectiveClusters().value, clusters?.globalValue];
    return clusterIsReadOnly(this.readOnlyValues(), cluster, lists);
  }

  /**
   * Saves a cluster entry to user settings (in place of an entry of the same name there). Workspace
   * settings are not written: they may be committed with the repository.
   */
  async saveCluster(cluster: ClusterSetting): Promise<ClusterWrite> {
    const target = vscode.ConfigurationTarget.Global;
    const inspected = this.config().inspect<unknown>('clusters');
    await this.config().update('clusters', withCluster(inspected?.globalValue, cluster), target);
    return { target, where: 'user settings', shadowed: this.effectiveClusters().target !== target };
  }

  /**
   * Removes a cluster entry from the scope the shown list comes from (trusted workspace settings, else user
   * settings). Returns where it was removed from, or undefined when that scope has no such entry.
   */
  async removeCluster(name: string): Promise<ClusterWrite | undefined> {
    const { value, target } = this.effectiveClusters();
    if (!hasCluster(value, name)) return undefined;
    await this.config().update('clusters', withoutCluster(value, name), target);
    return { target, where: target === vscode.ConfigurationTarget.Global ? 'user settings' : 'workspace settings', shadowed: false };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  private raw(key: SettingKey): unknown {
    return this.config().get<unknown>(key);
  }

  /** The clusters list in effect and its scope: a trusted workspace's own list replaces the user's. */
  private effectiveClusters(): { value: unknown; target: vscode.ConfigurationTarget } {
    const inspected = this.config().inspect<unknown>('clusters');
    if (vscode.workspace.isTrusted && inspected?.workspaceValue !== undefined) {
      return { value: inspected.workspaceValue, target: vscode.ConfigurationTarget.Workspace };
    }
    return { value: inspected?.globalValue, target: vscode.ConfigurationTarget.Global };
  }

  /** Every scope's value of etcdInspector.readOnly: any scope may turn it on (even an untrusted workspace: it only restricts). */
  private readOnlyValues(): unknown[] {
    const inspected = this.config().inspect<unknown>('readOnly');
    return [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
  }

  private number(key: SettingKey): number {
    const { value, problem } = readNumberSetting(key, this.raw(key), this.declared[key]);
    if (problem) this.report(problem);
    return value;
  }

  private report(problem: string): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.log.warn(problem);
  }
}
