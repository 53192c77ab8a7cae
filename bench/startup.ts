// Start-up of the etcd-inspector CLI as a user sees it: whole processes, side by side in one run, alternating.
//   npm run bench:startup
// `etcd-inspector --help`, `lint` of a 30-line file, and `status` on a healthy 5-member etcd 3.5 cluster
// against the runbook's four etcdctl commands (member list, endpoint status --cluster, endpoint health
// --cluster, alarm list, one after another), with `node -e 0` for Node's own share. Each case runs with the
// environment as it is and, when it sets NODE_EXTRA_CA_CERTS, without that variable too: with it, Node reads
// and parses the whole CA bundle before running any code (compare the two `node -e 0` figures), a cost of the
// machine's environment, not of the CLI, so the targets are judged without it. When another Node is at hand
// ($BENCH_NODE, or the harness's Node 24), the same cases run on it as well. The CLI's code cache
// (src/cli/codeCache.ts) is the bench's own, warmed by the first round as a user's is by the first run; one
// row shows `status` with the cache off, what a first run after installing or upgrading costs. Then the same
// `status` and four commands on a 5-member cluster with TLS on its client and peer URLs and client
// certificates required on both, as kubeadm sets etcd up (no target: for the record).
// Writes the table README shows (bench/figures.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CACHE_DIR } from '../test/harness/binaries';
import { EtcdCluster } from '../test/harness/etcdCluster';
import { generatePki } from '../test/harness/tls';
import { MEMBER } from './configs';
import { builtBundles, measuredOn, median, publish } from './figures';

const RUNS = 21;
const TARGETS = { help: 60, lint: 100, ratio: 1.0 };

/** One process to time: a command and its environment. */
interface Run {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Runs one process to its end, asynchronously (a spawnSync would stall this process's clock and event loop). */
function timed(run: Run): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(run.file, run.args, { env: run.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      // A run that failed fast would flatter the figures: every case must succeed.
      if (code !== 0) reject(new Error(`${[run.file, ...run.args].join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve(ms);
    });
  });
}

/** A sequence of processes, one after another, timed as one (the runbook's four commands). */
async function timedSequence(runs: Run[]): Promise<number> {
  let total = 0;
  for (const run of runs) total += await timed(run);
  return total;
}

/** Another Node to compare with: $BENCH_NODE, else the harness's Node 24, if present. */
function otherNode(): string | undefined {
  const candidates = [process.env.BENCH_NODE];
  const envFile = join(CACHE_DIR, 'code-server.env');
  if (existsSync(envFile)) candidates.push(/^(?:NODE_BIN|NODE24_BIN)='([^']+)'/m.exec(readFileSync(envFile, 'utf8'))?.[1]);
  return candidates.find((c): c is string => c !== undefined && c !== process.execPath && existsSync(c));
}

/** Version of a Node binary, asynchronously. */
function nodeVersion(node: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', () => resolve(out.trim()));
  });
}

/** The processes timed in each column. */
type Case = 'node' | 'help' | 'lint' | 'load' | 'status' | 'cold';

/** One column of the table: a Node and an environment. */
interface Column {
  title: string;
  node: string;
  env: NodeJS.ProcessEnv;
  /** The column the targets are judged on. */
  judged: boolean;
  samples: Record<Case | 'etcdctl' | 'tls' | 'etcdctlTls', number[]>;
}

const ms = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

async function main(): Promise<void> {
  const bundles = builtBundles();
  const CLI = join(bundles, 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'etcd-bench-startup-'));
  const config = join(dir, 'etcd.conf');
  writeFileSync(config, MEMBER.join('\n') + '\n');
  // The code cache of the developer's own would make the figures depend on what ran before: the bench's.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  const withoutCa = { ...env };
  delete withoutCa.NODE_EXTRA_CA_CERTS;
  const columns: Column[] = [];
  const column = (title: string, node: string, e: NodeJS.ProcessEnv, judged: boolean): void => {
    columns.push({
      title,
      node,
      env: e,
      judged,
      samples: { node: [], help: [], lint: [], load: [], status: [], cold: [], etcdctl: [], tls: [], etcdctlTls: [] },
    });
  };
  const here = `Node ${process.version}`;
  if (env.NODE_EXTRA_CA_CERTS !== undefined) column(`${here}, as here (\`NODE_EXTRA_CA_CERTS\` set)`, process.execPath, env, false);
  column(`${here}, without \`NODE_EXTRA_CA_CERTS\``, process.execPath, withoutCa, true);
  const other = otherNode();
  if (other) column(`Node ${await nodeVersion(other)}, without \`NODE_EXTRA_CA_CERTS\``, other, withoutCa, false);

  const pki = generatePki();
  const cluster = await EtcdCluster.start({ version: '3.5', size: 5 });
  try {
    await cluster.waitForLeader();
    const endpoint = cluster.endpoints[0];
    const runbookOf = (flags: string[]): Run[] =>
      [
        ['member', 'list', '-w', 'table'],
        ['endpoint', 'status', '--cluster', '-w', 'table'],
        ['endpoint', 'health', '--cluster'],
        ['alarm', 'list'],
      ].map((args) => ({ file: cluster.binaries.etcdctl, args: [...flags, ...args], env: { ...withoutCa, ETCDCTL_API: '3' } }));
    const runbook = runbookOf([`--endpoints=${endpoint}`]);
    // `status --help` loads the status command's code (through the code cache, as a status run does) and
    // prints its usage: the start-up share of a status run; the rest is the refresh itself.
    const cases = (c: Column): Record<Case, Run> => ({
      node: { file: c.node, args: ['-e', '0'], env: c.env },
      help: { file: c.node, args: [CLI, '--help'], env: c.env },
      lint: { file: c.node, args: [CLI, 'lint', config], env: c.env },
      load: { file: c.node, args: [CLI, 'status', '--help'], env: c.env },
      status: { file: c.node, args: [CLI, 'status', '--endpoints', endpoint], env: c.env },
      cold: { file: c.node, args: [CLI, 'status', '--endpoints', endpoint], env: { ...c.env, NODE_DISABLE_COMPILE_CACHE: '1' } },
    });
    // Warm-up: page cache, etcd's first answers, the CLI's code cache.
    for (const c of columns) for (const run of Object.values(cases(c))) await timed(run);
    await timedSequence(runbook);
    for (let i = 0; i < RUNS; i++) {
      for (const c of columns) {
        const run = cases(c);
        c.samples.node.push(await timed(run.node));
        c.samples.help.push(await timed(run.help));
        c.samples.lint.push(await timed(run.lint));
        c.samples.load.push(await timed(run.load));
        c.samples.status.push(await timed(run.status));
        c.samples.cold.push(await timed(run.cold));
        // etcdctl (Go) reads no NODE_* variable; it runs next to each column's status so that each ratio
        // compares runs taken at the same moment.
        c.samples.etcdctl.push(await timedSequence(runbook));
      }
      process.stdout.write(`\rrun ${i + 1}/${RUNS}`);
    }
    process.stdout.write('\n');
    // One cluster at a time on these 2 cores (destroy is idempotent: the finally below finds it done).
    await cluster.destroy();

    // The same on a TLS cluster: client and peer URLs https, client certificates required on both.
    const files = { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertAuth: true };
    const secure = await EtcdCluster.start({ version: '3.5', size: 5, tls: files, peerTls: files });
    try {
      await secure.waitForLeader();
      const client = ['--cacert', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile];
      const tlsRunbook = runbookOf([
        `--endpoints=${secure.endpoints[0]}`,
        `--cacert=${pki.caFile}`,
        `--cert=${pki.clientCertFile}`,
        `--key=${pki.clientKeyFile}`,
      ]);
      // The peer ports want a client certificate too: the members' own certificate serves (the harness's
      // server certificate is also a client one, as kubeadm's peer certificates are).
      const peer = ['--peer-cacert', pki.caFile, '--peer-cert', pki.serverCertFile, '--peer-key', pki.serverKeyFile];
      const tlsStatus = (c: Column): Run => ({
        file: c.node,
        args: [CLI, 'status', '--endpoints', secure.endpoints[0], ...client, ...peer],
        env: c.env,
      });
      for (const c of columns) await timed(tlsStatus(c));
      await timedSequence(tlsRunbook);
      for (let i = 0; i < RUNS; i++) {
        for (const c of columns) {
          c.samples.tls.push(await timed(tlsStatus(c)));
          c.samples.etcdctlTls.push(await timedSequence(tlsRunbook));
        }
        process.stdout.write(`\rTLS run ${i + 1}/${RUNS}`);
      }
      process.stdout.write('\n');
    } finally {
      await secure.destroy();
    }
  } finally {
    await cluster.destroy();
    pki.dispose();
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundles, { recursive: true, force: true });
  }

  const ratio = (ours: number[], theirs: number[]): number => median(ours) / median(theirs);
  const judged = columns.find((c) => c.judged) as Column;
  const verdict = (met: boolean): string => (met ? 'met' : '**not met**');
  const rows = [
    ['`node -e 0` (Node alone, for reference)', ...columns.map((c) => ms(c.samples.node)), ''],
    [
      '`etcd-inspector --help`',
      ...columns.map((c) => ms(c.samples.help)),
      `≤ ${TARGETS.help} ms: ${verdict(median(judged.samples.help) <= TARGETS.help)}`,
    ],
    [
      '`etcd-inspector lint`, a 30-line file',
      ...columns.map((c) => ms(c.samples.lint)),
      `≤ ${TARGETS.lint} ms: ${verdict(median(judged.samples.lint) <= TARGETS.lint)}`,
    ],
    ['`etcd-inspector status`, healthy 5-member etcd 3.5', ...columns.map((c) => ms(c.samples.status)), ''],
    ['of which start-up: Node and loading the status code, no request', ...columns.map((c) => ms(c.samples.load)), ''],
    ['`status` on a first run (no code cache yet)', ...columns.map((c) => ms(c.samples.cold)), ''],
    ["the runbook's four `etcdctl` commands, one after another", ...columns.map((c) => ms(c.samples.etcdctl)), ''],
    [
      '`status` ÷ the four `etcdctl` commands',
      ...columns.map((c) => `${ratio(c.samples.status, c.samples.etcdctl).toFixed(2)}×`),
      `≤ ${TARGETS.ratio.toFixed(1)}×: ${verdict(ratio(judged.samples.status, judged.samples.etcdctl) <= TARGETS.ratio)}`,
    ],
    ['`status`, 5-member etcd 3.5 with TLS (client and peer certificates)', ...columns.map((c) => ms(c.samples.tls)), ''],
    ['the four `etcdctl` commands on it, with `--cacert/--cert/--key`', ...columns.map((c) => ms(c.samples.etcdctlTls)), ''],
    ['`status` ÷ the four `etcdctl` commands, TLS', ...columns.map((c) => `${ratio(c.samples.tls, c.samples.etcdctlTls).toFixed(2)}×`), ''],
  ];
  for (const row of rows) console.log(row.join(' | '));
  await publish(
    'startup',
    { header: ['whole process', ...columns.map((c) => c.title), 'target (judged without the variable)'], rows },
    `${measuredOn('npm run bench:startup')} Medians of ${RUNS} alternating runs (fastest–slowest).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
