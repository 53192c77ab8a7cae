// The member hosts of a cluster as the extension reaches them: a MemberHosts per command run (closed after),
// with the extension's credentials and host-key policy. Credentials: ssh-agent through SSH_AUTH_SOCK; key
// passphrases asked with a password box and kept in SecretStorage (one per cluster and key file; a stored
// one that no longer opens the key is forgotten); SSH passwords only from SecretStorage, entered after a host
// refused the keys (a refused stored password is forgotten). Host keys: the known_hosts files of the cluster's
// ssh block or ~/.ssh, plus the extension's own file in its global storage; an unknown key is put to the user
// once (members on one host share the question) and, trusted, appended to that file; a changed or revoked key
// is never a question (src/ssh/session.ts refuses it).
import * as vscode from 'vscode';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { utils } from 'ssh2';
import { knownHostsEntry, keyTypeOf } from '../../ssh/knownHosts';
import { hostLabel, MemberHosts, type HostMember } from '../../ssh/hosts';
import type { SshError, SessionOptions } from '../../ssh/session';
import { memberHostSpec, type SshHop } from '../../ssh/target';
import { tunnelSshOptions, type ClusterSetting, type TunnelSetting } from '../../shared/settings';
import { SshTunnel } from '../../ssh/tunnel';
import type { TunnelOpener } from '../clusters/registry';
import { OneQuestionAtATime, hostKeyQuestion, hostKeyQuestionKey, passphraseKey, sshPasswordKey, storeSshSecret } from './prompts';

/** Deadline of the connection and authentication of each hop. */
const CONNECT_TIMEOUT_MS = 10_000;

/** SshError kinds that are shown in an error message of their own (besides the document): they need the user. */
const LOUD_KINDS = new Set(['host-key-changed', 'host-key-revoked', 'host-key-unsupported', 'known-hosts']);

/** A member whose host could not be reached, and why. */
export interface MemberError {
  member: HostMember;
  error: SshError;
}

/** One command's view of a cluster's member hosts. */
export interface ClusterHosts {
  hosts: MemberHosts;
  /**
   * Opens the session of every member's host (each member's error kept); a member whose handshake ran out of
   * time while its host key was being trusted is connected again, now that the key is known.
   */
  connect(members: readonly HostMember[]): Promise<{ connected: HostMember[]; failed: MemberError[] }>;
  /** `[user@]host[:port]` of a member, for headers. */
  where(member: HostMember): string | undefined;
  /** Says what needs the user about these errors: a changed/revoked key in full, an offer to enter a password. */
  explain(errors: readonly SshError[]): void;
  close(): void;
}

export class SshHostsFactory implements TunnelOpener {
  private readonly hostKeys = new OneQuestionAtATime<boolean>((trusted) => trusted);
  private readonly passphrases = new OneQuestionAtATime<string | undefined>(() => false);

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Questions declined earlier (a host key, a passphrase) are asked again at the next connection. */
  forgetRefusals(): void {
    this.hostKeys.forgetRefusals();
    this.passphrases.forgetRefusals();
  }

  /** The extension's own known_hosts file (keys the user trusted here). */
  get knownHostsFile(): string {
    return join(this.storage.fsPath, 'known_hosts');
  }

  /**
   * The extension's session options for a cluster: agent, passphrases and passwords from SecretStorage,
   * unknown host keys put to the user once, the extension's known_hosts. `onTrusted` hears each key trusted.
   */
  private sessionOptions(cluster: string, offeredPasswords: Map<string, SshHop>, onTrusted: () => void): SessionOptions {
    return {
      credentials: {
        agent: process.env.SSH_AUTH_SOCK || null,
        passphrase: (file) => this.passphrase(cluster, file),
        password: async (hop) => {
          const key = sshPasswordKey(cluster, hop);
          const stored = await this.secrets.get(key);
          if (stored !== undefined) offeredPasswords.set(key, hop);
          return stored;
        },
      },
      onUnknownHostKey: async (hop, key, fingerprint) => {
        const trusted = await this.hostKeys.ask(hostKeyQuestionKey(hop, fingerprint), () =>
          this.askHostKey(cluster, hop, key, fingerprint),
        );
        if (trusted) onTrusted();
        return trusted;
      },
      extraKnownHosts: [{ path: this.knownHostsFile, required: false }],
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    };
  }

  /**
   * The SSH tunnel of a cluster with a `tunnel` setting (src/ssh/tunnel.ts): one SSH connection, opened on
   * the first dial, with the same credentials and host-key discipline as the member hosts. A failure that
   * needs the user (a changed or revoked key, a refused login) is said once per failed attempt; `onTrusted`
   * hears a host key trusted during a dial (the refresh that asked ran out of time while the question was up).
   */
  async openTunnel(setting: ClusterSetting & { tunnel: TunnelSetting }, onTrusted: () => void): Promise<SshTunnel> {
    const cluster = setting.name;
    const offeredPasswords = new Map<string, SshHop>();
    const options = {
      ...tunnelSshOptions(setting.tunnel, setting.ssh),
      ...(vscode.workspace.isTrusted ? {} : { sshConfig: false as const }),
    };
    let said = '';
    return SshTunnel.create(setting.tunnel.via, options, this.sessionOptions(cluster, offeredPasswords, onTrusted), (error) => {
      this.log.warn(`${cluster}: tunnel: ${error.message}`);
      // Said once until it changes: every refresh would otherwise show it again.
      if (error.message === said) return;
      said = error.message;
      if (LOUD_KINDS.has(error.kind)) void vscode.window.showErrorMessage(error.message);
      else if (error.kind === 'auth' && error.hop !== undefined) void this.offerPassword(cluster, error, offeredPasswords);
    });
  }

  /** The member hosts of a cluster for one command. ~/.ssh/config is read only in a trusted workspace. */
  async open(setting: ClusterSetting): Promise<ClusterHosts> {
    const cluster = setting.name;
    this.forgetRefusals();
    let trustedNow = 0;
    const offeredPasswords = new Map<string, SshHop>();
    const options = { ...(setting.ssh ?? {}), ...(vscode.workspace.isTrusted ? {} : { sshConfig: false as const }) };
    const sessionOptions = this.sessionOptions(cluster, offeredPasswords, () => trustedNow++);
    const hosts = await MemberHosts.create(options, sessionOptions);
    for (const note of hosts.notes) this.log.info(`${cluster}: ssh configuration: ${note}`);
    return {
      hosts,
      connect: async (members) => {
        const trustedBefore = trustedNow;
        const open = (list: readonly HostMember[]) => hosts.each(list, async (m) => void (await hosts.session(m)));
        let results = await open(members);
        // ssh2's handshake deadline runs while the question is on screen: a key trusted late is known now.
        if (trustedNow > trustedBefore && results.some((r) => r.error?.kind === 'timeout')) {
          const again = await open(results.filter((r) => r.error?.kind === 'timeout').map((r) => r.member));
          results = results.map((r) => again.find((a) => a.member === r.member) ?? r);
        }
        const failed: MemberError[] = [];
        for (const r of results) {
          if (!r.error) continue;
          this.log.warn(`${cluster}: ${hostLabel(r.member)}: ${r.error.message}`);
          failed.push({ member: r.member, error: r.error });
        }
        return { connected: results.filter((r) => !r.error).map((r) => r.member), failed };
      },
      where: (member) => memberHostSpec(member, options) ?? undefined,
      explain: (errors) => {
        const seen = new Set<string>();
        for (const e of errors) {
          if (seen.has(e.message)) continue;
          seen.add(e.message);
          if (LOUD_KINDS.has(e.kind)) void vscode.window.showErrorMessage(e.message);
        }
        const refused = errors.filter((e) => e.kind === 'auth' && e.hop !== undefined);
        if (refused.length > 0) void this.offerPassword(cluster, refused[0], offeredPasswords);
      },
      close: () => hosts.close(),
    };
  }

  private async askHostKey(cluster: string, hop: SshHop, key: Buffer, fingerprint: string): Promise<boolean> {
    const q = hostKeyQuestion(cluster, hop, keyTypeOf(key), fingerprint, this.knownHostsFile);
    const choice = await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.trust);
    if (choice !== q.trust) {
      this.log.warn(`${cluster}: the host key of ${hop.host} port ${hop.port} (${fingerprint}) was not trusted: not connecting`);
      return false;
    }
    await mkdir(dirname(this.knownHostsFile), { recursive: true });
    await appendFile(this.knownHostsFile, `${knownHostsEntry(hop.host, hop.port, key)}\n`, { mode: 0o600 });
    this.log.info(`${cluster}: trusted the host key of ${hop.host} port ${hop.port} (${fingerprint}): added to ${this.knownHostsFile}`);
    return true;
  }

  /** An identity file's passphrase: the stored one if it still opens the key, else asked (up to three times) and stored. */
  private async passphrase(cluster: string, file: string): Promise<string | undefined> {
    const key = passphraseKey(cluster, file);
    const stored = await this.secrets.get(key);
    if (stored !== undefined) {
      if (await opens(file, stored)) return stored;
      await this.secrets.delete(key);
      this.log.warn(`${cluster}: the stored passphrase of ${file} does not open it: forgotten`);
    }
    return this.passphrases.ask(key, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const typed = await vscode.window.showInputBox({
          title: `etcd Inspector: SSH key passphrase (cluster "${cluster}")`,
          prompt: attempt === 0 ? `Passphrase of ${file} (kept in VS Code's secret storage)` : `Wrong passphrase for ${file}: try again`,
          password: true,
          ignoreFocusOut: true,
        });
        if (typed === undefined) return undefined;
        if (await opens(file, typed)) {
          await storeSshSecret(this.secrets, cluster, key, typed);
          return typed;
        }
      }
      this.log.warn(`${cluster}: three wrong passphrases for ${file}: the key is skipped`);
      return undefined;
    });
  }

  /** After a host refused every key: forget a stored password it refused, and offer to enter one. */
  private async offerPassword(cluster: string, error: SshError, offered: Map<string, SshHop>): Promise<void> {
    // The hop the error is about (session.ts names it on the error): a stored password it was offered is forgotten.
    const hop =
      error.hop && [...offered.values()].find((h) => h.user === error.hop?.user && h.host === error.hop.host && h.port === error.hop.port);
    if (hop) {
      await this.secrets.delete(sshPasswordKey(cluster, hop));
      this.log.warn(`${cluster}: the stored SSH password of ${hop.user}@${hop.host}:${hop.port} was refused: forgotten`);
    }
    const target = hop ?? error.hop;
    const enter = 'Enter SSH Password…';
    const choice = await vscode.window.showErrorMessage(error.message, ...(target ? [enter] : []));
    if (choice !== enter || !target) return;
    const password = await vscode.window.showInputBox({
      title: `etcd Inspector: SSH password of ${target.user}@${target.host}:${target.port} (cluster "${cluster}")`,
      prompt: "Kept in VS Code's secret storage; used when no key is accepted. Run the command again.",
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined || password === '') return;
    await storeSshSecret(this.secrets, cluster, sshPasswordKey(cluster, target), password);
    this.log.info(`${cluster}: SSH password of ${target.user}@${target.host}:${target.port} stored in secret storage`);
  }
}

/** Whether a passphrase opens an identity file (ssh2 parses it as session.ts will). */
async function opens(file: string, passphrase: string): Promise<boolean> {
  try {
    return !(utils.parseKey(await readFile(file), passphrase) instanceof Error);
  } catch {
    return false;
  }
}
