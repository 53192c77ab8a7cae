// etcdctl-style output of a snapshot, in one place as etcdctl keeps printer.go: the endpoint status and member
// list columns and cells, the checklist's words, `-w table` text and the `-w json` export with exact uint64
// ids. The CLI prints these; the status panel shows the same cells and copies the same text.
import type { CheckResult, ClusterSnapshot, MemberReport, UnmatchedEndpoint } from './model';
import type { Cause, Diagnosis, Verdict } from './causes';
import type { Quantile } from '../metrics/figures';
import { seconds } from '../metrics/judge';
import { formatBytes } from './format';
import { hexIdToDecimal } from './ids';
import { printable } from '../shared/text';

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

/** The status panel's endpoint status table: the CLI's columns plus TOOK (round trip of the status call). */
export const ENDPOINT_COLUMNS = [...STATUS_COLUMNS, 'TOOK'];

/** The columns of `etcdctl member list -w table`. */
export const MEMBER_COLUMNS = ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'];

/** The runbook checklist as a table; the CLI prints the first four columns. */
export const CHECKLIST_COLUMNS = ['CHECK', 'RESULT', 'EXPECTED', 'ACTUAL', 'STEP', 'SUGGESTION'];

/** The tables of a cluster that can be printed (and copied from the status panel). */
export type TableKind = 'endpoints' | 'members' | 'checklist';

/** Outcome of one checklist item (CheckResult.ok true / false / null). */
export type CheckOutcome = 'pass' | 'fail' | 'unknown';

/** The word for each outcome, wherever a check's result is written. */
export const OUTCOME_WORDS: Readonly<Record<CheckOutcome, string>> = { pass: 'pass', fail: 'FAIL', unknown: 'unknown' };

export function checkOutcome(ok: boolean | null): CheckOutcome {
  return ok === true ? 'pass' : ok === false ? 'fail' : 'unknown';
}

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

/** The status panel's cells of one member (ENDPOINT_COLUMNS): the CLI's cells plus TOOK. */
export function endpointCells(m: MemberReport): string[] {
  return [...endpointStatusCells(m), m.status ? `${m.status.tookMs} ms` : ''];
}

/** One member's cells in `etcdctl member list -w table` (MEMBER_COLUMNS). */
export function memberListCells(m: MemberReport): string[] {
  return [m.id, m.started ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)];
}

/** The figures of each member's /metrics over the interval (`diagnose`, the status panel). */
export const METRICS_COLUMNS = [
  'NAME',
  'INTERVAL',
  'WAL FSYNC P99',
  'COMMIT P99',
  'PEER RTT P99',
  'LEADER CHANGES',
  'PROPOSALS/S',
  'FAILED/S',
  'PENDING',
  'MEMORY',
  'FDS',
];

const p99Cell = (q: Quantile | null): string =>
  q === null ? '' : q.seconds === null ? `few (${q.samples})` : `${seconds(q.seconds)}${q.scope === 'since-start' ? '*' : ''}`;
const rateCell = (n: number | null): string => (n === null ? '' : n < 10 ? n.toFixed(1) : String(Math.round(n)));

/** One member's cells (METRICS_COLUMNS); a member not read has its reason in the second cell. "*": since it started. */
export function metricsCells(m: MemberReport): string[] {
  const f = m.metrics;
  if (!f) return [m.name || m.id, `not read: ${m.metricsError ?? m.error ?? 'no figures'}`, '', '', '', '', '', '', '', '', ''];
  const rtts = f.peerRoundTripP99.filter((p) => p.quantile.seconds !== null).map((p) => p.quantile.seconds as number);
  const churn = f.leaderChanges;
  return [
    m.name || m.id,
    f.intervalMs === null ? 'since start*' : `${Math.round(f.intervalMs / 1000)} s${f.restarted ? ' (restarted)' : ''}`,
    p99Cell(f.walFsyncP99),
    p99Cell(f.backendCommitP99),
    rtts.length ? `max ${seconds(Math.max(...rtts))}` : f.peerRoundTripP99.length ? 'few samples' : '',
    churn === null ? '' : `${churn.count}${churn.scope === 'since-start' ? '*' : ''}`,
    rateCell(f.proposals.committedPerSecond),
    rateCell(f.proposals.failedPerSecond),
    f.proposals.pending === null ? '' : String(f.proposals.pending),
    f.residentMemoryBytes === null ? '' : formatBytes(f.residentMemoryBytes),
    f.openFds === null ? '' : `${f.openFds}${f.maxFds ? `/${f.maxFds}` : ''}`,
  ];
}

/** One check's cells (CHECKLIST_COLUMNS). */
export function checklistCells(c: CheckResult): string[] {
  return [c.id, OUTCOME_WORDS[checkOutcome(c.ok)], c.expected, c.actual, c.step, c.suggestion];
}

/** The sentence for an endpoint the user gave that is no member's client URL. */
export function unmatchedEndpointText(u: UnmatchedEndpoint, clusterId: string | null = null): string {
  const foreign =
    u.clusterId && clusterId && u.clusterId !== clusterId
      ? `: it answers as member ${u.memberId ?? '?'} of another cluster (${u.clusterId}, not ${clusterId})`
      : '';
  return `Endpoint ${u.endpoint} is not a member's client URL${u.error ? `: ${u.error}` : foreign}`;
}

/**
 * What went wrong around the members, one sentence each, unescaped: discovery errors, given endpoints that are
 * no member's client URL, and the members' warnings.
 */
export function snapshotProblems(s: ClusterSnapshot): string[] {
  return [
    ...s.errors,
    ...s.unmatchedEndpoints.map((u) => unmatchedEndpointText(u, s.clusterId)),
    ...s.members.flatMap((m) => m.warnings.map((w) => `Member ${m.name || m.id} ${w.message}`)),
  ];
}

/** A table cell: printable, and a `|` (which would forge a column) escaped as `\x7c`. */
export function cellText(text: string): string {
  return printable(text).replace(/\|/g, '\\x7c');
}

/** A table in etcdctl's `-w table` style (tablewriter): +---+ borders, | cells |; every cell goes through cellText. */
export function renderTable(header: string[], rows: string[][]): string {
  const safeRows = rows.map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...safeRows.map((r) => (r[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const center = (text: string, width: number): string => {
    const left = Math.floor((width - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
  };
  const row = (cells: string[], align: (t: string, w: number) => string): string =>
    `| ${cells.map((c, i) => align(c ?? '', widths[i])).join(' | ')} |`;
  return [line, row(header, center), line, ...safeRows.map((r) => row(r, (t, w) => t.padEnd(w))), line].join('\n') + '\n';
}

/** One table of a snapshot as text, as the status panel copies it (the endpoint table with TOOK, the checklist with its steps). */
export function tableText(s: ClusterSnapshot, table: TableKind): string {
  switch (table) {
    case 'endpoints':
      return renderTable(ENDPOINT_COLUMNS, s.members.map(endpointCells));
    case 'members':
      return renderTable(MEMBER_COLUMNS, s.members.map(memberListCells));
    case 'checklist':
      return renderTable(CHECKLIST_COLUMNS, s.checks.map(checklistCells));
  }
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

/** The words of a verdict in text output. */
const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  confirmed: 'CONFIRMED',
  likely: 'likely',
  unknown: 'unknown',
  'ruled-out': 'ruled out',
};

/** `diagnose`'s first block: the headline, then each cause with its verdict, evidence and step. */
export function renderCauses(d: Diagnosis): string {
  const lines = [`${printable(d.headline)}`, '', 'Causes, most likely first:'];
  d.causes.forEach((c, i) => {
    lines.push(`${i + 1}. ${c.id}: ${VERDICT_WORDS[c.verdict]} — ${printable(c.summary)}`);
    for (const e of c.evidence.slice(0, 6)) lines.push(`     [${e.source}${e.at ? ` ${e.at}` : ''}] ${printable(e.text)}`);
    if (c.evidence.length > 6) lines.push(`     … ${c.evidence.length - 6} more`);
    if (c.decide) lines.push(`     to decide: ${printable(c.decide)}`);
    if (c.verdict === 'confirmed' || c.verdict === 'likely') {
      lines.push(`     -> ${c.step}${c.action ? `; ${c.action.title}${c.action.cli ? ` (${c.action.cli})` : ''}` : ''}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Markdown text of untrusted content, inline: printable, and the characters that start emphasis, code,
 * links, HTML or table cells escaped (a member name cannot make a link or inject markup).
 */
export function markdownText(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|~&!]/g, (c) => `\\${c}`);
}

/** The diagnosis as Markdown (`diagnose --output markdown`, the Diagnose Cluster report). */
export function causesMarkdown(d: Diagnosis, cluster: string, stepLink: (c: Cause) => string | null = () => null): string {
  const title = d.hasLeader ? 'Diagnosis' : 'Why is there no leader?';
  const out = [`# ${title} — cluster "${markdownText(cluster)}"`, '', `**${markdownText(d.headline)}**`, ''];
  d.causes.forEach((c, i) => {
    const link = stepLink(c);
    out.push(`## ${i + 1}. ${c.id} — ${VERDICT_WORDS[c.verdict]}`, '', markdownText(c.summary), '');
    for (const e of c.evidence) out.push(`- \`${e.source}\`${e.at ? ` ${markdownText(e.at)}` : ''}: ${markdownText(e.text)}`);
    if (c.evidence.length) out.push('');
    if (c.decide) out.push(`To decide: ${markdownText(c.decide)}`, '');
    out.push(
      `Runbook: ${link ? `[${markdownText(c.step)}](${link})` : markdownText(c.step)}${c.action ? ` · ${markdownText(c.action.title)}` : ''}`,
      '',
    );
  });
  return out.join('\n');
}
