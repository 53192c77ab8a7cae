// The runbook's steps as text an operator can act on, with this cluster's endpoints, members and TLS
// flags filled into the etcdctl commands. Opened from the checklist's buttons.
import type { ClusterSnapshot, MemberReport } from './model';
import type { ConnectionProfile } from './profile';
import { STEPS } from './checklist';

/** The runbook steps by their title. */
export type StepTitle = (typeof STEPS)[keyof typeof STEPS];

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** etcdctl's connection flags for a profile (never the password: etcdctl prompts for it). */
export function etcdctlFlags(profile: ConnectionProfile, endpoints: string[] = profile.endpoints): string {
  const flags = [`--endpoints=${endpoints.join(',')}`];
  if (profile.tls?.caFile) flags.push(`--cacert=${profile.tls.caFile}`);
  if (profile.tls?.certFile) flags.push(`--cert=${profile.tls.certFile}`);
  if (profile.tls?.keyFile) flags.push(`--key=${profile.tls.keyFile}`);
  if (profile.username) flags.push(`--user=${profile.username}`);
  return flags.map(shellQuote).join(' ');
}

// Member names are untrusted: in a comment, drop anything that could end the line.
// eslint-disable-next-line no-control-regex
const label = (m: MemberReport): string => (m.name || m.id).replace(/[\u0000-\u001f\u007f]/g, ' ');
const host = (url: string | undefined): string => {
  try {
    return url ? new URL(url).hostname : '<host>';
  } catch {
    return '<host>';
  }
};

/** Markdown for one runbook step, specific to this cluster's current state. */
export function runbookStepMarkdown(step: string, s: ClusterSnapshot | undefined, profile: ConnectionProfile): string {
  const e = etcdctlFlags(profile);
  const members = s?.members ?? [];
  const down = members.filter((m) => m.started && !m.reachable);
  const up = members.filter((m) => m.reachable);
  const out: string[] = [`# ${step} — cluster "${profile.name}"`, ''];
  if (s) {
    out.push(
      `State at ${s.takenAt}: ${s.leaderId ? `leader ${s.leaderName || s.leaderId}` : 'NO LEADER'}, ${s.quorum.reachable} of ${s.quorum.votingMembers} voting members reachable (quorum needs ${s.quorum.needed}).`,
      '',
    );
    const failing = s.checks.filter((c) => c.ok === false && c.step === step);
    for (const c of failing) out.push(`- **${c.title}**: ${c.actual}. ${c.suggestion}`);
    if (failing.length) out.push('');
  }
  const code = (...lines: string[]): void => {
    out.push('```sh', ...lines, '```', '');
  };
  switch (step) {
    case STEPS.status:
      code(
        `etcdctl ${e} endpoint status --cluster -w table`,
        `etcdctl ${e} member list -w table`,
        `etcdctl ${e} endpoint health --cluster`,
        `etcdctl ${e} alarm list`,
      );
      break;
    case STEPS.connectivity:
      out.push('From each member, check the peer (2380) and client (2379) ports of the others:', '');
      code(...members.flatMap((m) => [...m.peerURLs, ...m.clientURLs].map((u) => `nc -zv ${host(u)} ${new URL(u).port}   # ${label(m)}`)));
      out.push('Firewall rules on each member:', '');
      code('iptables -L -n -v | grep -E "2379|2380"');
      break;
    case STEPS.logs:
      out.push(`On ${down.length ? down.map(label).join(', ') : 'each member'}:`, '');
      code(
        'journalctl -u etcd -n 100 --no-pager',
        'journalctl -u etcd | grep -E "election|leader|raft|slow fdatasync|took too long"',
        'iostat -x 1 10',
      );
      break;
    case STEPS.restart:
      out.push('Restart the members that are down **one at a time**, waiting for each to become healthy:', '');
      for (const m of down.length ? down : members)
        code(
          `ssh ${host(m.peerURLs[0])} "systemctl restart etcd"   # ${label(m)}`,
          `etcdctl ${etcdctlFlags(profile, m.clientURLs.length ? m.clientURLs : profile.endpoints)} endpoint health`,
        );
      break;
    case STEPS.quorum: {
      const survivor = up[0];
      out.push(
        'If the lost members cannot be brought back (Step 4), restore quorum from one survivor.',
        '**CAUTION: --force-new-cluster discards the other members; take a snapshot first.**',
        '',
      );
      code(
        `etcdctl ${etcdctlFlags(profile, survivor?.clientURLs ?? profile.endpoints)} snapshot save backup-$(date +%Y%m%d%H%M%S).db`,
        `# on ${survivor ? label(survivor) : 'the survivor'}: stop etcd, then start it once with`,
        `etcd --force-new-cluster --data-dir=<its data dir> --name=${survivor?.name ? shellQuote(survivor.name) : '<name>'} \\`,
        `  --listen-client-urls=${survivor?.clientURLs.join(',') || '<client urls>'} --advertise-client-urls=${survivor?.clientURLs.join(',') || '<client urls>'}`,
        '# then add the other members back one by one (Step 6)',
      );
      break;
    }
    case STEPS.addMember:
      for (const m of down)
        code(
          `etcdctl ${e} member remove ${m.id}   # ${label(m)}`,
          `etcdctl ${e} member add ${m.name ? shellQuote(m.name) : '<name>'} --peer-urls=${shellQuote(m.peerURLs.join(','))}`,
        );
      if (!down.length) code(`etcdctl ${e} member add <name> --peer-urls=http://<host>:2380`);
      out.push(
        'Start the new member with ETCD_INITIAL_CLUSTER_STATE=existing and the ETCD_INITIAL_CLUSTER printed by `member add` (the command "Generate Member Configuration" writes the file).',
        '',
      );
      break;
    case STEPS.clock:
      code(...members.map((m) => `ssh ${host(m.peerURLs[0])} date +%s.%N   # ${label(m)}`), 'timedatectl status', 'chronyc tracking');
      break;
    case STEPS.timeouts:
      out.push(
        'Heartbeat about the round-trip time between members; election timeout at least 10 x heartbeat (etcd refuses below 5 x), the same on every member:',
        '',
      );
      code('ETCD_HEARTBEAT_INTERVAL=500', 'ETCD_ELECTION_TIMEOUT=5000');
      break;
    case STEPS.defrag: {
      const rev = 'rev=$(etcdctl ' + e + ' endpoint status -w json | grep -o \'"revision":[0-9]*\' | head -1 | cut -d: -f2)';
      code(
        rev,
        `etcdctl ${e} compact "$rev"`,
        ...up.map((m) => `etcdctl ${etcdctlFlags(profile, m.clientURLs)} defrag   # ${label(m)}, one at a time`),
        `etcdctl ${e} alarm disarm`,
        `etcdctl ${e} endpoint status --cluster -w table`,
      );
      break;
    }
    default:
      out.push('No further instructions for this step.');
  }
  return out.join('\n');
}
