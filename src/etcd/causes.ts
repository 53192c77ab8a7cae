// "Why is there no leader?": the runbook's six causes, each given a verdict from everything one diagnosis
// gathered (a refresh with its /metrics figures and clocks, and when there is SSH the service states, the logs'
// pattern counts and the connectivity matrix, and the linter's findings on the members' configuration files),
// with the evidence that led there, then ranked. Pure: `diagnose`, the Diagnose Cluster command and the status
// panel call it on what they have; a missing source leaves a cause "unknown" with what would decide it.
import type { LogPatternId, LogSummary } from './logs/patterns';
import type { ClusterSnapshot, MemberListView, MemberReport } from './model';
import { stepHeading, type StepId } from './runbook/steps';
import { diskLatency, peerLatency, seconds, THRESHOLDS, type FiguresOf } from '../metrics/judge';
import { byCodePoint } from '../shared/text';

/** The runbook's six causes of a leader election failure. */
export const CAUSE_IDS = ['quorum', 'partition', 'slow-disk', 'member-failure', 'clock-skew', 'config-mismatch'] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

/** confirmed: the evidence shows it; likely: it points there; ruled-out: the evidence excludes it; unknown: not enough. */
export type Verdict = 'confirmed' | 'likely' | 'ruled-out' | 'unknown';

/** Where a piece of evidence comes from. */
export type EvidenceSource =
  'status' | 'health' | 'member-list' | 'metrics' | 'logs' | 'clock' | 'connectivity' | 'service' | 'config' | 'alarm';

export interface Evidence {
  source: EvidenceSource;
  /** The member it is about, when one. */
  member?: string;
  text: string;
  /** ISO time of what it shows (a log line, a down transition, the refresh), when known. */
  at?: string;
}

export interface Cause {
  id: CauseId;
  verdict: Verdict;
  /** 0–1, for ranking within a verdict: how strongly the evidence points at (or away from) it. */
  confidence: number;
  /** One sentence an operator can act on. */
  summary: string;
  evidence: Evidence[];
  /** The runbook step that addresses it. */
  stepId: StepId;
  step: string;
  /** The command that acts on it (CLI subcommand and VS Code command), when there is one. */
  action: { title: string; cli: string | null; command: string } | null;
  /** For an unknown verdict: what would decide it. */
  decide?: string;
}

/** What the logs of one member said (SSH), or why they could not be read. */
export interface MemberLogEvidence {
  member: string;
  summary: LogSummary | null;
  error?: string | null;
}

/** etcd's service on one member host (SSH). */
export interface MemberServiceEvidence {
  member: string;
  active: string | null;
  sub: string | null;
  since?: string | null;
  error?: string | null;
}

/** One linter finding on a member's configuration file. */
export interface ConfigEvidence {
  file: string;
  line: number;
  code: string;
  message: string;
}

/** Everything a diagnosis gathered. Only the snapshot is required. */
export interface DiagnosisInput {
  snapshot: ClusterSnapshot;
  logs?: MemberLogEvidence[];
  services?: MemberServiceEvidence[];
  /** Linter findings on the members' configuration files; `files` how many were read (0: none at hand). */
  config?: { files: number; findings: ConfigEvidence[] };
  /** When each member (by id) was first seen down, from the extension's timeline. */
  downSince?: Record<string, string>;
  /** Each reachable member's own member list (ClusterInspector.memberViews): members that disagree. */
  memberViews?: MemberListView[];
  /** The connectivity matrix between the member hosts (SSH): member names, null problem = connected. */
  matrix?: { links: Array<{ from: string; to: string; port: 'peer' | 'client'; problem: string | null }> } | null;
}

export interface Diagnosis {
  /** The first line: what is wrong and what to do. */
  headline: string;
  hasLeader: boolean;
  /** Ranked: confirmed, likely, unknown, ruled out; by confidence within each. */
  causes: Cause[];
}

const ACTIONS = {
  recover: { title: 'Show the quorum-loss recovery guide', cli: 'etcd-inspector recover', command: 'etcdInspector.showRecoveryGuide' },
  startMember: { title: 'Start Member (SSH)', cli: null, command: 'etcdInspector.startMember' },
  connectivity: {
    title: 'Check Member Connectivity (SSH)',
    cli: 'etcd-inspector diagnose --ssh',
    command: 'etcdInspector.checkConnectivity',
  },
  logs: { title: 'Show Member Logs (SSH)', cli: 'etcd-inspector logs', command: 'etcdInspector.showMemberLogs' },
  clocks: { title: 'Compare Member Clocks (SSH)', cli: 'etcd-inspector diagnose --ssh', command: 'etcdInspector.compareClocks' },
  defrag: { title: 'Compact & Defragment', cli: 'etcd-inspector defrag --compact', command: 'etcdInspector.defragmentCluster' },
  lint: { title: 'Lint the members’ configuration', cli: 'etcd-inspector lint', command: 'etcdInspector.openMemberConfig' },
} as const;

const label = (m: Pick<MemberReport, 'name' | 'id'>): string => m.name || m.id;

/** The logs patterns that bear on a cause, with what each means. */
function logHits(logs: MemberLogEvidence[] | undefined, ids: LogPatternId[]): Evidence[] {
  const out: Evidence[] = [];
  for (const l of logs ?? []) {
    for (const p of l.summary?.patterns ?? []) {
      if (!ids.includes(p.id) || p.count === 0) continue;
      out.push({
        source: 'logs',
        member: l.member,
        text: `${p.count}× ${p.id}${p.examples[0] ? `: ${p.examples[0]}` : ''}`,
        ...(p.last ? { at: p.last } : {}),
      });
    }
  }
  return out;
}

function cause(
  id: CauseId,
  verdict: Verdict,
  confidence: number,
  summary: string,
  evidence: Evidence[],
  stepId: StepId,
  action: Cause['action'],
  decide?: string,
): Cause {
  return { id, verdict, confidence, summary, evidence, stepId, step: stepHeading(stepId), action, ...(decide ? { decide } : {}) };
}

/** "12:04:11 UTC" for a time on the snapshot's day, the ISO time otherwise. */
function shortTime(iso: string, reference: string): string {
  return iso.slice(0, 10) === reference.slice(0, 10) && /T\d\d:\d\d:\d\d/.test(iso) ? `${iso.slice(11, 19)} UTC` : iso;
}

/** Down members, by name, with the reason and since when. */
function downEvidence(s: ClusterSnapshot, input: DiagnosisInput): Evidence[] {
  return s.members
    .filter((m) => m.started && !m.reachable)
    .sort((a, b) => byCodePoint(label(a), label(b)))
    .map((m) => {
      const since = input.downSince?.[m.id];
      return {
        source: 'status' as const,
        member: label(m),
        text: `${label(m)}: ${m.error ?? 'no answer'}`,
        ...(since ? { at: since } : {}),
      };
    });
}

function quorumCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const q = s.quorum;
  const down = downEvidence(s, input).filter((e) => s.members.some((m) => label(m) === e.member && !m.isLearner));
  const arithmetic = `${q.reachable} of ${q.votingMembers} voting members reachable, quorum needs ${q.needed}`;
  if (q.votingMembers === 0) {
    return cause(
      'quorum',
      'unknown',
      0,
      'No member list: quorum cannot be counted',
      [],
      'status',
      null,
      'a member answering with the member list',
    );
  }
  if (!q.hasQuorum) {
    const missing = q.needed - q.reachable;
    return cause(
      'quorum',
      'confirmed',
      1,
      `quorum lost — ${q.votingMembers - q.reachable} of ${q.votingMembers} voting members down (${down.map((e) => `${e.text}${e.at ? ` since ${shortTime(e.at, s.takenAt)}` : ''}`).join(', ')}); bring ${missing} back (step 4) or recover (step 5)`,
      [{ source: 'member-list', text: arithmetic, at: s.takenAt }, ...down],
      'quorum',
      ACTIONS.recover,
    );
  }
  return cause(
    'quorum',
    'ruled-out',
    0.9,
    `quorum holds: ${arithmetic}`,
    [{ source: 'member-list', text: arithmetic, at: s.takenAt }],
    'quorum',
    null,
  );
}

function memberFailureCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const evidence: Evidence[] = [];
  const down = s.members.filter((m) => m.started && !m.reachable).sort((a, b) => byCodePoint(label(a), label(b)));
  evidence.push(...downEvidence(s, input));
  const stopped = (input.services ?? []).filter((sv) => sv.active !== null && sv.active !== 'active');
  for (const sv of stopped) {
    evidence.push({
      source: 'service',
      member: sv.member,
      text: `${sv.member}: etcd's service is ${sv.active}${sv.sub ? ` (${sv.sub})` : ''}`,
      ...(sv.since ? { at: sv.since } : {}),
    });
  }
  const alarms = s.alarms.filter((a) => a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT');
  for (const a of alarms) {
    const m = s.members.find((x) => x.id === a.memberId);
    evidence.push({ source: 'alarm', member: m ? label(m) : a.memberId, text: `${a.alarm} alarm on ${m ? label(m) : a.memberId}` });
  }
  const restarted = s.members.filter((m) => m.metrics?.restarted);
  for (const m of restarted)
    evidence.push({ source: 'metrics', member: label(m), text: `${label(m)} restarted recently (its counters went back)` });
  const unhealthy = s.members.filter((m) => m.reachable && m.health && !m.health.healthy && m.health.errorKind !== 'no-leader');
  for (const m of unhealthy) evidence.push({ source: 'health', member: label(m), text: `${label(m)} unhealthy: ${m.health?.error ?? ''}` });

  const failed = down.length + stopped.filter((sv) => !down.some((m) => label(m) === sv.member)).length + alarms.length;
  if (failed > 0) {
    const names = [...down.map(label), ...alarms.map((a) => `${a.alarm}`)].join(', ');
    // When their absence costs quorum, that is the cause to act on; the failures are its evidence.
    if (!s.quorum.hasQuorum && alarms.length === 0) {
      return cause(
        'member-failure',
        'likely',
        0.7,
        `members down (${names}): they are why quorum is lost (see quorum)`,
        evidence,
        'restart',
        ACTIONS.startMember,
      );
    }
    const alarmOnly = down.length === 0 && stopped.length === 0;
    return cause(
      'member-failure',
      'confirmed',
      0.9,
      alarmOnly
        ? `${names}: the cluster refuses writes until it is cleared (step 9)`
        : `${down.length} member(s) down (${names}), quorum kept: restart ${down.length === 1 ? 'it' : 'them'} one at a time (step 4) or replace (step 6)`,
      evidence,
      alarmOnly ? 'defrag' : 'restart',
      alarmOnly ? ACTIONS.defrag : ACTIONS.startMember,
    );
  }
  if (restarted.length > 0 || unhealthy.length > 0) {
    return cause(
      'member-failure',
      'likely',
      0.5,
      `${[...restarted, ...unhealthy].map(label).join(', ')}: restarted or unhealthy`,
      evidence,
      'logs',
      ACTIONS.logs,
    );
  }
  return cause(
    'member-failure',
    'ruled-out',
    0.8,
    `every member answers${input.services?.length ? ' and every etcd service is active' : ''}, no NOSPACE or CORRUPT alarm`,
    evidence,
    'restart',
    null,
  );
}

function partitionCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const evidence: Evidence[] = [];
  const answered = s.members.filter((m) => m.status);
  const views = new Map<string, string[]>();
  for (const m of answered) {
    const leader = m.status?.leaderId ?? '';
    views.set(leader, [...(views.get(leader) ?? []), label(m)]);
  }
  const NO = '0000000000000000';
  const leaders = [...views.keys()].filter((k) => k !== NO);
  const leaderless = views.get(NO) ?? [];
  const nameOf = (id: string): string => {
    const m = s.members.find((x) => x.id === id);
    return m ? label(m) : id;
  };
  for (const [leader, names] of views) {
    evidence.push({
      source: 'status',
      text: `${names.join(', ')} ${leader === NO ? (names.length === 1 ? 'knows no leader' : 'know no leader') : `${names.length === 1 ? 'names' : 'name'} ${nameOf(leader)} as leader`}`,
      at: s.takenAt,
    });
  }
  const peerClosed = s.members.filter((m) => m.reachable && m.connectivity.peer === false);
  for (const m of peerClosed)
    evidence.push({
      source: 'connectivity',
      member: label(m),
      text: `${label(m)} answers on its client port, its peer port ${m.peerURLs[0] ?? ''} does not accept connections`,
    });
  // Links cut between two members that are both up: a link to a dead member is cut because it is dead.
  const up = new Set(s.members.filter((m) => m.reachable).map(label));
  const cut = (input.matrix?.links ?? []).filter((l) => l.problem !== null && l.port === 'peer' && up.has(l.from) && up.has(l.to));
  for (const l of cut) evidence.push({ source: 'connectivity', member: l.from, text: `${l.from} → ${l.to} peer port: ${l.problem}` });
  const cutLinks = cut.length > 0;
  const logs = logHits(input.logs, ['lost-peer-stream', 'prober-unhealthy']);
  evidence.push(...logs);
  const peers = peerLatency(figuresOf(s));
  for (const f of peers.findings) evidence.push({ source: 'metrics', text: f });

  // Members up and answering that disagree: some follow a leader, others know none or another one.
  const split = leaders.length > 1 || (leaders.length === 1 && leaderless.length > 0);
  if (split || peerClosed.length > 0 || cutLinks) {
    const cutOff = leaders.length === 1 ? leaderless : answered.filter((m) => m.status?.leaderId !== leaders[0]).map(label);
    return cause(
      'partition',
      'confirmed',
      split ? 0.95 : 0.8,
      split
        ? `network partition — ${cutOff.join(', ')} ${cutOff.length === 1 ? 'is' : 'are'} up and answering but cut off from ${leaders.length === 1 ? `the leader ${nameOf(leaders[0])}` : 'each other'}: check the peer links (step 2)`
        : `peer links cut — ${[...peerClosed.map(label), ...cut.map((l) => `${l.from} → ${l.to}`)].join(', ')}: check firewalls and routes on the peer port (step 2)`,
      evidence,
      'connectivity',
      ACTIONS.connectivity,
    );
  }
  if (logs.length > 0 || peers.findings.length > 0) {
    return cause(
      'partition',
      'likely',
      0.5,
      'the logs or metrics show peer links dropping or slow: check the network between members (step 2)',
      evidence,
      'connectivity',
      ACTIONS.connectivity,
    );
  }
  if (answered.length >= 2 && leaders.length === 1 && leaderless.length === 0) {
    return cause('partition', 'ruled-out', 0.8, `every member that answers follows ${nameOf(leaders[0])}`, evidence, 'connectivity', null);
  }
  if (answered.length >= 2 && leaders.length === 0) {
    return cause(
      'partition',
      'unknown',
      0.3,
      `the ${answered.length} members that answer all know no leader: they may not reach each other, or cannot agree for another reason`,
      evidence,
      'connectivity',
      ACTIONS.connectivity,
      'the connectivity matrix between the member hosts (SSH) and their logs (lost TCP streaming connection)',
    );
  }
  return cause(
    'partition',
    'unknown',
    0.1,
    'too few members answer to tell',
    evidence,
    'connectivity',
    ACTIONS.connectivity,
    'a second member answering, or the connectivity matrix over SSH',
  );
}

function figuresOf(s: ClusterSnapshot): FiguresOf[] {
  return s.members.filter((m) => m.started).map((m) => ({ id: m.id, name: m.name, figures: m.metrics, error: m.metricsError ?? null }));
}

function slowDiskCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const disk = diskLatency(figuresOf(s));
  const evidence: Evidence[] = disk.findings.map((text) => ({ source: 'metrics' as const, text }));
  const fdatasync = logHits(input.logs, ['slow-fdatasync']);
  const heartbeat = logHits(input.logs, ['heartbeat-late', 'slow-apply']);
  evidence.push(...fdatasync, ...heartbeat);
  if (disk.ok === false || fdatasync.length > 0) {
    return cause(
      'slow-disk',
      'confirmed',
      disk.ok === false ? 0.9 : 0.8,
      `slow disk — ${[...disk.findings, ...fdatasync.map((e) => `${e.member}: slow fdatasync in its log`)][0]}: give etcd a faster disk of its own (step 3)`,
      evidence,
      'logs',
      ACTIONS.logs,
    );
  }
  if (disk.findings.length > 0 || heartbeat.length > 0) {
    return cause(
      'slow-disk',
      'likely',
      0.5,
      `disk slower than etcd's guidance (${seconds(THRESHOLDS.walFsyncSeconds.docs)} fsync p99)${heartbeat.length ? ', heartbeats sent late' : ''}: watch it (step 3)`,
      evidence,
      'logs',
      ACTIONS.logs,
    );
  }
  if (disk.ok === true) {
    return cause(
      'slow-disk',
      'ruled-out',
      0.8,
      `disk latency within bounds: ${disk.actual}`,
      [{ source: 'metrics', text: disk.actual }],
      'logs',
      null,
    );
  }
  return cause(
    'slow-disk',
    'unknown',
    0.2,
    'disk latency not measured yet',
    [{ source: 'metrics', text: disk.actual }],
    'logs',
    ACTIONS.logs,
    "/metrics read twice over an interval with writes in it (diagnose --interval), or the members' logs (slow fdatasync)",
  );
}

function clockSkewCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const check = s.checks.find((c) => c.id === 'clock-sync');
  const drift = logHits(input.logs, ['clock-drift']);
  const evidence: Evidence[] = [...(check ? [{ source: 'clock' as const, text: check.actual, at: s.takenAt }] : []), ...drift];
  if (check?.ok === false || drift.length > 0) {
    return cause(
      'clock-skew',
      'confirmed',
      check?.ok === false ? 0.9 : 0.8,
      `clock skew — ${check?.ok === false ? check.actual.split(';')[0] : `${drift[0].member}: prober found high clock drift`}: fix NTP on the members (step 7)`,
      evidence,
      'clock',
      ACTIONS.clocks,
    );
  }
  if (check?.ok === true)
    return cause('clock-skew', 'ruled-out', 0.9, `clocks agree: ${check.actual.split(';')[0]}`, evidence, 'clock', null);
  return cause(
    'clock-skew',
    'unknown',
    0.2,
    'the members’ clocks could not all be read',
    evidence,
    'clock',
    ACTIONS.clocks,
    "the members' clocks over SSH (Compare Member Clocks), or their peer ports reachable from here",
  );
}

/**
 * The members whose own member list differs from the one most members give (a member that missed a
 * membership change while cut off, a member added behind the others' back): one sentence each, naming what
 * it lacks, what it adds and which peer URLs differ.
 */
export function memberListDisagreements(views: readonly MemberListView[]): string[] {
  const read = views.filter((v): v is MemberListView & { members: NonNullable<MemberListView['members']> } => v.members !== null);
  if (read.length < 2) return [];
  const urls = (u: string[]): string => [...u].sort(byCodePoint).join(' ');
  const key = (v: (typeof read)[number]): string => JSON.stringify(v.members.map((m) => `${m.id} ${urls(m.peerURLs)}`).sort(byCodePoint));
  const groups = new Map<string, typeof read>();
  for (const v of read) {
    const k = key(v);
    groups.set(k, [...(groups.get(k) ?? []), v]);
  }
  if (groups.size === 1) return [];
  // The list most members give is the reference; on a tie, the one of the member asked first.
  const majority = [...groups.values()].reduce((a, b) => (b.length > a.length ? b : a));
  const ref = new Map(majority[0].members.map((m) => [m.id, m]));
  const name = (m: { id: string; name: string }): string => m.name || m.id;
  const agree = majority.map((v) => v.member).join(', ');
  return read
    .filter((v) => !majority.includes(v))
    .map((v) => {
      const own = new Map(v.members.map((m) => [m.id, m]));
      const parts: string[] = [];
      const missing = [...ref.values()].filter((m) => !own.has(m.id));
      if (missing.length) parts.push(`does not list ${missing.map(name).join(', ')}`);
      const extra = v.members.filter((m) => !ref.has(m.id));
      if (extra.length) parts.push(`lists ${extra.map(name).join(', ')}, which the others do not`);
      for (const m of v.members) {
        const r = ref.get(m.id);
        if (r && urls(r.peerURLs) !== urls(m.peerURLs))
          parts.push(`has ${name(m)} at ${urls(m.peerURLs) || 'no peer URL'} where the others have ${urls(r.peerURLs) || 'none'}`);
      }
      return `${v.member}'s member list ${parts.join('; ')} (${agree} ${majority.length === 1 ? 'lists' : 'agree on'} ${ref.size} member(s))`;
    });
}

function configMismatchCause(s: ClusterSnapshot, input: DiagnosisInput): Cause {
  const evidence: Evidence[] = [];
  const foreign = s.unmatchedEndpoints.filter((u) => u.clusterId && s.clusterId && u.clusterId !== s.clusterId);
  for (const u of foreign) {
    evidence.push({
      source: 'member-list',
      text: `${u.endpoint} answers as member ${u.memberId ?? '?'} of cluster ${u.clusterId}, not of ${s.clusterId}`,
    });
  }
  const minors = new Map<string, string[]>();
  for (const m of s.members) {
    const minor = /^(\d+\.\d+)/.exec(m.status?.version ?? '')?.[1];
    if (minor) minors.set(minor, [...(minors.get(minor) ?? []), label(m)]);
  }
  if (minors.size > 1) {
    evidence.push({
      source: 'status',
      text: `members run different minor versions: ${[...minors].map(([v, names]) => `${v} (${names.join(', ')})`).join('; ')}`,
    });
  }
  const disagreements = memberListDisagreements(input.memberViews ?? []);
  for (const text of disagreements) evidence.push({ source: 'member-list', text });
  const findings = input.config?.findings ?? [];
  const relevant = findings.filter((f) => /cross-file|initial-cluster|token|election|heartbeat|name/.test(f.code));
  for (const f of relevant) evidence.push({ source: 'config', text: `${f.file}:${f.line + 1}: ${f.code}: ${f.message}` });
  if (foreign.length > 0) {
    return cause(
      'config-mismatch',
      'confirmed',
      0.9,
      `configuration mismatch — ${foreign[0].endpoint} belongs to another cluster (${foreign[0].clusterId}): check its initial-cluster and initial-cluster-token (step 8)`,
      evidence,
      'timeouts',
      ACTIONS.lint,
    );
  }
  if (relevant.length > 0) {
    return cause(
      'config-mismatch',
      'likely',
      0.6,
      `the members' configuration files disagree: ${relevant[0].code} (${relevant[0].file})`,
      evidence,
      'timeouts',
      ACTIONS.lint,
    );
  }
  if (disagreements.length > 0) {
    return cause(
      'config-mismatch',
      'likely',
      0.5,
      `the members disagree on who is in the cluster: ${disagreements[0]}`,
      evidence,
      'timeouts',
      null,
    );
  }
  if (minors.size > 1) {
    return cause(
      'config-mismatch',
      'likely',
      0.3,
      `members run different etcd minor versions (${[...minors.keys()].join(', ')}): finish the upgrade`,
      evidence,
      'timeouts',
      null,
    );
  }
  if ((input.config?.files ?? 0) > 0) {
    return cause(
      'config-mismatch',
      'ruled-out',
      0.7,
      `every member answers as this cluster and the ${input.config?.files} configuration file(s) agree`,
      evidence,
      'timeouts',
      null,
    );
  }
  return cause(
    'config-mismatch',
    'unknown',
    0.2,
    'every endpoint answers as this cluster; the configuration files were not checked',
    evidence,
    'timeouts',
    ACTIONS.lint,
    "the members' configuration files linted together (etcd-inspector lint a.conf b.conf c.conf, or Open Member Configuration)",
  );
}

const VERDICT_RANK: Record<Verdict, number> = { confirmed: 0, likely: 1, unknown: 2, 'ruled-out': 3 };

/** The six causes with their verdicts and evidence, ranked, and the first line to show. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const s = input.snapshot;
  const causes = [
    quorumCause(s, input),
    partitionCause(s, input),
    slowDiskCause(s, input),
    memberFailureCause(s, input),
    clockSkewCause(s, input),
    configMismatchCause(s, input),
  ];
  const order = new Map(CAUSE_IDS.map((id, i) => [id, i]));
  causes.sort(
    (a, b) =>
      VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] ||
      (a.verdict === 'ruled-out' ? a.confidence - b.confidence : b.confidence - a.confidence) ||
      (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0),
  );
  const hasLeader = s.leaderId !== null;
  const top = causes[0];
  const found = top.verdict === 'confirmed' || top.verdict === 'likely';
  const state = hasLeader ? `Leader ${s.leaderName || s.leaderId}` : s.members.length === 0 ? 'No member answered' : 'No leader';
  const headline = found
    ? `${state}: ${top.summary}${top.verdict === 'likely' ? ' (likely)' : ''}`
    : hasLeader
      ? `${state}: no cause of an election problem found`
      : `${state}: no cause confirmed — ${causes
          .filter((c) => c.verdict === 'unknown')
          .map((c) => c.id)
          .join(', ')} could not be decided`;
  return { headline, hasLeader, causes };
}
