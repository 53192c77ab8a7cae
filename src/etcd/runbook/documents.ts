// The body of each runbook step's document (steps 1–9; step 10 is monitor.ts): the runbook's commands with
// this cluster's endpoints, members and TLS flags filled in, names shell-quoted.
import type { ClusterSnapshot, MemberReport } from '../model';
import type { ConnectionProfile } from '../profile';
import { etcdctlFlags, hostOf, memberLabel, shellQuote } from './shell';

/** What a step's document is written from. */
export interface StepContext {
  /** The latest refresh, or undefined before the first. */
  snapshot: ClusterSnapshot | undefined;
  profile: ConnectionProfile;
  /** etcdctl's connection flags for the configured endpoints. */
  flags: string;
  members: MemberReport[];
  /** Members that answered. */
  up: MemberReport[];
  /** Started members that did not answer. */
  down: MemberReport[];
}

/** Markdown lines of a fenced code block in the given language. */
export function code(lines: string[], language = 'sh'): string[] {
  // A quoted value can hold a line of backticks (a member name can): the fence is longer than any run of them,
  // so no value closes the block early and turns the rest of the command into markdown.
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(longest + 1);
  return [fence + language, ...lines, fence, ''];
}

export function statusDocument({ flags: e }: StepContext): string[] {
  return code([
    `etcdctl ${e} endpoint status --cluster -w table`,
    `etcdctl ${e} member list -w table`,
    `etcdctl ${e} endpoint health --cluster`,
    `etcdctl ${e} alarm list`,
  ]);
}

export function connectivityDocument({ members }: StepContext): string[] {
  return [
    'From each member, check the peer (2380) and client (2379) ports of the others:',
    '',
    ...code(
      members.flatMap((m) => [...m.peerURLs, ...m.clientURLs].map((u) => `nc -zv ${hostOf(u)} ${new URL(u).port}   # ${memberLabel(m)}`)),
    ),
    'Firewall rules on each member:',
    '',
    ...code(['iptables -L -n -v | grep -E "2379|2380"']),
  ];
}

export function logsDocument({ down }: StepContext): string[] {
  return [
    `On ${down.length ? down.map(memberLabel).join(', ') : 'each member'}:`,
    '',
    ...code([
      'journalctl -u etcd -n 100 --no-pager',
      'journalctl -u etcd | grep -E "election|leader|raft|slow fdatasync|took too long"',
      'iostat -x 1 10',
    ]),
  ];
}

export function restartDocument({ profile, members, down }: StepContext): string[] {
  return [
    'Restart the members that are down **one at a time**, waiting for each to become healthy:',
    '',
    ...(down.length ? down : members).flatMap((m) =>
      code([
        `ssh ${hostOf(m.peerURLs[0])} "systemctl restart etcd"   # ${memberLabel(m)}`,
        `etcdctl ${etcdctlFlags(profile, m.clientURLs.length ? m.clientURLs : profile.endpoints)} endpoint health`,
      ]),
    ),
  ];
}

export function quorumDocument({ profile, up }: StepContext): string[] {
  const survivor = up[0];
  const urls = survivor?.clientURLs.join(',') || '<client urls>';
  return [
    'If the lost members cannot be brought back (Step 4), restore quorum from one survivor.',
    '**CAUTION: --force-new-cluster discards the other members; take a snapshot first.**',
    '',
    ...code([
      `etcdctl ${etcdctlFlags(profile, survivor?.clientURLs ?? profile.endpoints)} snapshot save backup-$(date +%Y%m%d%H%M%S).db`,
      `# on ${survivor ? memberLabel(survivor) : 'the survivor'}: stop etcd, then start it once with`,
      `etcd --force-new-cluster --data-dir=<its data dir> --name=${survivor?.name ? shellQuote(survivor.name) : '<name>'} \\`,
      `  --listen-client-urls=${urls} --advertise-client-urls=${urls}`,
      '# then add the other members back one by one (Step 6)',
    ]),
  ];
}

export function addMemberDocument({ flags: e, down }: StepContext): string[] {
  return [
    ...down.flatMap((m) =>
      code([
        `etcdctl ${e} member remove ${m.id}   # ${memberLabel(m)}`,
        `etcdctl ${e} member add ${m.name ? shellQuote(m.name) : '<name>'} --peer-urls=${shellQuote(m.peerURLs.join(','))}`,
      ]),
    ),
    ...(down.length ? [] : code([`etcdctl ${e} member add <name> --peer-urls=http://<host>:2380`])),
    'Start the new member with ETCD_INITIAL_CLUSTER_STATE=existing and the ETCD_INITIAL_CLUSTER printed by `member add` (the command "Generate Member Configuration" writes the file).',
    '',
  ];
}

export function clockDocument({ members, snapshot }: StepContext): string[] {
  const measured = (m: MemberReport): string =>
    !snapshot
      ? ''
      : m.clock
        ? `: ${m.clock.offsetMs >= 0 ? '+' : '-'}${Math.abs(m.clock.offsetMs).toFixed(1)} ms ±${m.clock.uncertaintyMs.toFixed(1)} from here`
        : ': not measured from here';
  return [
    'etcd logs "prober found high clock drift" at 1 s between peers; the checklist flags 500 ms. Each member\'s offset from this machine is read on its peer port (GET /raft/probing, the shortest of up to 5 round trips, ± half of it); a member whose peer port cannot be read from here (down, firewalled, https peer URLs without the cluster\'s peerTls files) is compared by hand:',
    '',
    ...code([
      ...members.map((m) => `ssh ${hostOf(m.peerURLs[0])} date +%s.%N   # ${memberLabel(m)}${measured(m)}`),
      'timedatectl status',
      'chronyc tracking',
    ]),
    'If a clock is off: `chronyc makestep` (or `ntpd -gq`) on that member, then restart etcd there (Step 4).',
    '',
  ];
}

export function timeoutsDocument(): string[] {
  return [
    'Heartbeat about the round-trip time between members; election timeout at least 10 x heartbeat (etcd refuses below 5 x), the same on every member:',
    '',
    ...code(['ETCD_HEARTBEAT_INTERVAL=500', 'ETCD_ELECTION_TIMEOUT=5000']),
  ];
}

export function defragDocument({ profile, flags: e, up }: StepContext): string[] {
  return code([
    `rev=$(etcdctl ${e} endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)`,
    `etcdctl ${e} compact "$rev"`,
    ...up.map((m) => `etcdctl ${etcdctlFlags(profile, m.clientURLs)} defrag   # ${memberLabel(m)}, one at a time`),
    `etcdctl ${e} alarm disarm`,
    `etcdctl ${e} endpoint status --cluster -w table`,
  ]);
}
