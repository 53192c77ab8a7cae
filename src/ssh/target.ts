// Where and as whom to SSH to a member host: the cluster's `ssh` block, then ~/.ssh/config (read with the
// ssh-config package, `Match exec` never evaluated: it would run a shell command), then OpenSSH's defaults.
// `Include` is followed (globs in the file name, depth-limited as in OpenSSH); ProxyCommand is not run and
// is reported. Pure apart from reading the configuration files.
import { readdir, readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';

/** The commands the SSH layer runs on member hosts; see commands.ts for their defaults. */
export type CommandName = 'logs' | 'logsSince' | 'status' | 'restart' | 'start' | 'clock' | 'ntp' | 'portProbe' | 'dataDir' | 'configPath';

/** A cluster's `ssh` block (settings, or the CLI's --ssh-* options). */
export interface SshOptions {
  user?: string;
  port?: number;
  identityFile?: string;
  /** `[user@]host[:port]`, or several separated by commas (hops in order), or an ~/.ssh/config alias. */
  jumpHost?: string;
  /** Replaces ~/.ssh/known_hosts (and the config's UserKnownHostsFile); must exist. */
  knownHostsFile?: string;
  /** Per member name: `[user@]host[:port]` or an ~/.ssh/config alias. Default: the host of its peer URL. */
  hosts?: Record<string, string>;
  /** Command templates replacing the defaults (commands.ts). */
  commands?: Partial<Record<CommandName, string>>;
  /** The systemd unit of etcd (default "etcd"). */
  unit?: string;
  /** Path of etcd.conf on the hosts (default: the unit's EnvironmentFile). */
  configFile?: string;
  /** etcd's data dir on the hosts, for the dataDir command (default /var/lib/etcd, as kubeadm and the packages use). */
  dataDir?: string;
  /** The ssh client configuration to read (default ~/.ssh/config); false reads none. */
  sshConfig?: string | false;
  /** Deadline of one command (default 15000 ms). */
  timeoutMs?: number;
}

/** One hop of a connection, fully resolved. */
export interface SshHop {
  /** What the user named (alias or host), for messages. */
  alias: string;
  /** What is connected to (HostName) and verified against known_hosts. */
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
}

/** How to reach one member host: the jump hops in order, then the host itself. */
export interface SshTarget {
  hops: SshHop[];
  host: SshHop;
  /** known_hosts files to verify against; `required` ones must exist. */
  knownHostsFiles: { path: string; required: boolean }[];
  /** What the resolution could not honour (ProxyCommand, an Include not followed, ...). */
  notes: string[];
}

/** A parsed `[user@]host[:port]` (IPv6 in brackets). Throws on anything that is not a host name or address. */
export function parseHostSpec(spec: string): { user?: string; host: string; port?: number } {
  const match = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec.trim());
  const host = match?.[2]?.replace(/^\[|\]$/g, '');
  if (!match || !host || !/^[A-Za-z0-9._:%-]+$/.test(host) || host.startsWith('-')) {
    throw new Error(`"${spec}" is not an SSH host: expected [user@]host[:port]`);
  }
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`"${spec}": port ${port} is out of range`);
  if (match[1] !== undefined && !/^[A-Za-z0-9._-]+$/.test(match[1])) throw new Error(`"${spec}": "${match[1]}" is not a user name`);
  return { ...(match[1] ? { user: match[1] } : {}), host, ...(port ? { port } : {}) };
}

/** `~` and `%d` (home), `%u` (local user) and `%h`/`%r`/`%p` of OpenSSH's tokens in a path. */
function expandPath(path: string, tokens: Record<string, string>): string {
  const home = homedir();
  const withHome = path.startsWith('~/') || path === '~' ? join(home, path.slice(1)) : path;
  return withHome.replace(/%([dhpru%])/g, (_, t: string) => (t === '%' ? '%' : (tokens[t] ?? `%${t}`)));
}

/** Matches `*` and `?` in the last path component (enough for `Include config.d/*`). */
async function expandGlob(path: string): Promise<string[]> {
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  const dir = dirname(path);
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return (await readdir(dir))
      .filter((f) => re.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/**
 * The text of an ssh client configuration with its `Include` lines replaced by the files they name (relative
 * names are under ~/.ssh, as in OpenSSH), at most 16 deep. Returns the text and notes on what was skipped.
 */
export async function readSshConfig(path: string, depth = 0): Promise<{ text: string; notes: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { text: '', notes: code === 'ENOENT' && depth === 0 ? [] : [`${path} not read (${code ?? 'error'})`] };
  }
  const notes: string[] = [];
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const include = /^\s*Include\s+(.+?)\s*$/i.exec(line);
    if (!include) {
      out.push(line);
      continue;
    }
    if (depth >= 16) {
      notes.push(`${path}: Include nested more than 16 deep is not followed`);
      continue;
    }
    for (const name of include[1].split(/\s+/).map((n) => n.replace(/^"|"$/g, ''))) {
      const expanded = expandPath(name, {});
      const full = isAbsolute(expanded) ? expanded : join(homedir(), '.ssh', expanded);
      for (const file of await expandGlob(full)) {
        const inner = await readSshConfig(file, depth + 1);
        out.push(inner.text);
        notes.push(...inner.notes);
      }
    }
  }
  return { text: out.join('\n'), notes };
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** OpenSSH's default identity files, in its order. */
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

/**
 * Resolves `spec` (an alias or `[user@]host[:port]`) to a target. Explicit values win over the ssh client
 * configuration, which wins over OpenSSH's defaults (as a command-line option wins in ssh).
 */
export async function resolveTarget(
  spec: string,
  options: SshOptions,
  configText: string | null,
  notes: string[] = [],
): Promise<SshTarget> {
  // ssh-config ships its types for ESM only: a dynamic import gives them to this CommonJS build.
  const config = configText ? (await import('ssh-config')).default.parse(configText) : null;
  const compute = (alias: string): Record<string, string | string[]> =>
    config ? config.compute(alias, { ignoreCase: true, matchExec: false }) : {};

  const hop = (hopSpec: string, explicit: { user?: string; port?: number; identityFile?: string }): SshHop => {
    const parsed = parseHostSpec(hopSpec);
    const c = compute(parsed.host);
    const host = first(c.hostname) ?? parsed.host;
    parseHostSpec(host); // a HostName from the configuration must be a host name too
    const port = parsed.port ?? explicit.port ?? (first(c.port) ? Number(first(c.port)) : 22);
    const user = parsed.user ?? explicit.user ?? first(c.user) ?? localUser();
    const tokens = { h: host, p: String(port), r: user, u: localUser(), d: homedir() };
    const identityFiles = explicit.identityFile
      ? [expandPath(explicit.identityFile, tokens)]
      : all(c.identityfile).length > 0
        ? all(c.identityfile).map((f) => expandPath(f.replace(/^"|"$/g, ''), tokens))
        : DEFAULT_IDENTITIES;
    if (first(c.proxycommand)) notes.push(`${parsed.host}: ProxyCommand in the ssh configuration is not run (use ProxyJump)`);
    return { alias: parsed.host, host, port, user, identityFiles };
  };

  const target = hop(spec, options);
  const computed = compute(parseHostSpec(spec).host);
  const jumpSpec = options.jumpHost ?? first(computed.proxyjump);
  const hops = jumpSpec && jumpSpec !== 'none' ? jumpSpec.split(',').map((s) => hop(s.trim(), {})) : [];

  const tokens = { h: target.host, p: String(target.port), r: target.user, u: localUser(), d: homedir() };
  const configured = all(computed.userknownhostsfile).flatMap((f) => f.split(/\s+/));
  const knownHostsFiles = options.knownHostsFile
    ? [{ path: expandPath(options.knownHostsFile, tokens), required: true }]
    : configured.length > 0
      ? configured.filter((f) => f !== 'none').map((f) => ({ path: expandPath(f, tokens), required: false }))
      : ['known_hosts', 'known_hosts2'].map((f) => ({ path: join(homedir(), '.ssh', f), required: false }));
  return { hops, host: target, knownHostsFiles, notes };
}

/** The host of a URL (IPv6 without brackets), or null. */
function urlHost(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

/** The SSH host spec of a member: its override in `hosts`, else the host of its first peer URL (or client URL). */
export function memberHostSpec(member: { name: string; peerURLs: string[]; clientURLs: string[] }, options: SshOptions): string | null {
  const override = options.hosts && Object.hasOwn(options.hosts, member.name) ? options.hosts[member.name] : undefined;
  return override ?? urlHost(member.peerURLs[0]) ?? urlHost(member.clientURLs[0]);
}
