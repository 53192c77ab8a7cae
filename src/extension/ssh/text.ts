// The pure half of the extension's member-host commands (no 'vscode' here: unit-tested in plain Node): which
// members a command reaches, and the text of the documents it opens (the log editor with the pattern summary
// on top, the clock comparison, the connectivity matrix). Member names, errors and log lines are untrusted:
// they are only ever text in a read-only editor; names in headers are made printable.
import { clockCheck } from '../../etcd/checklist';
import type { ClockReading, ClusterSnapshot } from '../../etcd/model';
import { renderLogSummary } from '../../etcd/logs/render';
import { safeText, type LogSummary } from '../../etcd/logs/patterns';
import type { HostMember } from '../../ssh/hosts';
import { renderMatrix, type ConnectivityMatrix, type LogWindow } from '../../ssh/operations';
import type { SshOptions } from '../../ssh/target';
import { clip } from '../../shared/text';

/** The default of "last N lines". */
export const DEFAULT_LOG_LINES = 1000;

/**
 * The members a host command reaches: the snapshot's (only `memberId` when given), or, when the cluster did
 * not answer with a member list (every member down: the logs are wanted most), the members named in the
 * `ssh.hosts` overrides.
 */
export function hostMembers(snapshot: ClusterSnapshot | undefined, ssh: SshOptions | undefined, memberId?: string): HostMember[] {
  const known = snapshot?.members ?? [];
  if (known.length > 0) return memberId === undefined ? [...known] : known.filter((m) => m.id === memberId);
  const named = Object.keys(ssh?.hosts ?? {}).map((name) => ({ id: name, name, peerURLs: [], clientURLs: [] }));
  return memberId === undefined ? named : named.filter((m) => m.id === memberId);
}

/** "last 1000 lines" or "since 2024-01-02 10:00". */
export function windowLabel(window: LogWindow): string {
  return 'lines' in window ? `last ${window.lines} line${window.lines === 1 ? '' : 's'}` : `since ${window.since}`;
}

/** Reads "last N lines" input: a whole number from 1 to 1,000,000, else why not. */
export function linesProblem(value: string): string | undefined {
  const n = Number(value.trim());
  return /^\d+$/.test(value.trim()) && n >= 1 && n <= 1_000_000 ? undefined : 'A whole number of lines, from 1 to 1000000';
}

/** One member's outcome in a host command: its value, or why not (an SshError's text, as it is). */
export interface MemberOutcome<T> {
  member: HostMember;
  /** Where it was reached (`[user@]host[:port]`), when known. */
  where?: string;
  value?: T;
  error?: string;
}

const label = (m: HostMember): string => safeText(clip(m.name || m.id, 100));
/** An error's text on one line, printable. */
const oneLine = (text: string): string => safeText(clip(text, 2000));

/** The log document: the pattern summary of every member on top, then each member's log under a header. */
export function logsDocument(
  cluster: string,
  window: LogWindow,
  members: readonly MemberOutcome<{ text: string; summary: LogSummary }>[],
): string {
  const summary = renderLogSummary(
    members.map((m) => ({ name: m.member.name || m.member.id, summary: m.value?.summary ?? null, ...(m.error ? { error: m.error } : {}) })),
    { window: `${windowLabel(window)}, cluster ${cluster}` },
  );
  const out = [summary];
  for (const m of members) {
    out.push(`${'='.repeat(20)} ${label(m.member)}${m.where ? ` (${safeText(clip(m.where, 200))})` : ''} ${'='.repeat(20)}`);
    if (m.error) out.push(`log not read: ${oneLine(m.error)}`, '');
    else {
      const text = m.value?.text ?? '';
      out.push(text === '' ? '(empty)' : text.endsWith('\n') ? text.slice(0, -1) : text, '');
    }
  }
  return out.join('\n');
}

const signed = (ms: number): string => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)} ms`;

/**
 * The clock comparison: the clock-sync verdict over the SSH readings (the same check as the checklist), then per
 * member its offset from this machine, the uncertainty, the NTP state, and the /raft/probing reading of the last
 * refresh beside it when there is one.
 */
export function clocksDocument(
  cluster: string,
  snapshot: ClusterSnapshot | undefined,
  members: readonly MemberOutcome<ClockReading>[],
): string {
  const verdict = clockCheck(
    members.map((m) => ({
      id: m.member.id,
      name: m.member.name,
      started: true,
      clock: m.value ?? null,
      ...(m.error ? { clockError: m.error } : {}),
    })),
  );
  const out = [
    `Member clocks of cluster "${cluster}" over SSH (offset = member clock − this machine's clock)`,
    `clock-sync: ${verdict.ok === true ? 'pass' : verdict.ok === false ? 'FAIL' : 'unknown'}: ${verdict.actual}`,
    ...(verdict.ok === false ? [verdict.suggestion] : []),
    '',
  ];
  for (const m of members) {
    const probing = snapshot?.members.find((s) => s.id === m.member.id)?.clock;
    const beside =
      probing && probing.source === 'raft-probing'
        ? `; /raft/probing: ${signed(probing.offsetMs)} ±${probing.uncertaintyMs.toFixed(1)} ms`
        : '';
    if (m.error || !m.value) {
      out.push(`${label(m.member)}: not read: ${oneLine(m.error ?? 'no reading')}${beside}`);
      continue;
    }
    const r = m.value;
    const ntp = r.ntp
      ? `NTP ${r.ntp.synchronized === true ? 'synchronized' : r.ntp.synchronized === false ? 'NOT synchronized' : 'state unknown'} (${safeText(clip(r.ntp.detail, 200))})`
      : 'NTP not read';
    out.push(`${label(m.member)}: ${signed(r.offsetMs)} ±${r.uncertaintyMs.toFixed(1)} ms (best of ${r.samples} samples); ${ntp}${beside}`);
  }
  return `${out.join('\n')}\n`;
}

/** The connectivity document: what it is, then the matrix. */
export function matrixDocument(cluster: string, matrix: ConnectivityMatrix): string {
  const lines = [
    `Member connectivity of cluster "${cluster}": a TCP connect from every member's host to every other member's peer and client URLs (runbook step 2's nc -zv, all at once)`,
    '',
    ...renderMatrix(matrix).split('\n').map(safeText),
  ];
  return `${lines.join('\n')}\n`;
}

/** The picker rows of Start Member: the members that are down (not started, or not answering). */
export function startItems(snapshot: ClusterSnapshot): { label: string; description: string; memberId: string }[] {
  return snapshot.members
    .filter((m) => !m.started || !m.reachable)
    .map((m) => ({
      label: m.name || '(not started)',
      description: `${m.id} · ${m.started ? `down: ${safeText(clip(m.error ?? 'not reachable', 200))}` : 'not started'}`,
      memberId: m.id,
    }));
}

/**
 * Every member's outcome in the members' order: the host-connection failure, else the operation's error or
 * value. `where` from the member's host spec.
 */
export function outcomes<T>(
  members: readonly HostMember[],
  failed: readonly { member: HostMember; error: Error }[],
  results: readonly { member: HostMember; value?: T; error?: Error }[],
  where: (m: HostMember) => string | undefined,
): MemberOutcome<T>[] {
  return members.map((member) => {
    const base = { member, ...(where(member) ? { where: where(member) } : {}) };
    const lost = failed.find((f) => f.member === member);
    if (lost) return { ...base, error: lost.error.message };
    const r = results.find((x) => x.member === member);
    if (!r) return { ...base, error: 'not run' };
    return r.error ? { ...base, error: r.error.message } : { ...base, value: r.value as T };
  });
}
