// `etcd-inspector status` and `etcd-inspector diagnose`: one refresh of a cluster, printed as etcdctl's
// endpoint status table plus health and the runbook checklist, or as JSON (shape documented in README).
import { parseArgs } from 'node:util';
import { ClusterInspector } from '../etcd/probe';
import { parseEndpoints, parseUser, profileFromEtcdctlEnv, profileFromKubeadmManifest, type ConnectionProfile } from '../etcd/profile';
import type { ClusterSnapshot, MemberListView } from '../etcd/model';
import { diagnose as diagnoseCauses, type Diagnosis, type DiagnosisInput } from '../etcd/causes';
import type { EtcdVersion } from '../shared/settings';
import {
  CHECKLIST_COLUMNS,
  checklistCells,
  checkOutcome,
  endpointStatusCells,
  OUTCOME_WORDS,
  METRICS_COLUMNS,
  metricsCells,
  causesMarkdown,
  markdownText,
  renderCauses,
  renderTable,
  snapshotProblems,
  STATUS_COLUMNS,
} from '../etcd/printer';
import { printable } from '../shared/text';
import { EXIT, type CliIo } from './cli';
import { InputFileError, readRegularFile } from './input';

/** A kubeadm manifest is a few KB; anything larger is not one. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** How to SSH to a host: the tunnel's (--ssh-tunnel) and the member hosts' (src/cli/ssh.ts adds its own). */
export const SSH_CONNECTION_OPTIONS = {
  'ssh-user': { type: 'string' },
  'ssh-port': { type: 'string' },
  'ssh-identity': { type: 'string' },
  'ssh-known-hosts': { type: 'string' },
  'ssh-config': { type: 'string' },
  'ssh-jump': { type: 'string' },
  'ssh-accept-new': { type: 'boolean' },
} as const;

/** The connection options every command that talks to a cluster takes (status, diagnose, the runbook actions). */
export const CONNECTION_OPTIONS = {
  endpoints: { type: 'string' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'server-name': { type: 'string' },
  user: { type: 'string' },
  'kubeadm-manifest': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-scheme': { type: 'string' },
  // Through an SSH host (src/ssh/tunnel.ts), with the SSH options it needs; the SSH code loads only then.
  'ssh-tunnel': { type: 'string' },
  ...SSH_CONNECTION_OPTIONS,
} as const;

/** TLS files for https peer URLs (member clocks over GET /raft/probing): status and diagnose take them. */
export const PEER_TLS_OPTIONS = {
  'peer-cacert': { type: 'string' },
  'peer-cert': { type: 'string' },
  'peer-key': { type: 'string' },
} as const;

/** Their lines of --help. */
export const CONNECTION_HELP = `  --endpoints URL[,URL...]   client URLs (one is enough; the rest are discovered). Default: $ETCDCTL_ENDPOINTS
  --cacert FILE              CA bundle to verify the servers ($ETCDCTL_CACERT)
  --cert FILE, --key FILE    client certificate and key ($ETCDCTL_CERT, $ETCDCTL_KEY)
  --server-name NAME         name to verify in the server certificate
  --user NAME[:PASSWORD]     user for etcd auth ($ETCDCTL_USER); without :PASSWORD, $ETCDCTL_PASSWORD is read
  --kubeadm-manifest FILE    take endpoint and certificates from a kubeadm etcd.yaml static pod manifest
  --timeout-ms N             deadline for each member's probes (default 2000)
  --metrics-port N           read /metrics on this port of each member's host (etcd's --listen-metrics-urls)
                             instead of its client URL; --metrics-scheme http|https (default: the client URL's)
  --ssh-tunnel [USER@]HOST[:PORT]
                             reach the cluster through this SSH host (a bastion, or a member host): every
                             connection opens from there, TLS end to end inside it; with --ssh-user, --ssh-port,
                             --ssh-identity, --ssh-known-hosts, --ssh-config, --ssh-jump and --ssh-accept-new
`;

/** diagnose's --config: the members' configuration files (repeatable). */
export const CONFIG_OPTION = { config: { type: 'string', multiple: true } } as const;
export const CONFIG_HELP = `  --config FILE              diagnose: a member's configuration file (env-style etcd.conf or YAML), once per
                             member: linted alone and together, their disagreements weigh in the causes
`;

const STATUS_HELP = `Usage: etcd-inspector status [options]
       etcd-inspector diagnose [options]

Options:
${CONNECTION_HELP}  --peer-cacert FILE         CA bundle of the https peer URLs (etcd's --peer-trusted-ca-file): member clocks
  --peer-cert FILE, --peer-key FILE
                             a certificate the peers accept (with --peer-client-cert-auth), e.g. a member's peer cert
  --output table|json        output format (default table); diagnose also markdown
  --interval SECONDS         diagnose: read /metrics twice, SECONDS apart, and judge disk, peers, leader changes
                             and proposals over that interval (default 5; 0: one read, figures since each
                             member started). status reads once.
${CONFIG_HELP}
Exit status: 0 every check passed, 1 a check failed, 2 no endpoint answered or bad arguments.
`;

/**
 * The members' configuration files linted together, for the configuration-mismatch cause, with the etcd
 * version the cluster runs. The linter is its own bundle (dist/cli-lint.js), loaded only when files are given.
 * A file that cannot be read is an error naming it on stderr, and the exit status (2, as `lint` gives).
 */
export async function configForDiagnosis(
  files: string[],
  snapshot: ClusterSnapshot,
  io: CliIo,
): Promise<{ config: DiagnosisInput['config'] } | number> {
  if (files.length === 0) return { config: undefined };
  const minor = snapshot.members.map((m) => /^(3\.[456])\./.exec(m.status?.version ?? '')?.[1]).find((v) => v !== undefined);
  const { configEvidence } = await import('./lint.js');
  const { config, unread } = await configEvidence(files, (minor ?? '3.5') as EtcdVersion);
  if (unread.length === 0) return { config };
  io.stderr.write(unread.map((u) => `etcd-inspector: ${printable(u)}\n`).join(''));
  return EXIT.usage;
}

/** diagnose's default --interval: long enough for a few hundred fsyncs on a busy cluster, short for a terminal. */
const DIAGNOSE_INTERVAL_S = 5;

/** Builds the connection profile from flags, falling back to etcdctl's environment. */
export async function profileFromArgs(
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): Promise<ConnectionProfile> {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  let profile: ConnectionProfile;
  const manifest = str('kubeadm-manifest');
  if (manifest) {
    let text: string;
    try {
      text = await readRegularFile(manifest, MAX_MANIFEST_BYTES);
    } catch (error) {
      throw new UsageError(error instanceof InputFileError ? error.message : `cannot read ${manifest}: ${String(error)}`);
    }
    try {
      profile = profileFromKubeadmManifest(text, manifest);
    } catch (error) {
      throw new UsageError(`${manifest}: ${(error as Error).message}`);
    }
  } else {
    profile = profileFromEtcdctlEnv(env, 'cluster');
  }
  const endpoints = str('endpoints');
  if (endpoints) profile.endpoints = parseEndpoints(endpoints);
  else if (!manifest && !env.ETCDCTL_ENDPOINTS) throw new UsageError('no endpoints: pass --endpoints URL (or set ETCDCTL_ENDPOINTS)');
  const tls = { ...profile.tls };
  if (str('cacert')) tls.caFile = str('cacert');
  if (str('cert')) tls.certFile = str('cert');
  if (str('key')) tls.keyFile = str('key');
  if (str('server-name')) tls.serverName = str('server-name');
  if (Object.values(tls).some(Boolean)) profile.tls = tls;
  const peerTls = { ...profile.peerTls };
  if (str('peer-cacert')) peerTls.caFile = str('peer-cacert');
  if (str('peer-cert')) peerTls.certFile = str('peer-cert');
  if (str('peer-key')) peerTls.keyFile = str('peer-key');
  if (Object.values(peerTls).some(Boolean)) profile.peerTls = peerTls;
  const user = str('user');
  if (user) {
    const parsed = parseUser(user);
    profile.username = parsed.username;
    profile.password = parsed.password ?? env.ETCDCTL_PASSWORD;
    if (profile.password === undefined)
      throw new UsageError(`no password for user "${parsed.username}": use --user NAME:PASSWORD or set ETCDCTL_PASSWORD`);
  }
  const metricsPort = str('metrics-port');
  const metricsScheme = str('metrics-scheme');
  if (metricsPort !== undefined || metricsScheme !== undefined) {
    const port = metricsPort === undefined ? undefined : Number(metricsPort);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
      throw new UsageError(`--metrics-port must be a port number (1-65535), got "${metricsPort}"`);
    if (metricsScheme !== undefined && metricsScheme !== 'http' && metricsScheme !== 'https')
      throw new UsageError(`--metrics-scheme must be http or https, got "${metricsScheme}"`);
    profile.metrics = { ...(port !== undefined ? { port } : {}), ...(metricsScheme ? { scheme: metricsScheme } : {}) };
  }
  const timeout = str('timeout-ms');
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isInteger(n) || n < 50 || n > 600_000)
      throw new UsageError(`--timeout-ms must be an integer between 50 and 600000, got "${timeout}"`);
    profile.timeoutMs = n;
  }
  const tunnel = str('ssh-tunnel');
  if (tunnel !== undefined) {
    // The SSH layer (ssh2) is its own bundle, loaded only for a tunnel.
    const { tunnelFor } = await import('./ssh.js');
    try {
      const t = await tunnelFor(tunnel, values);
      profile.dial = t.dial;
      profile.route = t.route;
    } catch (error) {
      throw new UsageError(`--ssh-tunnel: ${(error as Error).message}`);
    }
  }
  return profile;
}

class UsageError extends Error {}

/**
 * parseArgs' message for a bad command line, without echoing what the user typed: a stray positional is
 * often a password (`--user root PASSWORD`), and an unknown `--opt=value` may carry one too.
 */
export function argumentError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return 'unexpected argument (not shown, in case it is a secret): options take the form --name VALUE; a password goes in --user NAME:PASSWORD or $ETCDCTL_PASSWORD';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /Unknown option '([^']*)'/.exec(message)?.[1] ?? '';
    return /^-{1,2}[A-Za-z0-9-]{1,40}$/.test(option) ? `unknown option ${option}` : 'unknown option';
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '(-{1,2}[A-Za-z0-9-]{1,40})/.exec(message)?.[1];
    const why = /argument missing/.test(message)
      ? 'a value is required'
      : /ambiguous/.test(message)
        ? `a value starting with "-" is written ${option}=VALUE`
        : 'takes no value';
    return option ? `option ${option}: ${why}` : 'invalid option value';
  }
  return 'invalid arguments';
}

/** `status` (diagnose false) and `diagnose`: one refresh, printed. */
export async function statusCommand(args: string[], io: CliIo, diagnose: boolean): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        ...CONNECTION_OPTIONS,
        ...PEER_TLS_OPTIONS,
        output: { type: 'string', short: 'w', default: 'table' },
        interval: { type: 'string' },
        ...CONFIG_OPTION,
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${argumentError(error)}\n\n${STATUS_HELP}`);
    return EXIT.usage;
  }
  const intervalText = typeof values.interval === 'string' ? values.interval : undefined;
  const interval = intervalText === undefined ? (diagnose ? DIAGNOSE_INTERVAL_S : 0) : Number(intervalText);
  if (!Number.isFinite(interval) || interval < 0 || interval > 600 || (intervalText !== undefined && !diagnose)) {
    io.stderr.write(
      diagnose
        ? `etcd-inspector: --interval must be a number of seconds between 0 and 600\n`
        : `etcd-inspector: --interval is an option of diagnose (status reads /metrics once)\n`,
    );
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(STATUS_HELP);
    return EXIT.ok;
  }
  const configFiles = Array.isArray(values.config) ? values.config : [];
  if (configFiles.length > 0 && !diagnose) {
    io.stderr.write(`etcd-inspector: --config is an option of diagnose (etcd-inspector lint checks files alone)\n`);
    return EXIT.usage;
  }
  if (values.output !== 'table' && values.output !== 'json' && !(diagnose && values.output === 'markdown')) {
    io.stderr.write(`etcd-inspector: --output must be table or json${diagnose ? ' or markdown' : ''}\n`);
    return EXIT.usage;
  }
  let profile: ConnectionProfile;
  try {
    profile = await profileFromArgs(values as Record<string, string | boolean | undefined>, process.env);
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const inspector = new ClusterInspector(profile);
  let snapshot: ClusterSnapshot;
  let memberViews: MemberListView[] = [];
  try {
    snapshot = await inspector.refresh({ waitForMetrics: true });
    // A second read of every member's /metrics: the figures become those of the interval between the two.
    if (interval > 0 && snapshot.members.length > 0) {
      if (values.output !== 'json') io.stderr.write(`reading /metrics again in ${interval} s (--interval 0 to skip)\n`);
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      snapshot = await inspector.refresh({ waitForMetrics: true });
    }
    // diagnose: every member's own member list, to compare.
    if (diagnose) memberViews = await inspector.memberViews(snapshot);
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${(error as Error).message}\n`);
    return EXIT.usage;
  } finally {
    inspector.dispose();
  }
  const answered = snapshot.members.length > 0;
  // JSON always gets the document; a table only when there is something to show.
  if (diagnose) {
    // The ranked causes come first, in every format.
    const read = await configForDiagnosis(configFiles, snapshot, io);
    if (typeof read === 'number') return read;
    const diagnosis = diagnoseCauses({ snapshot, config: read.config, memberViews });
    if (values.output === 'json') io.stdout.write(`${JSON.stringify(diagnosisJson(snapshot, diagnosis), null, 2)}\n`);
    else if (values.output === 'markdown') io.stdout.write(`${causesMarkdown(diagnosis, profile.name)}\n${markdownChecklist(snapshot)}`);
    else if (answered) io.stdout.write(`${renderCauses(diagnosis)}\n${renderDiagnosis(snapshot)}`);
  } else if (values.output === 'json') io.stdout.write(`${JSON.stringify(toJson(snapshot), null, 2)}\n`);
  else if (answered) io.stdout.write(renderStatus(snapshot));
  if (!answered) {
    io.stderr.write(`etcd-inspector: no endpoint answered\n${snapshot.errors.map((e) => `  ${printable(e)}\n`).join('')}`);
    return EXIT.usage;
  }
  return snapshot.checks.some((c) => c.ok === false) ? EXIT.failed : EXIT.ok;
}

/** The documented JSON shape of `status --output json`. */
export function toJson(s: ClusterSnapshot): unknown {
  return {
    clusterId: s.clusterId,
    leaderId: s.leaderId,
    leaderName: s.leaderName,
    leaderAgreement: s.leaderAgreement,
    quorum: s.quorum,
    members: s.members.map((m) => ({
      id: m.id,
      name: m.name,
      peerURLs: m.peerURLs,
      clientURLs: m.clientURLs,
      endpoint: m.endpoint,
      isLearner: m.isLearner,
      isLeader: m.isLeader,
      started: m.started,
      reachable: m.reachable,
      error: m.error,
      ...(m.errorKind ? { errorKind: m.errorKind } : {}),
      status: m.status && {
        version: m.status.version,
        dbSize: m.status.dbSize,
        dbSizeInUse: m.status.dbSizeInUse,
        dbSizeQuota: m.status.dbSizeQuota,
        raftTerm: m.status.raftTerm,
        raftIndex: m.status.raftIndex,
        raftAppliedIndex: m.status.raftAppliedIndex,
        leaderId: m.status.leaderId,
        errors: m.status.errors,
        tookMs: m.status.tookMs,
      },
      health: m.health,
      connectivity: m.connectivity,
      raftIndexLag: m.raftIndexLag,
      fragmentationPercent: m.fragmentationPercent,
      warnings: m.warnings,
      clock: m.clock,
      ...(m.clockError ? { clockError: m.clockError } : {}),
      metrics: m.metrics,
      ...(m.metricsError ? { metricsError: m.metricsError } : {}),
    })),
    alarms: s.alarms,
    checks: s.checks.map((c) => ({
      id: c.id,
      ok: c.ok,
      expected: c.expected,
      actual: c.actual,
      step: c.step,
      stepId: c.stepId,
      suggestion: c.suggestion,
    })),
    unmatchedEndpoints: s.unmatchedEndpoints,
    errors: s.errors,
    ...(s.discoveryErrors ? { discoveryErrors: s.discoveryErrors } : {}),
    takenAt: s.takenAt,
    elapsedMs: s.elapsedMs,
  };
}

/** The status table of a snapshot in which some member answered (the CLI says "no endpoint answered" otherwise). */
export function renderStatus(s: ClusterSnapshot): string {
  // renderTable makes every cell printable and escapes the column separator.
  const rows = s.members.map((m) => endpointStatusCells(m));
  const q = s.quorum;
  const head =
    `Cluster ${s.clusterId ?? '?'}: ` +
    (s.leaderId ? `leader ${printable(s.leaderName || s.leaderId)}` : 'NO LEADER') +
    ` · ${q.reachable}/${q.votingMembers} voting members reachable, ${q.healthy} healthy, quorum needs ${q.needed}` +
    (q.hasQuorum ? '' : ' · QUORUM LOST') +
    ` · ${s.elapsedMs} ms\n`;
  const problems = snapshotProblems(s)
    .map((p) => `${printable(p)}\n`)
    .join('');
  const checks = renderTable(
    CHECKLIST_COLUMNS.slice(0, 4),
    s.checks.map((c) => checklistCells(c).slice(0, 4)),
  );
  return `${head}${renderTable(STATUS_COLUMNS, rows)}${problems}\nRunbook checklist:\n${checks}`;
}

/** diagnose's JSON: the status document with the headline and the ranked causes. */
export function diagnosisJson(s: ClusterSnapshot, d: Diagnosis): unknown {
  return { headline: d.headline, causes: d.causes, ...(toJson(s) as Record<string, unknown>) };
}

/** The checklist as a Markdown table (diagnose --output markdown), every cell escaped. */
export function markdownChecklist(s: ClusterSnapshot): string {
  const cell = (t: string): string => markdownText(t).replace(/\n/g, ' ');
  const rows = s.checks.map((c) => `| ${cell(c.title)} | ${OUTCOME_WORDS[checkOutcome(c.ok)]} | ${cell(c.actual)} | ${cell(c.step)} |`);
  return ['## Runbook checklist', '', '| check | result | actual | step |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

export function renderDiagnosis(s: ClusterSnapshot): string {
  const failing = s.checks.filter((c) => c.ok !== true);
  const lines = failing.map(
    (c) => `${OUTCOME_WORDS[checkOutcome(c.ok)].toUpperCase()} ${c.title}: ${printable(c.actual)}\n  -> ${c.step}: ${c.suggestion}\n`,
  );
  const down = s.members
    .filter((m) => m.started && !m.reachable)
    .map((m) => `  ${printable(m.name || m.id)} (${printable(m.endpoint ?? '')}): ${printable(m.error ?? '')}\n`);
  const metrics = s.members.some((m) => m.started)
    ? `\nMetrics (from /metrics; * since the member started):\n${renderTable(METRICS_COLUMNS, s.members.filter((m) => m.started).map(metricsCells))}`
    : '';
  return `${renderStatus(s)}${metrics}\n${down.length ? `Unreachable members:\n${down.join('')}\n` : ''}${lines.length ? `What to do:\n${lines.join('')}` : 'Every check passed.\n'}`;
}
