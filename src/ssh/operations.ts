// What the runbook does on member hosts, over the MemberHosts sessions: clocks (step 7), logs with their
// pattern summary (step 3), the connectivity matrix (step 2's `nc -zv`, all links at once), a member's
// service state and its etcd.conf path. Each gives a result per member; nothing here changes a host.
import { readingOf, sampleOf } from '../etcd/clock';
import type { ClockReading } from '../etcd/model';
import { summarizeLog, type LogSummary } from '../etcd/logs/patterns';
import { hostLabel, type HostMember, type MemberHosts, type PerMember } from './hosts';
import { SshError } from './session';
import { template } from './commands';
import type { MemberService } from '../etcd/actions/restart';
import { memberHostSpec } from './target';

/** Samples of a member's clock over SSH; the one with the shortest round trip is kept. */
const SSH_CLOCK_SAMPLES = 3;

/** The NTP state from `timedatectl show -p NTPSynchronized -p NTP` or `chronyc -n tracking`. */
export function parseNtp(output: string): { synchronized: boolean | null; detail: string } {
  const synced = /^NTPSynchronized=(yes|no)$/m.exec(output);
  if (synced) {
    const ntp = /^NTP=(yes|no)$/m.exec(output)?.[1];
    return { synchronized: synced[1] === 'yes', detail: `timedatectl: NTPSynchronized=${synced[1]}${ntp ? `, NTP=${ntp}` : ''}` };
  }
  const leap = /^Leap status\s*:\s*(.+)$/m.exec(output);
  if (leap) {
    const offset = /^System time\s*:\s*(.+)$/m.exec(output)?.[1];
    return {
      synchronized: leap[1].trim() === 'Normal',
      detail: `chronyc: leap status ${leap[1].trim()}${offset ? `, ${offset.trim()}` : ''}`,
    };
  }
  return { synchronized: null, detail: 'neither timedatectl nor chronyc answered' };
}

/**
 * A member host's clock against this machine's: `date +%s.%N` (the clock template) a few times, each
 * bracketed by our wall clock, NTP-style as over /raft/probing; plus the host's NTP state.
 */
export async function sshClock(hosts: MemberHosts, member: HostMember): Promise<ClockReading> {
  const samples = [];
  for (let i = 0; i < SSH_CLOCK_SAMPLES; i++) {
    const started = performance.now();
    const output = await hosts.run(member, 'clock');
    const roundTripMs = performance.now() - started;
    const wall = Date.now();
    const seconds = Number(output.trim());
    if (!/^\d+(\.\d+)?$/.test(output.trim()) || !Number.isFinite(seconds))
      throw new SshError(
        'command',
        `the clock command on ${hostLabel(member)} printed "${output.trim().slice(0, 60)}", not seconds since the epoch`,
      );
    samples.push(sampleOf(seconds * 1000, wall, roundTripMs));
  }
  const reading = readingOf(samples) as ClockReading;
  let ntp: ClockReading['ntp'];
  try {
    ntp = parseNtp(await hosts.run(member, 'ntp'));
  } catch (error) {
    ntp = { synchronized: null, detail: (error as Error).message };
  }
  return { ...reading, source: 'ssh', ntp };
}

/** One link of the matrix: from a member's host to another member's port. */
export interface Link {
  from: string;
  to: string;
  port: 'peer' | 'client';
  url: string;
  /** null: connected; else why not. */
  problem: string | null;
}

/** The matrix: every link that was tried, and the hosts that could not be reached at all. */
export interface ConnectivityMatrix {
  links: Link[];
  unreachableHosts: { member: string; error: string }[];
}

function hostPort(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

/**
 * From every member's host, a TCP connect to every other member's peer and client URLs (the SSH server
 * connects: no nc on the hosts), with a deadline per link. A host where port forwarding is disabled falls
 * back to the portProbe template (bash's /dev/tcp).
 */
export async function connectivityMatrix(
  hosts: MemberHosts,
  members: readonly HostMember[],
  linkTimeoutMs = 3000,
  /** The hosts to connect from (default every member's): e.g. only those reached over SSH. */
  sources: readonly HostMember[] = members,
): Promise<ConnectivityMatrix> {
  const perHost = await hosts.each(sources, async (from) => {
    const session = await hosts.session(from);
    const links: Link[] = [];
    const tries = members
      .filter((to) => to.id !== from.id)
      .flatMap((to) => [
        ...to.peerURLs.map((url) => ({ to, url, port: 'peer' as const })),
        ...to.clientURLs.map((url) => ({ to, url, port: 'client' as const })),
      ]);
    await Promise.all(
      tries.map(async ({ to, url, port }) => {
        const hp = hostPort(url);
        let problem: string | null;
        if (!hp) problem = `"${url}" is not a URL`;
        else {
          try {
            problem = await session.connectFromHost(hp.host, hp.port, linkTimeoutMs);
          } catch {
            // Forwarding disabled on this server: the template's probe from a shell instead.
            problem = await hosts
              .run(from, 'portProbe', { host: hp.host, port: hp.port, seconds: Math.ceil(linkTimeoutMs / 1000) }, linkTimeoutMs + 2000)
              .then(() => null)
              .catch((e: Error) => e.message);
          }
        }
        links.push({ from: hostLabel(from), to: hostLabel(to), port, url, problem });
      }),
    );
    return links;
  });
  const order = (l: Link): string => `${l.from}\u0000${l.to}\u0000${l.port}\u0000${l.url}`;
  return {
    links: perHost.flatMap((r) => r.value ?? []).sort((a, b) => order(a).localeCompare(order(b))),
    unreachableHosts: perHost.filter((r) => r.error).map((r) => ({ member: hostLabel(r.member), error: r.error?.message ?? '' })),
  };
}

/** The matrix as text: one row per source host, a cell per destination (peer/client), the cut links listed. */
export function renderMatrix(matrix: ConnectivityMatrix): string {
  const lines: string[] = [];
  const cut = matrix.links.filter((l) => l.problem !== null);
  lines.push(
    cut.length === 0 && matrix.unreachableHosts.length === 0
      ? `All ${matrix.links.length} links connect.`
      : `${cut.length} of ${matrix.links.length} links cut${matrix.unreachableHosts.length ? `; ${matrix.unreachableHosts.length} host(s) not reached over SSH` : ''}.`,
  );
  for (const l of matrix.links)
    lines.push(`  ${l.problem === null ? 'ok  ' : 'CUT '} ${l.from} → ${l.to} ${l.port} ${l.url}${l.problem ? `: ${l.problem}` : ''}`);
  for (const h of matrix.unreachableHosts) lines.push(`  ??   ${h.member}: ${h.error}`);
  return lines.join('\n');
}

/** Which part of the logs to read. */
export type LogWindow = { lines: number } | { since: string };

/** One member's log: its text and summary, or why it could not be read. */
export type MemberLogs = PerMember<{ text: string; summary: LogSummary }>;

/** The logs of every member (the logs or logsSince template), each with its pattern summary. */
export async function fetchLogs(hosts: MemberHosts, members: readonly HostMember[], window: LogWindow): Promise<MemberLogs[]> {
  return hosts.each(members, async (member) => {
    const text =
      'lines' in window
        ? await hosts.run(member, 'logs', { lines: window.lines })
        : await hosts.run(member, 'logsSince', { since: window.since });
    return { text, summary: summarizeLog(text) };
  });
}

/** etcd's service on a member host, from `systemctl show -p ActiveState -p SubState -p MainPID -p ExecMainStartTimestamp`. */
export interface ServiceState {
  active: string | null;
  sub: string | null;
  mainPid: number | null;
  since: string | null;
}

/** Parses systemctl show's KEY=VALUE lines. Pure. */
export function parseServiceState(output: string): ServiceState {
  const value = (key: string): string | null => new RegExp(`^${key}=(.*)$`, 'm').exec(output)?.[1]?.trim() || null;
  const pid = Number(value('MainPID'));
  return {
    active: value('ActiveState'),
    sub: value('SubState'),
    mainPid: Number.isInteger(pid) && pid > 0 ? pid : null,
    since: value('ExecMainStartTimestamp'),
  };
}

/** A member host's etcd service state and data dir size (the status and dataDir templates). */
export async function hostInfo(
  hosts: MemberHosts,
  member: HostMember,
): Promise<{
  service: ServiceState | null;
  serviceError: string | null;
  dataDir: string;
  dataDirBytes: number | null;
  dataDirError: string | null;
}> {
  const dataDir = hosts.options.dataDir ?? '/var/lib/etcd';
  const [service, du] = await Promise.all([
    hosts.run(member, 'status').then(
      (out) => ({ value: parseServiceState(out), error: null }),
      (e: Error) => ({ value: null, error: e.message }),
    ),
    hosts.run(member, 'dataDir', { dataDir }).then(
      (out) => {
        const bytes = Number(/^(\d+)\s/.exec(out)?.[1]);
        return { value: Number.isFinite(bytes) ? bytes : null, error: null };
      },
      (e: Error) => ({ value: null, error: e.message }),
    ),
  ]);
  return { service: service.value, serviceError: service.error, dataDir, dataDirBytes: du.value, dataDirError: du.error };
}

/** The MemberService of the rolling restart over SSH: the restart and start templates on each member's host. */
export function sshMemberService(hosts: MemberHosts): MemberService {
  // A restart waits for etcd to stop (it flushes its WAL) and start: longer than an ordinary command.
  const timeoutMs = Math.max(hosts.commandTimeoutMs, 90_000);
  return {
    restart: async (member) => void (await hosts.run(member, 'restart', {}, timeoutMs)),
    start: async (member) => void (await hosts.run(member, 'start', {}, timeoutMs)),
    // The command as it will run for this member (values shell-quoted), or the template if it cannot be filled in.
    describe: (member, what) => {
      let command: string;
      try {
        command = hosts.command(member, what);
      } catch {
        command = template(what, hosts.options);
      }
      return `over SSH to ${memberHostSpec(member, hosts.options) ?? '(no host)'}: ${command}`;
    },
  };
}
