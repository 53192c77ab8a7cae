// Prometheus alerting rules for an etcd cluster: what the runbook's step 10 asks to watch, with the thresholds
// and `for:` durations of etcd's own alerting mixin. Pure: the step-10 document, the VS Code command and
// `etcd-inspector alerts` print what alertRules() returns.
//
// Source of every threshold, window and duration below: etcd-io/etcd contrib/mixin/mixin.libsonnet at commit
// 1002346ce (2023-02-13, the mixin of the etcd 3.5 releases, with etcdDatabaseHighFragmentationRatio limited
// to 100 MB in use), abbreviated "mixin" in the comments. The mixin selected only some series with its
// etcd_selector; etcd applied it to the db-size alerts as well later (c852ffe6e, etcd PR #16245), as here.
// The rules are written from the mixin's semantics, not copied; the gRPC alerts and etcdMembersDown are left
// out (the runbook does not ask for them).
//
// The cluster name is user data. It goes into the group name, an `etcd_cluster` label and the descriptions;
// Prometheus expands label values and annotations as Go templates, so a `{` of the name is written as a
// template action printing it, and the YAML is built by the `yaml` package, never by concatenation.
import { Document, visit } from 'yaml';
// steps.ts imports this module through monitor.ts (step 10): stepHeading is only called when rules are built.
import { stepHeading, type StepId } from '../etcd/runbook/steps';
import { THRESHOLDS } from './judge';

/** The job selector etcd's mixin uses by default (its etcd_selector: `job=~".*etcd.*"`). */
export const DEFAULT_JOB = '.*etcd.*';

/** The label that carries the cluster name on every alert when one is given. */
export const CLUSTER_LABEL = 'etcd_cluster';

/** How long etcd_server_has_leader must stay 0 before EtcdNoLeader fires (mixin etcdNoLeader; the runbook's 1m). */
export const NO_LEADER_FOR = '1m';

/**
 * The mixin's `for:` durations and range windows, which judge.ts's THRESHOLDS (values only) does not hold.
 * Each is the mixin's figure for the alert named.
 */
export const ALERT_TIMING = {
  /** etcdInsufficientMembers: for 3m. */
  insufficientMembersFor: '3m',
  /** etcdHighNumberOfLeaderChanges: increase over [15m:1m], for 5m. */
  leaderChangesWindow: '15m',
  leaderChangesFor: '5m',
  /** etcdHighFsyncDurations, etcdHighCommitDurations, etcdMemberCommunicationSlow: rate over 5m, for 10m. */
  latencyRateWindow: '5m',
  latencyFor: '10m',
  /** etcdHighNumberOfFailedProposals: rate over 15m, for 15m. */
  proposalsRateWindow: '15m',
  proposalsFor: '15m',
  /** etcdDatabaseQuotaLowSpace and etcdDatabaseHighFragmentationRatio: last_over_time over 5m, for 10m. */
  dbLastWindow: '5m',
  dbFor: '10m',
  /** etcdExcessiveDatabaseGrowth: predict_linear over the last 4h, 4h ahead, for 10m. */
  growthWindow: '4h',
  growthAheadSeconds: 4 * 60 * 60,
  growthFor: '10m',
} as const;

/** What to generate the rules for. */
export interface AlertRuleOptions {
  /** Names the cluster in the group name, an `etcd_cluster` label and the descriptions. */
  cluster?: string;
  /** The regex the `job` label must match (RE2, anchored by Prometheus). Default DEFAULT_JOB. */
  job?: string;
}

/** How urgent an alert is (the mixin's severities). */
export type AlertSeverity = 'warning' | 'critical';

/** One alerting rule as a Prometheus rule file holds it. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: AlertSeverity; [CLUSTER_LABEL]?: string };
  annotations: { summary: string; description: string; runbook: string };
}

/** One rule group: the whole file is `groups: [group]`. */
export interface AlertRuleGroup {
  name: string;
  rules: AlertingRule[];
}

/** An option alertRules() cannot turn into a rule file Prometheus accepts; the message says which and why. */
export class AlertRulesError extends Error {}

/** A threshold in seconds as the descriptions say it: "0.5 s". */
const secondsText = (s: number): string => `${s} s`;

/** A rule before the selector and the cluster are filled in. */
interface RuleSpec {
  alert: string;
  severity: AlertSeverity;
  for: string;
  /** The expression with `sel` (`{job=~"…"}`) on every series selector. */
  expr(sel: string): string;
  summary: string;
  /** What happened, after "etcd cluster …: "; may use Prometheus template actions. */
  description: string;
  /** The runbook steps that address it, first the one to start with. */
  steps: StepId[];
}

function ruleSpecs(): RuleSpec[] {
  const t = ALERT_TIMING;
  const fsync = THRESHOLDS.walFsyncSeconds;
  const commit = THRESHOLDS.backendCommitSeconds;
  const frag = THRESHOLDS.fragmentation;
  const quantile = (metric: string, sel: string): string =>
    `histogram_quantile(0.99, rate(${metric}_bucket${sel}[${t.latencyRateWindow}]))`;
  const fsyncRule = (severity: AlertSeverity, limit: number): RuleSpec => ({
    // mixin etcdHighFsyncDurations: p99 of the WAL fsync histogram over 5m > 0.5 (warning) / > 1 (critical), for 10m.
    alert: 'EtcdHighFsyncDurations',
    severity,
    for: t.latencyFor,
    expr: (sel) => `${quantile('etcd_disk_wal_fsync_duration_seconds', sel)} > ${limit}`,
    summary: 'etcd WAL fsync is slow (99th percentile)',
    description: `the 99th percentile of WAL fsync on member {{ $labels.instance }} is {{ $value | humanizeDuration }}, over ${secondsText(limit)} for ${t.latencyFor}: a slow disk delays heartbeats and proposals ("slow fdatasync" in its log) and can cost the leader its term.`,
    steps: ['logs', 'timeouts'],
  });
  return [
    {
      // mixin etcdNoLeader: etcd_server_has_leader == 0 for 1m, critical.
      alert: 'EtcdNoLeader',
      severity: 'critical',
      for: NO_LEADER_FOR,
      expr: (sel) => `etcd_server_has_leader${sel} == 0`,
      summary: 'etcd member has no leader',
      description: `member {{ $labels.instance }} has had no leader for ${NO_LEADER_FOR}: the cluster accepts no writes. Check quorum and connectivity.`,
      steps: ['status', 'connectivity', 'quorum'],
    },
    {
      // mixin etcdInsufficientMembers: members up (per job, instances summed away) < (members + 1) / 2, for 3m, critical.
      alert: 'EtcdInsufficientMembers',
      severity: 'critical',
      for: t.insufficientMembersFor,
      expr: (sel) => `sum without (instance) (up${sel} == bool 1) < ((count without (instance) (up${sel}) + 1) / 2)`,
      summary: 'etcd cluster has fewer members up than a quorum',
      description: `only {{ $value }} members answer Prometheus, fewer than a quorum, for ${t.insufficientMembersFor}: the cluster cannot elect a leader or commit writes.`,
      steps: ['quorum', 'restart'],
    },
    {
      // mixin etcdHighNumberOfLeaderChanges: increase of the members' highest leader-change counter (0 when
      // absent) over [15m:1m] >= 4, for 5m, warning.
      alert: 'EtcdHighNumberOfLeaderChanges',
      severity: 'warning',
      for: t.leaderChangesFor,
      expr: (sel) =>
        `increase((max without (instance) (etcd_server_leader_changes_seen_total${sel}) or 0 * absent(etcd_server_leader_changes_seen_total${sel}))[${t.leaderChangesWindow}:1m]) >= ${THRESHOLDS.leaderChanges}`,
      summary: 'etcd leader changes often',
      description: `{{ $value }} leader changes within the last ${t.leaderChangesWindow}: frequent elections come from slow disks, latency between members, or a heartbeat interval and election timeout too short for them.`,
      steps: ['timeouts', 'logs'],
    },
    fsyncRule('warning', fsync.warning),
    fsyncRule('critical', fsync.critical),
    {
      // mixin etcdHighCommitDurations: p99 of the backend commit histogram over 5m > 0.25, for 10m, warning.
      alert: 'EtcdHighCommitDurations',
      severity: 'warning',
      for: t.latencyFor,
      expr: (sel) => `${quantile('etcd_disk_backend_commit_duration_seconds', sel)} > ${commit.warning}`,
      summary: 'etcd backend commit is slow (99th percentile)',
      description: `the 99th percentile of backend commits on member {{ $labels.instance }} is {{ $value | humanizeDuration }}, over ${secondsText(commit.warning)} for ${t.latencyFor}: its disk is slow or its db is large and fragmented.`,
      steps: ['logs', 'defrag'],
    },
    {
      // mixin etcdMemberCommunicationSlow: p99 of the peer round-trip histogram over 5m > 0.15, for 10m, warning.
      alert: 'EtcdMemberCommunicationSlow',
      severity: 'warning',
      for: t.latencyFor,
      expr: (sel) => `${quantile('etcd_network_peer_round_trip_time_seconds', sel)} > ${THRESHOLDS.peerRoundTripSeconds}`,
      summary: 'etcd members are slow to reach each other',
      description: `the 99th percentile round trip from member {{ $labels.instance }} to peer {{ $labels.To }} is {{ $value | humanizeDuration }}, over ${secondsText(THRESHOLDS.peerRoundTripSeconds)} for ${t.latencyFor}: heartbeats arrive late and followers call elections.`,
      steps: ['connectivity', 'timeouts'],
    },
    {
      // mixin etcdHighNumberOfFailedProposals: rate of failed proposals over 15m > 5 per second, for 15m, warning.
      alert: 'EtcdHighNumberOfFailedProposals',
      severity: 'warning',
      for: t.proposalsFor,
      expr: (sel) => `rate(etcd_server_proposals_failed_total${sel}[${t.proposalsRateWindow}]) > ${THRESHOLDS.failedProposalsPerSecond}`,
      summary: 'etcd proposals are failing',
      description: `member {{ $labels.instance }} fails {{ $value | humanize }} proposals per second over ${t.proposalsRateWindow}, more than ${THRESHOLDS.failedProposalsPerSecond}: proposals fail while there is no leader or no quorum to commit them.`,
      steps: ['quorum', 'restart'],
    },
    {
      // mixin etcdDatabaseQuotaLowSpace: last db size / last quota (over 5m) above 95%, for 10m, critical.
      alert: 'EtcdDatabaseQuotaLowSpace',
      severity: 'critical',
      for: t.dbFor,
      expr: (sel) =>
        `(last_over_time(etcd_mvcc_db_total_size_in_bytes${sel}[${t.dbLastWindow}]) / last_over_time(etcd_server_quota_backend_bytes${sel}[${t.dbLastWindow}])) > ${THRESHOLDS.dbQuotaRatio}`,
      summary: 'etcd db is close to its quota',
      description: `the db of member {{ $labels.instance }} is {{ $value | humanizePercentage }} of its quota, over ${THRESHOLDS.dbQuotaRatio * 100}%: at the quota etcd raises the NOSPACE alarm and refuses writes. Compact and defragment, or raise --quota-backend-bytes.`,
      steps: ['defrag'],
    },
    {
      // mixin etcdExcessiveDatabaseGrowth: predict_linear of the db size over 4h, 4h ahead, above the quota, for 10m, warning.
      alert: 'EtcdExcessiveDatabaseGrowth',
      severity: 'warning',
      for: t.growthFor,
      expr: (sel) =>
        `predict_linear(etcd_mvcc_db_total_size_in_bytes${sel}[${t.growthWindow}], ${t.growthAheadSeconds}) > etcd_server_quota_backend_bytes${sel}`,
      summary: 'etcd db grows towards its quota fast',
      description: `at the rate of the last ${t.growthWindow}, the db of member {{ $labels.instance }} reaches its quota within ${t.growthWindow}: find what writes so much, compact and defragment, or raise --quota-backend-bytes.`,
      steps: ['defrag'],
    },
    {
      // mixin etcdDatabaseHighFragmentationRatio: in use / total (last over 5m) < 0.5 and more than 100 MB
      // (104857600 bytes) in use, for 10m, warning.
      alert: 'EtcdDatabaseHighFragmentationRatio',
      severity: 'warning',
      for: t.dbFor,
      expr: (sel) =>
        `(last_over_time(etcd_mvcc_db_total_size_in_use_in_bytes${sel}[${t.dbLastWindow}]) / last_over_time(etcd_mvcc_db_total_size_in_bytes${sel}[${t.dbLastWindow}])) < ${frag.inUseRatio} and etcd_mvcc_db_total_size_in_use_in_bytes${sel} > ${frag.minInUseBytes}`,
      summary: 'etcd db file is mostly free space',
      description: `only {{ $value | humanizePercentage }} of the db file of member {{ $labels.instance }} is in use, below ${frag.inUseRatio * 100}% with more than ${frag.minInUseBytes / (1024 * 1024)} MiB in use: defragment the member to give the space back.`,
      steps: ['defrag'],
    },
  ];
}

// JavaScript syntax RE2 (Go's regexp, which Prometheus uses) does not have: lookaround, backreferences.
const NOT_RE2: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!)'],
  [/\\k</, 'named backreferences (\\k<name>)'],
  // Go's regexp reads (?<name>…) only from Go 1.22; (?P<name>…) everywhere.
  [/\(\?<(?![=!])/, 'a named group spelled (?<name>…) (write (?P<name>…))'],
];
// The letters RE2 takes after a backslash; any other (\c, \u, \k, \1) is an error in Go's regexp.
const RE2_ESCAPE_LETTERS = new Set('aftnrvdDsSwWbBAzpPQEx0');

/**
 * Throws an AlertRulesError unless `job` is a regex that Prometheus accepts in `job=~"…"`: not empty, no line
 * break, compiles as a JavaScript regex after RE2's own syntax ((?i) flags, (?P<name>…) groups) is mapped to
 * it, and uses none of JavaScript's additions that RE2 lacks.
 */
export function checkJobRegex(job: string): void {
  const fail = (why: string): never => {
    throw new AlertRulesError(`the job regex ${JSON.stringify(job)} ${why}`);
  };
  if (job === '') fail('is empty: it would match only series without a job label');
  if (/[\r\n]/.test(job)) fail('holds a line break');
  if (!wellFormed(job)) fail('is not valid Unicode (a lone surrogate)');
  for (const [pattern, what] of NOT_RE2) if (pattern.test(job)) fail(`uses ${what}, which Prometheus' regex engine (RE2) does not support`);
  for (const m of job.matchAll(/\\(.)/gsu)) {
    const c = m[1];
    if (/[1-9]/.test(c)) fail(`uses a backreference (\\${c}), which RE2 does not support`);
    if (/[A-Za-z0-9]/.test(c) && !RE2_ESCAPE_LETTERS.has(c)) fail(`uses the escape \\${c}, which RE2 does not know`);
  }
  for (const m of job.matchAll(/\{(\d+)(?:,(\d*))?\}/g))
    if (Number(m[1]) > 1000 || Number(m[2] ?? 0) > 1000) fail(`repeats more than 1000 times (${m[0]}), which RE2 refuses`);
  // RE2's flag groups and named groups in JavaScript's spelling, for JavaScript's parser.
  const js = job
    .replace(/\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+)\)/g, '')
    .replace(/\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+):/g, '(?:')
    .replace(/\(\?P</g, '(?<');
  try {
    new RegExp(js);
  } catch (error) {
    fail(`is not a valid regex: ${(error as Error).message}`);
  }
}

/** No lone surrogate (it has no UTF-8 form: Prometheus and YAML parsers reject it). */
function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** A PromQL double-quoted string: Go's escapes, every character outside printable ASCII as \u or \U. */
function promqlString(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/gu, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Text for a label value or annotation, which Prometheus expands as a Go template: each `{` becomes an action
 * that prints it, so no `{{` of the text starts an action and the alert carries the text unchanged.
 */
export function templateText(s: string): string {
  return s.replace(/\{/g, '{{"{"}}');
}

/** The rules as data, for the cluster and job selector given. Throws an AlertRulesError for a bad option. */
export function alertRuleGroup(options: AlertRuleOptions = {}): AlertRuleGroup {
  const job = options.job ?? DEFAULT_JOB;
  checkJobRegex(job);
  const cluster = options.cluster;
  if (cluster !== undefined) {
    if (cluster === '') throw new AlertRulesError('the cluster name is empty: give a name, or none');
    if (!wellFormed(cluster)) throw new AlertRulesError('the cluster name is not valid Unicode (a lone surrogate)');
  }
  const sel = `{job=~${promqlString(job)}}`;
  const who = cluster === undefined ? 'etcd cluster of job {{ $labels.job }}' : `etcd cluster "${templateText(cluster)}"`;
  return {
    name: cluster === undefined ? 'etcd' : `etcd/${cluster}`,
    rules: ruleSpecs().map((r) => {
      const steps = r.steps.map((id) => stepHeading(id));
      return {
        alert: r.alert,
        expr: r.expr(sel),
        for: r.for,
        labels: { severity: r.severity, ...(cluster === undefined ? {} : { [CLUSTER_LABEL]: templateText(cluster) }) },
        annotations: {
          summary: r.summary,
          description: `${who}: ${r.description} Runbook: ${steps.join('; ')}.`,
          runbook: steps.join('; '),
        },
      };
    }),
  };
}

// Characters yaml.v3 (Prometheus' YAML parser) refuses raw or reads as line breaks: DEL, the C1 controls
// with NEL, the line and paragraph separators, the BOM and the two noncharacters. The `yaml` package writes
// them raw even in double quotes.
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * The Prometheus rule file (YAML) for the cluster and job selector given: `promtool check rules` accepts it.
 * Throws an AlertRulesError for a bad option.
 */
export function alertRules(options: AlertRuleOptions = {}): string {
  const group = alertRuleGroup(options);
  const doc = new Document({ groups: [group] });
  doc.commentBefore = [
    ' Prometheus alerting rules for etcd, written by etcd Inspector: the thresholds and `for:` durations of',
    " etcd's alerting mixin (contrib/mixin), each alert naming the runbook steps that address it. Scrape /metrics",
    ' of every member (its client URLs or --listen-metrics-urls) in a job the selector below matches.',
    ` Selector: job=~${promqlString(options.job ?? DEFAULT_JOB)}`,
  ].join('\n');
  // Every value with a character outside printable ASCII (only user data has them) in double quotes, with
  // JSON's escapes: one line each, and the characters below can then be escaped in place.
  visit(doc, {
    Scalar(key, node) {
      if (key === 'value' && typeof node.value === 'string' && /[^\x20-\x7e]/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const text = doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
  return text.replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
