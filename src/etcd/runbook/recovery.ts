// The two documents for the worst day (issue 10, actions 5 and 6): restoring every member from one snapshot,
// and bringing back a cluster that lost quorum. Pure functions of a snapshot and a profile that write this
// cluster's names, URLs, data dirs and TLS flags into every command, every value shell-quoted; they never
// run anything (a restore or --force-new-cluster is the operator's decision, made on the hosts).
import { createHash } from 'node:crypto';
import { clip, printable } from '../../shared/text';
import type { ClusterSnapshot, MemberReport } from '../model';
import type { ConnectionProfile } from '../profile';
import { code } from './documents';
import { commentText, etcdctlFlags, hostOf, shellQuote } from './shell';
import { stepHeading } from './steps';

/** Where etcd keeps its data when the caller does not say (the distribution packages' and kubeadm's default). */
export const DEFAULT_DATA_DIR = '/var/lib/etcd';

/** How far --bump-revision moves the revision: beyond any revision handed out before a restore (etcd's advice for Kubernetes). */
export const BUMP_REVISION = 1_000_000_000;

/** Options of restoreGuide: data dir per member name, and the new cluster token (generated when absent). */
export interface RestoreGuideOptions {
  dataDirs?: Record<string, string>;
  token?: string;
}

/** Options of recoveryGuide: data dir per member name. */
export interface RecoveryGuideOptions {
  dataDirs?: Record<string, string>;
}

/** Everything the restore commands are written from. */
interface RestorePlan {
  /** Started voting members: each gets its data dir restored from the snapshot. */
  members: MemberReport[];
  /** Learners and members never started: not part of the restored cluster. */
  left: MemberReport[];
  token: string;
  tokenGiven: boolean;
  /** etcdutl (etcd ≥ 3.5) or, when a member runs an older etcd, etcdctl for every member alike. */
  tool: 'etcdutl' | 'etcdctl';
  toolReason: string;
  initialCluster: string;
  dataDir(m: MemberReport): string;
  freshDir(m: MemberReport): string;
  dataDirGiven(m: MemberReport): boolean;
}

/**
 * Markdown for restoring every member of this cluster from `snapshotFile`: check the snapshot, stop every
 * member, restore each into a fresh data dir with one new cluster token, start them, verify; with
 * --bump-revision/--mark-compacted explained for Kubernetes. It never runs anything.
 */
export function restoreGuide(
  snapshot: ClusterSnapshot,
  profile: ConnectionProfile,
  snapshotFile: string,
  options: RestoreGuideOptions = {},
): string {
  const plan = restorePlan(snapshot, options, snapshotFile);
  const out = [`# Restore from a snapshot — cluster ${md(profile.name)}`, '', stateLine(snapshot), ''];
  out.push(
    'etcd Inspector only writes these commands; it never runs a restore. A restore replaces the data of **every** member with the ' +
      'snapshot’s: whatever was written after the snapshot was taken is lost. Every member is restored from the same file, with the ' +
      'same flags: members restored from different snapshots (or some restored and some not) do not form one consistent cluster.',
    '',
  );
  if (snapshot.quorum.hasQuorum && snapshot.leaderId)
    out.push(
      `**This cluster has quorum now** (leader ${md(snapshot.leaderName || snapshot.leaderId)}): restore only to go back to the ` +
        `snapshot’s data (a bad write, a corrupt database), not to fix a member that is down (${stepHeading('restart')}; ${stepHeading('add-member')}).`,
      '',
    );
  out.push(`- Snapshot: ${md(snapshotFile)}`);
  out.push(...planFacts(plan));
  out.push('', ...restoreSteps(plan, profile, shellQuote(snapshotFile), '##'));
  return out.join('\n');
}

/**
 * Markdown for a cluster without quorum: which members are down and why, how many must come back, and three
 * options (bring them back; restore every member from one snapshot; --force-new-cluster on the most
 * up-to-date survivor, then re-add the others one at a time as learners). It never runs anything. When the
 * cluster has quorum it says so first, and that none of this is needed.
 */
export function recoveryGuide(snapshot: ClusterSnapshot, profile: ConnectionProfile, options: RecoveryGuideOptions = {}): string {
  const q = snapshot.quorum;
  const voting = snapshot.members.filter((m) => !m.isLearner);
  const down = voting.filter((m) => !m.reachable);
  const out = [`# Quorum-loss recovery — cluster ${md(profile.name)}`, '', stateLine(snapshot), ''];
  if (q.hasQuorum && snapshot.leaderId) {
    out.push(
      `**This cluster has quorum**: ${q.reachable} of ${q.votingMembers} voting members answer (quorum needs ${q.needed}) and ` +
        `${md(snapshot.leaderName || snapshot.leaderId)} leads. None of this guide is needed: no restore, no --force-new-cluster.`,
      '',
    );
    if (down.length)
      out.push(
        `Down: ${down.map((m) => md(m.name || m.id)).join(', ')}. Bring ${down.length === 1 ? 'it' : 'them'} back (${stepHeading('restart')}) ` +
          `or replace ${down.length === 1 ? 'it' : 'them'} (${stepHeading('add-member')}); the cluster keeps working meanwhile.`,
        '',
      );
    return out.join('\n');
  }
  if (snapshot.members.length === 0) {
    out.push(
      'No endpoint gave the member list, so this guide cannot name the members. Why:',
      '',
      ...(snapshot.errors.length ? snapshot.errors.map((e) => `- ${md(e)}`) : ['- (no error recorded)']),
      '',
      `Check that at least one member runs and is reachable (${stepHeading('connectivity')}, ${stepHeading('restart')}), then write this guide again.`,
      '',
    );
    return out.join('\n');
  }
  const plan = restorePlan(snapshot, options, undefined);
  const missing = Math.max(0, q.needed - q.reachable);
  out.push(
    'etcd Inspector only writes these commands; it never runs any of them, and never --force-new-cluster. Read the whole ' +
      'guide before running anything: option 1 loses nothing, option 2 loses what was written since the snapshot, option 3 ' +
      'loses whatever only the other members had.',
    '',
    '## What is down',
    '',
    q.reachable >= q.needed
      ? `${q.reachable} of ${q.votingMembers} voting members answer (quorum needs ${q.needed}), yet none names a leader: the members ` +
          `that answer cannot reach each other (${stepHeading('connectivity')}) or cannot hold an election (${stepHeading('clock')}; ` +
          `${stepHeading('timeouts')}). Fix that first; the options below are for members that cannot come back.`
      : `${q.votingMembers} voting members; quorum needs ${q.needed}; ${q.reachable} answer${q.reachable === 1 ? 's' : ''}: ` +
          `at least **${missing}** more must come back before the cluster can elect a leader and accept reads and writes.`,
    '',
  );
  for (const m of voting) out.push(`- ${memberLine(m, plan)}`);
  for (const m of snapshot.members.filter((x) => x.isLearner))
    out.push(`- learner ${md(m.name || m.id)} (does not vote, does not count for quorum): ${m.reachable ? 'answers' : errorOf(m)}`);
  out.push('', 'The errors are the text the probes got back (from the member, or from this machine’s network stack).', '');

  out.push(...optionRestart(down, profile, plan));
  out.push(...optionRestore(snapshot, plan, profile));
  out.push(...optionForceNewCluster(snapshot, plan, profile));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------- restore

function restorePlan(snapshot: ClusterSnapshot, options: RestoreGuideOptions, snapshotFile: string | undefined): RestorePlan {
  const members = snapshot.members.filter((m) => m.started && m.name && !m.isLearner);
  const left = snapshot.members.filter((m) => !members.includes(m));
  const token = options.token ?? generatedToken(snapshot, snapshotFile);
  const dirOf = (m: MemberReport) => options.dataDirs?.[m.name] ?? DEFAULT_DATA_DIR;
  const tag = createHash('sha256').update(token).digest('hex').slice(0, 8);
  const old = members.filter((m) => m.status && olderThan35(m.status.version));
  const known = members.filter((m) => m.status);
  const tool = old.length ? 'etcdctl' : 'etcdutl';
  const toolReason = old.length
    ? `${old.map((m) => `${md(m.name)} runs etcd ${md(m.status?.version ?? '')}`).join(', ')}: etcdutl comes with etcd 3.5, so every member is restored with \`etcdctl snapshot restore\` alike`
    : known.length
      ? `every member that answered runs etcd ${[...new Set(known.map((m) => md(m.status?.version ?? '')))].join(', ')}`
      : 'no member answered, so the version is unknown: etcd 3.5 or later assumed (on etcd 3.4 use `etcdctl snapshot restore` without --bump-revision and --mark-compacted)';
  return {
    members,
    left,
    token,
    tokenGiven: options.token !== undefined,
    tool,
    toolReason,
    initialCluster: members.flatMap((m) => m.peerURLs.map((u) => `${m.name}=${u}`)).join(','),
    dataDir: dirOf,
    freshDir: (m) => `${dirOf(m).replace(/\/+$/, '') || ''}.restored-${tag}`,
    dataDirGiven: (m) => options.dataDirs?.[m.name] !== undefined,
  };
}

/** A token no earlier cluster used: the refresh's time and a hash of the cluster and the snapshot file. */
function generatedToken(snapshot: ClusterSnapshot, snapshotFile: string | undefined): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([snapshot.clusterId, snapshot.takenAt, snapshotFile ?? '', snapshot.members.map((m) => m.id)]))
    .digest('hex')
    .slice(0, 8);
  const stamp = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(snapshot.takenAt);
  return stamp ? `etcd-restore-${stamp.slice(1, 4).join('')}-${stamp.slice(4, 7).join('')}-${hash}` : `etcd-restore-${hash}`;
}

function olderThan35(version: string): boolean {
  const v = /^(\d+)\.(\d+)/.exec(version);
  return v !== null && (Number(v[1]) < 3 || (Number(v[1]) === 3 && Number(v[2]) < 5));
}

/** The facts a restore is written from, as list items. */
function planFacts(plan: RestorePlan): string[] {
  const out = [
    `- New cluster token: ${md(plan.token)}, the same for every member (${plan.tokenGiven ? 'as given' : 'generated for this guide'}). ` +
      'A new token keeps the restored members from talking to peers of the old cluster that still run.',
    `- Restore tool: ${plan.tool} (${plan.toolReason}).`,
    `- Members restored (${plan.members.length}), each into a fresh data dir next to its old one (never the old one: it stays as it is, as a fallback):`,
    ...plan.members.map(
      (m) =>
        `  - ${md(m.name)}: ${md(plan.dataDir(m))}${plan.dataDirGiven(m) ? '' : ' (the default: adjust to its --data-dir / ETCD_DATA_DIR)'} → ${md(plan.freshDir(m))}`,
    ),
  ];
  for (const m of plan.left)
    out.push(
      `- Not restored: ${m.isLearner ? 'learner' : 'member added but never started'} ${md(m.name || m.id)}; add it again afterwards (${stepHeading('add-member')}).`,
    );
  const bad = plan.members.filter((m) => /[,=]/.test(m.name));
  if (bad.length)
    out.push(
      `- **Warning**: ${bad.map((m) => md(m.name)).join(', ')} contain${bad.length === 1 ? 's' : ''} "," or "=", which --initial-cluster cannot express: rename before restoring.`,
    );
  if (plan.members.length === 0) out.push('- **No started voting member is known**: there is nothing to restore into.');
  return out;
}

/** Check, stop, restore, start, verify, and the Kubernetes note; `snap` is the snapshot as a shell word. */
function restoreSteps(plan: RestorePlan, profile: ConnectionProfile, snap: string, h: string): string[] {
  const etcdutl = plan.tool === 'etcdutl';
  const tool = etcdutl ? 'etcdutl' : 'ETCDCTL_API=3 etcdctl';
  const tls =
    plan.members.some((m) => m.clientURLs.some((u) => u.startsWith('https:'))) || profile.endpoints.some((u) => u.startsWith('https:'));
  const out = [
    `${h} 1. Check the snapshot`,
    '',
    'Copy the snapshot to every member’s host at the same path. On each, its sha256 must be the same, and status must read it ' +
      '(hash, revision, total keys, size):',
    '',
    ...code([`sha256sum ${snap}`, `${tool} snapshot status ${snap} -w table`]),
    `${h} 2. Stop every member`,
    '',
    'All of them, before restoring any: a member still running on its old data would keep the old cluster alive next to the new one. ' +
      'Under kubeadm etcd is a static pod: move /etc/kubernetes/manifests/etcd.yaml out of the manifests folder instead ' +
      '(and stop the kube-apiservers, see below).',
    '',
    ...code(plan.members.map((m) => `systemctl stop etcd   # on ${onHost(m)}`)),
    `${h} 3. Restore each member into a fresh data dir`,
    '',
    `Run each on its member’s host. ${etcdutl ? 'etcdutl' : 'etcdctl'} refuses a data dir that exists; the old one is not touched.`,
    '',
  ];
  for (const m of plan.members) {
    out.push(
      ...code([
        `# on ${onHost(m)}`,
        ...continued(`${tool} snapshot restore ${snap}`, [
          flag('name', m.name),
          flag('initial-cluster', plan.initialCluster),
          flag('initial-cluster-token', plan.token),
          flag('initial-advertise-peer-urls', m.peerURLs.join(',')),
          flag('data-dir', plan.freshDir(m)),
          ...(etcdutl ? [`${flag('bump-revision', String(BUMP_REVISION))} --mark-compacted`] : []),
        ]),
      ]),
    );
  }
  out.push(
    `${h} 4. Start every member on its restored data dir`,
    '',
    'Start them all (the first waits until enough others are up to elect a leader). With systemd, point ETCD_DATA_DIR (or ' +
      '--data-dir) in the member’s configuration at the restored dir and `systemctl start etcd`; the rest of its configuration ' +
      'stays. On the command line:',
    '',
  );
  for (const m of plan.members) {
    const client = m.clientURLs.join(',');
    out.push(
      ...code([
        `# on ${onHost(m)}`,
        ...continued(`etcd ${flag('name', m.name)}`, [
          flag('data-dir', plan.freshDir(m)),
          flag('listen-peer-urls', m.peerURLs.map(listenUrl).join(',')),
          flag('initial-advertise-peer-urls', m.peerURLs.join(',')),
          ...(client ? [flag('listen-client-urls', m.clientURLs.map(listenUrl).join(',')), flag('advertise-client-urls', client)] : []),
          flag('initial-cluster', plan.initialCluster),
          flag('initial-cluster-token', plan.token),
          '--initial-cluster-state=new',
        ]),
        ...(tls ? ['# TLS: add the member’s own --cert-file, --key-file, --trusted-ca-file, --client-cert-auth and --peer-* flags'] : []),
      ]),
    );
  }
  const e = etcdctlFlags(profile);
  out.push(
    `${h} 5. Verify`,
    '',
    ...code([
      `etcdctl ${e} endpoint status --cluster -w table`,
      `etcdctl ${e} endpoint health --cluster`,
      `etcdctl ${e} member list -w table`,
    ]),
    'Every member should answer, healthy, with the same revision; then let the clients back. Keep the old data dirs until the cluster has run well for a while.',
    '',
    `${h} Kubernetes: --bump-revision and --mark-compacted`,
    '',
    'kube-apiserver’s watch cache, and every informer of every controller, resume their watches from the last resource version they ' +
      'saw, which is an etcd revision. A snapshot is older than that: restored as it is, the revision goes backwards, watches ' +
      'resumed from a newer revision stay silent until etcd catches up and then receive unrelated writes under revisions they ' +
      'already processed, so informers miss deletions and keep objects that no longer exist.',
    '',
  );
  if (etcdutl)
    out.push(
      `\`--bump-revision=${BUMP_REVISION}\` moves the restored revision beyond any revision handed out before the restore (it must ` +
        'exceed the writes made since the snapshot was taken), and `--mark-compacted` marks every revision below it as compacted, ' +
        'so a watch resumed from an old resource version is told "required revision has been compacted" (410 Gone) and its informer ' +
        're-lists. Both are in the commands above, the same on every member; without Kubernetes they are harmless (the revision ' +
        'jumps; old revisions cannot be read, as after a compaction). etcdutl of etcd 3.5.16 has both flags; check yours with ' +
        '`etcdutl snapshot restore --help`.',
      '',
    );
  else
    out.push(
      'etcdctl of etcd 3.4 has neither flag, so no member’s restore uses them (members restored differently would disagree on ' +
        'the revision). Without them, restart every kube-apiserver once the cluster is healthy (their watch caches re-list) and ' +
        'restart the controllers and operators that watch, so their informers re-list too.',
      '',
    );
  out.push('Stop every kube-apiserver before the restore and start them once the members are healthy.', '');
  return out;
}

// ---------------------------------------------------------------------------------------------- recovery

function optionRestart(down: MemberReport[], profile: ConnectionProfile, plan: RestorePlan): string[] {
  const out = [
    `## Option 1: bring the down members back (${stepHeading('restart')})`,
    '',
    'Nothing is lost: a member that comes back with its data dir catches up from the others, and once a quorum runs the cluster ' +
      'elects a leader by itself. Start them one at a time; read the log of any that does not stay up (disk full, slow fsync, ' +
      'a changed IP, certificates expired, a corrupt data dir).',
    '',
  ];
  for (const m of down)
    out.push(
      ...code([
        `# on ${onHost(m)}`,
        'systemctl start etcd',
        'systemctl status etcd --no-pager',
        'journalctl -u etcd -n 100 --no-pager',
        `ls -la ${shellQuote(`${plan.dataDir(m)}/member`)}`,
        ...(m.clientURLs.length ? [`etcdctl ${etcdctlFlags(profile, m.clientURLs)} endpoint health`] : []),
      ]),
    );
  out.push(
    'Never start a member of this cluster on an empty or another member’s data dir: it would join as a new identity or ' +
      'corrupt the raft log. A member whose data dir is lost cannot come back this way; when too few can, use option 2 or 3.',
    '',
  );
  return out;
}

function optionRestore(snapshot: ClusterSnapshot, plan: RestorePlan, profile: ConnectionProfile): string[] {
  const best = mostUpToDate(snapshot)[0];
  return [
    '## Option 2: restore every member from one snapshot',
    '',
    'Loses what was written after the snapshot. Use the latest backup, or take one now from the most up-to-date member that ' +
      `answers (a snapshot is read from one member's own database and needs no quorum)${best ? '' : ': no member answers now, so only an existing backup will do'}:`,
    '',
    ...(best
      ? code([
          `etcdctl ${etcdctlFlags(profile, best.clientURLs.length ? best.clientURLs : profile.endpoints)} snapshot save etcd-$(date +%Y%m%d-%H%M%S).db   # from ${label(best)}`,
        ])
      : []),
    'Then, with SNAPSHOT set to that file on every host (this is what the restore guide writes for a given file):',
    '',
    ...code(['SNAPSHOT=/var/backups/etcd-snapshot.db   # adjust: the snapshot to restore']),
    ...planFacts(plan),
    '',
    ...restoreSteps(plan, profile, '"$SNAPSHOT"', '###'),
  ];
}

function optionForceNewCluster(snapshot: ClusterSnapshot, plan: RestorePlan, profile: ConnectionProfile): string[] {
  const ranked = mostUpToDate(snapshot);
  const out = ['## Option 3: --force-new-cluster on the most up-to-date survivor', ''];
  const survivor = ranked[0];
  if (!survivor) {
    out.push(
      'No voting member answers status, so none can be chosen: start what can be started (option 1) and write this guide again, or restore (option 2).',
      '',
    );
    return out;
  }
  const others = snapshot.members.filter((m) => m !== survivor && m.started && m.name);
  const dir = plan.dataDir(survivor);
  const e = etcdctlFlags(profile, survivor.clientURLs.length ? survivor.clientURLs : profile.endpoints);
  out.push(
    `Survivor: **${md(survivor.name)}**, the highest raft term, then raft index, among the voting members that answered status ` +
      '(status answers without quorum):',
    '',
    ...ranked.map((m) => `- ${md(m.name || m.id)}: raft term ${m.status?.raftTerm}, raft index ${m.status?.raftIndex}`),
    '',
    '**Warning.** --force-new-cluster turns the survivor into a one-member cluster with its data; whatever only the other members ' +
      'had is lost. If an old member comes back with its old data dir it still believes in the old membership: raft panics ' +
      '("tocommit is out of range") or the member serves diverged data. Before you start, make sure every other member is stopped ' +
      'and cannot restart, and move its data dir aside; re-add each with an empty data dir. Stop the survivor cleanly ' +
      '(`systemctl stop etcd`, never `kill -9`): etcd writes the commit index of its latest writes to its WAL on the way out, ' +
      'and when that is missing --force-new-cluster drops those entries from its log while its database keeps them, so the ' +
      'members re-added later lack them (etcd-io/etcd#14009). If the survivor crashed instead, prefer option 2 with a snapshot ' +
      'of it: a snapshot is its database.',
    '',
    `${'###'} 1. Take a snapshot of the survivor, stop every member`,
    '',
    ...code([`etcdctl ${e} snapshot save etcd-before-force-new-cluster-$(date +%Y%m%d-%H%M%S).db`]),
  );
  for (const m of others) {
    const d = plan.dataDir(m);
    out.push(
      ...code([
        `# on ${onHost(m)}`,
        'systemctl disable --now etcd',
        `mv ${shellQuote(d)} ${shellQuote(`${d.replace(/\/+$/, '')}.before-force-new-cluster`)}`,
      ]),
    );
  }
  out.push(
    ...code([
      `# on ${onHost(survivor)}`,
      'systemctl stop etcd   # a clean stop: etcd flushes its WAL',
      `cp -a ${shellQuote(dir)} ${shellQuote(`${dir.replace(/\/+$/, '')}.before-force-new-cluster`)}`,
    ]),
    `${'###'} 2. Start the survivor once with --force-new-cluster`,
    '',
    ...code([
      `# on ${onHost(survivor)}`,
      ...continued(`etcd --force-new-cluster ${flag('name', survivor.name)}`, [
        flag('data-dir', dir),
        flag('listen-peer-urls', survivor.peerURLs.map(listenUrl).join(',')),
        flag('initial-advertise-peer-urls', survivor.peerURLs.join(',')),
        flag('listen-client-urls', survivor.clientURLs.map(listenUrl).join(',')),
        flag('advertise-client-urls', survivor.clientURLs.join(',')),
      ]),
      ...(survivor.clientURLs.some((u) => u.startsWith('https:'))
        ? ['# TLS: add the member’s own --cert-file, --key-file, --trusted-ca-file, --client-cert-auth and --peer-* flags']
        : []),
    ]),
    'When it answers (below), stop it (Ctrl-C) and start it the usual way (`systemctl enable --now etcd`), with no ' +
      '--force-new-cluster or ETCD_FORCE_NEW_CLUSTER in its configuration: left there, every restart would throw away the members added since.',
    '',
    ...code([`etcdctl ${e} member list -w table`, `etcdctl ${e} endpoint status -w table`, `etcdctl ${e} endpoint health`]),
    `${'###'} 3. Re-add the other members one at a time, as learners`,
    '',
    'A learner receives the data without voting, so adding it cannot cost the quorum; etcd allows one learner at a time. For each ' +
      'member, in this order: add it, start it on an empty data dir with --initial-cluster-state=existing, wait until its raft ' +
      'index has caught up with the leader’s, promote it, and only then go on to the next. `member add` answers ' +
      '`etcdserver: unhealthy cluster` until the running members have been connected for 5 seconds, and `member promote` answers ' +
      '`etcdserver: can only promote a learner member which is in sync with leader` until the learner has caught up: wait a few ' +
      'seconds and run it again.',
    '',
  );
  const joined: MemberReport[] = [survivor];
  for (const m of others) {
    joined.push(m);
    const initialCluster = joined.flatMap((j) => j.peerURLs.map((u) => `${j.name}=${u}`)).join(',');
    out.push(
      `${md(m.name)}:`,
      '',
      ...code(continued(`etcdctl ${e} member add ${shellQuote(m.name)}`, [flag('peer-urls', m.peerURLs.join(',')), '--learner'])),
      ...code([
        `# on ${onHost(m)}: its old data dir was moved aside in step 1; etcd creates the new one`,
        ...continued(`etcd ${flag('name', m.name)}`, [
          flag('data-dir', plan.dataDir(m)),
          flag('listen-peer-urls', m.peerURLs.map(listenUrl).join(',')),
          flag('initial-advertise-peer-urls', m.peerURLs.join(',')),
          ...(m.clientURLs.length
            ? [flag('listen-client-urls', m.clientURLs.map(listenUrl).join(',')), flag('advertise-client-urls', m.clientURLs.join(','))]
            : []),
          flag('initial-cluster', initialCluster),
          '--initial-cluster-state=existing',
        ]),
        '# (or the same values in its configuration, then systemctl enable --now etcd)',
      ]),
      ...code([
        `etcdctl ${e} endpoint status --cluster -w table   # wait: its raft index equals the leader's`,
        `# LEARNER_ID: the hex id that member add printed for ${commentText(m.name)} (also in member list)`,
        `etcdctl ${e} member promote "$LEARNER_ID"`,
      ]),
    );
  }
  out.push(
    `${others.length ? 'After the last promotion' : 'Then'}, every member healthy and with the same KV hash at the same revision ` +
      '(different hashes: a re-added member lacks writes the survivor has; remove it and use option 2 with a snapshot of the survivor):',
    '',
    ...code([
      `etcdctl ${e} endpoint health --cluster`,
      `etcdctl ${e} endpoint hashkv --cluster`,
      `etcdctl ${e} endpoint status --cluster -w table`,
    ]),
  );
  return out;
}

/** Voting members that answered status, the most up-to-date first: highest raft term, then raft index. */
function mostUpToDate(snapshot: ClusterSnapshot): MemberReport[] {
  return snapshot.members
    .filter((m) => !m.isLearner && m.status && m.name)
    .sort((a, b) => (b.status?.raftTerm ?? 0) - (a.status?.raftTerm ?? 0) || (b.status?.raftIndex ?? 0) - (a.status?.raftIndex ?? 0));
}

function memberLine(m: MemberReport, plan: RestorePlan): string {
  const who = `${md(m.name || m.id)} (id ${m.id}, peer ${m.peerURLs.map(md).join(', ') || 'none'}, data dir ${md(plan.dataDir(m))})`;
  if (!m.started) return `**down** ${who}: added but never started`;
  if (!m.reachable) return `**down** ${who}: ${errorOf(m)}`;
  const s = m.status;
  const health = m.health?.healthy ? 'healthy' : `not healthy: ${md(m.health?.error ?? 'unknown')}`;
  return `answers ${who}: raft term ${s?.raftTerm ?? '?'}, raft index ${s?.raftIndex ?? '?'}, ${health}`;
}

function errorOf(m: MemberReport): string {
  return m.error ? `${md(m.error)}${m.errorKind ? ` (${m.errorKind})` : ''}` : 'no answer';
}

// ---------------------------------------------------------------------------------------------- text

/** Untrusted text (names, errors) as markdown inline code: controls made visible, clipped, fenced past its backticks. */
function md(text: string): string {
  const t = clip(printable(text));
  const tick = '`'.repeat(Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = t === '' || t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${tick}${pad}${t}${pad}${tick}`;
}

function stateLine(s: ClusterSnapshot): string {
  const leader = s.leaderId ? `leader ${md(s.leaderName || s.leaderId)}` : 'NO LEADER';
  return `State at ${s.takenAt || 'an unknown time'}: ${leader}, ${s.quorum.reachable} of ${s.quorum.votingMembers} voting members reachable (quorum needs ${s.quorum.needed}).`;
}

/** `--name=value` as one shell word. */
function flag(name: string, value: string): string {
  return shellQuote(`--${name}=${value}`);
}

/** A command split over lines with `\` continuations, one flag a line. */
function continued(head: string, flags: string[]): string[] {
  if (flags.length === 0) return [head];
  return [`${head} \\`, ...flags.map((f, i) => `  ${f}${i < flags.length - 1 ? ' \\' : ''}`)];
}

/** "etcd-1 (10.0.0.1)" for a comment. */
function onHost(m: MemberReport): string {
  return `${label(m)} (${commentText(hostOf(m.peerURLs[0]))})`;
}

function label(m: MemberReport): string {
  return commentText(m.name || m.id);
}

/** The URL a member listens on for one it advertises: the same when its host is an IP or localhost, else all interfaces. */
function listenUrl(advertised: string): string {
  try {
    const url = new URL(advertised);
    const bindable = /^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) || url.hostname.startsWith('[') || url.hostname === 'localhost';
    return bindable || !url.port ? `${url.protocol}//${url.host}` : `${url.protocol}//0.0.0.0:${url.port}`;
  } catch {
    return advertised;
  }
}
