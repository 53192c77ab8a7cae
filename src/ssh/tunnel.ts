// A cluster reached through an SSH host (a bastion, or a member host): one SSH connection per cluster, with
// the SSH layer's discipline (host keys verified hop by hop, ProxyJump, agent/keys/passwords), and every
// connection of the inspector a direct-tcpip channel of it to the member's URL as the SSH host sees it.
// Failures say where they are: "SSH to ops@bastion-1:22: permission denied (publickey)" is the route, not
// etcd; "127.0.0.1:2379 from bastion-1:22: connection refused" is the member as the bastion sees it. A
// connection that ended is opened again on the next dial (one at a time: a refresh's many dials share it).
import { DialError, socketLike, type Dialer } from '../etcd/dial';
import type { FailureKind } from '../etcd/model';
import { SshError, SshSession, type SessionOptions } from './session';
import { readSshConfig, resolveTarget, type SshOptions, type SshTarget } from './target';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * After a failed attempt to open the SSH connection, dials get the same failure for this long: longer than
 * a refresh's spread of dials, shorter than any refresh interval.
 */
export const RETRY_AFTER_MS = 1500;

/** What an SSH failure means for the connection that needed it. */
function kindOf(error: SshError): FailureKind {
  switch (error.kind) {
    case 'auth':
      return 'auth';
    case 'timeout':
      return 'timeout';
    case 'unreachable':
      return /refused/.test(error.message) ? 'refused' : 'unavailable';
    case 'refused':
      return 'unavailable';
    default:
      return 'other';
  }
}

export class SshTunnel {
  private session: Promise<SshSession> | undefined;
  /** The last failure to open the SSH connection, given again to dials until RETRY_AFTER_MS has passed. */
  private failed: { error: DialError; at: number } | undefined;
  /** How many SSH connections this tunnel has opened (a drop costs one more, never a pile of them). */
  opened = 0;

  private constructor(
    readonly target: SshTarget,
    private readonly sessionOptions: SessionOptions,
    private readonly onSessionError?: (error: SshError) => void,
  ) {}

  /**
   * Resolves `spec` (`[user@]host[:port]` or an ~/.ssh/config alias) with the cluster's SSH options.
   * `onSessionError` hears each failure to open the SSH connection (a host that needs the user: a changed
   * key, a refused login), once per attempt, besides the DialError every waiting connection gets.
   */
  static async create(
    spec: string,
    options: SshOptions,
    sessionOptions: SessionOptions,
    onSessionError?: (error: SshError) => void,
  ): Promise<SshTunnel> {
    const config = options.sshConfig === false ? null : (await readSshConfig(options.sshConfig ?? join(homedir(), '.ssh', 'config'))).text;
    return new SshTunnel(await resolveTarget(spec, options, config), sessionOptions, onSessionError);
  }

  /** "via ops@bastion-1:22" for messages and the tree. */
  get route(): string {
    const h = this.target.host;
    return `via ${h.user}@${h.alias}${h.port === 22 ? '' : `:${h.port}`}`;
  }

  /** The Dialer of a connection profile. */
  readonly dial: Dialer = async (host, port, deadline) => {
    const session = await this.open();
    const remaining = deadline.getTime() - Date.now();
    if (remaining <= 0) throw new DialError(`no connection to ${host}:${port} ${this.route} within the deadline`, 'timeout');
    try {
      return socketLike(await session.openChannel(host, port, remaining));
    } catch (error) {
      if (error instanceof SshError) throw new DialError(`${error.message} (${this.route})`, kindOf(error));
      throw error;
    }
  };

  /** The SSH connection, opened (again, once it ended or failed) when needed. */
  private async open(): Promise<SshSession> {
    const current = this.session;
    if (current) {
      const session = await current.catch(() => undefined);
      if (session && !session.ended) return session;
      if (this.session === current) this.session = undefined;
    }
    // A refresh dials every member, some of them later than others: one failed login (a refused key, an
    // unknown host key) is one attempt, not one per dial. A bastion's fail2ban counts attempts.
    if (!this.session && this.failed && Date.now() - this.failed.at < RETRY_AFTER_MS) throw this.failed.error;
    if (!this.session) {
      this.failed = undefined;
      this.opened++;
      const opening = SshSession.open(this.target, this.sessionOptions);
      this.session = opening;
      opening.catch((error: unknown) => {
        if (error instanceof SshError) this.onSessionError?.(error);
      });
    }
    try {
      return await this.session;
    } catch (error) {
      this.session = undefined;
      // The route failed, not the member: never "connection refused (etcd not running)" for an SSH port.
      const message = error instanceof Error ? error.message : String(error);
      const failure = new DialError(
        /^SSH to /.test(message) ? message : `SSH ${this.route}: ${message}`,
        error instanceof SshError && error.kind !== 'refused' && error.kind !== 'unreachable' ? kindOf(error) : 'unavailable',
      );
      this.failed ??= { error: failure, at: Date.now() };
      throw failure;
    }
  }

  close(): void {
    void this.session?.then((s) => s.close()).catch(() => undefined);
    this.session = undefined;
  }
}
