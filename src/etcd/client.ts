// One etcd3 client per endpoint, configured so that nothing inside etcd3 can stretch a call past its
// deadline: no retries, no circuit breaker (cockatiel's noop policy for both), and an explicit gRPC
// deadline on every call, including the authentication call. A refresh therefore costs at most one
// deadline per member, whatever state the member is in.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { noop } from 'cockatiel';
import {
  Etcd3,
  EtcdAuthenticationFailedError,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  type IHashKVResponse,
  type IOptions,
} from 'etcd3';
import type { FailureKind } from './model';
import { hexIdToDecimal } from './ids';

/** A 16-digit hex id as the decimal string etcd3 sends. */
const hexToDecimal = (hex: string): string => hexIdToDecimal(hex).toString();
import type { ConnectionProfile } from './profile';

/** A raw StatusResponse as etcd3 decodes it (uint64/int64 as decimal strings). */
export interface RawStatus {
  header: { cluster_id: string; member_id: string; revision: string; raft_term: string };
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  errors: string[];
  dbSizeInUse: string;
  isLearner: boolean;
}

/** A gRPC response stream that can be cancelled (grpc-js's ClientReadableStream). */
export type SnapshotStream = Readable & { cancel(): void };

/** The part of etcd3's connection pool EndpointClient uses. */
interface EtcdPool {
  exec<T>(service: 'Maintenance', method: string, payload: unknown, options: unknown): Promise<T>;
  withConnection<T>(
    service: 'Maintenance',
    fn: (args: { client: { snapshot(request: object, metadata: unknown, options: object): SnapshotStream }; metadata: unknown }) => T,
  ): Promise<T>;
}

/** A raw Member as etcd3 decodes it. */
export interface RawMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/** TLS settings that cannot be used: a file that cannot be read, a certificate without its key. */
export class TlsSettingsError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'TlsSettingsError';
  }
}

/** Reads a TLS file named in a profile; a file that cannot be read is a TlsSettingsError naming it. */
export function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TlsSettingsError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
}

/** The credentials part of a profile, read once per client. */
function credentialsOf(profile: ConnectionProfile): IOptions['credentials'] {
  const tls = profile.tls;
  if (!tls?.caFile && !tls?.certFile && !tls?.keyFile) return undefined;
  if (!tls.caFile) throw new TlsSettingsError('a CA file (--cacert) is needed to verify the servers');
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile))
    throw new TlsSettingsError('a client certificate needs its key, and a key its certificate');
  return {
    rootCertificate: readTlsFile(tls.caFile, 'CA'),
    ...(tls.certFile ? { certChain: readTlsFile(tls.certFile, 'client certificate') } : {}),
    ...(tls.keyFile ? { privateKey: readTlsFile(tls.keyFile, 'client key') } : {}),
  };
}

/** A client bound to exactly one endpoint. */
export class EndpointClient {
  private readonly client: Etcd3;

  constructor(
    readonly endpoint: string,
    profile: ConnectionProfile,
  ) {
    const credentials = endpoint.startsWith('https:') ? credentialsOf(profile) : undefined;
    const grpcOptions: Record<string, string | number> = {
      // Fail a dead endpoint fast instead of backing off between reconnects for seconds.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.min_reconnect_backoff_ms': 100,
    };
    if (profile.tls?.serverName) {
      grpcOptions['grpc.ssl_target_name_override'] = profile.tls.serverName;
      grpcOptions['grpc.default_authority'] = profile.tls.serverName;
    }
    this.client = new Etcd3({
      hosts: [endpoint],
      ...(credentials ? { credentials } : {}),
      ...(profile.username ? { auth: { username: profile.username, password: profile.password ?? '' } } : {}),
      grpcOptions,
      faultHandling: { host: () => noop, global: noop },
    });
  }

  status(deadline: Date): Promise<RawStatus> {
    return this.withDeadline(deadline, (options) => this.client.maintenance.status(options) as Promise<unknown> as Promise<RawStatus>);
  }

  async memberList(deadline: Date): Promise<{ clusterId: string; memberId: string; members: RawMember[] }> {
    const response = await this.withDeadline(deadline, (options) => this.client.cluster.memberList({}, options));
    return {
      clusterId: response.header.cluster_id,
      memberId: response.header.member_id,
      members: response.members as unknown as RawMember[],
    };
  }

  /**
   * etcd's health read: a get of the key "health" (linearizable, except on learners, which serve none).
   * A user without read permission on "health" still proves the member serves requests, as etcdctl holds.
   */
  async healthGet(deadline: Date, serializable = false): Promise<void> {
    try {
      await this.withDeadline(deadline, (options) => this.client.kv.range({ key: Buffer.from('health'), serializable }, options));
    } catch (error) {
      if (!(error instanceof EtcdPermissionDeniedError)) throw error;
    }
  }

  async alarms(deadline: Date): Promise<Array<{ memberID: string; alarm: string }>> {
    const response = await this.withDeadline(deadline, (options) =>
      this.client.maintenance.alarm({ action: 'Get', memberID: '0', alarm: 'None' }, options),
    );
    // etcd3's proto spells the enum Nospace/Corrupt; etcdctl and operators say NOSPACE/CORRUPT.
    return response.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm).toUpperCase() }));
  }

  /** The member's current revision and compacted-revision-independent header (from its status). */
  async revision(deadline: Date): Promise<number> {
    const status = await this.status(deadline);
    return Number(status.header.revision);
  }

  /** Defragments this member's backend. The server goes on after a client gives up: callers wait on the member. */
  async defragment(deadline: Date): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.maintenance.defragment(options));
  }

  /** Compacts the key-value history up to `revision` (cluster-wide; physical: wait until applied on this member). */
  async compact(revision: number, deadline: Date, physical = true): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.kv.compact({ revision: String(revision), physical }, options));
  }

  /** Asks this member, which must be the leader, to hand leadership to `targetId` (16-digit hex). */
  async moveLeader(targetId: string, deadline: Date): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.maintenance.moveLeader({ targetID: hexToDecimal(targetId) }, options));
  }

  /** Hash of this member's MVCC keys up to `revision` (0: its latest), with the compact revision it hashed from. */
  async hashKV(revision: number, deadline: Date): Promise<{ hash: string; compactRevision: number; revision: number; memberId: string }> {
    // etcd3's maintenance.hashKV calls the gRPC method "hashKV", but grpc-js names it "HashKV" or (proto-loader's
    // camel case) "hashKv": call that through the same one-host pool.
    const r = await this.withDeadline(deadline, (options) =>
      this.pool.exec<IHashKVResponse>('Maintenance', 'hashKv', { revision: String(revision) }, options),
    );
    return {
      hash: String(r.hash),
      compactRevision: Number(r.compact_revision),
      revision: Number(r.header.revision),
      memberId: r.header.member_id,
    };
  }

  /**
   * The member's snapshot stream. Through the pool (its auth token and TLS) rather than etcd3's
   * maintenance.snapshot(), which passes the auth metadata where the request belongs, so that etcd answers
   * "user name is empty" on a cluster with authentication. The deadline is the gRPC stream's.
   */
  snapshotStream(deadline: Date): Promise<SnapshotStream> {
    return this.pool.withConnection('Maintenance', ({ client, metadata }) => client.snapshot({}, metadata, { deadline }));
  }

  /** Puts one key; returns the revision it was written at. */
  async put(key: string, value: string, deadline: Date): Promise<number> {
    const r = await this.withDeadline(deadline, (options) =>
      this.client.kv.put({ key: Buffer.from(key), value: Buffer.from(value) }, options),
    );
    return Number(r.header.revision);
  }

  /** The value of one key (linearizable read), undefined when there is none. */
  async get(key: string, deadline: Date): Promise<string | undefined> {
    const r = await this.withDeadline(deadline, (options) => this.client.kv.range({ key: Buffer.from(key) }, options));
    return r.kvs[0]?.value.toString();
  }

  /** Deletes one key; returns how many were deleted (0 or 1). */
  async deleteKey(key: string, deadline: Date): Promise<number> {
    const r = await this.withDeadline(deadline, (options) => this.client.kv.deleteRange({ key: Buffer.from(key) }, options));
    return Number(r.deleted);
  }

  /**
   * etcd3's one-host connection pool behind its typed clients (not part of etcd3's types): the calls etcd3
   * gets wrong (hashKV's method name, snapshot's auth metadata) go through it directly.
   */
  private get pool(): EtcdPool {
    return (this.client.maintenance as unknown as { client: EtcdPool }).client;
  }

  /**
   * Deactivates one alarm of one member (never member 0: that would disarm every alarm, CORRUPT included).
   * etcd answers with the alarm it deactivated, or none when the member had no such alarm.
   */
  async alarmDisarm(memberId: string, alarm: 'NOSPACE', deadline: Date): Promise<Array<{ memberID: string; alarm: string }>> {
    if (/^0+$/.test(memberId)) throw new Error('refusing to disarm alarms of member 0 (every member, every alarm)');
    const response = await this.withDeadline(deadline, (options) =>
      this.client.maintenance.alarm(
        { action: 'Deactivate', memberID: hexToDecimal(memberId), alarm: alarm === 'NOSPACE' ? 'Nospace' : alarm },
        options,
      ),
    );
    return response.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm).toUpperCase() }));
  }

  /** Adds a member (a learner unless isLearner is false); returns the new member and the list etcd now has. */
  async memberAdd(peerURLs: string[], isLearner: boolean, deadline: Date): Promise<{ member: RawMember; members: RawMember[] }> {
    const r = await this.withDeadline(deadline, (options) => this.client.cluster.memberAdd({ peerURLs, isLearner }, options));
    return { member: r.member as unknown as RawMember, members: r.members as unknown as RawMember[] };
  }

  /** Removes a member by its 16-digit hex id. */
  async memberRemove(id: string, deadline: Date): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.cluster.memberRemove({ ID: hexToDecimal(id) }, options));
  }

  /** Promotes a learner (16-digit hex id) to a voting member. */
  async memberPromote(id: string, deadline: Date): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.cluster.memberPromote({ ID: hexToDecimal(id) }, options));
  }

  /** Access for operations that need more of etcd3 (snapshot streams, puts): still one host, no retries. */
  get raw(): Etcd3 {
    return this.client;
  }

  close(): void {
    this.client.close();
  }

  private async withDeadline<T>(deadline: Date, call: (options: { deadline: Date }) => Promise<T>): Promise<T> {
    // The gRPC deadline bounds the call itself; the timer bounds anything before it (authentication,
    // channel set-up) that etcd3 does without one.
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, deadline.getTime() - Date.now()));
    });
    try {
      return await Promise.race([call({ deadline }), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Raised when a member did not answer within the refresh deadline. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineError';
  }
}

/** A failed call: what kind of failure (code branches on this) and the one line an operator reads. */
export interface Failure {
  kind: FailureKind;
  text: string;
}

/** The failure of a member that refuses connections on its client port. */
export const REFUSED: Readonly<Failure> = { kind: 'refused', text: 'connection refused (etcd not running or wrong port)' };

/** The failure of a call that did not end within the refresh deadline. */
export function timeoutFailure(timeoutMs: number): Failure {
  return { kind: 'timeout', text: `no answer within ${timeoutMs} ms (member hung, overloaded, or not an etcd server)` };
}

/**
 * Turns whatever a failed call threw into its kind and one line an operator can act on: what failed and
 * what to try. This is the one place that reads an error's text (grpc-js and etcd report most failures
 * only as text); everything else branches on the kind. Server-provided text is kept verbatim (it is
 * shown as untrusted text by every UI).
 */
export function describeError(error: unknown, timeoutMs: number): Failure {
  const raw = error instanceof Error ? error.message : String(error);
  // grpc-js prefixes "<code> <NAME>: " and pads with "Last error: null. Resolution note: " when it has
  // nothing more to say; neither helps an operator.
  const message = cleanGrpcMessage(raw);
  if (error instanceof TlsSettingsError) return { kind: 'tls', text: `TLS settings unusable: ${raw}` };
  if (error instanceof DeadlineError || error instanceof GRPCDeadlineExceededError || /deadline exceeded|DEADLINE_EXCEEDED/i.test(raw)) {
    return timeoutFailure(timeoutMs);
  }
  if (/ECONNREFUSED|connection refused/i.test(raw)) return { ...REFUSED };
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/i.test(raw))
    return { kind: 'not-found', text: `host name does not resolve (${message})` };
  if (/EHOSTUNREACH|ENETUNREACH/i.test(raw)) return { kind: 'unavailable', text: 'host unreachable (network or firewall)' };
  if (error instanceof EtcdAuthenticationFailedError || /authentication failed|invalid user ID or password/i.test(raw)) {
    return { kind: 'auth', text: 'authentication failed: wrong user name or password' };
  }
  if (/user name is empty|user name not found/i.test(raw)) {
    return { kind: 'auth', text: `authentication failed: ${message.replace(/^.*?etcdserver: /, '')}` };
  }
  if (/authentication is not enabled/i.test(raw)) {
    return {
      kind: 'auth',
      text: 'authentication is not enabled on this cluster: connect without a user name (etcdserver: authentication is not enabled)',
    };
  }
  if (error instanceof EtcdPermissionDeniedError || /permission denied/i.test(raw)) {
    return { kind: 'auth', text: 'permission denied: the user lacks the role this request needs' };
  }
  // TLS alerts from the server: 116 certificate_required (TLS 1.3: none was sent), 42 bad_certificate
  // (TLS 1.2 servers send it for a missing certificate as well as for one they do not accept).
  if (/SSL alert number 116\b/.test(raw)) {
    return {
      kind: 'tls',
      text: 'TLS handshake failed: the server requires a client certificate (set the certificate and key files, etcdctl --cert/--key)',
    };
  }
  if (/SSL alert number 42\b/.test(raw)) {
    return {
      kind: 'tls',
      text: 'TLS handshake failed: the server rejected the client certificate, or requires one (check the certificate and key files, etcdctl --cert/--key)',
    };
  }
  if (/certificate|self.signed|unable to verify|SSL|TLS|handshake|wrong version number/i.test(raw)) {
    return { kind: 'tls', text: `TLS handshake failed: ${message} (check the CA, client certificate and key, and the server name)` };
  }
  if (/Protocol error|Received RST_STREAM|invalid frame|HTTP\/2|parse/i.test(raw) && !/etcdserver/.test(raw)) {
    return { kind: 'garbage', text: `not an etcd gRPC endpoint (${message})` };
  }
  if (/etcdserver: no leader/.test(raw)) return { kind: 'no-leader', text: message };
  if (/No connection established|UNAVAILABLE|failed to connect/i.test(raw)) return { kind: 'unavailable', text: `unavailable: ${message}` };
  // Class names are not shown: the bundle is minified, so they would read "Pl" rather than anything useful.
  const code = /^\d+ ([A-Z_]+): /.exec(raw)?.[1];
  return { kind: 'other', text: code ? `${code.toLowerCase().replace(/_/g, ' ')}: ${message}` : message };
}

/**
 * A grpc-js error message without its numeric code prefix, the "No connection established" preamble of a
 * connection's last error (or the empty "Last error"/"Resolution note" padding when there is none), and
 * the time stamp grpc-js appends to it.
 */
export function cleanGrpcMessage(message: string): string {
  return (
    message
      .replace(/^\d+ [A-Z_]+: /, '')
      .replace(/^No connection established\. Last error: (?:Error: )?(?!null\b)/, '')
      .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
      // OpenSSL's "<hex>:error:<hex>:SSL routines:<function>:<reason>:<file>:<line>:<detail>" keeps its reason.
      .replace(
        /[0-9A-F]+:error:[0-9A-F]+:SSL routines:\w+:([^:\n]+):[^\n]*?:\d+:(SSL alert number \d+)?/g,
        (_, reason: string, alert?: string) => (alert ? `${reason} (${alert})` : reason),
      )
      .replace(/\s*Last error: null\.?/g, '')
      .replace(/\s*Resolution note:\s*$/, '')
      .trim() || 'no detail given'
  );
}
