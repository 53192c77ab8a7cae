// The pure half of the extension's SSH prompts (no 'vscode' here: unit-tested in plain Node): the
// SecretStorage keys of key passphrases and SSH passwords, the one-question-at-a-time gate that makes
// members sharing a host (or a key file) ask once, and the words of the unknown-host-key question.
import type { SshHop } from '../../ssh/target';

/** The SecretStorage key of an identity file's passphrase for a cluster. */
export function passphraseKey(cluster: string, file: string): string {
  return `etcdInspector.ssh.passphrase/${cluster}/${file}`;
}

/** The SecretStorage key of an SSH password of a cluster's host (user, host and port: one password per login). */
export function sshPasswordKey(cluster: string, hop: Pick<SshHop, 'user' | 'host' | 'port'>): string {
  return `etcdInspector.ssh.password/${cluster}/${hop.user}@${hop.host}:${hop.port}`;
}

/**
 * Asks each question once: callers with the same key share the pending answer (members on one host open
 * their sessions at once; only one modal may show), and questions are put one after another, never two
 * dialogs at a time. A `true` answer is kept for the life of the gate (the extension's session); any other
 * answer only until `forgetRefusals()` (the next command asks again).
 */
export class OneQuestionAtATime<T> {
  private readonly answers = new Map<string, Promise<T>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly kept: (answer: T) => boolean) {}

  ask(key: string, question: () => Promise<T>): Promise<T> {
    const known = this.answers.get(key);
    if (known) return known;
    const asked = this.queue.then(question, question);
    this.queue = asked.catch(() => undefined);
    this.answers.set(key, asked);
    // A failed question (the dialog was dismissed by an error) is asked again next time.
    asked.catch(() => this.answers.delete(key));
    return asked;
  }

  /** Drops every answer that is not kept for the session. */
  forgetRefusals(): void {
    for (const [key, answer] of this.answers) {
      void answer.then(
        (a) => {
          if (!this.kept(a) && this.answers.get(key) === answer) this.answers.delete(key);
        },
        () => undefined,
      );
    }
  }
}

/** The dedupe key of a host key question: the host as verified, its port and the key's fingerprint. */
export function hostKeyQuestionKey(hop: Pick<SshHop, 'host' | 'port'>, fingerprint: string): string {
  return `${hop.host}\u0000${hop.port}\u0000${fingerprint}`;
}

/** The type part of OpenSSH's host key file names (ssh_host_<type>_key) for a key type. */
function hostKeyFileType(keyType: string): string {
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-')) return 'rsa';
  if (keyType === 'ssh-dss') return 'dsa';
  return keyType.replace(/^ssh-/, '');
}

/** The modal that asks whether to trust an unknown host key. */
export function hostKeyQuestion(
  cluster: string,
  hop: Pick<SshHop, 'alias' | 'host' | 'port'>,
  keyType: string,
  fingerprint: string,
  store: string,
): { message: string; detail: string; trust: string } {
  const where = hop.alias === hop.host ? hop.host : `${hop.alias} (${hop.host})`;
  return {
    message: `The host key of ${where} port ${hop.port} is not known. ${fingerprint} Trust it and connect?`,
    detail: [
      `Cluster "${cluster}": no known_hosts file has a key for this host.`,
      `${keyType} key fingerprint: ${fingerprint}`,
      `Compare it with the host's own (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFileType(keyType)}_key.pub) before trusting it.`,
      `Trusting it adds it to the extension's known_hosts: ${store}`,
    ].join('\n'),
    trust: 'Trust and Connect',
  };
}

/** The part of VS Code's SecretStorage the SSH secrets' index uses. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/**
 * SecretStorage cannot list its keys, and a cluster's SSH secrets are keyed by file and by host: each is
 * recorded in the cluster's index when stored, so that removing the cluster forgets them all.
 */
const indexKey = (cluster: string): string => `etcdInspector.ssh.index/${cluster}`;

async function readIndex(secrets: SecretStore, cluster: string): Promise<string[]> {
  try {
    const list = JSON.parse((await secrets.get(indexKey(cluster))) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** Stores an SSH secret of a cluster and records its key in the cluster's index. */
export async function storeSshSecret(secrets: SecretStore, cluster: string, key: string, value: string): Promise<void> {
  await secrets.store(key, value);
  const keys = await readIndex(secrets, cluster);
  if (!keys.includes(key)) await secrets.store(indexKey(cluster), JSON.stringify([...keys, key]));
}

/** Forgets every SSH secret stored for a cluster (its passphrases and passwords) and the index; returns how many. */
export async function forgetSshSecrets(secrets: SecretStore, cluster: string): Promise<number> {
  const keys = await readIndex(secrets, cluster);
  for (const key of keys) await secrets.delete(key);
  await secrets.delete(indexKey(cluster));
  return keys.length;
}
