// One etcd3 client per endpoint, configured so that nothing inside etcd3 can stretch a call past its
// deadline: no retries, no circuit breaker (cockatiel's noop policy for both), and an explicit gRPC
// deadline on every call, including the authentication call. A refresh therefore costs at most one
// deadline per member, whatever state the member is in.
import { readFileSync } from 'node:fs';
import { noop } from 'cockatiel';
import { Etcd3, type IOptions } from 'etcd3';
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

/** A raw Member as etcd3 decodes it. */
export interface RawMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/** The credentials part of a profile, read once per client. */
function credentialsOf(profile: ConnectionProfile): IOptions['credentials'] {
  const tls = profile.tls;
  if (!tls?.caFile && !tls?.certFile && !tls?.keyFile) return undefined;
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
  };
  if (!tls.caFile) throw new Error('a CA file (--cacert) is needed to verify the servers');
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new Error('a client certificate needs its key, and a key its certificate');
  return {
    rootCertificate: read(tls.caFile, 'CA'),
    ...(tls.certFile ? { certChain: read(tls.certFile, 'client certificate') } : {}),
    ...(tls.keyFile ? { privateKey: read(tls.keyFile, 'client key') } : {}),
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

  /** etcd's health read: a get of the key "health" (linearizable, except on learners, which serve none). */
  async healthGet(deadline: Date, serializable = false): Promise<void> {
    await this.withDeadline(deadline, (options) => this.client.kv.range({ key: Buffer.from('health'), serializable }, options));
  }

  async alarms(deadline: Date): Promise<Array<{ memberID: string; alarm: string }>> {
    const response = await this.withDeadline(deadline, (options) =>
      this.client.maintenance.alarm({ action: 'Get', memberID: '0', alarm: 'None' }, options),
    );
    // etcd3's proto spells the enum Nospace/Corrupt; etcdctl and operators say NOSPACE/CORRUPT.
    return response.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm).toUpperCase() }));
  }

  /** Access for maintenance operations that need more of etcd3 (used by later features). */
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

/**
 * Turns whatever a failed call threw into one line an operator can act on: what failed and what to try.
 * Server-provided text is kept verbatim (it is shown as untrusted text by every UI).
 */
export function describeError(error: unknown, timeoutMs: number): string {
  const raw = error instanceof Error ? error.message : String(error);
  // grpc-js prefixes "<code> <NAME>: " and pads with "Last error: null. Resolution note: " when it has
  // nothing more to say; neither helps an operator.
  const message = cleanGrpcMessage(raw);
  if (error instanceof DeadlineError || /deadline exceeded|DEADLINE_EXCEEDED/i.test(raw)) {
    return `no answer within ${timeoutMs} ms (member hung, overloaded, or not an etcd server)`;
  }
  if (/ECONNREFUSED|connection refused/i.test(raw)) return 'connection refused (etcd not running or wrong port)';
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/i.test(raw)) return `host name does not resolve (${message})`;
  if (/EHOSTUNREACH|ENETUNREACH/i.test(raw)) return 'host unreachable (network or firewall)';
  if (/authentication failed|invalid user ID or password/i.test(raw)) return 'authentication failed: wrong user name or password';
  if (/user name is empty|user name not found/i.test(raw)) return `authentication failed: ${message.replace(/^.*?etcdserver: /, '')}`;
  if (/authentication is not enabled/i.test(raw))
    return 'authentication is not enabled on this cluster: connect without a user name (etcdserver: authentication is not enabled)';
  if (/permission denied/i.test(raw)) return 'permission denied: the user lacks the role this request needs';
  if (/certificate|self.signed|unable to verify|SSL|TLS|handshake|wrong version number/i.test(raw)) {
    return `TLS handshake failed: ${message} (check the CA, client certificate and key, and the server name)`;
  }
  if (/Protocol error|Received RST_STREAM|invalid frame|HTTP\/2|parse/i.test(raw) && !/etcdserver/.test(raw)) {
    return `not an etcd gRPC endpoint (${message})`;
  }
  if (/No connection established|UNAVAILABLE|failed to connect/i.test(raw)) return `unavailable: ${message}`;
  // Class names are not shown: the bundle is minified, so they would read "Pl" rather than anything useful.
  const code = /^\d+ ([A-Z_]+): /.exec(raw)?.[1];
  return code ? `${code.toLowerCase().replace(/_/g, ' ')}: ${message}` : message;
}

/** A grpc-js error message without its numeric code prefix and empty "Last error"/"Resolution note" padding. */
export function cleanGrpcMessage(message: string): string {
  return (
    message
      .replace(/^\d+ [A-Z_]+: /, '')
      .replace(/\s*Last error: null\.?/g, '')
      .replace(/\s*Resolution note:\s*$/, '')
      .trim() || 'no detail given'
  );
}
