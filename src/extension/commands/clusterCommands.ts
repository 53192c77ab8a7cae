// Palette and tree commands that manage the clusters setting: add, import (etcdctl environment, kubeadm
// manifest), edit, remove, set password; plus copy, refresh and the runbook step documents.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import {
  parseEndpoints,
  parseEtcdctlAssignments,
  profileFromEtcdctlEnv,
  profileFromKubeadmManifest,
  type ConnectionProfile,
} from '../../etcd/profile';
import { runbookStepMarkdown } from '../../etcd/runbook';
import { STEPS } from '../../etcd/checklist';
import type { ClusterSetting } from '../../shared/settings';
import { passwordKey, type ClusterRegistry } from '../clusters/registry';
import type { TreeNode } from '../tree/clusterTree';

const SECTION = 'etcdInspector';

/** Where a cluster entry lives, so edits go back to the same settings file. */
function targetOf(name: string): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<ClusterSetting[]>('clusters');
  if (inspected?.workspaceFolderValue?.some((c) => c.name === name)) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue?.some((c) => c.name === name)) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

function valueAt(target: vscode.ConfigurationTarget): ClusterSetting[] {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<ClusterSetting[]>('clusters');
  const value =
    target === vscode.ConfigurationTarget.Global
      ? inspected?.globalValue
      : target === vscode.ConfigurationTarget.Workspace
        ? inspected?.workspaceValue
        : inspected?.workspaceFolderValue;
  return Array.isArray(value) ? [...value] : [];
}

/** What the commands work with. */
interface Deps {
  registry: ClusterRegistry;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

async function saveCluster(cluster: ClusterSetting, password: string | undefined, { secrets, log }: Deps): Promise<void> {
  const target = vscode.ConfigurationTarget.Global;
  const clusters = valueAt(target).filter((c) => c.name !== cluster.name);
  clusters.push(cluster);
  await vscode.workspace.getConfiguration(SECTION).update('clusters', clusters, target);
  if (cluster.username && password !== undefined) await secrets.store(passwordKey(cluster.name, cluster.username), password);
  // Never the password: only whether one was stored.
  log.info(
    `cluster "${cluster.name}" saved to user settings: ${cluster.endpoints.join(', ')}${cluster.tls ? ', TLS' : ''}${cluster.username ? `, user ${cluster.username}${password !== undefined ? ' (password in secret storage)' : ''}` : ''}`,
  );
}

async function askName(registry: ClusterRegistry, suggestion = ''): Promise<string | undefined> {
  return vscode.window.showInputBox({
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
    title: `etcd Inspector: endpoints of "${name}"`,
    prompt: 'One or more client URLs, comma-separated (the other members are discovered)',
    placeHolder: 'https://10.0.0.1:2379',
    validateInput: (v) => {
      try {
        parseEndpoints(v);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (!endpointsText) return;
  const cluster: ClusterSetting = { name: name.trim(), endpoints: parseEndpoints(endpointsText) };
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
    title: 'etcd user (leave empty when auth is off)',
    prompt: 'User name for etcd authentication',
  });
  if (username === undefined) return;
  let password: string | undefined;
  if (username.trim()) {
    cluster.username = username.trim();
    password = await vscode.window.showInputBox({
      title: `Password of ${cluster.username}`,
      prompt: 'Stored in VS Code secret storage, never in settings',
      password: true,
    });
    if (password === undefined) return;
  }
  await saveCluster(cluster, password, deps);
  void vscode.window.showInformationMessage(`Added etcd cluster "${cluster.name}".`);
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

async function removeCluster({ registry, secrets, log }: Deps, node?: TreeNode): Promise<void> {
  const name = await pickCluster(registry, node, 'Remove which cluster?');
  if (!name) return;
  const answer = await vscode.window.showWarningMessage(
    `Remove the etcd cluster "${name}" from etcd Inspector?`,
    { modal: true, detail: 'This only forgets the connection settings and the stored password; the cluster itself is not touched.' },
    'Remove',
  );
  if (answer !== 'Remove') return;
  const setting = registry.setting(name);
  const target = targetOf(name);
  await vscode.workspace.getConfiguration(SECTION).update(
    'clusters',
    valueAt(target).filter((c) => c.name !== name),
    target,
  );
  if (setting?.username) await secrets.delete(passwordKey(name, setting.username));
  log.info(`cluster "${name}" removed from settings${setting?.username ? ' and its password from secret storage' : ''}`);
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

async function showRunbookStep(registry: ClusterRegistry, args: { cluster?: string; step?: string | number } | undefined): Promise<void> {
  const name = args?.cluster ?? (await pickCluster(registry, undefined, 'Which cluster?'));
  // The webview names steps by number, the checklist by title ("Step 5: Fix Quorum Loss").
  const step = typeof args?.step === 'number' ? Object.values(STEPS).find((t) => t.startsWith(`Step ${args.step}:`)) : args?.step;
  if (!name || !step) return;
  const profile = await registry.profile(name);
  if (!profile) return;
  const doc = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: runbookStepMarkdown(step, registry.snapshot(name), profile),
  });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** Registers the cluster management commands. */
export function registerClusterCommands(context: vscode.ExtensionContext, registry: ClusterRegistry, log: vscode.LogOutputChannel): void {
  const deps: Deps = { registry, secrets: context.secrets, log };
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
    vscode.commands.registerCommand('etcdInspector.showRunbookStep', (args?: { cluster?: string; step?: string | number }) =>
      showRunbookStep(registry, args),
    ),
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
      await vscode.window.withProgress({ location: { viewId: 'etcdInspector.clusters' } }, () => registry.refresh(name));
    }),
  );
}
