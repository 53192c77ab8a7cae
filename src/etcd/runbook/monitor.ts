// Step 10, "Monitor Cluster Health": the runbook's monitoring script with this cluster's etcdctl flags, the
// metrics to watch on /metrics, and the runbook's Prometheus alert for a member without a leader.
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

/** How long etcd_server_has_leader must stay 0 before EtcdNoLeader fires (a leader election takes about a second). */
export const NO_LEADER_FOR = '1m';

/** A Prometheus rule file with the runbook's EtcdNoLeader alert (`promtool check rules` accepts it). */
export function noLeaderAlertRules(): string {
  return [
    '# Prometheus alerting rules from the etcd leader election runbook (step 10). Scrape /metrics on every member.',
    'groups:',
    '  - name: etcd',
    '    rules:',
    '      - alert: EtcdNoLeader',
    '        expr: etcd_server_has_leader == 0',
    `        for: ${NO_LEADER_FOR}`,
    '        labels:',
    '          severity: critical',
    '        annotations:',
    '          summary: etcd has no leader',
    `          description: 'etcd member {{ $labels.instance }} has had no leader for ${NO_LEADER_FOR}: the cluster accepts no writes. Check quorum and connectivity (runbook steps 1, 2 and 5).'`,
    '',
  ].join('\n');
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
    `Alert when a member has had no leader for ${NO_LEADER_FOR}: save this as \`etcd-alerts.yml\`, list it under \`rule_files\` in prometheus.yml and check it with \`promtool check rules etcd-alerts.yml\`:`,
    '',
    ...code(noLeaderAlertRules().replace(/\n$/, '').split('\n'), 'yaml'),
  ];
}
