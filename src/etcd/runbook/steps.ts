// The runbook's ten steps as data: an id that code uses, the number and title the runbook gives them, and the
// document that fills the step's commands in for one cluster. The checklist names steps by id; the CLI, the
// status panel and the step documents take the number and title from here.
import type { ClusterSnapshot } from '../model';
import type { ConnectionProfile } from '../profile';
import {
  addMemberDocument,
  clockDocument,
  connectivityDocument,
  defragDocument,
  logsDocument,
  quorumDocument,
  restartDocument,
  statusDocument,
  timeoutsDocument,
  type StepContext,
} from './documents';
import { monitorDocument } from './monitor';
import { etcdctlFlags } from './shell';

interface StepEntry {
  id: string;
  number: number;
  title: string;
  /** The step's markdown below its heading and the cluster's state. */
  document(context: StepContext): string[];
}

const STEPS = [
  { id: 'status', number: 1, title: 'Check Cluster Status', document: statusDocument },
  { id: 'connectivity', number: 2, title: 'Check Member Connectivity', document: connectivityDocument },
  { id: 'logs', number: 3, title: 'Check Member Logs', document: logsDocument },
  { id: 'restart', number: 4, title: 'Restart Failed Members', document: restartDocument },
  { id: 'quorum', number: 5, title: 'Fix Quorum Loss', document: quorumDocument },
  { id: 'add-member', number: 6, title: 'Add New Member to Restore Quorum', document: addMemberDocument },
  { id: 'clock', number: 7, title: 'Check Clock Synchronization', document: clockDocument },
  { id: 'timeouts', number: 8, title: 'Check Election Timeout Configuration', document: timeoutsDocument },
  { id: 'defrag', number: 9, title: 'Defragment and Compact', document: defragDocument },
  { id: 'monitor', number: 10, title: 'Monitor Cluster Health', document: monitorDocument },
] as const satisfies readonly StepEntry[];

/** A runbook step as code names it ('quorum' is "Step 5: Fix Quorum Loss"). */
export type StepId = (typeof STEPS)[number]['id'];

/** One step of the runbook. */
export interface RunbookStep extends StepEntry {
  id: StepId;
}

/** The runbook's steps in order, numbered 1 to 10. */
export const RUNBOOK_STEPS: readonly RunbookStep[] = STEPS;

const byId = new Map<string, RunbookStep>(RUNBOOK_STEPS.map((s) => [s.id, s]));

/** The step with this id. */
export function runbookStep(id: StepId): RunbookStep {
  return byId.get(id) as RunbookStep;
}

/** The step with this number (as the status panel's buttons send it), or undefined when there is none. */
export function stepByNumber(n: number): RunbookStep | undefined {
  return RUNBOOK_STEPS.find((s) => s.number === n);
}

/** "Step 5: Fix Quorum Loss": how the runbook heads a step. */
export function stepHeading(step: RunbookStep | StepId): string {
  const s = typeof step === 'string' ? runbookStep(step) : step;
  return `Step ${s.number}: ${s.title}`;
}

/** Markdown for one runbook step, specific to this cluster's current state. */
export function runbookStepMarkdown(id: StepId, s: ClusterSnapshot | undefined, profile: ConnectionProfile): string {
  const step = runbookStep(id);
  const members = s?.members ?? [];
  const out: string[] = [`# ${stepHeading(step)} — cluster "${profile.name}"`, ''];
  if (s) {
    out.push(
      `State at ${s.takenAt}: ${s.leaderId ? `leader ${s.leaderName || s.leaderId}` : 'NO LEADER'}, ${s.quorum.reachable} of ${s.quorum.votingMembers} voting members reachable (quorum needs ${s.quorum.needed}).`,
      '',
    );
    const failing = s.checks.filter((c) => c.ok === false && c.stepId === id);
    for (const c of failing) out.push(`- **${c.title}**: ${c.actual}. ${c.suggestion}`);
    if (failing.length) out.push('');
  }
  out.push(
    ...step.document({
      snapshot: s,
      profile,
      flags: etcdctlFlags(profile),
      members,
      up: members.filter((m) => m.reachable),
      down: members.filter((m) => m.started && !m.reachable),
    }),
  );
  return out.join('\n');
}
