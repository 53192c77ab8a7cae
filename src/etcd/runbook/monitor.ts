// Step 10, "Monitor Cluster Health": the runbook's monitoring script with this cluster's etcdctl flags, the
// metrics to watch on /metrics, and Prometheus alerting rules for this cluster (src/metrics/alerts.ts: the
// runbook's EtcdNoLeader and the rest of etcd's alerting mixin).
import { alertRules, AlertRulesError, DEFAULT_JOB, NO_LEADER_FOR } from '../../metrics/alerts';
import type { ConnectionProfile } from '../profile';
import { code, type StepContext } from './documents';
import { commentText, etcdctlFlags, heredoc, shellQuote } from './shell';

/** The file name the runbook gives the monitoring script. */
export const MONITOR_SCRIPT = 'monitor_etcd.sh';

/** The runbook's monitoring script (bash, needs jq) for a cluster: every etcdctl call carries its flags. */
export function monitorScript(profile: ConnectionProfile): string {
  const e = etcdctlFlags(profile);
  const section = (title: string, command: string): string[] => ['echo ""', `echo "=== ${title} ==="`, `etcdctl ${e} ${command}`];
  return [
    '#!/bin/bash',
    `# etcd cluster "${commentText(profile.name)}": status, members, health, leader, db sizes, alarms (runbook step 10).`,
    ...(profile.username
      ? [
          `# etcdctl asks for the password of ${commentText(profile.username)}; for unattended runs export ETCDCTL_PASSWORD`,
          '# in the environment that runs this script (never write it into this file).',
        ]
      : []),
    '',
    `echo "=== Cluster Status ==="`,
    `etcdctl ${e} endpoint status --cluster -w table`,
    ...section('Member Health', 'member list -w table'),
    ...section('Endpoint Health', 'endpoint health --cluster'),
    ...section('Leader', `endpoint status --cluster -w json | jq '.[] | select(.Status.leader == .Status.header.member_id) | .Endpoint'`),
    ...section('DB Sizes', `endpoint status --cluster -w json | jq '.[] | "\\(.Endpoint): \\(.Status.dbSize / 1024 / 1024) MB"'`),
    ...section('Alarm Status', 'alarm list'),
    '',
  ].join('\n');
}

/** The rule file for this cluster, or for no named cluster (and why) when its name cannot be a label value. */
function clusterAlertRules(profile: ConnectionProfile): { rules: string; note: string } {
  if (profile.name === '') return { rules: alertRules(), note: '' };
  try {
    return { rules: alertRules({ cluster: profile.name }), note: '' };
  } catch (error) {
    if (!(error instanceof AlertRulesError)) throw error;
    return { rules: alertRules(), note: ` These rules do not name the cluster: ${error.message}.` };
  }
}

/** The curl flags that reach a member's /metrics with this profile's TLS files. */
function curlTls(profile: ConnectionProfile): string {
  const tls = profile.tls;
  const flags = [
    ...(tls?.caFile ? ['--cacert', tls.caFile] : []),
    ...(tls?.certFile ? ['--cert', tls.certFile] : []),
    ...(tls?.keyFile ? ['--key', tls.keyFile] : []),
  ];
  return flags.map((f) => `${shellQuote(f)} `).join('');
}

export function monitorDocument({ profile }: StepContext): string[] {
  const { rules, note } = clusterAlertRules(profile);
  return [
    `Save the runbook's monitoring script for this cluster (it needs \`jq\`) and run it by hand, from cron or a systemd timer:`,
    '',
    ...code([...heredoc(MONITOR_SCRIPT, monitorScript(profile)), `chmod +x ${MONITOR_SCRIPT}`]),
    'etcd serves Prometheus metrics at /metrics on its client URLs (or on --listen-metrics-urls): `etcd_server_has_leader` (1 = has a leader, 0 = none), `etcd_server_leader_changes_seen_total` (leader changes) and `etcd_disk_wal_fsync_duration_seconds` (disk latency).',
    '',
    ...code(
      profile.endpoints.map(
        (url) =>
          `curl -s ${curlTls(profile)}${shellQuote(`${url}/metrics`)} | grep -E '^etcd_server_(has_leader|leader_changes_seen_total) '`,
      ),
    ),
    `Alert when a member has had no leader for ${NO_LEADER_FOR}, when fewer members than a quorum are up, on frequent leader changes, slow WAL fsync, backend commits or peer round trips, failing proposals, a db near its quota, growing towards it or fragmented (etcd's alerting mixin's thresholds, each alert naming the runbook steps to follow): save this as \`etcd-alerts.yml\`, list it under \`rule_files\` in prometheus.yml and check it with \`promtool check rules etcd-alerts.yml\`. The rules select the scrape jobs matching \`${DEFAULT_JOB}\`; \`etcd-inspector alerts --job REGEX\` writes them for another job name.${note}`,
    '',
    ...code(rules.replace(/\n$/, '').split('\n'), 'yaml'),
  ];
}
