// Which command a webview button may run, decided on the host: the message guard already limits the command
// to STATUS_PANEL_COMMANDS; here the arguments are checked against what this window knows (configured
// cluster names, runbook step numbers). Free of 'vscode' so it is unit-tested.
import type { RunCommandMessage, StatusPanelCommand } from '../../shared/messages';
import { RUNBOOK_STEPS, stepByNumber } from '../../etcd/runbook/steps';
import { MUTATING_FIX_COMMANDS, readOnlyButtonReason, type FixCommand } from '../../shared/checkFixes';

/** What the host knows about the clusters beyond their names, to check a runbook action's arguments. */
export interface CommandChecks {
  /** Whether the cluster is read-only (a change is refused here, before any modal). */
  isReadOnly(cluster: string): boolean;
  /** The member ids of the cluster's latest snapshot. */
  memberIds(cluster: string): readonly string[];
}

/** A command and its single argument object, ready for vscode.commands.executeCommand; or why it was refused. */
export type CommandDecision = { ok: true; command: StatusPanelCommand; args: unknown[] } | { ok: false; reason: string };

/** Decides whether a webview's runCommand may run, and with exactly which arguments. */
export function decideRunCommand(
  message: RunCommandMessage,
  clusterNames: readonly string[],
  checks: CommandChecks = { isReadOnly: () => true, memberIds: () => [] },
): CommandDecision {
  const { command, args } = message;
  const knownCluster = (name: string | undefined): name is string => name !== undefined && clusterNames.includes(name);
  if (args.member !== undefined && command !== 'etcdInspector.removeMember' && command !== 'etcdInspector.promoteMember')
    return { ok: false, reason: `${command} takes no member` };
  switch (command) {
    case 'etcdInspector.showLog':
      return { ok: true, command, args: [] };
    case 'etcdInspector.refresh':
      if (args.cluster === undefined) return { ok: true, command, args: [] };
      if (!knownCluster(args.cluster)) return { ok: false, reason: `unknown cluster for ${command}` };
      return { ok: true, command, args: [{ cluster: args.cluster }] };
    case 'etcdInspector.showRunbookStep':
      if (!knownCluster(args.cluster)) return { ok: false, reason: `unknown cluster for ${command}` };
      if (args.step === undefined || !stepByNumber(args.step))
        return { ok: false, reason: `${command} needs a step between 1 and ${RUNBOOK_STEPS.length}` };
      return { ok: true, command, args: [{ cluster: args.cluster, step: args.step }] };
    case 'etcdInspector.defragmentCluster':
    case 'etcdInspector.disarmAlarm':
    case 'etcdInspector.removeMember':
    case 'etcdInspector.promoteMember':
    case 'etcdInspector.showRecoveryGuide': {
      if (!knownCluster(args.cluster)) return { ok: false, reason: `unknown cluster for ${command}` };
      if (args.step !== undefined) return { ok: false, reason: `${command} takes no step` };
      if (MUTATING_FIX_COMMANDS.has(command as FixCommand) && checks.isReadOnly(args.cluster))
        return { ok: false, reason: readOnlyButtonReason(args.cluster) };
      if (command === 'etcdInspector.removeMember' || command === 'etcdInspector.promoteMember') {
        if (args.member === undefined || !checks.memberIds(args.cluster).includes(args.member))
          return { ok: false, reason: `${command} needs a member of ${args.cluster}` };
        return { ok: true, command, args: [{ cluster: args.cluster, member: args.member }] };
      }
      return { ok: true, command, args: [{ cluster: args.cluster }] };
    }
  }
}
