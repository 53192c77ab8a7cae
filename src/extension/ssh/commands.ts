// The member-host commands (issue 11): Show Member Logs, Check Member Connectivity, Compare Member Clocks
// over SSH (read-only: each opens a report document), Rolling Restart and Start Member (through the runbook
// actions' runner: read-only refusal, the plan in a modal naming the cluster and every member, the quorum
// guard's override, progress with cancel, the log). The operations are src/ssh/operations.ts and
// src/etcd/actions/restart.ts; the texts are ./text.ts; credentials and host keys are ./hosts.ts.
import * as vscode from 'vscode';
import { planRollingRestart, planStartMember, rollingRestart, startMember } from '../../etcd/actions/restart';
import { hostLabel, type HostMember } from '../../ssh/hosts';
import { connectivityMatrix, fetchLogs, sshClock, sshMemberService, type LogWindow } from '../../ssh/operations';
import { writableCluster } from '../actions/commands';
import { latestSnapshot, pickCluster, pickMember, runPlanned, targetOf, withCancellableProgress, type ActionDeps } from '../actions/runner';
import type { ReportDocuments } from './documents';
import { MEMBER_CONF_SCHEME, MemberConfigFileSystem, openMemberConfig } from './remoteConfig';
import type { ClusterHosts, MemberError, SshHostsFactory } from './hosts';
import { DEFAULT_LOG_LINES, clocksDocument, hostMembers, linesProblem, logsDocument, matrixDocument, outcomes, startItems } from './text';

/** What the member-host commands work with. */
export interface SshDeps extends ActionDeps {
  factory: SshHostsFactory;
  reports: ReportDocuments;
}

/** Which part of the logs: the last 1000 lines (default), another number of lines, or since a time. */
async function askLogWindow(cluster: string): Promise<LogWindow | undefined> {
  const title = `Show member logs of "${cluster}"`;
  const picked = await vscode.window.showQuickPick(
    [
      { label: `Last ${DEFAULT_LOG_LINES} lines`, description: 'of each member (default)', choice: 'default' as const },
      { label: 'Last N lines…', description: 'a number of your choice', choice: 'lines' as const },
      { label: 'Since a time…', description: "journalctl's --since: 2024-01-02 10:00, -1h, today", choice: 'since' as const },
    ],
    { title: `${title}: which part?` },
  );
  if (!picked) return undefined;
  if (picked.choice === 'default') return { lines: DEFAULT_LOG_LINES };
  if (picked.choice === 'lines') {
    const typed = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `${title}: how many lines?`,
      value: String(DEFAULT_LOG_LINES),
      validateInput: linesProblem,
    });
    return typed === undefined ? undefined : { lines: Number(typed.trim()) };
  }
  const since = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `${title}: since when?`,
    prompt: "A time journalctl's --since reads (the logsSince template): 2024-01-02 10:00:00, -1h, yesterday",
    validateInput: (v) => (v.trim() === '' ? 'A time is required' : v.length > 100 ? 'At most 100 characters' : undefined),
  });
  return since === undefined ? undefined : { since: since.trim() };
}

/** Rejects when the signal aborts (cancel), so a cancelled command stops waiting at once. */
function unlessCancelled<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new vscode.CancellationError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A read-only command on a cluster's member hosts: connect to every member's host with cancellable progress,
 * run `work` on the connected ones, close the sessions. Undefined when cancelled or failed (said so).
 */
async function onHosts<T>(
  deps: SshDeps,
  cluster: string,
  title: string,
  members: readonly HostMember[],
  work: (hosts: ClusterHosts, connected: HostMember[], failed: MemberError[], signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  const setting = deps.registry.setting(cluster);
  if (!setting) {
    void vscode.window.showErrorMessage(`${title}: cluster "${cluster}" is not configured.`);
    return undefined;
  }
  let hosts: ClusterHosts | undefined;
  try {
    return await withCancellableProgress(`${title} — ${cluster}`, async (signal, report) => {
      hosts = await deps.factory.open(setting);
      report(`connecting to ${members.length} member host${members.length === 1 ? '' : 's'}`);
      const { connected, failed } = await unlessCancelled(signal, hosts.connect(members));
      report(`${connected.length} of ${members.length} connected`);
      return unlessCancelled(signal, work(hosts, connected, failed, signal));
    });
  } catch (error) {
    if (error instanceof vscode.CancellationError) {
      deps.log.info(`${cluster}: ${title}: cancelled`);
      return undefined;
    }
    const text = error instanceof Error ? error.message : String(error);
    deps.log.error(`${cluster}: ${title} failed: ${text}`);
    void vscode.window.showErrorMessage(`${title} of cluster "${cluster}" failed: ${text}`);
    return undefined;
  } finally {
    hosts?.close();
  }
}

/** The cluster and members of a read-only host command; undefined when cancelled or there is no member (said so). */
async function hostTarget(deps: SshDeps, arg: unknown, title: string): Promise<{ cluster: string; members: HostMember[] } | undefined> {
  const target = targetOf(arg);
  const cluster = await pickCluster(deps, target, title, false);
  if (cluster === undefined) return undefined;
  const snapshot = await latestSnapshot(deps, cluster);
  const members = hostMembers(snapshot, deps.registry.setting(cluster)?.ssh, target.memberId);
  if (members.length === 0) {
    void vscode.window.showErrorMessage(
      `${title}: cluster "${cluster}" gave no member list (no endpoint answered): name the member hosts in its ssh.hosts setting to reach them anyway.`,
    );
    return undefined;
  }
  return { cluster, members };
}

async function showMemberLogs(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Show member logs';
  const target = await hostTarget(deps, arg, title);
  if (!target) return;
  const window = await askLogWindow(target.cluster);
  if (!window) return;
  const text = await onHosts(deps, target.cluster, title, target.members, async (hosts, connected, failed) => {
    const logs = await fetchLogs(hosts.hosts, connected, window);
    // The log patterns' times join the cluster's timeline (what happened first).
    for (const l of logs) if (l.value) deps.registry.timeline(target.cluster)?.addLogs(l.member.name || l.member.id, l.value.summary);
    hosts.explain([...failed.map((f) => f.error), ...logs.flatMap((l) => l.error ?? [])]);
    return logsDocument(target.cluster, window, outcomes(target.members, failed, logs, hosts.where));
  });
  if (text !== undefined) await deps.reports.show(`etcd logs of ${target.cluster}`, text);
}

async function checkConnectivity(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Check member connectivity';
  const target = await hostTarget(deps, { cluster: targetOf(arg).cluster }, title);
  if (!target) return;
  const text = await onHosts(deps, target.cluster, title, target.members, async (hosts, connected, failed) => {
    hosts.explain(failed.map((f) => f.error));
    // Every member is a destination; only the hosts reached over SSH are sources (the others are listed as failed).
    const matrix = await connectivityMatrix(hosts.hosts, target.members, undefined, connected);
    matrix.unreachableHosts.push(...failed.map((f) => ({ member: hostLabel(f.member), error: f.error.message })));
    // The matrix feeds the cluster's connectivity check (tree, status panel) for the next minutes.
    deps.registry.recordSsh(target.cluster, { matrix });
    return matrixDocument(target.cluster, matrix);
  });
  if (text !== undefined) await deps.reports.show(`etcd connectivity of ${target.cluster}`, text);
}

async function compareClocks(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Compare member clocks over SSH';
  const target = await hostTarget(deps, { cluster: targetOf(arg).cluster }, title);
  if (!target) return;
  const text = await onHosts(deps, target.cluster, title, target.members, async (hosts, connected, failed) => {
    const clocks = await hosts.hosts.each(connected, (m) => sshClock(hosts.hosts, m));
    // The readings feed the cluster's clock-sync check: members /raft/probing cannot reach, every host's NTP state.
    deps.registry.recordSsh(target.cluster, {
      clocks: new Map(clocks.map((c) => [c.member.id, { reading: c.value ?? null, error: c.error?.message ?? null }])),
    });
    hosts.explain([...failed.map((f) => f.error), ...clocks.flatMap((c) => c.error ?? [])]);
    return clocksDocument(target.cluster, deps.registry.snapshot(target.cluster), outcomes(target.members, failed, clocks, hosts.where));
  });
  if (text !== undefined) await deps.reports.show(`etcd clocks of ${target.cluster}`, text);
}

/** Connects to these members' hosts before a change; throws with every host that cannot be reached (nothing was changed). */
async function connectAll(hosts: ClusterHosts, members: readonly HostMember[], what: string): Promise<void> {
  const { failed } = await hosts.connect(members);
  if (failed.length === 0) return;
  hosts.explain(failed.map((f) => f.error));
  throw new Error(
    `${what} needs SSH to ${failed.length === 1 ? 'this member' : 'these members'}, nothing was changed: ${failed.map((f) => f.error.message).join('; ')}`,
  );
}

async function rollingRestartCommand(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Rolling restart';
  const target = await writableCluster(deps, { cluster: targetOf(arg).cluster }, title);
  const setting = target && deps.registry.setting(target.cluster);
  if (!target || !setting) return;
  const hosts = await deps.factory.open(setting);
  try {
    const service = sshMemberService(hosts.hosts);
    await runPlanned(deps, target.cluster, {
      plan: (s) => planRollingRestart(s, { service }),
      run: async (c) => {
        c.progress?.('connecting to the member hosts');
        await connectAll(
          hosts,
          (deps.registry.snapshot(target.cluster)?.members ?? []).filter((m) => m.started),
          'A rolling restart',
        );
        return rollingRestart(c, { service });
      },
    });
  } finally {
    hosts.close();
  }
}

async function startMemberCommand(deps: SshDeps, arg: unknown): Promise<void> {
  const title = 'Start member';
  const target = await writableCluster(deps, arg, title);
  if (!target) return;
  let ref = target.memberId;
  if (ref === undefined) {
    const snapshot = await latestSnapshot(deps, target.cluster);
    if (!snapshot) return;
    ref = await pickMember(
      startItems(snapshot),
      `${title} of "${target.cluster}": which member?`,
      `${title}: no member of "${target.cluster}" is down.`,
    );
    if (ref === undefined) return;
  }
  const setting = deps.registry.setting(target.cluster);
  if (!setting) return;
  const memberRef = ref;
  const hosts = await deps.factory.open(setting);
  try {
    const service = sshMemberService(hosts.hosts);
    await runPlanned(deps, target.cluster, {
      plan: (s) => planStartMember(s, memberRef, service),
      run: async (c) => {
        const member = deps.registry.snapshot(target.cluster)?.members.find((m) => m.id === memberRef || m.name === memberRef);
        if (member) await connectAll(hosts, [member], 'Starting a member');
        return startMember(c, memberRef, service);
      },
    });
  } finally {
    hosts.close();
  }
}

/** Registers the member-host commands. */
export function registerSshCommands(context: vscode.ExtensionContext, deps: SshDeps): void {
  const command = (id: string, run: (deps: SshDeps, arg: unknown) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(`etcdInspector.${id}`, (arg?: unknown) => run(deps, arg));
  context.subscriptions.push(
    command('showMemberLogs', showMemberLogs),
    command('checkConnectivity', checkConnectivity),
    command('compareClocks', compareClocks),
    command('rollingRestart', rollingRestartCommand),
    command('startMember', startMemberCommand),
    command('openMemberConfig', openMemberConfig),
    vscode.workspace.registerFileSystemProvider(MEMBER_CONF_SCHEME, new MemberConfigFileSystem(deps), { isCaseSensitive: true }),
  );
}
