// The commands that reach the member hosts over SSH: `etcd-inspector logs` (the per-member log summary) and
// `etcd-inspector diagnose --ssh` (diagnose plus clocks, the connectivity matrix and log findings). Their own
// bundle (dist/cli-ssh.js), so status and lint never load ssh2. Host keys as OpenSSH's
// StrictHostKeyChecking=yes, or accept-new with --ssh-accept-new; ssh-agent from SSH_AUTH_SOCK; an encrypted
// identity file's passphrase only from $ETCD_INSPECTOR_SSH_PASSPHRASE (never a command-line argument).
import { appendFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterInspector } from '../etcd/probe';
import type { ClusterSnapshot } from '../etcd/model';
import { renderLogSummary, type MemberLog } from '../etcd/logs/render';
import { safeText } from '../etcd/logs/patterns';
import { DEFAULT_COMMANDS } from '../ssh/commands';
import { MemberHosts } from '../ssh/hosts';
import { SshTunnel } from '../ssh/tunnel';
import type { SessionOptions } from '../ssh/session';
import { knownHostsEntry } from '../ssh/knownHosts';
import { connectivityMatrix, fetchLogs, hostInfo, renderMatrix, sshClock, type LogWindow, type MemberLogs } from '../ssh/operations';
import { withSshFindings, type SshMeasurements } from '../ssh/findings';
import { parseHostSpec, type SshOptions } from '../ssh/target';
import { formatBinaryBytes, printable } from '../shared/text';
import { EXIT, type CliIo } from './cli';
import {
  argumentError,
  CONFIG_HELP,
  CONFIG_OPTION,
  configForDiagnosis,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  diagnosisJson,
  PEER_TLS_OPTIONS,
  profileFromArgs,
  SSH_CONNECTION_OPTIONS,
  renderDiagnosis,
} from './status';
import { diagnose as diagnoseCauses } from '../etcd/causes';
import { renderCauses } from '../etcd/printer';

export const SSH_OPTIONS = {
  ...SSH_CONNECTION_OPTIONS,
  'ssh-host': { type: 'string', multiple: true },
  'ssh-timeout-ms': { type: 'string' },
  'ssh-unit': { type: 'string' },
  'ssh-data-dir': { type: 'string' },
  'ssh-command': { type: 'string', multiple: true },
} as const;

export const SSH_HELP = `SSH to the member hosts (a member's host is its peer URL's host unless --ssh-host says otherwise):
  --ssh-user USER            remote user (default: ~/.ssh/config, else your user name)
  --ssh-port N               SSH port (default: ~/.ssh/config, else 22)
  --ssh-identity FILE        private key (default: ~/.ssh/config, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)
  --ssh-known-hosts FILE     known_hosts file instead of ~/.ssh/known_hosts (must exist)
  --ssh-config FILE          ssh client configuration (default ~/.ssh/config; "none" reads none)
  --ssh-jump [USER@]HOST[:PORT][,...]
                             jump host(s), like ssh -J
  --ssh-host NAME=[USER@]HOST[:PORT]
                             a member's host (repeatable)
  --ssh-accept-new           trust and record the key of a host never seen before (an unknown key is
                             refused otherwise; a changed or revoked key is always refused)
  --ssh-timeout-ms N         deadline of one remote command (default 15000)
  --ssh-unit NAME            etcd's systemd unit (default etcd)
  --ssh-data-dir DIR         etcd's data dir on the hosts (default /var/lib/etcd), for its size
  --ssh-command NAME=TEMPLATE
                             replace a remote command (repeatable): logs, logsSince, clock, ntp, status,
                             restart, start, portProbe, dataDir, configPath; {name}, {lines}, {since}, {unit}
                             ... are filled in shell-quoted, e.g. logs='crictl logs --tail {lines} $(crictl ps -q --name etcd)'
ssh-agent is used when SSH_AUTH_SOCK is set; an encrypted key's passphrase is read from
$ETCD_INSPECTOR_SSH_PASSPHRASE. Remote commands follow systemd defaults (journalctl -u etcd, date +%s.%N).
`;

const LOGS_HELP = `Usage: etcd-inspector logs [options]

The last lines of every member's etcd log over SSH (journalctl -u etcd), with a summary per member at the
top: leader changes, elections, unhealthy peers, clock drift, slow fdatasync, slow applies, late heartbeats,
NOSPACE and lost peer streams.

Options:
  --lines N                  the last N lines of each member's log (default 1000)
  --since TIME               instead, everything since TIME (journalctl's --since: "1 hour ago", "2024-01-02 10:00")
  --full                     print each member's log under the summary
  --examples                 show up to three example lines per pattern
${CONNECTION_HELP}
${SSH_HELP}
Exit status: 0 every member's log was read, 1 some member's log could not be read, 2 bad arguments or no
endpoint answered.
`;

class SshArgumentError extends Error {}

/** The cluster's `ssh` block from --ssh-* options. */
export function sshOptionsFromArgs(values: Record<string, unknown>): { options: SshOptions; acceptNew: boolean } {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const options: SshOptions = {};
  if (str('ssh-user')) options.user = str('ssh-user');
  const port = str('ssh-port');
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      throw new SshArgumentError(`--ssh-port takes a port number, got "${port}"`);
    options.port = Number(port);
  }
  if (str('ssh-identity')) options.identityFile = str('ssh-identity');
  if (str('ssh-known-hosts')) options.knownHostsFile = str('ssh-known-hosts');
  const config = str('ssh-config');
  if (config !== undefined) options.sshConfig = config === 'none' ? false : config;
  const jump = str('ssh-jump');
  if (jump !== undefined) {
    for (const hop of jump.split(',')) parseHostSpec(hop);
    options.jumpHost = jump;
  }
  for (const entry of (values['ssh-host'] as string[] | undefined) ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new SshArgumentError(`--ssh-host takes NAME=[USER@]HOST[:PORT], got "${printable(entry)}"`);
    parseHostSpec(entry.slice(eq + 1));
    options.hosts = { ...options.hosts, [entry.slice(0, eq)]: entry.slice(eq + 1) };
  }
  if (str('ssh-unit')) options.unit = str('ssh-unit');
  if (str('ssh-data-dir')) options.dataDir = str('ssh-data-dir');
  for (const entry of (values['ssh-command'] as string[] | undefined) ?? []) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, Math.max(eq, 0));
    if (eq <= 0 || !(name in DEFAULT_COMMANDS)) {
      throw new SshArgumentError(`--ssh-command takes NAME=TEMPLATE with NAME one of ${Object.keys(DEFAULT_COMMANDS).join(', ')}`);
    }
    options.commands = { ...options.commands, [name]: entry.slice(eq + 1) };
  }
  const timeout = str('ssh-timeout-ms');
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!Number.isInteger(n) || n < 100 || n > 3_600_000)
      throw new SshArgumentError(`--ssh-timeout-ms must be an integer between 100 and 3600000`);
    options.timeoutMs = n;
  }
  return { options, acceptNew: values['ssh-accept-new'] === true };
}

/** MemberHosts for the CLI: agent and passphrase from the environment, unknown keys refused unless accept-new. */
async function cliHosts(options: SshOptions, acceptNew: boolean, io: CliIo): Promise<MemberHosts> {
  return MemberHosts.create(options, cliSessionOptions(options, acceptNew, io));
}

/** The tunnel of --ssh-tunnel, with the CLI's SSH options and its host-key discipline (errors on stderr). */
export async function tunnelFor(spec: string, values: Record<string, unknown>): Promise<SshTunnel> {
  const { options, acceptNew } = sshOptionsFromArgs(values);
  return SshTunnel.create(spec, options, cliSessionOptions(options, acceptNew, { stdout: process.stdout, stderr: process.stderr }));
}

/** The CLI's SSH session options: agent and passphrase from the environment, unknown keys refused unless accept-new. */
function cliSessionOptions(options: SshOptions, acceptNew: boolean, io: CliIo): SessionOptions {
  const knownHostsFile = options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
  const recorded = new Set<string>();
  return {
    credentials: { passphrase: async () => process.env.ETCD_INSPECTOR_SSH_PASSPHRASE },
    connectTimeoutMs: Math.min(options.timeoutMs ?? 15_000, 15_000),
    onUnknownHostKey: async (hop, key, fingerprint) => {
      if (!acceptNew) return false;
      const entry = knownHostsEntry(hop.host, hop.port, key);
      if (!recorded.has(entry)) {
        recorded.add(entry);
        await appendFile(knownHostsFile, `${entry}\n`, { mode: 0o600 });
        io.stderr.write(`etcd-inspector: permanently added ${hop.host} port ${hop.port} (${fingerprint}) to ${knownHostsFile}\n`);
      }
      return true;
    },
  };
}

/** Parses connection + SSH options (+ extra), prints usage errors; null when the command should exit. */
async function setUp(
  args: string[],
  io: CliIo,
  help: string,
  extra: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string; multiple?: boolean }>,
): Promise<{ values: Record<string, unknown>; inspector: ClusterInspector; ssh: { options: SshOptions; acceptNew: boolean } } | number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      options: { ...CONNECTION_OPTIONS, ...PEER_TLS_OPTIONS, ...SSH_OPTIONS, ...extra, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${argumentError(error)}\n\n${help}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  try {
    const ssh = sshOptionsFromArgs(values);
    const profile = await profileFromArgs(values as Record<string, string | boolean | undefined>, process.env);
    return { values, inspector: new ClusterInspector(profile), ssh };
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
}

/**
 * What logs and diagnose --ssh share once their arguments are read: one refresh (for the member list), the
 * member hosts with the ssh configuration's notes printed, then `work`; the inspector and the SSH sessions are
 * closed whatever happens. Exit 2 when no endpoint answered.
 */
async function onClusterHosts(
  set: { inspector: ClusterInspector; ssh: { options: SshOptions; acceptNew: boolean } },
  io: CliIo,
  work: (snapshot: ClusterSnapshot, hosts: MemberHosts) => Promise<number>,
): Promise<number> {
  let hosts: MemberHosts | null = null;
  try {
    const snapshot = await set.inspector.refresh();
    if (snapshot.members.length === 0) {
      io.stderr.write(`etcd-inspector: no endpoint answered\n${snapshot.errors.map((e) => `  ${printable(e)}\n`).join('')}`);
      return EXIT.usage;
    }
    hosts = await cliHosts(set.ssh.options, set.ssh.acceptNew, io);
    for (const note of hosts.notes) io.stderr.write(`etcd-inspector: ${printable(note)}\n`);
    return await work(snapshot, hosts);
  } finally {
    hosts?.close();
    set.inspector.dispose();
  }
}

/** A member's fetched log as the summary renders it. */
function memberLog(l: MemberLogs): MemberLog {
  return { name: l.member.name || l.member.id, summary: l.value?.summary ?? null, ...(l.error ? { error: l.error.message } : {}) };
}

/** `etcd-inspector logs`. */
export async function logsCommand(args: string[], io: CliIo): Promise<number> {
  const set = await setUp(args, io, LOGS_HELP, {
    lines: { type: 'string' },
    since: { type: 'string' },
    full: { type: 'boolean' },
    examples: { type: 'boolean' },
  });
  if (typeof set === 'number') return set;
  const { values } = set;
  let window: LogWindow;
  if (values.since !== undefined && values.lines !== undefined) {
    io.stderr.write('etcd-inspector: --lines and --since exclude each other\n');
    set.inspector.dispose();
    return EXIT.usage;
  }
  if (typeof values.since === 'string') window = { since: values.since };
  else {
    const lines = Number(values.lines ?? 1000);
    if (!Number.isInteger(lines) || lines < 1 || lines > 1_000_000) {
      io.stderr.write('etcd-inspector: --lines takes a whole number between 1 and 1000000\n');
      set.inspector.dispose();
      return EXIT.usage;
    }
    window = { lines };
  }
  return onClusterHosts(set, io, async (snapshot, hosts) => {
    const logs = await fetchLogs(
      hosts,
      snapshot.members.filter((m) => m.started),
      window,
    );
    const heading = 'lines' in window ? `last ${window.lines} lines` : `since ${window.since}`;
    io.stdout.write(renderLogSummary(logs.map(memberLog), { window: heading, examples: values.examples === true }));
    if (values.full === true) {
      for (const l of logs) {
        // Each line made printable as the summary's are (ANSI sequences removed, controls escaped).
        if (l.value)
          io.stdout.write(`\n===== ${safeText(l.member.name || l.member.id)} =====\n${l.value.text.split('\n').map(safeText).join('\n')}`);
      }
    }
    return logs.some((l) => l.error) ? EXIT.failed : EXIT.ok;
  });
}

/** `etcd-inspector diagnose --ssh`. */
export async function diagnoseSshCommand(args: string[], io: CliIo): Promise<number> {
  const set = await setUp(
    args.filter((a) => a !== '--ssh'),
    io,
    `Usage: etcd-inspector diagnose --ssh [options]\n\nOptions:\n${CONNECTION_HELP}  --output table|json\n${CONFIG_HELP}${SSH_HELP}`,
    { output: { type: 'string', short: 'w', default: 'table' }, ...CONFIG_OPTION },
  );
  if (typeof set === 'number') return set;
  return onClusterHosts(set, io, async (snapshot, hosts) => {
    const members = snapshot.members.filter((m) => m.started || m.peerURLs.length > 0);
    const [clocks, matrix, logs, infos, memberViews] = await Promise.all([
      hosts.each(members, (m) => sshClock(hosts, m)),
      connectivityMatrix(hosts, members),
      fetchLogs(
        hosts,
        members.filter((m) => m.started),
        { lines: 1000 },
      ),
      hosts.each(members, (m) => hostInfo(hosts, m)),
      set.inspector.memberViews(snapshot),
    ]);
    const measured: SshMeasurements = {
      clocks: new Map(clocks.map((c) => [c.member.id, { reading: c.value ?? null, error: c.error?.message ?? null }])),
      matrix,
    };
    const result = withSshFindings(snapshot, measured);
    const read = await configForDiagnosis(Array.isArray(set.values.config) ? (set.values.config as string[]) : [], snapshot, io);
    if (typeof read === 'number') return read;
    // The causes, from everything gathered: the refresh, the clocks and matrix merged into it, the logs'
    // pattern counts and the service states.
    const diagnosis = diagnoseCauses({
      snapshot: result,
      config: read.config,
      memberViews,
      matrix,
      logs: logs.map((l) => ({ member: l.member.name || l.member.id, summary: l.value?.summary ?? null, error: l.error?.message ?? null })),
      services: infos.map((i) => ({
        member: i.member.name || i.member.id,
        active: i.value?.service?.active ?? null,
        sub: i.value?.service?.sub ?? null,
        since: i.value?.service?.since ?? null,
        error: i.error?.message ?? i.value?.serviceError ?? null,
      })),
    });
    if (set.values.output === 'json') {
      const ssh = {
        hosts: infos.map((i) => ({ member: i.member.name, ...(i.value ?? { error: i.error?.message }) })),
        matrix,
        clockErrors: clocks.filter((c) => c.error).map((c) => ({ member: c.member.name, error: c.error?.message })),
        logs: logs.map((l) => ({
          member: l.member.name || l.member.id,
          summary: l.value?.summary ?? null,
          error: l.error?.message ?? null,
        })),
      };
      io.stdout.write(`${JSON.stringify({ ...(diagnosisJson(result, diagnosis) as object), ssh }, null, 2)}\n`);
    } else {
      const clockLines = clocks.map((c) =>
        c.value
          ? `  ${printable(c.member.name)}: ${c.value.offsetMs >= 0 ? '+' : ''}${c.value.offsetMs.toFixed(1)} ms ±${c.value.uncertaintyMs.toFixed(1)}${c.value.ntp ? ` · ${printable(c.value.ntp.detail)}` : ''}`
          : `  ${printable(c.member.name)}: ${printable(c.error?.message ?? '')}`,
      );
      const serviceLines = infos.map((i) => {
        const name = printable(i.member.name || i.member.id);
        if (!i.value) return `  ${name}: ${printable(i.error?.message ?? '')}`;
        const { service, serviceError, dataDir, dataDirBytes, dataDirError } = i.value;
        const state = service
          ? `${service.active ?? '?'} (${service.sub ?? '?'})${service.mainPid ? `, pid ${service.mainPid}` : ''}${service.since ? `, since ${service.since}` : ''}`
          : `unknown: ${serviceError ?? ''}`;
        const size = dataDirBytes !== null ? formatBinaryBytes(dataDirBytes) : `unknown (${dataDirError ?? ''})`;
        return `  ${name}: etcd ${printable(state)}; data dir ${printable(dataDir)} ${printable(size)}`;
      });
      io.stdout.write(
        `${renderCauses(diagnosis)}\n${renderDiagnosis(result)}\nOver SSH:\nService and data dir:\n${serviceLines.join('\n')}\n\nClocks (member minus this machine):\n${clockLines.join('\n')}\n\nConnectivity between the member hosts:\n${renderMatrix(matrix)}\n\n${renderLogSummary(
          logs.map(memberLog),
          { window: 'last 1000 lines' },
        )}`,
      );
    }
    return result.checks.some((c) => c.ok === false) ? EXIT.failed : EXIT.ok;
  });
}
