// Which command a webview button may run, decided on the host: the message guard already limits the command
// to STATUS_PANEL_COMMANDS; here the arguments are checked against what this window knows (configured
// cluster names, runbook step numbers). Free of 'vscode' so it is unit-tested.
import type { RunCommandMessage, StatusPanelCommand } from '../../shared/messages';
import { RUNBOOK_STEPS, stepByNumber } from '../../etcd/runbook/steps';

/** A command and its single argument object, ready for vscode.commands.executeCommand; or why it was refused. */
export type CommandDecision = { ok: true; command: StatusPanelCommand; args: unknown[] } | { ok: false; reason: string };

/** Decides whether a webview's runCommand may run, and with exactly which arguments. */
export function decideRunCommand(message: RunCommandMessage, clusterNames: readonly string[]): CommandDecision {
  const { command, args } = message;
  const knownCluster = (name: string | undefined): name is string => name !== undefined && clusterNames.includes(name);
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
  }
}
