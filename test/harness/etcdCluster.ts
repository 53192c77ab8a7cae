// Starts real etcd clusters on loopback for integration tests, the demo and the benchmarks, and injects
// faults into them: kill, hang (SIGSTOP), resume, restart, add members; with peerProxy, cut peer links
// (peerProxy.ts). Every process and folder it creates is removed by destroy(), and by an exit hook if a test
// dies first.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdBinaries, type HarnessEtcdVersion } from './binaries';
import { freePorts } from './ports';
import { trackDir, trackProcess } from './cleanup';
import { startPeerProxy, type CutMode, type PeerProxy } from './peerProxy';
import { parseDocument } from '../../src/lint/engine';
import { EndpointClient } from '../../src/etcd/client';

/** TLS material for a cluster: PEM file paths (see tls.ts for generating them). */
export interface ClusterTls {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Require client certificates signed by the CA. */
  clientCertAuth?: boolean;
}

/** How to start a cluster. */
export interface StartClusterOptions {
  version: HarnessEtcdVersion;
  size: number;
  /** Member names; defaults to etcd-1 .. etcd-N. */
  names?: string[];
  /** Extra flags for every member (e.g. ['--quota-backend-bytes', '65536']). */
  extraArgs?: string[];
  heartbeatMs?: number;
  electionMs?: number;
  tls?: ClusterTls;
  /** TLS on the peer URLs (https; clientCertAuth: --peer-client-cert-auth), the same files for every member. */
  peerTls?: ClusterTls;
  /** Wait until a leader is elected (default true). */
  waitForLeader?: boolean;
  /** Keep data here instead of a fresh temp folder (the demo uses this). */
  baseDir?: string;
  /**
   * Per member name, the client URL it advertises instead of the one it listens on: a closed port, a
   * plain-http listener in a TLS cluster, a hostile server (the member list is data a member controls).
   */
  advertiseClientUrls?: Record<string, string | ((listenUrl: string) => string)>;
  /**
   * Route peer traffic through a proxy (peerProxy.ts) that can cut links between members: each member listens
   * on its own peer port and advertises the proxy's front for it. Client ports stay direct. Plain-http peers only.
   */
  peerProxy?: boolean;
}

/** One member of a harness cluster. */
export interface HarnessMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  /** Where it listens for peers when that is not peerUrl (behind the peer proxy, peerUrl is the proxy's front). */
  listenPeerUrl?: string;
  dataDir: string;
  logFile: string;
  process: ChildProcess | undefined;
  /** Set when the member was SIGSTOPped and not resumed yet. */
  hung: boolean;
  /** How it was last launched (memberService.ts starts it the same way from a shell). */
  launched?: { binary: string; args: string[]; env: Record<string, string>; cwd: string };
}

/** Output of one etcdctl run. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

let clusterSeq = 0;

/** A running harness cluster. */
export class EtcdCluster {
  readonly members: HarnessMember[] = [];
  private readonly untrackDir: () => void;
  private readonly untrackPids = new Map<string, () => void>();
  private destroyed = false;
  /** The peer proxy, when started with peerProxy. */
  peerProxy: PeerProxy | undefined;

  private constructor(
    readonly options: StartClusterOptions,
    readonly baseDir: string,
    readonly token: string,
    readonly binaries: { etcd: string; etcdctl: string },
  ) {
    this.untrackDir = options.baseDir ? () => undefined : trackDir(baseDir);
  }

  /** Starts an N-member cluster and (by default) waits for a leader. */
  static async start(options: StartClusterOptions): Promise<EtcdCluster> {
    const binaries = etcdBinaries(options.version);
    const baseDir = options.baseDir ?? mkdtempSync(join(tmpdir(), `etcd-harness-${options.version}-`));
    mkdirSync(baseDir, { recursive: true });
    const token = `harness-${process.pid}-${++clusterSeq}-${Date.now().toString(36)}`;
    const cluster = new EtcdCluster(options, baseDir, token, binaries);
    try {
      const names = options.names ?? Array.from({ length: options.size }, (_, i) => `etcd-${i + 1}`);
      if (options.peerProxy && options.peerTls) throw new Error('the peer proxy supports plain-http peers only');
      const perMember = options.peerProxy ? 3 : 2;
      const ports = await freePorts(names.length * perMember);
      const scheme = options.tls ? 'https' : 'http';
      names.forEach((name, i) => {
        cluster.members.push({
          name,
          clientUrl: `${scheme}://127.0.0.1:${ports[perMember * i]}`,
          peerUrl: `${options.peerTls ? 'https' : 'http'}://127.0.0.1:${ports[perMember * i + 1]}`,
          ...(options.peerProxy ? { listenPeerUrl: `http://127.0.0.1:${ports[perMember * i + 2]}` } : {}),
          dataDir: join(baseDir, `member-${i + 1}`),
          logFile: join(baseDir, `member-${i + 1}.log`),
          process: undefined,
          hung: false,
        });
      });
      if (options.peerProxy) cluster.peerProxy = await startPeerProxy(cluster.members.map((m) => cluster.proxied(m)));
      const initialCluster = cluster.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
      for (const member of cluster.members) cluster.spawnMember(member, initialCluster, 'new');
      if (options.waitForLeader !== false) await cluster.waitForLeader();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** Client URLs of every member, in member order. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  member(name: string): HarnessMember {
    const found = this.members.find((m) => m.name === name);
    if (!found) throw new Error(`no member named ${name}`);
    return found;
  }

  private spawnMember(member: HarnessMember, initialCluster: string, state: 'new' | 'existing'): void {
    const o = this.options;
    const args = [
      '--name',
      member.name,
      '--data-dir',
      member.dataDir,
      '--listen-peer-urls',
      member.listenPeerUrl ?? member.peerUrl,
      '--initial-advertise-peer-urls',
      member.peerUrl,
      '--listen-client-urls',
      member.clientUrl,
      '--advertise-client-urls',
      advertised(o.advertiseClientUrls?.[member.name], member.clientUrl),
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-token',
      this.token,
      '--initial-cluster-state',
      state,
      '--heartbeat-interval',
      String(o.heartbeatMs ?? 100),
      '--election-timeout',
      String(o.electionMs ?? 1000),
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
      ...(o.tls
        ? [
            '--cert-file',
            o.tls.serverCertFile,
            '--key-file',
            o.tls.serverKeyFile,
            '--trusted-ca-file',
            o.tls.caFile,
            ...(o.tls.clientCertAuth ? ['--client-cert-auth'] : []),
          ]
        : []),
      ...(o.peerTls
        ? [
            '--peer-cert-file',
            o.peerTls.serverCertFile,
            '--peer-key-file',
            o.peerTls.serverKeyFile,
            '--peer-trusted-ca-file',
            o.peerTls.caFile,
            ...(o.peerTls.clientCertAuth ? ['--peer-client-cert-auth'] : []),
          ]
        : []),
      ...(o.extraArgs ?? []),
    ];
    this.launch(member, args, {});
  }

  /** Spawns etcd for a member with these flags and ETCD_* variables, logging to its log file, tracked for cleanup. */
  private launch(member: HarnessMember, args: string[], etcdEnv: Record<string, string>): void {
    const log = openSync(member.logFile, 'a');
    // A clean environment: stray ETCD_* variables of the developer's shell must not reach the member.
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD'))), ...etcdEnv };
    // cwd: etcd's default data dir (<name>.etcd) lands in the cluster's folder, removed by destroy().
    const child = spawn(this.binaries.etcd, args, { stdio: ['ignore', log, log], env, cwd: this.baseDir, detached: true });
    closeSync(log);
    member.launched = { binary: this.binaries.etcd, args, env: etcdEnv, cwd: this.baseDir };
    member.process = child;
    member.hung = false;
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start etcd for ${member.name}`);
    this.untrackPids.set(member.name, trackProcess(pid));
    child.once('exit', () => {
      if (member.process === child) member.process = undefined;
    });
  }

  /** The member's log so far (etcd's zap JSON lines). */
  log(name: string): string {
    try {
      return readFileSync(this.member(name).logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** SIGKILLs a member and waits until it is gone. */
  async kill(name: string): Promise<void> {
    const member = this.member(name);
    const child = member.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    member.hung = false;
    this.untrackPids.get(name)?.();
  }

  /**
   * Stops a member gracefully (SIGTERM, as `systemctl stop etcd` does) and waits until it is gone: etcd
   * flushes its WAL on the way out, which a SIGKILL does not let it do.
   */
  async stop(name: string): Promise<void> {
    const member = this.member(name);
    const child = member.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.untrackPids.get(name)?.();
  }

  /** Freezes a member with SIGSTOP: its ports still accept TCP connections but nothing answers. */
  hang(name: string): void {
    const member = this.member(name);
    if (!member.process?.pid) throw new Error(`${name} is not running`);
    process.kill(member.process.pid, 'SIGSTOP');
    member.hung = true;
  }

  /** Thaws a member frozen by hang(). */
  resume(name: string): void {
    const member = this.member(name);
    if (!member.process?.pid) throw new Error(`${name} is not running`);
    process.kill(member.process.pid, 'SIGCONT');
    member.hung = false;
  }

  /** Starts a killed member again on its existing data dir. */
  async restart(name: string): Promise<void> {
    const member = this.member(name);
    if (member.process) await this.kill(name);
    this.spawnMember(member, this.currentInitialCluster(), 'existing');
    await this.waitForReady(member);
  }

  private currentInitialCluster(): string {
    return this.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  }

  /** Adds a member the way the runbook's step 6 does: `etcdctl member add`, then start it with state existing. */
  async addMember(options: { name?: string; learner?: boolean; start?: boolean } = {}): Promise<HarnessMember> {
    const index = this.members.length + 1;
    const name = options.name ?? `etcd-${index}`;
    const [clientPort, peerPort, listenPeerPort] = await freePorts(this.peerProxy ? 3 : 2);
    const member: HarnessMember = {
      name,
      clientUrl: `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`,
      peerUrl: `${this.options.peerTls ? 'https' : 'http'}://127.0.0.1:${peerPort}`,
      ...(this.peerProxy ? { listenPeerUrl: `http://127.0.0.1:${listenPeerPort}` } : {}),
      dataDir: join(this.baseDir, `member-${index}`),
      logFile: join(this.baseDir, `member-${index}.log`),
      process: undefined,
      hung: false,
    };
    const addArgs = ['member', 'add', name, `--peer-urls=${member.peerUrl}`, ...(options.learner ? ['--learner'] : [])];
    let added = await this.etcdctl(addArgs);
    // etcd refuses reconfiguration ("unhealthy cluster") until every member has been connected for 5 s,
    // e.g. just after a restart: retry for a while, as an operator would.
    for (let tries = 0; added.code !== 0 && /unhealthy cluster/.test(added.stderr) && tries < 40; tries++) {
      await sleep(250);
      added = await this.etcdctl(addArgs);
    }
    if (added.code !== 0) throw new Error(`member add failed: ${added.stderr || added.stdout}`);
    this.members.push(member);
    await this.peerProxy?.add(this.proxied(member));
    if (options.start !== false) {
      this.spawnMember(member, this.currentInitialCluster(), 'existing');
      await this.waitForReady(member);
    }
    return member;
  }

  /**
   * Starts a member from an env-style configuration file (the "Add member" action's output) the way systemd's
   * EnvironmentFile= hands it to etcd: its NAME=value lines become the environment (read by the linter's
   * systemd-faithful parser), and etcd runs with no flags. The member is registered, so destroy() stops it.
   * Waits until it knows a leader unless `wait` is false.
   */
  async startMemberFromConfig(file: string, options: { wait?: boolean } = {}): Promise<HarnessMember> {
    const env: Record<string, string> = {};
    for (const e of parseDocument(readFileSync(file, 'utf8'), 'env').entries) env[e.key] = e.value ?? '';
    const first = (key: string): string | undefined => env[key]?.split(',')[0]?.trim() || undefined;
    const name = env.ETCD_NAME;
    if (!name) throw new Error(`${file} sets no ETCD_NAME`);
    const index = this.members.length + 1;
    const member: HarnessMember = {
      name,
      clientUrl: first('ETCD_ADVERTISE_CLIENT_URLS') ?? first('ETCD_LISTEN_CLIENT_URLS') ?? 'http://localhost:2379',
      peerUrl: first('ETCD_INITIAL_ADVERTISE_PEER_URLS') ?? first('ETCD_LISTEN_PEER_URLS') ?? 'http://localhost:2380',
      dataDir: env.ETCD_DATA_DIR || join(this.baseDir, `${name}.etcd`),
      logFile: join(this.baseDir, `member-${index}.log`),
      process: undefined,
      hung: false,
    };
    this.members.push(member);
    this.launch(member, [], env);
    if (options.wait !== false) await this.waitForReady(member);
    return member;
  }

  /** Runs etcdctl (v3 API) against the given endpoints (default: every member's). */
  etcdctl(
    args: string[],
    options: { endpoints?: string[]; timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<CommandResult> {
    const tls = this.options.tls;
    const full = [
      `--endpoints=${(options.endpoints ?? this.endpoints).join(',')}`,
      '--dial-timeout=2s',
      '--command-timeout=3s',
      // The server certificate also carries clientAuth, so it serves as etcdctl's client certificate.
      ...(tls ? [`--cacert=${tls.caFile}`, `--cert=${tls.serverCertFile}`, `--key=${tls.serverKeyFile}`] : []),
      ...args,
    ];
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCDCTL'))),
      ETCDCTL_API: '3',
      ...options.env,
    };
    return new Promise((resolve) => {
      execFile(
        this.binaries.etcdctl,
        full,
        { env, timeout: options.timeoutMs ?? 15000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Turns etcd auth on with a root user (etcdctl user add, grant-role, auth enable); throws if any step fails. */
  async enableAuth(rootPassword: string): Promise<void> {
    for (const args of [
      ['user', 'add', 'root', `--new-user-password=${rootPassword}`],
      ['user', 'grant-role', 'root', 'root'],
      ['auth', 'enable'],
    ]) {
      const out = await this.etcdctl(args);
      if (out.code !== 0) throw new Error(`etcdctl ${args[0]} ${args[1]} failed: ${out.stderr || out.stdout}`);
    }
  }

  /** `etcdctl endpoint status -w json` for one endpoint, parsed; undefined when the member did not answer. */
  async endpointStatus(clientUrl: string): Promise<{ leader: string; errors: string[]; raw: unknown } | undefined> {
    const out = await this.etcdctl(['endpoint', 'status', '-w', 'json'], { endpoints: [clientUrl] });
    if (out.code !== 0) return undefined;
    try {
      // etcdctl prints uint64 ids as bare numbers: keep them as strings so they survive JSON.parse.
      const parsed = JSON.parse(out.stdout.replace(/:\s*(\d{16,})/g, ':"$1"')) as Array<{
        Status: { leader?: number | string; errors?: string[] };
      }>;
      const status = parsed[0]?.Status;
      if (!status) return undefined;
      return { leader: String(status.leader ?? 0), errors: status.errors ?? [], raw: parsed[0] };
    } catch {
      return undefined;
    }
  }

  /** Waits until a running member reports a leader; returns the leader member's name. */
  async waitForLeader(timeoutMs = 20000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const live = this.members.filter((m) => m.process && !m.hung);
      const statuses = await Promise.all(live.map((m) => this.gatewayStatus(m).catch((e: unknown) => ((last = String(e)), undefined))));
      const leaderId = statuses.find((s) => s && s.leader !== '0')?.leader;
      if (leaderId) {
        const leader = live.find((_, i) => statuses[i]?.memberId === leaderId);
        if (leader) return leader.name;
      }
      await sleep(100);
    }
    throw new Error(`no leader within ${timeoutMs} ms (${last}); logs in ${this.baseDir}`);
  }

  private async waitForReady(member: HarnessMember, timeoutMs = 20000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!member.process) throw new Error(`${member.name} exited during start: ${this.log(member.name).slice(-2000)}`);
      const status = await this.gatewayStatus(member).catch(() => undefined);
      if (status && status.leader !== '0') return;
      await sleep(100);
    }
    throw new Error(`${member.name} not ready within ${timeoutMs} ms`);
  }

  /** Maintenance status through etcd's JSON gateway: cheap enough to poll, no etcdctl process per call. */
  private async gatewayStatus(member: HarnessMember): Promise<{ leader: string; memberId: string }> {
    if (this.options.tls) {
      // The gateway over TLS would need the CA in fetch; etcdctl handles TLS clusters.
      const status = await this.endpointStatus(member.clientUrl);
      if (!status) throw new Error(`${member.name} did not answer`);
      const raw = status.raw as { Status: { header: { member_id: number | string } } };
      return { leader: status.leader, memberId: String(raw.Status.header.member_id) };
    }
    const response = await fetch(`${member.clientUrl}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(1000),
    });
    const body = (await response.json()) as { leader?: string; header?: { member_id?: string } };
    return { leader: body.leader ?? '0', memberId: body.header?.member_id ?? '' };
  }

  /** Cuts the peer link between two members (both ways, or only the connections a dials to b); needs peerProxy. */
  partition(a: string, b: string, options: { oneWay?: boolean; mode?: CutMode } = {}): void {
    this.proxy().cut(a, b, options);
  }

  /** Restores the peer link between two members (both ways, or a → b only). */
  heal(a: string, b: string, options: { oneWay?: boolean } = {}): void {
    this.proxy().heal(a, b, options);
  }

  /** Cuts a member off from every other member; its client port, and its peer port from outside the cluster, still answer. */
  isolate(name: string, options: { mode?: CutMode } = {}): void {
    this.proxy().isolate(name, options);
  }

  /** Heals every peer link of one member. */
  rejoin(name: string): void {
    this.proxy().rejoin(name);
  }

  /** Splits the members into sides that cannot reach each other (e.g. [['etcd-1'], ['etcd-2', 'etcd-3']]). */
  split(sides: string[][], options: { mode?: CutMode } = {}): void {
    this.proxy().split(sides, options);
  }

  /** Heals every peer link. */
  healAll(): void {
    this.proxy().healAll();
  }

  private proxy(): PeerProxy {
    if (!this.peerProxy) throw new Error('this cluster was started without peerProxy');
    return this.peerProxy;
  }

  private proxied(member: HarnessMember): Parameters<PeerProxy['add']>[0] {
    const front = new URL(member.peerUrl);
    const listen = new URL(member.listenPeerUrl ?? member.peerUrl);
    return {
      name: member.name,
      frontPort: Number(front.port),
      target: { host: listen.hostname, port: Number(listen.port) },
      pid: () => member.process?.pid,
    };
  }

  /** Kills every member and removes the cluster's folder. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    // The members first: while they run they redial the proxy many times a second.
    await Promise.all(this.members.map((m) => this.kill(m.name).catch(() => undefined)));
    await this.peerProxy?.close();
    if (!this.options.baseDir) rmSync(this.baseDir, { recursive: true, force: true });
    this.untrackDir();
  }
}

/** The client URL(s) a member advertises: its listen URL unless the test says otherwise. */
function advertised(override: string | ((listenUrl: string) => string) | undefined, listenUrl: string): string {
  if (override === undefined) return listenUrl;
  return typeof override === 'function' ? override(listenUrl) : override;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one writer of startWriters() saw: when each write ended (performance.now()), each failure, when it stopped. */
export interface WriterRecord {
  endpoint: string;
  done: number[];
  failed: string[];
  /** When its last write (possibly in flight when told to stop) ended. */
  stoppedAt: number;
}

/**
 * A steady writer per endpoint, for measuring what maintenance does to writes: a small put through that
 * member only (its own client, no retries), then a pause. stop() waits for the writes in flight to end.
 */
export function startWriters(
  endpoints: string[],
  options: { pauseMs: number; deadlineMs: number },
): { records: WriterRecord[]; stop: () => Promise<WriterRecord[]> } {
  let running = true;
  const records: WriterRecord[] = endpoints.map((endpoint) => ({ endpoint, done: [], failed: [], stoppedAt: 0 }));
  const loops = records.map(async (record, w) => {
    const client = new EndpointClient(record.endpoint, { name: 'writer', endpoints: [record.endpoint] });
    for (let i = 0; running; i++) {
      try {
        await client.put(`/writer/${w}/${i % 100}`, String(i), new Date(Date.now() + options.deadlineMs));
        record.done.push(performance.now());
      } catch (error) {
        record.failed.push(error instanceof Error ? error.message : String(error));
      }
      await sleep(options.pauseMs);
    }
    record.stoppedAt = performance.now();
    client.close();
  });
  return {
    records,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}
