// A real OpenSSH server on loopback for the SSH tests: Debian's sshd with a configuration of its own (its
// own host key, authorized key, pid file, a port below 32768), started in the foreground and killed with
// the test. No system configuration is read or touched (`-f` names ours; /run/sshd is sshd's privilege
// separation folder, created if missing). Also writes known_hosts files in every form the verifier reads.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trackDir, trackProcess } from './cleanup';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

/** A free loopback port below 32768 (sshd's tests want one outside the ephemeral range). */
async function freeLowPort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below 32768');
}

/** A key pair made by ssh-keygen: the private key file and the public key's blob. */
export interface KeyPair {
  file: string;
  publicLine: string;
  blob: Buffer;
}

/** Makes a key pair with ssh-keygen (ed25519 unless said otherwise), optionally with a passphrase. */
export async function keyPair(
  dir: string,
  name: string,
  options: { type?: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string } = {},
): Promise<KeyPair> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', options.type ?? 'ed25519', '-N', options.passphrase ?? '', '-C', name, '-f', file]);
  const publicLine = readFileSync(`${file}.pub`, 'utf8').trim();
  return { file, publicLine, blob: Buffer.from(publicLine.split(/\s+/)[1], 'base64') };
}

export interface SshdOptions {
  /** Extra sshd_config lines (e.g. `AllowTcpForwarding no`, `PasswordAuthentication yes`). */
  config?: string[];
}

/** One running sshd. */
export class Sshd {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly hostKey: KeyPair,
    readonly userKey: KeyPair,
    readonly user: string,
    private readonly child: ChildProcess,
    private readonly forget: () => void,
    private readonly forgetDir: () => void,
  ) {}

  static async start(options: SshdOptions = {}): Promise<Sshd> {
    if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install Debian's openssh-server (.ci/run does)`);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-sshd-'));
    const forgetDir = trackDir(dir);
    const hostKey = await keyPair(dir, 'host_ed25519');
    const userKey = await keyPair(dir, 'user_ed25519');
    writeFileSync(join(dir, 'authorized_keys'), `${userKey.publicLine}\n`, { mode: 0o600 });
    const port = await freeLowPort();
    const user = userInfo().username;
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.file}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding yes',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      ...(options.config ?? []),
    ];
    writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    const forget = trackProcess(child.pid ?? 0);
    const until = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`);
      const up = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (up) break;
      if (Date.now() > until) throw new Error(`sshd did not listen on ${port}: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const sshd = new Sshd(dir, port, hostKey, userKey, user, child, forget, forgetDir);
    sshd.logText = () => log;
    return sshd;
  }

  /** SSH options that reach this sshd with its user key, its host key known (under `knownHostsName`), no ~/.ssh/config. */
  clientOptions(knownHostsName = 'known_hosts'): { port: number; identityFile: string; knownHostsFile: string; sshConfig: false } {
    return {
      port: this.port,
      identityFile: this.userKey.file,
      knownHostsFile: this.writeKnownHosts(knownHostsName, [this.knownHostsLine('hashed')]),
      sshConfig: false,
    };
  }

  /** The listening sshd's process id (each connection is served by a child of it). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** sshd's log so far (-e: to stderr). */
  logText: () => string = () => '';

  /** The host key line for known_hosts: plain, hashed (`|1|salt|hmac`), or marked @revoked / @cert-authority. */
  knownHostsLine(form: 'plain' | 'hashed' | 'revoked' | 'cert-authority' = 'plain', key: KeyPair = this.hostKey): string {
    const name = `[127.0.0.1]:${this.port}`;
    const [type, base64] = key.publicLine.split(/\s+/);
    if (form === 'hashed') {
      const salt = randomBytes(20);
      return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')} ${type} ${base64}`;
    }
    if (form === 'revoked') return `@revoked * ${type} ${base64}`;
    if (form === 'cert-authority') return `@cert-authority ${name} ${type} ${base64}`;
    return `${name} ${type} ${base64}`;
  }

  /** Writes a known_hosts file with these lines and returns its path. */
  writeKnownHosts(name: string, lines: string[]): string {
    const path = join(this.dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  /**
   * Drops every SSH connection it serves by killing its per-connection processes (children of the
   * listener); the listener goes on accepting. Stopping sshd alone leaves them running, as on a real host.
   */
  async dropConnections(): Promise<number> {
    const { stdout } = await promisify(execFile)('pgrep', ['-P', String(this.pid)]).catch(() => ({ stdout: '' }));
    const pids = stdout.split(/\s+/).filter(Boolean).map(Number);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    return pids.length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    this.forget();
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }
}
