// Palette and tree commands that manage the clusters setting: add, import (etcdctl environment, kubeadm
// manifest), edit, remove, set password; plus copy, refresh, the runbook step documents and the alert rules.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import {
  parseEndpoints,
  parseEtcdctlAssignments,
  profileFromEtcdctlEnv,
  profileFromKubeadmManifest,
  type ConnectionProfile,
} from '../../etcd/profile';
import { RUNBOOK_STEPS, runbookStepMarkdown, stepByNumber, type RunbookStep, type StepId } from '../../etcd/runbook/steps';
import { tunnelLabel, type ClusterSetting, type TunnelSetting } from '../../shared/settings';
import { parseHostSpec } from '../../ssh/target';
import { passwordKey, type ClusterRegistry } from '../clusters/registry';
import { forgetSshSecrets } from '../ssh/prompts';
import type { Settings } from '../settings';
import type { TreeNode } from '../tree/clusterTree';
import { writeAlertRules } from './alertRules';
import { diagnoseCluster, exportTimeline } from './diagnose';

/** What the commands work with. */
interface Deps {
  registry: ClusterRegistry;
  settings: Settings;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

/** Saves the entry through the settings object and the password (if any) to secret storage; says where it went. */
async function saveCluster(cluster: ClusterSetting, password: string | undefined, { settings, secrets, log }: Deps): Promise<void> {
  const written = await settings.saveCluster(cluster);
  if (cluster.username && password !== undefined) await secrets.store(passwordKey(cluster.name, cluster.username), password);
  // Never the password: only whether one was stored.
  log.info(
    `cluster "${cluster.name}" saved to ${written.where}: ${cluster.endpoints.join(', ')}${cluster.tunnel ? ` ${tunnelLabel(cluster.tunnel)}` : ''}${cluster.tls ? ', TLS' : ''}${cluster.username ? `, user ${cluster.username}${password !== undefined ? ' (password in secret storage)' : ''}` : ''}`,
  );
  if (written.shadowed) {
    void vscode.window.showWarningMessage(
      `Cluster "${cluster.name}" was saved to ${written.where}, but this workspace's own etcdInspector.clusters list replaces that one: add the entry to the workspace settings to see it here.`,
    );
  }
}

/** An input box's validator from a parser that throws: its message, or undefined when it parses. */
function messageOf(parse: (text: string) => unknown): (text: string) => string | undefined {
  return (text) => {
    try {
      parse(text);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

async function askName(registry: ClusterRegistry, suggestion = ''): Promise<string | undefined> {
  return vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'etcd Inspector: cluster name',
    prompt: 'A name for this cluster',
    value: suggestion,
    validateInput: (v) =>
      v.trim() === ''
        ? 'A name is required'
        : registry.names().includes(v.trim())
          ? `A cluster named "${v.trim()}" exists already`
          : undefined,
  });
}

async function pickFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Select',
    filters: { 'PEM files': ['pem', 'crt', 'key', 'cer'], 'All files': ['*'] },
  });
  return picked?.[0]?.fsPath;
}

async function addCluster(deps: Deps): Promise<void> {
  const { registry } = deps;
  const name = await askName(registry);
  if (!name) return;
  const endpointsText = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `etcd Inspector: endpoints of "${name}"`,
    prompt: 'One or more client URLs, comma-separated (the other members are discovered)',
    placeHolder: 'https://10.0.0.1:2379',
    validateInput: messageOf(parseEndpoints),
  });
  if (!endpointsText) return;
  const cluster: ClusterSetting = { name: name.trim(), endpoints: parseEndpoints(endpointsText) };
  const route = await askRoute(cluster);
  if (route === undefined) return;
  if (route) cluster.tunnel = route;
  if (cluster.endpoints.some((e) => e.startsWith('https:'))) {
    const caFile = await pickFile('CA certificate (--cacert)');
    if (!caFile) return;
    const useClientCert = await vscode.window.showQuickPick(['Yes', 'No'], { title: 'Use a client certificate (--cert/--key)?' });
    cluster.tls = { caFile };
    if (useClientCert === 'Yes') {
      cluster.tls.certFile = await pickFile('Client certificate (--cert)');
      cluster.tls.keyFile = await pickFile('Client key (--key)');
      if (!cluster.tls.certFile || !cluster.tls.keyFile) return;
    }
  }
  const username = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'etcd user (leave empty when auth is off)',
    prompt: 'User name for etcd authentication',
  });
  if (username === undefined) return;
  let password: string | undefined;
  if (username.trim()) {
    cluster.username = username.trim();
    password = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Password of ${cluster.username}`,
      prompt: 'Stored in VS Code secret storage, never in settings',
      password: true,
    });
    if (password === undefined) return;
  }
  await saveCluster(cluster, password, deps);
  void vscode.window.showInformationMessage(`Added etcd cluster "${cluster.name}".`);
}

/**
 * How VS Code reaches the endpoints: directly, or through an SSH host (a bastion, or a member host), whose
 * view of the endpoints is what counts. Undefined: cancelled; null: directly.
 */
async function askRoute(cluster: ClusterSetting): Promise<TunnelSetting | null | undefined> {
  const direct = { label: 'Directly', detail: `This machine connects to ${cluster.endpoints.join(', ')}` };
  const tunnel = {
    label: 'Through an SSH host…',
    detail: 'A bastion or a member host: every connection opens from there over SSH (TLS stays end to end)',
  };
  const how = await vscode.window.showQuickPick([direct, tunnel], { title: `etcd Inspector: how does VS Code reach "${cluster.name}"?` });
  if (!how) return undefined;
  if (how === direct) return null;
  const via = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `etcd Inspector: SSH host for "${cluster.name}"`,
    prompt: 'The endpoints are reached as this host sees them. Host keys are checked; an unknown key is shown before connecting.',
    placeHolder: '[user@]bastion-1[:22] or an ~/.ssh/config alias',
    validateInput: messageOf(parseHostSpec),
  });
  if (!via) return undefined;
  const setting: TunnelSetting = { via: via.trim() };
  const agentOrConfig = { label: 'ssh-agent, ~/.ssh/config or ~/.ssh/id_*' };
  const keyFile = { label: 'A private key file…' };
  const key = await vscode.window.showQuickPick([agentOrConfig, keyFile], { title: `How to log in to ${setting.via}?` });
  if (!key) return undefined;
  if (key === keyFile) {
    const picked = await vscode.window.showOpenDialog({ title: 'SSH private key', canSelectMany: false, openLabel: 'Select' });
    if (!picked?.[0]) return undefined;
    setting.identityFile = picked[0].fsPath;
  }
  return setting;
}

function clusterFromProfile(profile: ConnectionProfile, name: string): ClusterSetting {
  const cluster: ClusterSetting = { name, endpoints: profile.endpoints };
  if (profile.tls) cluster.tls = { ...profile.tls };
  if (profile.username) cluster.username = profile.username;
  return cluster;
}

async function importFromEnv(deps: Deps): Promise<void> {
  const { registry } = deps;
  let env: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ETCDCTL_')));
  if (!env.ETCDCTL_ENDPOINTS) {
    const pasted = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'etcd Inspector: import from etcdctl environment',
      prompt: 'VS Code has no ETCDCTL_* variables; paste the export lines (ETCDCTL_ENDPOINTS=... ETCDCTL_CACERT=...)',
      placeHolder: 'export ETCDCTL_ENDPOINTS=https://10.0.0.1:2379 ETCDCTL_CACERT=/etc/etcd/ca.crt',
    });
    if (!pasted) return;
    env = parseEtcdctlAssignments(pasted);
    if (!env.ETCDCTL_ENDPOINTS) {
      void vscode.window.showErrorMessage('No ETCDCTL_ENDPOINTS found in what was pasted: nothing was imported.');
      return;
    }
  }
  let profile: ConnectionProfile;
  try {
    profile = profileFromEtcdctlEnv(env);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot import: ${(error as Error).message}. Nothing was changed.`);
    return;
  }
  const name = await askName(registry, 'etcdctl');
  if (!name) return;
  await saveCluster(clusterFromProfile(profile, name.trim()), profile.password, deps);
  void vscode.window.showInformationMessage(`Imported etcd cluster "${name.trim()}" (${profile.endpoints.join(', ')}).`);
}

async function importFromKubeadm(deps: Deps): Promise<void> {
  const { registry } = deps;
  const picked = await vscode.window.showOpenDialog({
    title: 'kubeadm etcd static pod manifest',
    defaultUri: vscode.Uri.file('/etc/kubernetes/manifests/etcd.yaml'),
    filters: { YAML: ['yaml', 'yml'] },
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  let profile: ConnectionProfile;
  try {
    profile = profileFromKubeadmManifest(await readFile(file, 'utf8'), file);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot import ${file}: ${(error as Error).message}. Nothing was changed.`);
    return;
  }
  const name = await askName(registry, 'kubernetes');
  if (!name) return;
  await saveCluster(clusterFromProfile(profile, name.trim()), undefined, deps);
  void vscode.window.showInformationMessage(`Imported etcd cluster "${name.trim()}" from ${file}.`);
}

async function pickCluster(registry: ClusterRegistry, node: TreeNode | undefined, title: string): Promise<string | undefined> {
  if (node) return node.cluster;
  const names = registry.names();
  if (names.length <= 1) return names[0];
  return vscode.window.showQuickPick(names, { title });
}

async function removeCluster({ registry, settings, secrets, log }: Deps, node?: TreeNode): Promise<void> {
  const name = await pickCluster(registry, node, 'Remove which cluster?');
  if (!name) return;
  const answer = await vscode.window.showWarningMessage(
    `Remove the etcd cluster "${name}" from etcd Inspector?`,
    {
      modal: true,
      detail: 'This only forgets the connection settings and the stored passwords (etcd, SSH); the cluster itself is not touched.',
    },
    'Remove',
  );
  if (answer !== 'Remove') return;
  const setting = registry.setting(name);
  const removed = await settings.removeCluster(name);
  if (setting?.username) await secrets.delete(passwordKey(name, setting.username));
  const sshSecrets = await forgetSshSecrets(secrets, name);
  log.info(
    `cluster "${name}" removed from ${removed?.where ?? 'settings (it was in none that is shown)'}${setting?.username ? ' and its password from secret storage' : ''}` +
      (sshSecrets > 0 ? `; ${sshSecrets} SSH passphrase(s) and password(s) forgotten` : ''),
  );
}

async function setPassword({ registry, secrets, log }: Deps, node?: TreeNode): Promise<void> {
  const name = await pickCluster(registry, node, 'Set the password of which cluster?');
  const setting = name ? registry.setting(name) : undefined;
  if (!name || !setting) return;
  if (!setting.username) {
    void vscode.window.showInformationMessage(`Cluster "${name}" has no username: add "username" to its settings entry first.`);
    return;
  }
  const password = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `Password of ${setting.username} on "${name}"`,
    password: true,
    prompt: 'Stored in VS Code secret storage',
  });
  if (password === undefined) return;
  await secrets.store(passwordKey(name, setting.username), password);
  log.info(`password of ${setting.username} on "${name}" stored in secret storage`);
  registry.invalidate(name);
  await registry.refresh(name);
}

/** Which step a command argument names: the webview sends its number, code may pass the step id. */
type StepArgument = number | StepId;

async function showRunbookStep(registry: ClusterRegistry, args: { cluster?: string; step?: StepArgument } | undefined): Promise<void> {
  const name = args?.cluster ?? (await pickCluster(registry, undefined, 'Which cluster?'));
  // Arguments come from anywhere a command can be run: an unknown step is ignored.
  const step: RunbookStep | undefined =
    typeof args?.step === 'number' ? stepByNumber(args.step) : RUNBOOK_STEPS.find((s) => s.id === args?.step);
  if (!name || !step) return;
  const profile = await registry.profile(name);
  if (!profile) return;
  const doc = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: runbookStepMarkdown(step.id, registry.snapshot(name), profile),
  });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** The cluster a command names (a tree node or { cluster }), if configured; else one picked. */
async function clusterOf(
  registry: ClusterRegistry,
  arg: TreeNode | { cluster?: string } | undefined,
  title: string,
): Promise<string | undefined> {
  const given = arg && 'cluster' in arg && typeof arg.cluster === 'string' ? arg.cluster : undefined;
  return given !== undefined && registry.names().includes(given) ? given : pickCluster(registry, undefined, title);
}

/** Registers the cluster management commands. */
export function registerClusterCommands(
  context: vscode.ExtensionContext,
  registry: ClusterRegistry,
  settings: Settings,
  log: vscode.LogOutputChannel,
): void {
  const deps: Deps = { registry, settings, secrets: context.secrets, log };
  const member = (node: TreeNode | undefined) =>
    node && node.kind !== 'cluster' && node.kind !== 'message'
      ? registry.snapshot(node.cluster)?.members.find((m) => m.id === node.memberId)
      : undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('etcdInspector.addCluster', () => addCluster(deps)),
    vscode.commands.registerCommand('etcdInspector.importFromEtcdctlEnv', () => importFromEnv(deps)),
    vscode.commands.registerCommand('etcdInspector.importFromKubeadm', () => importFromKubeadm(deps)),
    vscode.commands.registerCommand('etcdInspector.editCluster', () =>
      vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'etcdInspector.clusters', edit: true } }),
    ),
    vscode.commands.registerCommand('etcdInspector.removeCluster', (node?: TreeNode) => removeCluster(deps, node)),
    vscode.commands.registerCommand('etcdInspector.setPassword', (node?: TreeNode) => setPassword(deps, node)),
    vscode.commands.registerCommand('etcdInspector.showRunbookStep', (args?: { cluster?: string; step?: StepArgument }) =>
      showRunbookStep(registry, args),
    ),
    vscode.commands.registerCommand('etcdInspector.diagnoseCluster', async (arg?: TreeNode | { cluster?: string }) => {
      const cluster = await clusterOf(registry, arg, 'Diagnose which cluster?');
      if (cluster) await diagnoseCluster(registry, cluster, log);
    }),
    vscode.commands.registerCommand('etcdInspector.exportTimeline', async (arg?: TreeNode | { cluster?: string }) => {
      const cluster = await clusterOf(registry, arg, 'Timeline of which cluster?');
      if (cluster) await exportTimeline(registry, cluster);
    }),
    vscode.commands.registerCommand('etcdInspector.writeAlertRules', async (node?: TreeNode) => {
      // With no cluster configured, rules that name none; with several, the one picked (none: cancelled).
      const cluster = await pickCluster(registry, node, 'Alert rules for which cluster?');
      if (cluster !== undefined || registry.names().length === 0) await writeAlertRules(cluster);
    }),
    vscode.commands.registerCommand('etcdInspector.copyMemberId', async (node?: TreeNode) => {
      const m = member(node);
      if (m) await vscode.env.clipboard.writeText(m.id);
    }),
    vscode.commands.registerCommand('etcdInspector.copyMemberUrl', async (node?: TreeNode) => {
      const url = node?.kind === 'detail' ? node.value : member(node)?.clientURLs[0];
      if (url) await vscode.env.clipboard.writeText(url);
    }),
    vscode.commands.registerCommand('etcdInspector.refresh', async (arg?: TreeNode | { cluster?: string }) => {
      const name = arg && 'cluster' in arg ? arg.cluster : undefined;
      log.info(`refresh ${name ?? 'all clusters'}`);
      await registry.askAgain();
      await vscode.window.withProgress({ location: { viewId: 'etcdInspector.clusters' } }, () => registry.refresh(name));
    }),
  );
}
