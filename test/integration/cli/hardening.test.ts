// `etcd-inspector status` under the failures an unlucky operator and an attacker bring: one member down
// (the common case, not only the dramatic one), an advertised client URL that is closed, a plain-http or
// hostile server behind a member's advertised URL, member names that try to forge table cells, and typos
// that would echo a password. The built dist/cli.js runs as a subprocess against real etcd on loopback.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdCluster } from '../../harness/etcdCluster';
import { freePorts } from '../../harness/ports';
import { generatePki } from '../../harness/tls';
import { startGarbageServer } from '../../harness/garbage';
import { startEndlessMetricsServer, startRecordingListener } from '../../harness/hostile';
import { CLI, runCli, type CliRun as Run } from '../../harness/cli';

const cli = (args: string[], env: Record<string, string> = {}, timeout = 20000): Promise<Run> => runCli(args, { env, timeoutMs: timeout });

const ROOT = join(__dirname, '..', '..', '..');

interface JsonMember {
  name: string;
  endpoint: string | null;
  reachable: boolean;
  error: string | null;
  errorKind?: string;
  warnings: Array<{ kind: string; message: string }>;
}
interface JsonStatus {
  members: JsonMember[];
  checks: Array<{ id: string; ok: boolean | null; actual: string }>;
  elapsedMs: number;
}

before(() => assert.ok(existsSync(CLI), `${CLI} is built (npm run build)`));

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: one member of three killed: status prints the whole table and exits 1, never 0 with no output`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    await cluster.kill('etcd-3');
    // Several runs: the old bug depended on how fast the dead member refused.
    for (let run = 0; run < 3; run++) {
      const table = await cli(['status', '--endpoints', cluster.endpoints[0], '--timeout-ms', '1500']);
      assert.equal(table.code, 1, `run ${run}: exit ${table.code}, stdout ${JSON.stringify(table.stdout)}, stderr ${table.stderr}`);
      const rows = table.stdout.split('\n').filter((l) => /^\| http:/.test(l));
      assert.equal(rows.length, 3, table.stdout);
      assert.match(table.stdout, /connection refused/);
      assert.match(table.stdout, /Runbook checklist:/);
      assert.match(table.stdout, /\| health +\| FAIL/);

      const json = await cli(['status', '--endpoints', cluster.endpoints[1], '-w', 'json', '--timeout-ms', '1500']);
      assert.equal(json.code, 1, `run ${run}: exit ${json.code}, stdout ${JSON.stringify(json.stdout)}, stderr ${json.stderr}`);
      const parsed = JSON.parse(json.stdout) as JsonStatus;
      assert.equal(parsed.members.length, 3);
      const dead = parsed.members.find((m) => m.name === 'etcd-3');
      assert.equal(dead?.reachable, false);
      assert.match(dead?.error ?? '', /connection refused/);
      // The kind scripts branch on, present exactly when there is an error.
      assert.equal(dead?.errorKind, 'refused');
      assert.ok(parsed.members.filter((m) => m.reachable).every((m) => m.errorKind === undefined));
      assert.equal(parsed.members.filter((m) => m.reachable).length, 2);
    }
  });
}

test('a single member whose advertised client URL is closed: probed through the given endpoint, the closed URL reported, exit 1', async (t) => {
  const [closedPort] = await freePorts(1);
  const closed = `http://127.0.0.1:${closedPort}`;
  const cluster = await EtcdCluster.start({ version: '3.5', size: 1, advertiseClientUrls: { 'etcd-1': closed } });
  t.after(() => cluster.destroy());
  const json = await cli(['status', '--endpoints', cluster.endpoints[0], '-w', 'json', '--timeout-ms', '1500']);
  assert.equal(json.code, 1, `exit ${json.code}, stdout ${JSON.stringify(json.stdout)}, stderr ${json.stderr}`);
  const parsed = JSON.parse(json.stdout) as JsonStatus;
  assert.equal(parsed.members.length, 1);
  const [only] = parsed.members;
  assert.equal(only.reachable, true, only.error ?? '');
  assert.equal(only.endpoint, cluster.endpoints[0]);
  assert.ok(
    only.warnings.some((w) => w.kind === 'advertised-url' && w.message.includes(closed) && /refuses connections/.test(w.message)),
    JSON.stringify(only.warnings),
  );
  const connectivity = parsed.checks.find((c) => c.id === 'connectivity');
  assert.equal(connectivity?.ok, false);
  assert.ok(connectivity?.actual.includes(closed), connectivity?.actual);

  const table = await cli(['status', '--endpoints', cluster.endpoints[0], '--timeout-ms', '1500']);
  assert.equal(table.code, 1, table.stderr);
  assert.ok(table.stdout.includes(`Member etcd-1 advertises ${closed}, which refuses connections`), table.stdout);
});

test('a member probed at one of its own advertised URLs: its other advertised URLs are not probed from here', async (t) => {
  // Members often advertise a loopback URL as well; from this machine it would reach something else.
  const [closedPort] = await freePorts(1);
  const extra = `http://127.0.0.1:${closedPort}`;
  const cluster = await EtcdCluster.start({ version: '3.5', size: 1, advertiseClientUrls: { 'etcd-1': (own) => `${own},${extra}` } });
  t.after(() => cluster.destroy());
  const json = await cli(['status', '--endpoints', cluster.endpoints[0], '-w', 'json', '--timeout-ms', '1500']);
  assert.equal(json.code, 0, `exit ${json.code}: ${json.stdout} ${json.stderr}`);
  const [only] = (JSON.parse(json.stdout) as JsonStatus).members;
  assert.deepEqual(only.warnings, []);
  assert.equal(only.endpoint, cluster.endpoints[0]);
});

test('if a command is ever left pending with nothing to wake it, the CLI says so and exits 2 instead of 0', async () => {
  // The real entry point (src/cli/main.ts) with one extra command whose promise never settles.
  const script = [
    "const cli = require('./src/cli/cli');",
    "cli.registerCommand('never', () => new Promise(() => {}));",
    "process.argv = [process.argv[0], 'etcd-inspector', 'never'];",
    "require('./src/cli/main');",
  ].join('\n');
  const run = await new Promise<Run>((resolve) => {
    const started = Date.now();
    execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, timeout: 20000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /internal error: the command did not complete/);
  assert.equal(run.stdout, '');
});

test('TLS cluster with auth: a member advertising plain http is reported and never contacted, so the password stays inside TLS', async (t) => {
  const pki = generatePki();
  const listener = await startRecordingListener();
  const cluster = await EtcdCluster.start({
    version: '3.5',
    size: 3,
    tls: { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile },
    advertiseClientUrls: { 'etcd-2': listener.url },
  });
  t.after(async () => {
    await cluster.destroy();
    await listener.close();
    pki.dispose();
  });
  const secret = 'Tls-0nly-secret';
  await cluster.enableAuth(secret);
  const args = [
    'status',
    '--endpoints',
    cluster.endpoints[0],
    '--cacert',
    pki.caFile,
    '--cert',
    pki.clientCertFile,
    '--key',
    pki.clientKeyFile,
    '--user',
    `root:${secret}`,
    '--timeout-ms',
    '1500',
  ];
  const json = await cli([...args, '-w', 'json']);
  assert.equal(
    listener.connections,
    0,
    `the plain-http listener was contacted; it received ${JSON.stringify(listener.received.slice(0, 200))}`,
  );
  assert.ok(!listener.received.includes(secret));
  assert.equal(json.code, 1, json.stderr);
  assert.ok(!(json.stdout + json.stderr).includes(secret));
  const parsed = JSON.parse(json.stdout) as JsonStatus;
  const downgraded = parsed.members.find((m) => m.name === 'etcd-2');
  assert.equal(downgraded?.reachable, false);
  assert.match(downgraded?.error ?? '', /not probed: .*over plain http while the cluster was given over https/);
  assert.ok(downgraded?.warnings.some((w) => w.kind === 'advertised-url' && w.message.includes(listener.url)));
  assert.equal(parsed.members.filter((m) => m.reachable).length, 2, 'the https members are inspected as usual');
  assert.equal(parsed.checks.find((c) => c.id === 'connectivity')?.ok, false);

  // A second refresh in the same process (the extension refreshes every few seconds) must not pick the
  // http URL up as a discovery candidate either: the table run is a fresh process, so check the listener.
  const table = await cli(args);
  assert.equal(listener.connections, 0);
  assert.match(table.stdout, /Member etcd-2 advertises http:\/\/127\.0\.0\.1:\d+ over plain http/);
  // Node warns (DEP0123) when SNI is set to an IP address; none of our https requests may do that.
  assert.ok(!/DEP0123|Warning/.test(json.stderr + table.stderr), json.stderr + table.stderr);
});

test('hostile /metrics behind advertised URLs: a never-ending page and a flood end at the deadline, bounded, without a crash', async (t) => {
  const trickle = await startEndlessMetricsServer('trickle');
  const flood = await startEndlessMetricsServer('flood');
  const cluster = await EtcdCluster.start({
    version: '3.5',
    size: 3,
    advertiseClientUrls: { 'etcd-2': trickle.url, 'etcd-3': flood.url },
  });
  t.after(async () => {
    await cluster.destroy();
    await trickle.close();
    await flood.close();
  });
  const run = await cli(['status', '--endpoints', cluster.endpoints[0], '-w', 'json', '--timeout-ms', '1000'], {}, 30000);
  assert.ok(run.ms < 5000, `took ${run.ms} ms with --timeout-ms 1000`);
  assert.doesNotMatch(run.stderr, /RangeError|Invalid string length|\n\s+at /);
  assert.equal(run.code, 1, run.stderr);
  const parsed = JSON.parse(run.stdout) as JsonStatus;
  assert.ok(parsed.elapsedMs <= 1000 + 200, `refresh took ${parsed.elapsedMs} ms`);
  assert.ok(trickle.connections > 0 && flood.connections > 0, 'both hostile servers were asked for /metrics');
  const flooded = parsed.members.find((m) => m.name === 'etcd-3');
  assert.equal(flooded?.reachable, false);
  assert.ok(
    flooded?.warnings.some((w) => w.kind === 'metrics' && /larger than 4 MiB/.test(w.message)),
    JSON.stringify(flooded?.warnings),
  );
  const trickled = parsed.members.find((m) => m.name === 'etcd-2');
  assert.equal(trickled?.reachable, false);
  assert.equal(parsed.members.find((m) => m.name === 'etcd-1')?.reachable, true);
});

test('member names cannot forge table cells or drive the terminal: |, newline, ESC and U+202E are escaped', async (t) => {
  // etcd 3.5 accepts all of these in --name.
  const names = ['plain-1', 'a|FORGED|\u202egnp.exe', 'line\nbreak\u001b[31m'];
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, names });
  t.after(() => cluster.destroy());
  // Down members are named in the checklist table (member-count-quorum) and in diagnose's list.
  await cluster.kill(names[1]);
  await cluster.kill(names[2]);
  const run = await cli(['diagnose', '--endpoints', cluster.endpoints[0], '--timeout-ms', '1000']);
  assert.equal(run.code, 1, run.stderr);
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
  assert.ok(!unsafe.test(run.stdout), 'no control or bidi characters in the output');
  // Every table row has as many cells as its header: 14 status columns, 4 checklist columns, 11 metrics columns.
  const cellCounts = new Set(
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l.split('|').length - 2),
  );
  assert.deepEqual(
    [...cellCounts].sort((a, b) => a - b),
    [4, 11, 14],
    run.stdout,
  );
  const quorumRow = run.stdout.split('\n').find((l) => l.startsWith('| member-count-quorum'));
  assert.ok(quorumRow?.includes('a\\x7cFORGED\\x7c\\u202egnp.exe'), quorumRow);
  assert.ok(quorumRow?.includes('line\\x0abreak\\x1b[31m'), quorumRow);
  assert.match(run.stdout, /Unreachable members:\n(?: {2}.*\n)* {2}a\|FORGED\|\\u202egnp\.exe \(/);
});

test('arguments are never echoed with a secret: a stray password, credentials in an endpoint URL', async () => {
  const stray = await cli(['status', '--endpoints', 'http://127.0.0.1:1', '--user', 'root', 'Hunter2-typo']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument/);
  assert.ok(!(stray.stdout + stray.stderr).includes('Hunter2-typo'));

  const unknown = await cli(['status', '--endpoints', 'http://127.0.0.1:1', '--usr=root:Hunter2-opt']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option --usr/);
  assert.ok(!(unknown.stdout + unknown.stderr).includes('Hunter2-opt'));

  for (const endpoint of ['http://root:Hunter2-url@127.0.0.1:2379', 'http://root:Hunter2-url@127.0.0.1']) {
    const inUrl = await cli(['status', '--endpoints', endpoint]);
    assert.equal(inUrl.code, 2);
    assert.ok(!(inUrl.stdout + inUrl.stderr).includes('Hunter2-url'), inUrl.stderr);
    assert.match(inUrl.stderr, /root:\*\*\*@127\.0\.0\.1/);
  }
  const viaEnv = await cli(['status'], { ETCDCTL_ENDPOINTS: 'https://u:Hunter2-env@127.0.0.1:2379' });
  assert.equal(viaEnv.code, 2);
  assert.ok(!(viaEnv.stdout + viaEnv.stderr).includes('Hunter2-env'));
});

test('errors read as sentences: no minified class names, no empty grpc padding, "no endpoint answered" on stderr', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 1 });
  const garbage = await startGarbageServer();
  t.after(async () => {
    await cluster.destroy();
    await garbage.close();
  });
  // A user against a cluster without auth: etcd answers FAILED_PRECONDITION.
  const noAuth = await cli(['status', '--endpoints', cluster.endpoints[0], '--user', 'root:x', '--timeout-ms', '1500']);
  const noAuthText = noAuth.stdout + noAuth.stderr;
  assert.match(noAuthText, /authentication is not enabled/);
  assert.doesNotMatch(noAuthText, /\b[A-Za-z]{1,3}: \d+ [A-Z_]+:|FAILED_PRECONDITION/);

  const junk = await cli(['status', '--endpoints', garbage.url, '--timeout-ms', '1000']);
  assert.equal(junk.code, 2);
  assert.equal(junk.stdout, '', 'nothing on stdout when no endpoint answered');
  assert.match(junk.stderr, /no endpoint answered/);
  assert.match(junk.stderr, new RegExp(`${garbage.url.replace(/[.:/]/g, '\\$&')}: `));
  assert.doesNotMatch(junk.stderr, /Resolution note|Last error: null|\(\s*\)/);
});

test('--kubeadm-manifest reads only a regular file of sane size and says what is missing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'fifo.yaml');
  await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (e) => (e ? reject(e) : resolve())));
  const fromFifo = await cli(['status', '--kubeadm-manifest', fifo], {}, 10000);
  assert.equal(fromFifo.code, 2, `exit ${fromFifo.code} after ${fromFifo.ms} ms`);
  assert.match(fromFifo.stderr, /FIFO/);

  const fromZero = await cli(['status', '--kubeadm-manifest', '/dev/zero'], {}, 10000);
  assert.equal(fromZero.code, 2);
  assert.match(fromZero.stderr, /device, not a regular file/);

  const big = join(dir, 'big.yaml');
  writeFileSync(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const fromBig = await cli(['status', '--kubeadm-manifest', big]);
  assert.equal(fromBig.code, 2);
  assert.match(fromBig.stderr, /over the limit of 1 MiB/);

  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, 'apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n');
  const fromEmpty = await cli(['status', '--kubeadm-manifest', empty]);
  assert.equal(fromEmpty.code, 2);
  assert.match(fromEmpty.stderr, /spec\.containers is empty/);
  assert.doesNotMatch(fromEmpty.stderr, /Cannot read properties/);

  const noCommand = join(dir, 'nocommand.yaml');
  writeFileSync(noCommand, 'spec:\n  containers:\n  - name: etcd\n    image: etcd\n');
  const fromNoCommand = await cli(['status', '--kubeadm-manifest', noCommand]);
  assert.equal(fromNoCommand.code, 2);
  assert.match(fromNoCommand.stderr, /container "etcd" has no command or args/);
});
