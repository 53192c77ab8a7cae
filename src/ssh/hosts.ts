// The member hosts of one cluster over SSH: which host each member is on, one session per host (members on
// the same host share it; opened on first use, concurrently for all members), and commands run from the
// cluster's templates with the member's values. Every operation gives a result per member — a member whose
// host cannot be reached is an error on that member, never a failure of the whole operation.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { commandFor, outputOf, type CommandValues } from './commands';
import { SshError, SshSession, type SessionOptions } from './session';
import { memberHostSpec, readSshConfig, resolveTarget, type CommandName, type SshOptions, type SshTarget } from './target';

/** What the SSH layer needs of a member (a MemberReport has it). */
export interface HostMember {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

/** A per-member outcome. */
export type PerMember<T> = { member: HostMember; value: T; error?: undefined } | { member: HostMember; value?: undefined; error: SshError };

/** Default deadline of one command. */
export const COMMAND_TIMEOUT_MS = 15_000;

/** The label of a member in messages. */
export const hostLabel = (m: HostMember): string => m.name || m.id;

export class MemberHosts {
  private readonly sessions = new Map<string, Promise<SshSession>>();

  private constructor(
    readonly options: SshOptions,
    private readonly sessionOptions: SessionOptions,
    private readonly configText: string | null,
    /** What reading the ssh configuration could not honour (said once, in the log). */
    readonly notes: string[],
  ) {}

  /** Reads the ssh client configuration (unless `sshConfig: false`) once for the cluster. */
  static async create(options: SshOptions, sessionOptions: SessionOptions): Promise<MemberHosts> {
    if (options.sshConfig === false) return new MemberHosts(options, sessionOptions, null, []);
    const { text, notes } = await readSshConfig(options.sshConfig ?? join(homedir(), '.ssh', 'config'));
    return new MemberHosts(options, sessionOptions, text, notes);
  }

  get commandTimeoutMs(): number {
    return this.options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  }

  /** Where a member's host is, resolved. */
  async target(member: HostMember): Promise<SshTarget> {
    const spec = memberHostSpec(member, this.options);
    if (!spec)
      throw new SshError(
        'other',
        `${hostLabel(member)} has no peer or client URL to take its host from: set its host in the cluster's ssh.hosts`,
      );
    try {
      return await resolveTarget(spec, this.options, this.configText, this.notes);
    } catch (error) {
      throw error instanceof SshError ? error : new SshError('other', `${hostLabel(member)}: ${(error as Error).message}`);
    }
  }

  /** The session to a member's host, shared with other members on the same host; a failed open is retried next time. */
  async session(member: HostMember): Promise<SshSession> {
    const target = await this.target(member);
    const key = [...target.hops, target.host].map((h) => `${h.user}@${h.host}:${h.port}`).join('>');
    let opening = this.sessions.get(key);
    if (!opening) {
      opening = SshSession.open(target, this.sessionOptions);
      this.sessions.set(key, opening);
      opening.catch(() => this.sessions.delete(key));
    }
    return opening;
  }

  /** The command line of a named command for a member: the cluster's template, the member's values shell-quoted. */
  command(member: HostMember, name: CommandName, values: CommandValues = {}): string {
    return commandFor(name, this.options, {
      name: member.name,
      peerUrl: member.peerURLs[0] ?? '',
      clientUrl: member.clientURLs[0] ?? '',
      ...values,
    });
  }

  /** Runs a named command for a member and returns its output; throws SshError (timeout, sudo, exit code). */
  async run(member: HostMember, name: CommandName, values: CommandValues = {}, timeoutMs = this.commandTimeoutMs): Promise<string> {
    const command = this.command(member, name, values);
    const session = await this.session(member);
    return outputOf(await session.exec(command, timeoutMs), name, hostLabel(member));
  }

  /** Runs `fn` for every member at once; each gets its value or its error. */
  async each<T>(members: readonly HostMember[], fn: (member: HostMember) => Promise<T>): Promise<PerMember<T>[]> {
    return Promise.all(
      members.map(async (member): Promise<PerMember<T>> => {
        try {
          return { member, value: await fn(member) };
        } catch (error) {
          return {
            member,
            error: error instanceof SshError ? error : new SshError('other', `${hostLabel(member)}: ${(error as Error).message}`),
          };
        }
      }),
    );
  }

  close(): void {
    for (const opening of this.sessions.values()) opening.then((s) => s.close()).catch(() => undefined);
    this.sessions.clear();
  }
}
