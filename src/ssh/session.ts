// One SSH connection to a member host (through its jump hops), with ssh2: every hop's host key verified
// against known_hosts under its own name before authentication (an unknown key is put to the caller's
// policy, a changed or revoked one refuses), authentication by ssh-agent, identity files (passphrases from
// the caller) or a password from the caller, and on the connection: commands with a deadline and an output
// cap, TCP connects from the host (direct-tcpip, no nc needed), and SFTP reads and writes.
import { readFile } from 'node:fs/promises';
import { Client, utils, type AnyAuthMethod, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import { quote } from 'shell-quote';
import { fingerprint, knownKeyTypes, readKnownHosts, verifyHostKey, KnownHostsUnreadableError, type KnownHostLine } from './knownHosts';
import type { SshHop, SshTarget } from './target';

/** What went wrong with SSH, so callers branch on it and messages say where. */
export type SshErrorKind =
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'host-key-unsupported'
  | 'known-hosts'
  | 'auth'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'command'
  | 'sudo-password'
  | 'other';

export class SshError extends Error {
  constructor(
    readonly kind: SshErrorKind,
    message: string,
    /** The hop the error is about, when it is about one (authentication, host key, connection). */
    readonly hop?: SshHop,
  ) {
    super(message);
  }
}

/** Decides on a host key no known_hosts file knows: resolve true to trust it (the policy stores it). */
export type UnknownHostKeyPolicy = (hop: SshHop, key: Buffer, fingerprint: string) => Promise<boolean>;

/** Where secrets come from: never from settings; the extension asks SecretStorage or the user, the CLI the environment. */
export interface SshCredentials {
  /** ssh-agent socket; default SSH_AUTH_SOCK. Null: no agent. */
  agent?: string | null;
  /** The passphrase of an encrypted identity file, or undefined to skip that key. */
  passphrase?: (file: string) => Promise<string | undefined>;
  /** A password for this hop, or undefined to not try password authentication. */
  password?: (hop: SshHop) => Promise<string | undefined>;
}

export interface SessionOptions {
  credentials: SshCredentials;
  onUnknownHostKey: UnknownHostKeyPolicy;
  /** Extra known_hosts files (the extension's own store), read after the target's. */
  extraKnownHosts?: { path: string; required: boolean }[];
  /** Deadline of the connection and authentication of each hop. */
  connectTimeoutMs: number;
}

/** A command's outcome. code null: killed by the deadline or a signal. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  tookMs: number;
}

/**
 * Session channels (commands, SFTP) open at once on one connection. OpenSSH refuses more than MaxSessions
 * (10 by default) with "open failed"; members sharing a host share the connection, so the rest wait their turn.
 */
export const MAX_CHANNELS = 8;

/** Output kept per stream; the rest is dropped and said so. */
const OUTPUT_CAP = 8 * 1024 * 1024;

const hopName = (hop: SshHop): string => `${hop.alias}${hop.alias === hop.host ? '' : ` (${hop.host})`}:${hop.port}`;

/** A readable sentence for a connection-level error of ssh2 or the socket. */
function connectionError(hop: SshHop, error: Error & { code?: string; level?: string }): SshError {
  const where = `SSH to ${hop.user}@${hopName(hop)}`;
  if (error instanceof SshError) return error;
  if (error.level === 'client-authentication')
    return new SshError(
      'auth',
      `${where} refused: permission denied (${error.message.replace(/^All configured authentication methods failed$/, 'no key, agent identity or password was accepted')})`,
      hop,
    );
  if (error.code === 'ECONNREFUSED') return new SshError('refused', `${where}: connection refused (no SSH server on that port)`, hop);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
    return new SshError('unreachable', `${where}: host name does not resolve`, hop);
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return new SshError('unreachable', `${where}: no route to host`, hop);
  if (/Timed out while waiting for handshake/.test(error.message))
    return new SshError('timeout', `${where}: no SSH handshake within the deadline`, hop);
  return new SshError('other', `${where}: ${error.message}`, hop);
}

/** The authentication methods to try, in OpenSSH's order: agent, identity files, password. */
async function authMethods(hop: SshHop, credentials: SshCredentials): Promise<AnyAuthMethod[]> {
  const methods: AnyAuthMethod[] = [];
  const agent = credentials.agent === undefined ? process.env.SSH_AUTH_SOCK : credentials.agent;
  if (agent) methods.push({ type: 'agent', username: hop.user, agent });
  for (const file of hop.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      continue; // OpenSSH skips identity files that do not exist
    }
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
      const passphrase = await credentials.passphrase?.(file);
      if (passphrase === undefined) continue;
      parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) throw new SshError('auth', `identity file ${file}: the passphrase is wrong (${parsed.message})`);
      methods.push({ type: 'publickey', username: hop.user, key: data, passphrase });
      continue;
    }
    if (parsed instanceof Error) continue;
    methods.push({ type: 'publickey', username: hop.user, key: data });
  }
  const password = await credentials.password?.(hop);
  if (password !== undefined) methods.push({ type: 'password', username: hop.user, password });
  return methods;
}

/** An open connection to a member host. Close it when done. */
export class SshSession {
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  private connectionEnded = false;

  private constructor(
    readonly target: SshTarget,
    private readonly clients: Client[],
  ) {
    // An error after the handshake (connectHop keeps it handled) is followed by 'close'.
    for (const c of clients) c.once('close', () => (this.connectionEnded = true));
  }

  /** Whether the connection (any hop of it) has ended: a tunnel then opens a new one. */
  get ended(): boolean {
    return this.connectionEnded;
  }

  /** Runs `work` once fewer than MAX_CHANNELS session channels are open on this connection. */
  private async withChannel<T>(work: () => Promise<T>): Promise<T> {
    if (this.open >= MAX_CHANNELS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.open++;
    try {
      return await work();
    } finally {
      this.open--;
      this.waiting.shift()?.();
    }
  }

  /** The host this session runs commands on. */
  get hop(): SshHop {
    return this.target.host;
  }

  /** Connects through every hop in order; each hop's key is checked under its own name. */
  static async open(target: SshTarget, options: SessionOptions): Promise<SshSession> {
    let known: KnownHostLine[];
    try {
      known = await readKnownHosts([...target.knownHostsFiles, ...(options.extraKnownHosts ?? [])]);
    } catch (error) {
      if (error instanceof KnownHostsUnreadableError) throw new SshError('known-hosts', error.message);
      throw error;
    }
    const clients: Client[] = [];
    let sock: Duplex | undefined;
    try {
      const chain = [...target.hops, target.host];
      for (let i = 0; i < chain.length; i++) {
        const hop = chain[i];
        const client = await connectHop(hop, known, options, sock);
        clients.push(client);
        const next = chain[i + 1];
        if (next) sock = await forward(client, next.host, next.port, options.connectTimeoutMs, hop);
      }
    } catch (error) {
      for (const c of clients.reverse()) c.end();
      throw error;
    }
    return new SshSession(target, clients);
  }

  private get client(): Client {
    return this.clients[this.clients.length - 1];
  }

  /**
   * Runs a shell command on the host; never rejects for the command's own failure (see code/timedOut). The
   * deadline holds on both ends: here the channel is closed, and on the host coreutils' `timeout` ends the
   * command a second later (sshd does not pass signals to root's sessions, and without a terminal closing
   * the channel does not stop the process).
   */
  exec(command: string, timeoutMs: number): Promise<CommandResult> {
    return this.withChannel(() => this.execNow(command, timeoutMs));
  }

  private execNow(command: string, timeoutMs: number): Promise<CommandResult> {
    const started = performance.now();
    const bounded = `timeout -k 2 ${Math.ceil(timeoutMs / 1000) + 1} sh -c ${quote([command])}`;
    return new Promise((resolve, reject) => {
      this.client.exec(bounded, (error, stream: ClientChannel) => {
        if (error) {
          reject(new SshError('command', `${hopName(this.hop)}: cannot start a command (${error.message})`));
          return;
        }
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        const append = (current: string, chunk: Buffer): string =>
          current.length >= OUTPUT_CAP ? current : (current + chunk.toString('utf8')).slice(0, OUTPUT_CAP);
        stream.on('data', (chunk: Buffer) => (stdout = append(stdout, chunk)));
        stream.stderr.on('data', (chunk: Buffer) => (stderr = append(stderr, chunk)));
        let settled = false;
        const finish = (code: number | null): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ code: timedOut ? null : code, stdout, stderr, timedOut, tookMs: performance.now() - started });
        };
        const timer = setTimeout(() => {
          timedOut = true;
          // The process is signalled (OpenSSH ≥ 7.9 honours it) and the channel closed; the caller does not wait.
          try {
            stream.signal('KILL');
          } catch {
            // the server may not take signals
          }
          stream.close();
          finish(null);
        }, timeoutMs);
        stream.on('close', (code: number | null) => finish(code ?? null));
      });
    });
  }

  /**
   * A TCP connect from the host to host:port (direct-tcpip: the SSH server connects, nothing runs in a shell).
   * Resolves null on success, else why not; rejects only when the server forbids forwarding.
   */
  async connectFromHost(host: string, port: number, timeoutMs: number): Promise<string | null> {
    const opened = await tryForward(this.client, host, port, timeoutMs);
    if ('channel' in opened) {
      opened.channel.destroy();
      return null;
    }
    if (opened.prohibited) throw new SshError('other', `${hopName(this.hop)}: port forwarding is disabled on this SSH server`);
    return opened.reason;
  }

  /**
   * A direct-tcpip channel from the host to host:port (an SSH tunnel's connection): the channel, or an
   * SshError saying the host could not reach it ('unreachable', with the reason) or the deadline passed.
   */
  async openChannel(host: string, port: number, timeoutMs: number): Promise<ClientChannel> {
    const opened = await tryForward(this.client, host, port, timeoutMs);
    if ('channel' in opened) return opened.channel;
    if (opened.prohibited) throw new SshError('other', `${hopName(this.hop)}: port forwarding is disabled on this SSH server`);
    throw new SshError(
      opened.timedOut ? 'timeout' : 'unreachable',
      `${host}:${port} from ${hopName(this.hop)}: ${opened.reason}`,
      this.hop,
    );
  }

  /** The SFTP subsystem (for remote configuration files). */
  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) =>
      this.client.sftp((error, sftp) =>
        error ? reject(new SshError('other', `${hopName(this.hop)}: SFTP unavailable (${error.message})`)) : resolve(sftp),
      ),
    );
  }

  close(): void {
    for (const c of [...this.clients].reverse()) c.end();
  }
}

/** Opens a direct-tcpip channel to host:port through `client`, with a deadline. */
/** SSH's channel-open failure codes (RFC 4254 5.1) that tryForward tells apart. */
const OPEN_PROHIBITED = 1;
const OPEN_CONNECT_FAILED = 2;

/**
 * Opens a direct-tcpip channel to host:port through `client`, with a deadline: the channel, or why not (the
 * reason alone, for the caller to place; prohibited: the server forbids forwarding).
 */
function tryForward(
  client: Client,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ channel: ClientChannel } | { reason: string; prohibited: boolean; timedOut: boolean }> {
  return new Promise((resolve) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      resolve({ reason: `no TCP connection within ${timeoutMs} ms`, prohibited: false, timedOut: true });
    }, timeoutMs);
    client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      clearTimeout(timer);
      // A channel that opens after the deadline is nobody's: closed at once.
      if (late) return void channel?.destroy();
      if (!error) return resolve({ channel });
      const code = (error as Error & { reason?: number }).reason;
      resolve({
        reason: code === OPEN_CONNECT_FAILED ? 'connection refused' : error.message.replace(/^\(SSH\) /, ''),
        prohibited: code === OPEN_PROHIBITED,
        timedOut: false,
      });
    });
  });
}

/** A direct-tcpip channel to the next hop, or an SshError naming the hop it was asked of. */
async function forward(client: Client, host: string, port: number, timeoutMs: number, via: SshHop): Promise<ClientChannel> {
  const opened = await tryForward(client, host, port, timeoutMs);
  if ('channel' in opened) return opened.channel;
  throw new SshError(
    opened.timedOut ? 'timeout' : 'unreachable',
    `${hopName(via)}: TCP connection to ${host}:${port} failed: ${opened.reason}`,
    via,
  );
}

/** Connects and authenticates one hop, verifying its host key under its own name and port. */
async function connectHop(hop: SshHop, known: KnownHostLine[], options: SessionOptions, sock: Duplex | undefined): Promise<Client> {
  const methods = await authMethods(hop, options.credentials);
  if (methods.length === 0)
    throw new SshError(
      'auth',
      `SSH to ${hop.user}@${hopName(hop)}: no credentials: no ssh-agent (SSH_AUTH_SOCK), no readable identity file, no password`,
    );
  const preferred = knownKeyTypes(known, hop.host, hop.port);
  let hostKeyProblem: SshError | null = null;
  const client = new Client();
  // The handshake deadline is ours, not ssh2's readyTimeout: it stops while the policy decides on an unknown
  // host key (a person may be reading a fingerprint) and starts again, whole, once it has decided.
  let deadline: NodeJS.Timeout | undefined;
  const startDeadline = (): void => {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      client.emit('error', Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }));
      client.end();
    }, options.connectTimeoutMs);
  };
  const stopDeadline = (): void => clearTimeout(deadline);
  const config: ConnectConfig = {
    host: hop.host,
    port: hop.port,
    username: hop.user,
    readyTimeout: 0,
    keepaliveInterval: 15_000,
    ...(sock ? { sock } : {}),
    // The key types known_hosts holds for this host first, as OpenSSH orders them, so a host with several
    // keys is checked against the one we know.
    ...(preferred.length > 0 ? { algorithms: { serverHostKey: { prepend: preferred } } as ConnectConfig['algorithms'] } : {}),
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      const verdict = verifyHostKey(known, hop.host, hop.port, key);
      const where = `${hop.alias === hop.host ? hop.host : `${hop.alias} (${hop.host})`} port ${hop.port}`;
      if (verdict.kind === 'known') return verify(true);
      if (verdict.kind === 'revoked') {
        hostKeyProblem = new SshError(
          'host-key-revoked',
          `the host key of ${where} (${fingerprint(key)}) is REVOKED in ${verdict.source}: not connecting`,
        );
        return verify(false);
      }
      if (verdict.kind === 'changed') {
        hostKeyProblem = new SshError(
          'host-key-changed',
          `WARNING: THE HOST KEY OF ${where} HAS CHANGED: it presented ${fingerprint(key)}, known_hosts has ${verdict.knownFingerprints.join(', ')} (${verdict.sources.join(', ')}). Someone may be intercepting the connection, or the host was reinstalled. Not connecting: remove the old key only once you know why it changed.`,
        );
        return verify(false);
      }
      const shown = fingerprint(key);
      stopDeadline();
      options.onUnknownHostKey(hop, key, shown).then(
        (ok) => {
          startDeadline();
          if (!ok)
            hostKeyProblem = new SshError(
              verdict.certAuthorityOnly ? 'host-key-unsupported' : 'host-key-unknown',
              verdict.certAuthorityOnly
                ? `the host key of ${where} (${shown}) is only vouched for by a @cert-authority line: host certificates are not supported; add the host key itself to known_hosts`
                : `the host key of ${where} is unknown (${shown}): not trusted`,
            );
          verify(ok);
        },
        () => {
          startDeadline();
          verify(false);
        },
      );
    },
    authHandler: methods,
  };
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      stopDeadline();
      client.removeAllListeners('ready');
      client.end();
      reject(hostKeyProblem ?? connectionError(hop, error));
    };
    client.once('error', onError);
    client.once('ready', () => {
      stopDeadline();
      client.removeListener('error', onError);
      // Later errors (a dropped connection) end the session's pending calls through their channels.
      client.on('error', () => undefined);
      // Many small request/answer exchanges (commands, a tunnel's channels): without TCP_NODELAY each waits
      // for the peer's delayed ACK, 40 ms on Linux (measured: a tunnelled channel open took 44 ms on loopback).
      client.setNoDelay(true);
      resolve(client);
    });
    startDeadline();
    client.connect(config);
  });
}
