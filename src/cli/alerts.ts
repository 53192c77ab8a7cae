// `etcd-inspector alerts`: the Prometheus alerting rules for etcd (src/metrics/alerts.ts) on stdout. It talks
// to no cluster: --cluster only names the cluster in the rules (the CLI has no list of named clusters).
import { parseArgs } from 'node:util';
import { alertRules, AlertRulesError, DEFAULT_JOB } from '../metrics/alerts';
import { printable } from '../shared/text';
import { EXIT, type CliIo } from './cli';

const ALERTS_HELP = `Usage: etcd-inspector alerts [--job REGEX] [--cluster NAME] > etcd-alerts.yml

Prints a Prometheus rule file for etcd: no leader for 1m, fewer members up than a quorum, frequent leader
changes, slow WAL fsync (warning and critical), slow backend commits, slow peer round trips, failing
proposals, a db near its quota, growing towards it within 4h, or fragmented. The thresholds and durations
are those of etcd's alerting mixin; each alert names the runbook steps to follow.
Check the file with "promtool check rules etcd-alerts.yml" and list it under rule_files in prometheus.yml.

Options:
  --job REGEX      the scrape jobs of the etcd members (an RE2 regex matched against the whole job label)
                   (default: ${DEFAULT_JOB})
  --cluster NAME   names the cluster: the rule group, an etcd_cluster label and every description

Exit status: 0 the rules were printed, 2 bad arguments.
`;

/** Prints the rule file. */
export async function alertsCommand(args: string[], io: CliIo): Promise<number> {
  let values: { job?: string; cluster?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: { job: { type: 'string' }, cluster: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // The command takes no secret: parseArgs' own message (which quotes the argument) is the clearest.
    io.stderr.write(`etcd-inspector alerts: ${printable(error instanceof Error ? error.message : String(error))}\n\n${ALERTS_HELP}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(ALERTS_HELP);
    return EXIT.ok;
  }
  let rules: string;
  try {
    rules = alertRules({ job: values.job, cluster: values.cluster });
  } catch (error) {
    if (!(error instanceof AlertRulesError)) throw error;
    io.stderr.write(`etcd-inspector alerts: ${printable(error.message)}\n`);
    return EXIT.usage;
  }
  io.stdout.write(rules);
  return EXIT.ok;
}
