// One client per member endpoint, over ./grpc/channel.ts: every call goes to exactly that member, once, with
// a gRPC deadline that also bounds connecting and authenticating. Nothing retries, nothing picks another host,
// and nothing reconnects in the background: a refresh costs at most one deadline per member, whatever state the
// member is in, and an action's call reaches the member it names or fails.
import { readFileSync } from 'node:fs';
import {
  DeadlineError,
  GrpcChannel,
  StreamClosedError,
  type ChannelTls,
  type HttpAnswer,
  type MessageStream,
  type Metadata,
} from './grpc/channel';
import { etcdMethods } from './grpc/methods';
import type { FailureKind } from './model';
import { isDialError } from './dial';
import { hexIdToDecimal } from './ids';
import type { ConnectionProfile } from './profile';

export { DeadlineError } from './grpc/channel';

/** A 16-digit hex id as the decimal string etcd's protos carry (64-bit integers travel as decimal strings). */
const hexToDecimal = (hex: string): string => hexIdToDecimal(hex).toString();

/** A response header as decoded (uint64/int64 as decimal strings). */
interface RawHeader {
  cluster_id: string;
  member_id: string;
  revision: string;
  raft_term: string;
}

/** A raw StatusResponse as decoded (uint64/int64 as decimal strings). */
export interface RawStatus {
  header: RawHeader;
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

/** One message of etcd's snapshot stream. */
export interface SnapshotChunk {
  header: RawHeader;
  remaining_bytes: string;
  blob: Buffer;
}

/** The snapshot stream: its messages, and a way to stop it. */
export type SnapshotStream = MessageStream;

/** A raw Member as decoded. */
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

/** The TLS part of a profile, its files read once per client. */
function tlsOf(profile: ConnectionProfile): ChannelTls {
  const tls = profile.tls;
  const serverName = tls?.serverName ? { serverName: tls.serverName } : {};
  if (!tls?.caFile && !tls?.certFile && !tls?.keyFile) return serverName;
  if (!tls.caFile) throw new TlsSettingsError('a CA file (--cacert) is needed to verify the servers');
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile))
    throw new TlsSettingsError('a client certificate needs its key, and a key its certificate');
  return {
    ca: readTlsFile(tls.caFile, 'CA'),
    ...(tls.certFile ? { cert: readTlsFile(tls.certFile, 'client certificate') } : {}),
    ...(tls.keyFile ? { key: readTlsFile(tls.keyFile, 'client key') } : {}),
    ...serverName,
  };
}

/** etcd's answer to a token it no longer accepts (expired simple token, or a restarted member). */
const INVALID_TOKEN = /etcdserver: invalid auth token/;

/** A client bound to exactly one endpoint. */
export class EndpointClient {
  private readonly channel: GrpcChannel;
  private readonly credentials: { name: string; password: string } | undefined;
  private token: Promise<string> | undefined;

  constructor(
    readonly endpoint: string,
    profile: ConnectionProfile,
  ) {
    // TLS files are read here, so that a file that cannot be read fails building the client, naming the file.
    this.channel = new GrpcChannel(endpoint, endpoint.startsWith('https:') ? tlsOf(profile) : undefined, profile.dial);
    this.credentials = profile.username ? { name: profile.username, password: profile.password ?? '' } : undefined;
  }

  status(deadline: Date): Promise<RawStatus> {
    return this.call<RawStatus>('Maintenance', 'Status', {}, deadline);
  }

  /** An HTTP GET on this member's gRPC connection (https endpoints only: GrpcChannel.get). */
  httpGet(path: string, deadline: Date, maxBytes: number): Promise<HttpAnswer> {
    return this.channel.get(path, deadline, maxBytes);
  }

  async memberList(deadline: Date): Promise<{ clusterId: string; memberId: string; members: RawMember[] }> {
    const response = await this.call<{ header: RawHeader; members: RawMember[] }>('Cluster', 'MemberList', {}, deadline);
    return { clusterId: response.header.cluster_id, memberId: response.header.member_id, members: response.members };
  }

  /**
   * etcd's health read: a get of the key "health" (linearizable, except on learners, which serve none).
   * A user without read permission on "health" still proves the member serves requests, as etcdctl holds.
   */
  async healthGet(deadline: Date, serializable = false): Promise<void> {
    try {
      await this.call('KV', 'Range', { key: Buffer.from('health'), serializable }, deadline);
    } catch (error) {
      if (!/etcdserver: permission denied/.test((error as Error).message)) throw error;
    }
  }

  async alarms(deadline: Date): Promise<Array<{ memberID: string; alarm: string }>> {
    const response = await this.call<{ alarms: Array<{ memberID: string; alarm: string }> }>(
      'Maintenance',
      'Alarm',
      { action: 'Get', memberID: '0', alarm: 'None' },
      deadline,
    );
    // etcd3's proto spells the enum Nospace/Corrupt; etcdctl and operators say NOSPACE/CORRUPT.
    return response.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm).toUpperCase() }));
  }

  /** The member's current revision (from its status). */
  async revision(deadline: Date): Promise<number> {
    const status = await this.status(deadline);
    return Number(status.header.revision);
  }

  /** Defragments this member's backend. The server goes on after a client gives up: callers wait on the member. */
  async defragment(deadline: Date): Promise<void> {
    await this.call('Maintenance', 'Defragment', {}, deadline);
  }

  /** Compacts the key-value history up to `revision` (cluster-wide; physical: wait until applied on this member). */
  async compact(revision: number, deadline: Date, physical = true): Promise<void> {
    await this.call('KV', 'Compact', { revision: String(revision), physical }, deadline);
  }

  /** Asks this member, which must be the leader, to hand leadership to `targetId` (16-digit hex). */
  async moveLeader(targetId: string, deadline: Date): Promise<void> {
    await this.call('Maintenance', 'MoveLeader', { targetID: hexToDecimal(targetId) }, deadline);
  }

  /** Hash of this member's MVCC keys up to `revision` (0: its latest), with the compact revision it hashed from. */
  async hashKV(revision: number, deadline: Date): Promise<{ hash: string; compactRevision: number; revision: number; memberId: string }> {
    const r = await this.call<{ header: RawHeader; hash: string; compact_revision: string }>(
      'Maintenance',
      'HashKV',
      { revision: String(revision) },
      deadline,
    );
    return {
      hash: String(r.hash),
      compactRevision: Number(r.compact_revision),
      revision: Number(r.header.revision),
      memberId: r.header.member_id,
    };
  }

  /** The member's snapshot: a stream of SnapshotChunk messages, bounded by the deadline as a whole. */
  async snapshotStream(deadline: Date): Promise<SnapshotStream> {
    const method = etcdMethods()['etcdserverpb.Maintenance'].Snapshot;
    const metadata = await this.metadata(deadline);
    return this.channel.serverStream(method.path, method.requestSerialize({}), metadata, deadline, (bytes) =>
      method.responseDeserialize(bytes),
    );
  }

  /** Puts one key; returns the revision it was written at. */
  async put(key: string, value: string | Buffer, deadline: Date): Promise<number> {
    const r = await this.call<{ header: RawHeader }>('KV', 'Put', { key: Buffer.from(key), value: Buffer.from(value) }, deadline);
    return Number(r.header.revision);
  }

  /** The value of one key (linearizable read), undefined when there is none. */
  async get(key: string, deadline: Date): Promise<string | undefined> {
    const r = await this.call<{ kvs: Array<{ value: Buffer }> }>('KV', 'Range', { key: Buffer.from(key) }, deadline);
    return r.kvs[0]?.value.toString();
  }

  /** Deletes one key (or, with `prefix`, every key under it); returns how many were deleted. */
  async deleteKey(key: string, deadline: Date, prefix = false): Promise<number> {
    const request = prefix ? { key: Buffer.from(key), range_end: prefixEnd(Buffer.from(key)) } : { key: Buffer.from(key) };
    const r = await this.call<{ deleted: string }>('KV', 'DeleteRange', request, deadline);
    return Number(r.deleted);
  }

  /**
   * Deactivates one alarm of one member (never member 0: that would disarm every alarm, CORRUPT included).
   * etcd answers with the alarm it deactivated, or none when the member had no such alarm.
   */
  async alarmDisarm(memberId: string, alarm: 'NOSPACE', deadline: Date): Promise<Array<{ memberID: string; alarm: string }>> {
    if (/^0+$/.test(memberId)) throw new Error('refusing to disarm alarms of member 0 (every member, every alarm)');
    const response = await this.call<{ alarms: Array<{ memberID: string; alarm: string }> }>(
      'Maintenance',
      'Alarm',
      { action: 'Deactivate', memberID: hexToDecimal(memberId), alarm: alarm === 'NOSPACE' ? 'Nospace' : alarm },
      deadline,
    );
    return response.alarms.map((a) => ({ memberID: String(a.memberID), alarm: String(a.alarm).toUpperCase() }));
  }

  /** Adds a member (a learner unless isLearner is false); returns the new member and the list etcd now has. */
  async memberAdd(peerURLs: string[], isLearner: boolean, deadline: Date): Promise<{ member: RawMember; members: RawMember[] }> {
    return this.call<{ member: RawMember; members: RawMember[] }>('Cluster', 'MemberAdd', { peerURLs, isLearner }, deadline);
  }

  /** Removes a member by its 16-digit hex id. */
  async memberRemove(id: string, deadline: Date): Promise<void> {
    await this.call('Cluster', 'MemberRemove', { ID: hexToDecimal(id) }, deadline);
  }

  /** Promotes a learner (16-digit hex id) to a voting member. */
  async memberPromote(id: string, deadline: Date): Promise<void> {
    await this.call('Cluster', 'MemberPromote', { ID: hexToDecimal(id) }, deadline);
  }

  close(): void {
    this.channel.close();
  }

  /** One unary call of etcdserverpb.<service>/<method>, authenticated when the profile has a user. */
  private async call<T>(service: string, method: string, request: object, deadline: Date): Promise<T> {
    const codec = etcdMethods()[`etcdserverpb.${service}`][method];
    const bytes = codec.requestSerialize(request);
    const once = async (): Promise<T> => {
      const answer = await this.channel.unary(codec.path, bytes, await this.metadata(deadline), deadline);
      return codec.responseDeserialize(answer) as T;
    };
    try {
      return await once();
    } catch (error) {
      // A token etcd no longer accepts (simple tokens expire after 5 minutes idle): authenticate again, once.
      if (!this.credentials || !INVALID_TOKEN.test((error as Error).message)) throw error;
      this.token = undefined;
      return once();
    }
  }

  /** The auth token's metadata (authenticating on first use), or none without a user. */
  private async metadata(deadline: Date): Promise<Metadata> {
    if (!this.credentials) return {};
    const credentials = this.credentials;
    const token = (this.token ??= (async () => {
      const codec = etcdMethods()['etcdserverpb.Auth'].Authenticate;
      const answer = await this.channel.unary(codec.path, codec.requestSerialize(credentials), {}, deadline);
      return (codec.responseDeserialize(answer) as { token: string }).token;
    })());
    try {
      return { token: await token };
    } catch (error) {
      // A failed authentication is not remembered: the next call (a changed password, a member back) tries again.
      if (this.token === token) this.token = undefined;
      throw error;
    }
  }
}

/** The end of the range of every key that starts with `prefix` (etcd's and etcdctl's --prefix). */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
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
  if (isDialError(error)) return { kind: error.kind, text: raw };
  if (error instanceof DeadlineError || /deadline exceeded|DEADLINE_EXCEEDED/i.test(raw)) {
    return timeoutFailure(timeoutMs);
  }
  if (/ECONNREFUSED|connection refused/i.test(raw)) return { ...REFUSED };
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/i.test(raw))
    return { kind: 'not-found', text: `host name does not resolve (${message})` };
  if (/EHOSTUNREACH|ENETUNREACH/i.test(raw)) return { kind: 'unavailable', text: 'host unreachable (network or firewall)' };
  if (/authentication failed|invalid user ID or password/i.test(raw)) {
    return { kind: 'auth', text: 'authentication failed: wrong user name or password' };
  }
  if (/user name is empty|user name not found|invalid auth token/i.test(raw)) {
    return { kind: 'auth', text: `authentication failed: ${message.replace(/^.*?etcdserver: /, '')}` };
  }
  if (/authentication is not enabled/i.test(raw)) {
    return {
      kind: 'auth',
      text: 'authentication is not enabled on this cluster: connect without a user name (etcdserver: authentication is not enabled)',
    };
  }
  if (/permission denied/i.test(raw)) {
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
  if (error instanceof StreamClosedError) return { kind: 'unavailable', text: `unavailable: ${raw}` };
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
