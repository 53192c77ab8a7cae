// What the runbook action commands print: the plan (without --yes), the result (one line per step with
// etcd's answer, and its meaning on failure), alarms, the hash-KV report, the saved snapshot. Pure. Every
// name and error from a cluster goes through printable(): member names and etcd's errors are untrusted.
import { renderPlan, type ActionPlan, type ActionResult, type StepOutcome } from '../../etcd/actions/action';
import type { HashKvReport } from '../../etcd/actions/consistency';
import type { SnapshotSaved } from '../../etcd/actions/snapshot';
import { CORRUPT_EXPLANATION } from '../../etcd/actions/alarms';
import type { AlarmReport, ClusterSnapshot } from '../../etcd/model';
import { renderTable } from '../../etcd/printer';
import { formatBytes } from '../../etcd/format';
import { printable } from '../../shared/text';

/** Whether a plan may not run: a failed precondition, or a refusing guard the user did not override with --force. */
export function planRefused(plan: ActionPlan, force: boolean): boolean {
  return plan.refusal !== null || (plan.guard !== null && !plan.guard.allowed && !force);
}

/** renderPlan's lines, with names and etcd's words (untrusted) made printable before it joins them. */
export function planBody(plan: ActionPlan): string {
  const safe: ActionPlan = {
    ...plan,
    summary: printable(plan.summary),
    steps: plan.steps.map((s) => ({ ...s, text: printable(s.text) })),
    guard: plan.guard && { ...plan.guard, text: printable(plan.guard.text) },
    refusal: plan.refusal && printable(plan.refusal),
  };
  return `${renderPlan(safe)}\n`;
}

/** The plan as printed without --yes: renderPlan's lines, then what to do next. */
export function planText(plan: ActionPlan, force: boolean): string {
  const next =
    plan.refusal !== null
      ? 'Nothing was changed.'
      : plan.guard !== null && !plan.guard.allowed && !force
        ? 'Nothing was changed. To do it anyway, at the risk of losing quorum, run again with --yes --force.'
        : 'Nothing was changed: run again with --yes to do it.';
  return `${planBody(plan)}${next}\n`;
}

/** Multi-line text from a cluster or a generator (a configuration, a guide), each line made printable. */
export function printableLines(text: string): string {
  const lines = text.split('\n').map(printable).join('\n');
  return lines.endsWith('\n') || lines === '' ? lines : `${lines}\n`;
}

/** The plan as JSON (without --yes): the plan object, and whether it would run. */
export function planJson(plan: ActionPlan, force: boolean): unknown {
  return { plan, wouldRun: !planRefused(plan, force), changed: false };
}

const OUTCOME = (s: StepOutcome): string => (s.ok ? 'ok' : 'FAILED');

/** One line per step, then the error that stopped the action with what it means. */
export function resultText(result: ActionResult): string {
  const state = result.cancelled ? 'cancelled' : result.ok ? 'done' : 'FAILED';
  const lines = [`${result.action} on cluster "${result.cluster}": ${state}`];
  for (const step of result.steps) {
    // The member, unless the step's own text already names it ("defragmented etcd-1: ...").
    const label = step.memberName || step.memberId;
    const who = label && !step.text.includes(label) ? `${label}: ` : '';
    lines.push(`  ${OUTCOME(step).padEnd(6)} ${who}${step.text} (${step.tookMs} ms)`);
  }
  if (result.error) {
    lines.push(`error: ${result.error.text}`);
    if (result.error.meaning) lines.push(`  meaning: ${result.error.meaning}`);
  }
  if (result.cancelled) lines.push('Cancelled (Ctrl-C): stopped before the next member; the steps above are all that was done.');
  return lines.map((l) => `${printable(l)}\n`).join('');
}

/** The active alarms, with the member's name from the snapshot; CORRUPT explained (it is never disarmed from here). */
export function alarmsText(alarms: AlarmReport[], snapshot: ClusterSnapshot): string {
  if (alarms.length === 0) return 'No active alarms.\n';
  const rows = alarms.map((a) => [memberName(snapshot, a.memberId), a.memberId, a.alarm, ALARM_ADVICE[a.alarm] ?? '']);
  const corrupt = alarms.some((a) => a.alarm === 'CORRUPT') ? `${CORRUPT_EXPLANATION}\n` : '';
  return renderTable(['MEMBER', 'ID', 'ALARM', 'WHAT TO DO'], rows) + corrupt;
}

const ALARM_ADVICE: Record<string, string> = {
  NOSPACE: 'db reached its quota: compact, defragment, then "alarm disarm"',
  CORRUPT: 'never disarmed from here: see below',
};

/** The alarms as JSON: member names added to status's AlarmReport. */
export function alarmsJson(alarms: AlarmReport[], snapshot: ClusterSnapshot): unknown {
  return { alarms: alarms.map((a) => ({ memberId: a.memberId, memberName: memberName(snapshot, a.memberId), alarm: a.alarm })) };
}

function memberName(snapshot: ClusterSnapshot, id: string): string {
  return snapshot.members.find((m) => m.id === id)?.name ?? '';
}

/** The hash-KV comparison: one row per member, then the verdict. */
export function hashKvText(report: HashKvReport): string {
  const rows = report.members.map((m) => [
    m.name,
    m.id,
    m.hash ?? '-',
    m.compactRevision === null ? '-' : String(m.compactRevision),
    m.error ?? (report.divergent.includes(m.id) ? 'DIVERGENT' : 'ok'),
  ]);
  const verdict =
    report.divergent.length > 0
      ? `DIVERGENT at revision ${report.revision}: ${report.divergent.map((id) => printable(reportName(report, id))).join(', ')}\n`
      : `Every member compared agrees at revision ${report.revision}.\n`;
  return renderTable(['MEMBER', 'ID', 'HASH', 'COMPACT REVISION', 'RESULT'], rows) + verdict;
}

function reportName(report: HashKvReport, id: string): string {
  return report.members.find((m) => m.id === id)?.name || id;
}

/** The saved snapshot: file, size, sha256, and etcdutl's status when it ran. */
export function savedText(saved: SnapshotSaved): string {
  const lines = [
    `Snapshot of ${saved.memberName} saved to ${saved.file}`,
    `  size:   ${formatBytes(saved.bytes)} (${saved.bytes} bytes)`,
    `  sha256: ${saved.sha256}`,
  ];
  const status =
    saved.status === null
      ? ['  etcdutl snapshot status: not run (etcdutl is not installed)']
      : [
          'etcdutl snapshot status:',
          ...saved.status
            .trimEnd()
            .split('\n')
            .map((l) => `  ${l}`),
        ];
  return [...lines, ...status].map((l) => `${printable(l)}\n`).join('');
}
