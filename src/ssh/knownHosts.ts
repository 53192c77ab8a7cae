// Host key verification against OpenSSH known_hosts files, as strictly as OpenSSH itself: plain and hashed
// (`|1|salt|hmac`) host patterns, `[host]:port` for ports other than 22, negated and wildcard patterns,
// `@revoked` keys refused, `@cert-authority` lines reported as unsupported (host certificates are not
// checked), and a file that exists but cannot be read fails closed. Pure apart from reading the files.
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** One usable line of a known_hosts file. */
export interface KnownHostLine {
  marker: 'revoked' | 'cert-authority' | null;
  /** The comma-separated patterns as written (hashed entries stay hashed). */
  patterns: string[];
  keyType: string;
  /** The key blob (base64-decoded). */
  key: Buffer;
  /** Where the line came from, for messages: "file:line". */
  source: string;
}

/** What the known_hosts files say about a host's presented key. */
export type HostKeyVerdict =
  | { kind: 'known'; source: string }
  | { kind: 'unknown'; certAuthorityOnly: boolean }
  | { kind: 'changed'; knownFingerprints: string[]; sources: string[] }
  | { kind: 'revoked'; source: string };

/** The name a host is looked up by: `host` on port 22, else `[host]:port`, as OpenSSH writes it. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's SHA256 fingerprint of a key blob: `SHA256:` and unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (its first SSH string), e.g. ssh-ed25519. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + Math.min(length, 64)).toString('latin1');
}

/** Parses known_hosts text; lines it cannot read are skipped (OpenSSH does the same). */
export function parseKnownHosts(text: string, file: string): KnownHostLine[] {
  const lines: KnownHostLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostLine['marker'] = null;
    if (fields[0].startsWith('@')) {
      const name = fields.shift() ?? '';
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    if (fields.length < 3) return;
    const [hosts, keyType, base64] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    if (keyTypeOf(key) !== keyType) return;
    lines.push({ marker, patterns: hosts.split(','), keyType, key, source: `${file}:${index + 1}` });
  });
  return lines;
}

/** Whether a shell-style pattern (`*`, `?`) matches a name, case-insensitively as OpenSSH does for host names. */
function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** Whether one pattern (plain, wildcard or hashed; not negated) matches the lookup name. */
function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const hmac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return hmac === hash;
  }
  return globMatches(pattern, name);
}

/** Whether a line's pattern list matches: some positive pattern matches and no negated one does. */
export function lineMatches(line: KnownHostLine, name: string): boolean {
  let matched = false;
  for (const pattern of line.patterns) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

/** The verdict on a presented key for `host:port` from known_hosts lines (every file's together). Pure. */
export function verifyHostKey(lines: readonly KnownHostLine[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostKeyName(host, port);
  const matching = lines.filter((l) => lineMatches(l, name));
  // A revoked key is refused whatever else says it is known.
  const revoked = lines.find((l) => l.marker === 'revoked' && l.key.equals(key));
  if (revoked) return { kind: 'revoked', source: revoked.source };
  const plain = matching.filter((l) => l.marker === null);
  const same = plain.find((l) => l.key.equals(key));
  if (same) return { kind: 'known', source: same.source };
  if (plain.length > 0) {
    return {
      kind: 'changed',
      knownFingerprints: [...new Set(plain.map((l) => `${l.keyType} ${fingerprint(l.key)}`))],
      sources: plain.map((l) => l.source),
    };
  }
  return { kind: 'unknown', certAuthorityOnly: matching.some((l) => l.marker === 'cert-authority') };
}

/** The key types known_hosts holds for a host, to offer first in the key exchange (as OpenSSH orders them). */
export function knownKeyTypes(lines: readonly KnownHostLine[], host: string, port: number): string[] {
  const name = hostKeyName(host, port);
  return [...new Set(lines.filter((l) => l.marker === null && lineMatches(l, name)).map((l) => l.keyType))];
}

/** A known_hosts line for a host and key, hostname in the clear (as `ssh -o HashKnownHosts=no` writes it). */
export function knownHostsEntry(host: string, port: number, key: Buffer): string {
  return `${hostKeyName(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/** Thrown when a known_hosts file exists but cannot be read: verification fails closed. */
export class KnownHostsUnreadableError extends Error {}

/**
 * Reads known_hosts files. A file that does not exist holds no keys (as in OpenSSH) unless `required`;
 * any other read error throws KnownHostsUnreadableError, so no key is accepted on a guess.
 */
export async function readKnownHosts(files: readonly { path: string; required?: boolean }[]): Promise<KnownHostLine[]> {
  const all: KnownHostLine[] = [];
  for (const { path, required } of files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !required) continue;
      throw new KnownHostsUnreadableError(
        `known_hosts file ${path} cannot be read (${code ?? (error as Error).message}): no host key is accepted without it`,
      );
    }
    all.push(...parseKnownHosts(text, path));
  }
  return all;
}
