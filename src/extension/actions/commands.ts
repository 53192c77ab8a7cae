// The runbook action commands (issue 10): palette, the Clusters tree's context menus and the status panel's
// checklist buttons all run these. The operations and their plans are src/etcd/actions; the pickers' items
// and the words shown are src/shared/actionText.ts; the common run (read-only, modal, progress, log, result)
// is runner.ts.
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatBytes } from '../../etcd/format';
import { planDefrag, rollingDefrag, type DefragOptions } from '../../etcd/actions/defrag';
import { moveLeader, planMoveLeader } from '../../etcd/actions/leadership';
import {
  addMember,
  planAddMember,
  planPromote,
  planRemoveMember,
  promoteLearner,
  removeMember,
  type AddMemberOptions,
} from '../../etcd/actions/members';
import { CORRUPT_EXPLANATION, disarmNospace, listAlarms, planDisarm } from '../../etcd/actions/alarms';
import { hashKvCheck, verifyWrite, VERIFY_PREFIX } from '../../etcd/actions/consistency';
import { saveSnapshot } from '../../etcd/actions/snapshot';
import { recoveryGuide, restoreGuide } from '../../etcd/runbook/recovery';
import type { ClusterSnapshot } from '../../etcd/model';
import {
  RETENTION_CHOICES,
  RULE_CHOICES,
  disarmItems,
  moveLeaderItems,
  promoteItems,
  removeMemberItems,
  type MemberPickItem,
} from '../../shared/actionText';
import {
  execute,
  latestSnapshot,
  pickCluster,
  pickMember,
  readOnlyRun,
  refusedAsReadOnly,
  runPlanned,
  targetOf,
  type ActionDeps,
} from './runner';

/** The cluster a mutating command runs on, after the host's read-only check; undefined when refused or cancelled. */
export async function writableCluster(
  deps: ActionDeps,
  arg: unknown,
  title: string,
): Promise<{ cluster: string; memberId?: string } | undefined> {
  const target = targetOf(arg);
  const cluster = await pickCluster(deps, target, title, true);
  if (cluster === undefined || refusedAsReadOnly(deps, cluster, title)) return undefined;
  return { cluster, memberId: target.memberId };
}

async function openMarkdown(content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(doc, { preview: false });
}

async function defragmentCluster(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Rolling defragment';
  const target = await writableCluster(deps, arg, title);
  if (!target) return;
  const retention = await vscode.window.showQuickPick(RETENTION_CHOICES, {
    title: `${title} of "${target.cluster}": compact first?`,
    placeHolder: 'Compaction frees the history it drops; defragmentation gives the freed space back to the disk',
  });
  if (!retention) return;
  const rule = await vscode.window.showQuickPick(RULE_CHOICES, { title: `${title} of "${target.cluster}": which members?` });
  if (!rule) return;
  const options: DefragOptions = { ...(retention.compact ? { compact: retention.compact } : {}), ...rule.rule };
  await runPlanned(deps, target.cluster, { plan: (s) => planDefrag(s, options), run: (c) => rollingDefrag(c, options) });
}

/**
 * A change aimed at one member: the tree node's or the panel's member, else `choose` over the cluster's latest
 * snapshot (resolves to undefined when cancelled, `{ ref: undefined }` for the action's own default).
 */
async function memberAction(
  deps: ActionDeps,
  arg: unknown,
  title: string,
  choose: (snapshot: ClusterSnapshot, cluster: string) => Promise<{ ref: string | undefined } | undefined>,
  act: (cluster: string, ref: string | undefined) => Promise<unknown>,
): Promise<void> {
  const target = await writableCluster(deps, arg, title);
  if (!target) return;
  let ref = target.memberId;
  if (ref === undefined) {
    const snapshot = await latestSnapshot(deps, target.cluster);
    const chosen = snapshot && (await choose(snapshot, target.cluster));
    if (!chosen) return;
    ref = chosen.ref;
  }
  await act(target.cluster, ref);
}

/** `choose` for memberAction from a pure picker: undefined when cancelled or empty (said so). */
function picker(title: string, items: (s: ClusterSnapshot) => MemberPickItem[], empty: string) {
  return async (snapshot: ClusterSnapshot, cluster: string): Promise<{ ref: string } | undefined> => {
    const ref = await pickMember(items(snapshot), `${title} of "${cluster}": which member?`, `${title}: ${empty} in "${cluster}".`);
    return ref === undefined ? undefined : { ref };
  };
}

function moveLeaderCommand(deps: ActionDeps, arg: unknown): Promise<void> {
  return memberAction(
    deps,
    arg,
    'Move leader',
    picker('Move leader', moveLeaderItems, 'there is no other voting member to hand leadership to'),
    (cluster, ref) => runPlanned(deps, cluster, { plan: (s) => planMoveLeader(s, ref), run: (c) => moveLeader(c, ref) }),
  );
}

async function listAlarmsCommand(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'List alarms';
  const cluster = await pickCluster(deps, targetOf(arg), title, false);
  if (cluster === undefined) return;
  const alarms = await readOnlyRun(deps, cluster, title, (c) => listAlarms(c));
  if (!alarms) return;
  deps.log.info(`${cluster}: alarms: ${alarms.map((a) => `${a.memberId}:${a.alarm}`).join(', ') || 'none'}`);
  if (alarms.length === 0) {
    void vscode.window.showInformationMessage(`Cluster "${cluster}" has no active alarms.`);
    return;
  }
  const names = new Map((deps.registry.snapshot(cluster)?.members ?? []).map((m) => [m.id, m.name || m.id]));
  const picked = await vscode.window.showQuickPick(
    alarms.map((a) => ({
      label: `${a.alarm} on ${names.get(a.memberId) ?? a.memberId}`,
      description: a.memberId,
      detail:
        a.alarm === 'NOSPACE'
          ? 'Writes are refused until it is disarmed: compact and defragment, then select this to disarm it once every member’s db is below 95% of its quota.'
          : a.alarm === 'CORRUPT'
            ? CORRUPT_EXPLANATION
            : undefined,
      alarm: a,
    })),
    { title: `Active alarms of "${cluster}"`, matchOnDetail: true },
  );
  if (picked?.alarm.alarm === 'NOSPACE') await disarmAlarm(deps, { cluster, member: picked.alarm.memberId });
}

function disarmAlarm(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Disarm NOSPACE';
  const choose = async (snapshot: ClusterSnapshot, cluster: string): Promise<{ ref: string | undefined } | undefined> => {
    const items = disarmItems(snapshot);
    // One alarmed member (or none: the plan says so): the default needs no question.
    if (items.length <= 1) return { ref: undefined };
    const every = {
      label: 'Every member whose NOSPACE may be disarmed',
      description: 'once every member’s db is below 95% of its quota',
      memberId: '',
    };
    const picked = await vscode.window.showQuickPick([every, ...items], { title: `${title} on "${cluster}": which member?` });
    return picked && { ref: picked.memberId || undefined };
  };
  return memberAction(deps, arg, title, choose, (cluster, ref) =>
    runPlanned(deps, cluster, { plan: (s) => planDisarm(s, ref), run: (c) => disarmNospace(c, ref) }),
  );
}

/** A peer URL as etcd takes it: http(s)://host:port. */
function peerUrlProblem(value: string): string | undefined {
  const urls = value.split(',').map((u) => u.trim());
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      return `"${u}" is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${u}": etcd peer URLs are http:// or https://`;
    if (!url.port) return `"${u}" has no port (etcd's peer port is usually 2380)`;
  }
  return undefined;
}

async function addMemberCommand(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Add member';
  const target = await writableCluster(deps, arg, title);
  if (!target) return;
  const snapshot = await latestSnapshot(deps, target.cluster);
  const taken = new Set((snapshot?.members ?? []).map((m) => m.name));
  const name = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `${title} to "${target.cluster}": name of the new member`,
    prompt: 'Its --name (ETCD_NAME)',
    validateInput: (v) =>
      v.trim() === '' ? 'A name is required' : taken.has(v.trim()) ? `A member named "${v.trim()}" exists already` : undefined,
  });
  if (!name) return;
  const peer = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: `${title} "${name.trim()}": peer URL(s)`,
    prompt: 'Where the other members reach it (--initial-advertise-peer-urls), comma-separated',
    placeHolder: 'https://10.0.0.4:2380',
    validateInput: (v) => peerUrlProblem(v),
  });
  if (!peer) return;
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'As a learner', description: 'recommended: it catches up without voting, then you promote it', voter: false },
      {
        label: 'As a voter',
        description: 'counts towards the quorum at once (only when the started voters still form a quorum)',
        voter: true,
      },
    ],
    { title: `${title} "${name.trim()}": learner or voter?` },
  );
  if (!kind) return;
  const options: AddMemberOptions = { name: name.trim(), peerURLs: peer.split(',').map((u) => u.trim()), voter: kind.voter };
  const result = await runPlanned(deps, target.cluster, { plan: (s) => planAddMember(s, options), run: (c) => addMember(c, options) });
  if (result?.config) {
    // The same generator as "Generate Member Configuration": the linter checks it as soon as it opens.
    const doc = await vscode.workspace.openTextDocument({ language: 'etcd-conf', content: result.config });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
}

async function saveSnapshotCommand(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Save snapshot';
  const target = targetOf(arg);
  const cluster = await pickCluster(deps, target, title, false);
  if (cluster === undefined) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const uri = await vscode.window.showSaveDialog({
    title: `${title} of "${cluster}"`,
    defaultUri: vscode.Uri.file(join(homedir(), `etcd-${cluster.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}.db`)),
    filters: { 'etcd snapshot': ['db'], 'All files': ['*'] },
    saveLabel: 'Save Snapshot',
  });
  if (!uri) return;
  const file = uri.fsPath;
  const memberRef = target.memberId;
  // The save dialog has already asked before replacing an existing file: the old one stays until the new is complete.
  const result = await execute(deps, cluster, title, null, false, (c) =>
    saveSnapshot(c, file, { memberRef, overwrite: true, onBytes: (bytes) => c.progress?.(`${formatBytes(bytes)} received`) }),
  );
  const saved = result?.saved;
  if (!saved) return;
  deps.log.info(
    `${cluster}: snapshot ${saved.file} from ${saved.memberName}: ${saved.bytes} bytes, sha256 ${saved.sha256}${saved.status ? `\n${saved.status}` : ''}`,
  );
  const open = 'Open Restore Guide';
  const choice = await vscode.window.showInformationMessage(
    `Snapshot of "${cluster}" saved from ${saved.memberName} to ${saved.file}: ${formatBytes(saved.bytes)}, sha256 ${saved.sha256.slice(0, 16)}…${saved.status ? '' : ' (etcdutl is not installed: no snapshot status)'}`,
    open,
  );
  if (choice !== open) return;
  const profile = await deps.registry.profile(cluster);
  const snapshot = await latestSnapshot(deps, cluster);
  if (profile && snapshot) await openMarkdown(restoreGuide(snapshot, profile, saved.file));
}

async function showRecoveryGuide(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Quorum-loss recovery guide';
  const cluster = await pickCluster(deps, targetOf(arg), title, false);
  if (cluster === undefined) return;
  const snapshot = await readOnlyRun(deps, cluster, title, (c) => c.inspector.refresh());
  const profile = await deps.registry.profile(cluster);
  if (!snapshot || !profile) return;
  void deps.registry.refresh(cluster);
  await openMarkdown(recoveryGuide(snapshot, profile));
}

async function checkConsistency(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Hash-KV check';
  const cluster = await pickCluster(deps, targetOf(arg), title, false);
  if (cluster === undefined) return;
  await execute(deps, cluster, title, null, false, (c) => hashKvCheck(c));
}

async function verifyWriteCommand(deps: ActionDeps, arg: unknown): Promise<void> {
  const title = 'Verify write';
  const target = await writableCluster(deps, arg, title);
  if (!target) return;
  const go = 'Verify';
  const answer = await vscode.window.showWarningMessage(
    `Verify writes in cluster "${target.cluster}"?`,
    {
      modal: true,
      detail: `Puts a key under ${VERIFY_PREFIX} through the leader, reads it back and deletes it, timing each step (the runbook's "verify the fix"). It adds three revisions to the history.`,
    },
    go,
  );
  if (answer !== go) return;
  deps.log.info(`${target.cluster}: Verify write: confirmed`);
  await execute(deps, target.cluster, title, null, false, (c) => verifyWrite(c));
}

/** Registers the runbook action commands. */
export function registerActionCommands(context: vscode.ExtensionContext, deps: ActionDeps): void {
  const command = (id: string, run: (deps: ActionDeps, arg: unknown) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(`etcdInspector.${id}`, (arg?: unknown) => run(deps, arg));
  context.subscriptions.push(
    command('defragmentCluster', defragmentCluster),
    command('listAlarms', listAlarmsCommand),
    command('disarmAlarm', disarmAlarm),
    command('moveLeader', moveLeaderCommand),
    command('addMember', addMemberCommand),
    command('promoteMember', (d, arg) =>
      memberAction(d, arg, 'Promote learner', picker('Promote learner', promoteItems, 'there is no learner'), (cluster, ref = '') =>
        runPlanned(d, cluster, { plan: (s) => planPromote(s, ref), run: (c) => promoteLearner(c, ref) }),
      ),
    ),
    command('removeMember', (d, arg) =>
      memberAction(d, arg, 'Remove member', picker('Remove member', removeMemberItems, 'there is no member'), (cluster, ref = '') =>
        runPlanned(d, cluster, { plan: (s) => planRemoveMember(s, ref), run: (c) => removeMember(c, ref) }),
      ),
    ),
    command('saveSnapshot', saveSnapshotCommand),
    command('showRecoveryGuide', showRecoveryGuide),
    command('checkConsistency', checkConsistency),
    command('verifyWrite', verifyWriteCommand),
  );
}
