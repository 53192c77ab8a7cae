// `etcd-inspector status` as users run it: the built dist/cli.js as a subprocess against real clusters.
// Pins the JSON shape documented in README and the exit codes (0 pass, 1 a check failed, 2 no answer/usage).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdCluster } from '../../harness/etcdCluster';
import { CLI, runCli } from '../../harness/cli';

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)'));

test('status --output json: the documented shape, exit 0 on a healthy cluster, exit 1 once quorum is lost', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const healthy = await cli(['status', '--endpoints', cluster.endpoints[1], '--output', 'json', '--timeout-ms', '1500']);
  assert.equal(healthy.code, 0, healthy.stderr + healthy.stdout);
  const json = JSON.parse(healthy.stdout) as Record<string, unknown>;
  for (const key of ['clusterId', 'leaderId', 'quorum', 'members', 'alarms', 'checks', 'elapsedMs']) assert.ok(key in json, key);
  assert.deepEqual(json.quorum, { votingMembers: 3, needed: 2, reachable: 3, healthy: 3, hasQuorum: true });
  const members = json.members as Array<Record<string, unknown>>;
  assert.equal(members.length, 3);
  for (const m of members) {
    for (const key of [
      'id',
      'name',
      'peerURLs',
      'clientURLs',
      'isLearner',
      'isLeader',
      'reachable',
      'error',
      'status',
      'health',
      'clock',
      'metrics',
    ])
      assert.ok(key in m, key);
    assert.deepEqual(Object.keys(m.clock as object).sort(), ['offsetMs', 'samples', 'source', 'uncertaintyMs']);
    assert.match(String(m.id), /^[0-9a-f]{16}$/);
    const status = m.status as Record<string, unknown>;
    for (const key of [
      'version',
      'dbSize',
      'dbSizeInUse',
      'dbSizeQuota',
      'raftTerm',
      'raftIndex',
      'raftAppliedIndex',
      'leaderId',
      'errors',
    ])
      assert.ok(key in status, key);
    assert.equal(typeof status.dbSize, 'number');
    assert.deepEqual(Object.keys(m.health as object).sort(), ['error', 'healthy', 'tookMs']);
  }
  assert.equal(members.filter((m) => m.isLeader).length, 1);
  assert.equal((members.find((m) => m.isLeader) as { id: string }).id, json.leaderId);
  const checks = json.checks as Array<Record<string, unknown>>;
  assert.deepEqual(
    checks.map((c) => c.id),
    [
      'leader-exists',
      'member-count-quorum',
      'connectivity',
      'clock-sync',
      'db-size-quota',
      'health',
      'leader-agreement',
      'raft-index-lag',
      'alarms-clear',
      'disk-latency',
      'leader-churn',
      'peer-latency',
      'proposals-failing',
    ],
  );
  for (const c of checks) assert.deepEqual(Object.keys(c).sort(), ['actual', 'expected', 'id', 'ok', 'step', 'stepId', 'suggestion']);

  const table = await cli(['status', '--endpoints', cluster.endpoints.join(',')]);
  assert.equal(table.code, 0);
  for (const column of [
    'ENDPOINT',
    'ID',
    'VERSION',
    'DB SIZE',
    'IN USE',
    '% NOT IN USE',
    'QUOTA',
    'IS LEADER',
    'IS LEARNER',
    'RAFT TERM',
    'RAFT INDEX',
    'RAFT APPLIED INDEX',
    'ERRORS',
    'HEALTH',
  ]) {
    assert.ok(table.stdout.includes(column), column);
  }
  // The checklist's words are the status panel's: pass, FAIL, unknown.
  assert.match(table.stdout, /\| leader-exists +\| pass +\| one member is leader/);
  assert.match(table.stdout, /\| clock-sync +\| pass +\| member clocks within 500 ms of each other/);

  // A kubeadm static pod manifest gives the endpoint (and, on a real node, the certificates).
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-kubeadm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = join(dir, 'etcd.yaml');
  writeFileSync(
    manifest,
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: etcd\n    command:\n    - etcd\n    - --advertise-client-urls=${cluster.endpoints[2]}\n`,
  );
  const kubeadm = await cli(['status', '--kubeadm-manifest', manifest, '-w', 'json']);
  assert.equal(kubeadm.code, 0, kubeadm.stderr);
  assert.equal((JSON.parse(kubeadm.stdout) as { members: unknown[] }).members.length, 3);

  await cluster.kill('etcd-1');
  await cluster.kill('etcd-2');
  let lost = await cli(['status', '--endpoints', cluster.endpoints.join(','), '-w', 'json', '--timeout-ms', '1000']);
  for (let i = 0; i < 30 && (JSON.parse(lost.stdout) as { leaderId: string | null }).leaderId !== null; i++) {
    await new Promise((r) => setTimeout(r, 300));
    lost = await cli(['status', '--endpoints', cluster.endpoints.join(','), '-w', 'json', '--timeout-ms', '1000']);
  }
  assert.equal(lost.code, 1);
  const lostJson = JSON.parse(lost.stdout) as {
    leaderId: null;
    quorum: { hasQuorum: boolean; reachable: number };
    checks: Array<{ id: string; ok: boolean; step: string; stepId: string }>;
  };
  assert.equal(lostJson.leaderId, null);
  assert.equal(lostJson.quorum.hasQuorum, false);
  assert.equal(lostJson.quorum.reachable, 1);
  const leaderCheck = lostJson.checks.find((c) => c.id === 'leader-exists');
  assert.equal(leaderCheck?.ok, false);
  // The step by id for programs, by its runbook heading for people.
  assert.equal(leaderCheck?.stepId, 'quorum');
  assert.equal(leaderCheck?.step, 'Step 5: Fix Quorum Loss');

  const diagnose = await cli(['diagnose', '--endpoints', cluster.endpoints.join(','), '--timeout-ms', '1000', '--interval', '0']);
  assert.equal(diagnose.code, 1);
  // The ranked causes first: quorum, with the members down and the steps to take.
  assert.match(
    diagnose.stdout,
    /^No leader: quorum lost — 2 of 3 voting members down \(etcd-1: connection refused[^)]*\), etcd-2: connection refused[^)]*\)\); bring 1 back \(step 4\) or recover \(step 5\)\n\nCauses, most likely first:\n1\. quorum: CONFIRMED/,
  );
  assert.match(diagnose.stdout, /NO LEADER/);
  assert.match(diagnose.stdout, /QUORUM LOST/);
  assert.match(diagnose.stdout, /Step 5: Fix Quorum Loss/);
  const lostArgs = ['diagnose', '--endpoints', cluster.endpoints.join(','), '--timeout-ms', '1000', '--interval', '0'];
  const causesJson = await cli([...lostArgs, '-w', 'json']);
  const doc = JSON.parse(causesJson.stdout) as {
    headline: string;
    causes: Array<{ id: string; verdict: string; evidence: Array<{ source: string; text: string }> }>;
  };
  assert.match(doc.headline, /^No leader: quorum lost/);
  assert.deepEqual([doc.causes[0].id, doc.causes[0].verdict], ['quorum', 'confirmed']);
  assert.deepEqual(doc.causes.map((c) => c.id).sort(), [
    'clock-skew',
    'config-mismatch',
    'member-failure',
    'partition',
    'quorum',
    'slow-disk',
  ]);
  for (const c of doc.causes.slice(1)) assert.notEqual(c.verdict, 'confirmed', c.id);
  assert.ok(doc.causes[0].evidence.some((e) => e.source === 'status' && /^etcd-1: connection refused/.test(e.text)));
  const markdown = await cli([...lostArgs, '-w', 'markdown']);
  assert.match(markdown.stdout, /^# Why is there no leader\? — cluster "cluster"\n\n\*\*No leader: quorum lost/);
  assert.match(markdown.stdout, /## 1\. quorum — CONFIRMED/);
  assert.match(markdown.stdout, /\| Leader exists \| FAIL \|/);
  assert.equal((await cli(['status', '--endpoints', cluster.endpoints[0], '-w', 'markdown'])).code, 2, 'markdown is for diagnose');
});

test('status: exit 2 with a clear reason when no endpoint answers or the arguments are wrong', async () => {
  const dead = await cli(['status', '--endpoints', 'http://127.0.0.1:1', '--timeout-ms', '500']);
  assert.equal(dead.code, 2);
  assert.match(dead.stdout + dead.stderr, /http:\/\/127\.0\.0\.1:1: connection refused/);

  const noEndpoints = await cli(['status']);
  assert.equal(noEndpoints.code, 2);
  assert.match(noEndpoints.stderr, /no endpoints/);

  const badUrl = await cli(['status', '--endpoints', 'ftp://x:1']);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /scheme must be http or https/);

  const badFlag = await cli(['status', '--endpoints', 'http://127.0.0.1:2379', '--bogus']);
  assert.equal(badFlag.code, 2);

  const badTimeout = await cli(['status', '--endpoints', 'http://127.0.0.1:2379', '--timeout-ms', 'soon']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.stderr, /--timeout-ms/);

  const fromEnv = await cli(['status', '-w', 'json', '--timeout-ms', '300'], { ETCDCTL_ENDPOINTS: 'http://127.0.0.1:1' });
  assert.equal(fromEnv.code, 2, 'ETCDCTL_ENDPOINTS is honoured');
  assert.match(fromEnv.stderr, /127\.0\.0\.1:1/);
});

test('status: a wrong password fails with exit 2 and the password is printed nowhere', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.4', size: 1 });
  t.after(() => cluster.destroy());
  await cluster.enableAuth('right-one');
  const secret = 'wrong-Pa55word';
  const out = await cli(['status', '--endpoints', cluster.endpoints[0], '--user', `root:${secret}`, '--output', 'json']);
  assert.equal(out.code, 2);
  assert.match(out.stdout + out.stderr, /authentication failed/);
  assert.ok(!(out.stdout + out.stderr).includes(secret));
  const viaEnv = await cli(['status', '--endpoints', cluster.endpoints[0], '--user', 'root'], { ETCDCTL_PASSWORD: 'right-one' });
  assert.equal(viaEnv.code, 0, viaEnv.stdout + viaEnv.stderr);
  const badFlag = await cli(['status', '--user', `root:${secret}`, '--nope']);
  assert.equal(badFlag.code, 2);
  assert.ok(!(badFlag.stdout + badFlag.stderr).includes(secret));
});

test('diagnose --interval: /metrics read twice, the figures of the interval under a write load in a Metrics table and the JSON; status refuses --interval', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const conn = ['--endpoints', cluster.endpoints.join(','), '--timeout-ms', '1500'];
  // Writes while diagnose waits between its two reads.
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) await cluster.etcdctl(['put', `/load/${i}`, 'v'.repeat(200)]);
  })();
  const table = await cli(['diagnose', ...conn, '--interval', '2']);
  const json = await cli(['diagnose', ...conn, '--interval', '2', '--output', 'json']);
  writing = false;
  await writer;
  assert.match(table.stderr, /reading \/metrics again in 2 s/);
  assert.match(
    table.stdout,
    /Metrics \(from \/metrics; \* since the member started\):\n\+[-+]+\n\| +NAME +\| +INTERVAL +\| +WAL FSYNC P99 +\|/,
  );
  for (const m of cluster.members)
    assert.match(table.stdout, new RegExp(`\\| +${m.name} +\\| +2 s +\\| +[0-9.]+ (ms|s) +\\|`), table.stdout);
  assert.match(table.stdout, /disk-latency|Disk latency/);
  const doc = JSON.parse(json.stdout) as {
    members: Array<{ name: string; metrics: { intervalMs: number; walFsyncP99: { scope: string; samples: number } } }>;
    checks: Array<{ id: string }>;
  };
  for (const m of doc.members) {
    assert.ok(m.metrics.intervalMs >= 1900 && m.metrics.intervalMs < 4000, `${m.name}: ${m.metrics.intervalMs}`);
    assert.equal(m.metrics.walFsyncP99.scope, 'interval', m.name);
    assert.ok(m.metrics.walFsyncP99.samples > 0);
  }
  for (const id of ['disk-latency', 'leader-churn', 'peer-latency', 'proposals-failing'])
    assert.ok(
      doc.checks.some((c) => c.id === id),
      id,
    );

  const refused = await cli(['status', ...conn, '--interval', '2']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--interval is an option of diagnose/);
  const bad = await cli(['diagnose', ...conn, '--interval', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--interval must be a number of seconds/);
});

test('diagnose --config: the members’ configuration files linted together weigh in the configuration-mismatch cause', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-diagnose-config-'));
  t.after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await cluster.destroy();
  });
  const peers = cluster.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  // Two members' files that agree on everything but the cluster token: started, they would form two clusters.
  const files = ['etcd-1', 'etcd-2'].map((name, i) => {
    const file = join(dir, `${name}.conf`);
    const own = cluster.member(name).peerUrl;
    writeFileSync(
      file,
      [`ETCD_NAME=${name}`, `ETCD_INITIAL_CLUSTER=${peers}`, `ETCD_INITIAL_ADVERTISE_PEER_URLS=${own}`, `ETCD_LISTEN_PEER_URLS=${own}`]
        .concat([`ETCD_INITIAL_CLUSTER_TOKEN=token-${i}`, 'ETCD_INITIAL_CLUSTER_STATE=new', ''])
        .join('\n'),
    );
    return file;
  });
  const conn = ['--endpoints', cluster.endpoints[0], '--timeout-ms', '1500', '--interval', '0'];
  type Json = { causes: Array<{ id: string; verdict: string; summary: string; evidence: Array<{ source: string; text: string }> }> };

  const without = JSON.parse((await cli(['diagnose', ...conn, '-w', 'json'])).stdout) as Json;
  assert.equal(without.causes.find((c) => c.id === 'config-mismatch')?.verdict, 'unknown');

  const run = await cli(['diagnose', ...conn, '-w', 'json', '--config', files[0], '--config', files[1]]);
  const json = JSON.parse(run.stdout) as Json;
  const mismatch = json.causes[0];
  assert.equal(mismatch.id, 'config-mismatch', JSON.stringify(json.causes.map((c) => [c.id, c.verdict])));
  assert.equal(mismatch.verdict, 'likely');
  assert.match(mismatch.summary, /cross-file-token/);
  const lines = mismatch.evidence.filter((e) => e.source === 'config').map((e) => e.text);
  assert.deepEqual(
    lines.map((l) => l.replace(dir, '<dir>')),
    [
      '<dir>/etcd-1.conf:5: cross-file-token: initial-cluster-token "token-0" differs from "token-1" in etcd-2.conf: members with different tokens form different clusters.',
      '<dir>/etcd-2.conf:5: cross-file-token: initial-cluster-token "token-1" differs from "token-0" in etcd-1.conf: members with different tokens form different clusters.',
    ],
  );
  // The same in the text report, first.
  const text = await cli(['diagnose', ...conn, '--config', files[0], '--config', files[1]]);
  assert.match(text.stdout.split('\n').slice(0, 3).join('\n'), /config|configuration/i);
  assert.match(text.stdout, /etcd-1\.conf:5: cross-file-token/);

  // A file that cannot be read: exit 2 naming it, and no report.
  const missing = await cli(['diagnose', ...conn, '--config', join(dir, 'nope.conf')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.conf/);
  assert.equal(missing.stdout, '');
  // status takes no --config.
  const status = await cli(['status', '--endpoints', cluster.endpoints[0], '--config', files[0]]);
  assert.equal(status.code, 2);
  assert.match(status.stderr, /--config is an option of diagnose/);
});
