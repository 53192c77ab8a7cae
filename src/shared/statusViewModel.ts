// The status webview's view-model: one ClusterSnapshot turned into the summary, the tables and the runbook
// checklist the webview renders, plus the two exports (etcdctl-style JSON, plain-text tables). Pure: the
// extension host builds it, the webview only renders it, the CLI shares the endpoint status cells.
import type { CheckResult, ClusterSnapshot, MemberReport } from '../etcd/model';
import { formatBytes } from '../etcd/format';
import { printable, renderTable } from '../cli/table';
import type { StatusPanelCommand } from './messages';

/** The etcd 3.6 `endpoint status -w table` columns, plus HEALTH (the CLI table). */
export const STATUS_COLUMNS = [
  'ENDPOINT',
  'ID',
  'VERSION',
  'DB SIZE',
  'IN USE',
  '% NOT IN USE',
  'QUOTA',
  'IS LEADER',
  'IS LEARNER',
  'RAFT TERM',
  'RAFT INDEX',
  'RAFT APPLIED INDEX',
  'ERRORS',
  'HEALTH',
];

/** The webview's endpoint status table: the CLI's columns plus TOOK (round trip of the status call). */
export const ENDPOINT_COLUMNS = [...STATUS_COLUMNS, 'TOOK'];

/** The columns of `etcdctl member list -w table`. */
export const MEMBER_COLUMNS = ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'];

/** The checklist table as copied to the clipboard. */
export const CHECKLIST_COLUMNS = ['CHECK', 'RESULT', 'EXPECTED', 'ACTUAL', 'STEP', 'SUGGESTION'];

/** A button that runs an extension command with one argument object (`{ cluster }`, `{ cluster, step }` or none). */
export interface StatusAction {
  title: string;
  command: StatusPanelCommand;
  args: { cluster?: string; step?: number };
}

/** How bad a cluster, a row or a check is; rendered with text and a symbol, never by colour alone. */
export type Tone = 'ok' | 'warning' | 'error' | 'unknown';

/** Outcome of one checklist item (CheckResult.ok true / false / null). */
export type CheckOutcome = 'pass' | 'fail' | 'unknown';

/** One row of the endpoint status table: cells aligned with ENDPOINT_COLUMNS. */
export interface EndpointRow {
  memberId: string;
  /** The member's name, verbatim (untrusted: render as text). */
  name: string;
  cells: string[];
  role: 'leader' | 'follower' | 'learner' | 'unstarted';
  tone: Tone;
}

/** One row of the member list table: cells aligned with MEMBER_COLUMNS. */
export interface MemberRow {
  memberId: string;
  cells: string[];
  tone: Tone;
}

/** One active alarm, with the member's name resolved. */
export interface AlarmRow {
  memberId: string;
  memberName: string;
  alarm: string;
}

/** One item of the runbook checklist as the webview shows it. */
export interface ChecklistRow {
  id: string;
  title: string;
  outcome: CheckOutcome;
  expected: string;
  actual: string;
  suggestion: string;
  step: string;
  action: StatusAction | null;
}

/** The prominent banner of a cluster without leader or quorum. */
export interface StatusBanner {
  title: string;
  detail: string;
  action: StatusAction | null;
}

/** Everything the status webview renders for one cluster. */
export interface StatusViewModel {
  cluster: string;
  clusterId: string | null;
  /** False until the first refresh of this cluster finished. */
  loaded: boolean;
  refreshing: boolean;
  /** "leader etcd-1 · 3/3 healthy" or "NO LEADER · 1/3 reachable · quorum lost". */
  summary: string;
  tone: Tone;
  banner: StatusBanner | null;
  /** "refreshed 04:30:00 · 9 ms" style facts about the snapshot ("" before the first refresh). */
  takenAt: string;
  elapsedMs: number | null;
  endpointColumns: string[];
  endpointRows: EndpointRow[];
  memberColumns: string[];
  memberRows: MemberRow[];
  alarms: AlarmRow[];
  checks: ChecklistRow[];
  /** Discovery errors and endpoints that are not a member's client URL. */
  problems: string[];
}

/** The tables a user can copy. */
export type TableKind = 'endpoints' | 'members' | 'checklist';

/** The 14 cells of one member in the CLI's endpoint status table (STATUS_COLUMNS), unescaped. */
export function endpointStatusCells(m: MemberReport): string[] {
  const st = m.status;
  const errors = st ? st.errors.join(', ') : (m.error ?? '');
  const health = m.health
    ? m.health.healthy
      ? `healthy (${m.health.tookMs} ms)`
      : `unhealthy: ${m.health.error ?? ''}`
    : m.started
      ? 'unreachable'
      : 'not started';
  return [
    m.endpoint ?? (m.started ? '-' : `(unstarted) ${m.peerURLs[0] ?? ''}`),
    m.id,
    st?.version ?? '',
    st ? formatBytes(st.dbSize) : '',
    st ? formatBytes(st.dbSizeInUse) : '',
    m.fragmentationPercent !== null ? `${m.fragmentationPercent}%` : '',
    st?.dbSizeQuota ? formatBytes(st.dbSizeQuota) : '',
    st ? String(m.isLeader) : '',
    String(m.isLearner),
    st ? String(st.raftTerm) : '',
    st ? String(st.raftIndex) : '',
    st ? String(st.raftAppliedIndex) : '',
    errors,
    health,
  ];
}

/** The one-line state of a cluster, shared wording with the tree: leader and quorum first. */
export function clusterSummary(s: ClusterSnapshot | undefined, refreshing: boolean): { text: string; tone: Tone } {
  if (!s) return { text: refreshing ? 'refreshing…' : 'not refreshed yet', tone: 'unknown' };
  const q = s.quorum;
  if (s.members.length === 0) return { text: 'NO ANSWER · no endpoint answered', tone: 'error' };
  if (!s.leaderId) {
    return { text: `NO LEADER · ${q.reachable}/${q.votingMembers} reachable${q.hasQuorum ? '' : ' · quorum lost'}`, tone: 'error' };
  }
  const leader = `leader ${s.leaderName || s.leaderId}`;
  if (!q.hasQuorum) return { text: `${leader} · ${q.reachable}/${q.votingMembers} reachable · quorum lost`, tone: 'error' };
  const failing = s.checks.some((c) => c.ok === false);
  const tone: Tone = q.healthy === q.votingMembers && !failing ? 'ok' : 'warning';
  return { text: `${leader} · ${q.healthy}/${q.votingMembers} healthy`, tone };
}

/** The runbook step number of "Step 5: Fix Quorum Loss", or null. */
export function stepNumber(step: string): number | null {
  const match = /^Step (\d+)\b/.exec(step);
  return match ? Number(match[1]) : null;
}

function checkAction(cluster: string, c: CheckResult, noData: boolean): StatusAction | null {
  if (c.ok === true) return null;
  // With no member answering, most checks are unknown for want of data: a refresh is the useful action.
  if (c.ok === null && noData) return { title: 'Refresh', command: 'etcdInspector.refresh', args: { cluster } };
  const step = stepNumber(c.step);
  if (step === null) return { title: 'Show log', command: 'etcdInspector.showLog', args: {} };
  return { title: `Open runbook step ${step}`, command: 'etcdInspector.showRunbookStep', args: { cluster, step } };
}

function memberTone(m: MemberReport): Tone {
  if (!m.started) return 'unknown';
  if (!m.reachable) return 'error';
  if (m.health && !m.health.healthy) return 'error';
  if (m.status && m.status.errors.length > 0) return 'warning';
  return m.health ? 'ok' : 'unknown';
}

const label = (m: MemberReport): string => m.name || m.id;

/** Builds the view-model of one cluster (snapshot undefined: not refreshed yet). */
export function buildStatusViewModel(cluster: string, s: ClusterSnapshot | undefined, refreshing: boolean): StatusViewModel {
  const { text, tone } = clusterSummary(s, refreshing);
  const vm: StatusViewModel = {
    cluster,
    clusterId: s?.clusterId ?? null,
    loaded: s !== undefined,
    refreshing,
    summary: text,
    tone,
    banner: null,
    takenAt: s?.takenAt ?? '',
    elapsedMs: s?.elapsedMs ?? null,
    endpointColumns: ENDPOINT_COLUMNS,
    endpointRows: [],
    memberColumns: MEMBER_COLUMNS,
    memberRows: [],
    alarms: [],
    checks: [],
    problems: [],
  };
  if (!s) return vm;
  const noData = s.members.every((m) => m.status === null);
  vm.endpointRows = s.members.map((m) => ({
    memberId: m.id,
    name: m.name,
    cells: [...endpointStatusCells(m), m.status ? `${m.status.tookMs} ms` : ''],
    role: !m.started ? 'unstarted' : m.isLearner ? 'learner' : m.isLeader ? 'leader' : 'follower',
    tone: memberTone(m),
  }));
  vm.memberRows = s.members.map((m) => ({
    memberId: m.id,
    cells: [m.id, m.started ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)],
    tone: memberTone(m),
  }));
  vm.alarms = s.alarms.map((a) => ({
    memberId: a.memberId,
    memberName: s.members.find((m) => m.id === a.memberId)?.name ?? '',
    alarm: a.alarm,
  }));
  vm.checks = s.checks.map((c) => ({
    id: c.id,
    title: c.title,
    outcome: c.ok === true ? 'pass' : c.ok === false ? 'fail' : 'unknown',
    expected: c.expected,
    actual: c.actual,
    suggestion: c.suggestion,
    step: c.step,
    action: checkAction(cluster, c, noData),
  }));
  vm.problems = [
    ...s.errors,
    ...s.unmatchedEndpoints.map((u) => `Endpoint ${u.endpoint} is not a member's client URL${u.error ? `: ${u.error}` : ''}`),
    ...s.members.flatMap((m) => m.warnings.map((w) => `Member ${label(m)} ${w.message}`)),
  ];
  const q = s.quorum;
  if (s.members.length === 0) {
    vm.banner = {
      title: 'No endpoint answered',
      detail: 'No member list could be had from any configured endpoint; see the problems below.',
      action: { title: 'Open runbook step 2', command: 'etcdInspector.showRunbookStep', args: { cluster, step: 2 } },
    };
  } else if (!s.leaderId || !q.hasQuorum) {
    const down = s.members.filter((m) => m.started && !m.isLearner && !m.reachable).map(label);
    const leaderCheck = s.checks.find((c) => c.id === 'leader-exists');
    const step = stepNumber(leaderCheck?.step ?? '') ?? (q.hasQuorum ? 8 : 5);
    vm.banner = {
      title: [s.leaderId ? null : 'No leader', q.hasQuorum ? null : 'quorum lost'].filter(Boolean).join(' · '),
      detail:
        `${q.reachable} of ${q.votingMembers} voting members reachable, quorum needs ${q.needed}` +
        (down.length ? `. Down: ${down.join(', ')}` : '') +
        (leaderCheck?.suggestion ? `. ${leaderCheck.suggestion}` : ''),
      action: { title: `Open runbook step ${step}`, command: 'etcdInspector.showRunbookStep', args: { cluster, step } },
    };
    vm.banner.title = vm.banner.title.charAt(0).toUpperCase() + vm.banner.title.slice(1);
  }
  return vm;
}

function checkResultText(o: CheckOutcome): string {
  return o === 'pass' ? 'ok' : o === 'fail' ? 'FAIL' : 'unknown';
}

/** One table of a cluster as plain text in etcdctl's `-w table` style, control characters escaped. */
export function tableText(vm: StatusViewModel, table: TableKind): string {
  const safe = (rows: string[][]): string[][] => rows.map((r) => r.map(printable));
  switch (table) {
    case 'endpoints':
      return renderTable(vm.endpointColumns, safe(vm.endpointRows.map((r) => r.cells)));
    case 'members':
      return renderTable(vm.memberColumns, safe(vm.memberRows.map((r) => r.cells)));
    case 'checklist':
      return renderTable(
        CHECKLIST_COLUMNS,
        safe(vm.checks.map((c) => [c.id, checkResultText(c.outcome), c.expected, c.actual, c.step, c.suggestion])),
      );
  }
}

/** A decimal uint64 from one of the model's 16-digit hex ids (etcdctl's JSON writes ids as numbers). */
export function hexIdToDecimal(hex: string): bigint {
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) throw new Error(`not a 64-bit hex member id: ${JSON.stringify(hex)}`);
  return BigInt(`0x${hex}`);
}

type JsonValue = string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** JSON.stringify for values holding bigints: written as bare numbers, as Go's encoding/json writes uint64. */
export function stringifyWithBigInts(value: JsonValue, indent = '  ', depth = 0): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent.repeat(depth + 1);
  const outer = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + stringifyWithBigInts(v, indent, depth + 1)).join(',\n')}\n${outer}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringifyWithBigInts(v, indent, depth + 1)}`).join(',\n')}\n${outer}}`;
}

/**
 * The snapshot as `etcdctl endpoint status -w json` prints it: one entry per member that answered (etcdctl
 * reports failed endpoints on stderr, not in the JSON), ids as decimal uint64 numbers. The header's revision is
 * not part of the model and is left out; dbSizeQuota appears when known, as etcd 3.6 reports it.
 */
export function toEtcdctlStatusJson(s: ClusterSnapshot): string {
  const clusterId = s.clusterId ? hexIdToDecimal(s.clusterId) : 0n;
  const entries: JsonValue[] = s.members.flatMap((m) => {
    const st = m.status;
    if (!st || !m.endpoint) return [];
    const status: { [key: string]: JsonValue } = {
      header: { cluster_id: clusterId, member_id: hexIdToDecimal(m.id), raft_term: st.raftTerm },
      version: st.version,
      dbSize: st.dbSize,
      leader: hexIdToDecimal(st.leaderId),
      raftIndex: st.raftIndex,
      raftTerm: st.raftTerm,
      raftAppliedIndex: st.raftAppliedIndex,
      errors: st.errors,
      dbSizeInUse: st.dbSizeInUse,
      isLearner: m.isLearner,
    };
    if (st.dbSizeQuota !== null) status.dbSizeQuota = st.dbSizeQuota;
    return [{ Endpoint: m.endpoint, Status: status }];
  });
  return `${stringifyWithBigInts(entries)}\n`;
}
