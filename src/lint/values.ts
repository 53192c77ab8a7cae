// Value parsers that behave like the Go functions etcd uses (strconv, time.ParseDuration, url.Parse and
// etcd's types.NewURLs), so "valid" here means "etcd accepts it".
import { clip } from './limits';

/** strconv.ParseUint/ParseInt with base 0 (0x, 0o, 0b, leading-0 octal, underscores between digits). */
export function parseGoInt(s: string, unsigned: boolean): bigint | undefined {
  const m = /^([+-]?)(.*)$/.exec(s);
  if (!m || s === '') return undefined;
  const [, sign, body] = m;
  if (unsigned && sign !== '') return undefined;
  let digits = body;
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(body)) [base, digits, prefixed] = [16, body.slice(2), true];
  else if (/^0[bB]/.test(body)) [base, digits, prefixed] = [2, body.slice(2), true];
  else if (/^0[oO]/.test(body)) [base, digits, prefixed] = [8, body.slice(2), true];
  else if (/^0[0-9_]/.test(body)) [base, digits] = [8, body.slice(1)];
  // Go allows an underscore only between digits, or right after a base prefix.
  if (digits.includes('_')) {
    const check = (prefixed ? '_' : '') + digits;
    if (/__|_$/.test(check) || (!prefixed && digits.startsWith('_') && base !== 8)) return undefined;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return base === 8 && !prefixed ? 0n : undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) return undefined;
  // One BigInt from the validated digits (digit by digit it was a BigInt per digit, for every number of a file).
  let v = BigInt(`${{ 2: '0b', 8: '0o', 10: '', 16: '0x' }[base as 2 | 8 | 10 | 16]}${digits}`);
  if (sign === '-') v = -v;
  const max = unsigned ? (1n << 64n) - 1n : (1n << 63n) - 1n;
  const min = unsigned ? 0n : -(1n << 63n);
  if (v > max || v < min) return undefined;
  return v;
}

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds. */
export function parseGoDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const re = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += parseFloat(m[1]) * UNIT_NS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** One URL of a comma-separated URL flag, with where it sits in the value. */
export interface UrlItem {
  text: string;
  /** Offset of the trimmed item in the value string. */
  offset: number;
}

/** Splits a URL list the way etcd does: on commas, each item trimmed. */
export function splitUrlList(value: string): UrlItem[] {
  const out: UrlItem[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const lead = part.length - part.trimStart().length;
    out.push({ text: part.trim(), offset: offset + lead });
    offset += part.length + 1;
  }
  return out;
}

/** A parsed URL, as much of it as etcd looks at. */
export interface ParsedUrl {
  scheme: string;
  host: string;
  port: string;
  hasPort: boolean;
  path: string;
}

/** url.Parse followed by etcd's checks in types.NewURLs; returns etcd's error message on failure (with the URL
 * quoted through clip()). */
export function checkEtcdUrl(u: string): { url?: ParsedUrl; error?: string; kind?: 'scheme' | 'hostport' | 'path' | 'parse' } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(u);
  if (!m) {
    if (/^[^/?#]*:/.test(u) && !/^[A-Za-z]/.test(u))
      return { error: `parse "${clip(u)}": first path segment in URL cannot contain colon`, kind: 'parse' };
    return { error: `URL scheme must be http, https, unix, or unixs: ${clip(u)}`, kind: 'scheme' };
  }
  const scheme = m[1].toLowerCase();
  let rest = m[2];
  let host = '';
  let port = '';
  let hasPort = false;
  let path: string;
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.search(/[/?#]/);
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    path = slash < 0 ? '' : rest.slice(slash);
    const hostport = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
    host = hp?.[1] ?? hostport;
    hasPort = hp?.[2] !== undefined;
    port = hp?.[2] ?? '';
    if (hasPort && !/^[0-9]*$/.test(port)) return { error: `parse "${clip(u)}": invalid port ":${clip(port)}" after host`, kind: 'parse' };
  } else {
    path = rest;
  }
  if (!['http', 'https', 'unix', 'unixs'].includes(scheme))
    return { error: `URL scheme must be http, https, unix, or unixs: ${clip(u)}`, kind: 'scheme' };
  if ((scheme === 'http' || scheme === 'https') && !hasPort)
    return { error: `URL address does not have the form "host:port": ${clip(u)}`, kind: 'hostport' };
  // unix sockets: the address may be read as a path; unverified against etcd, so never an error here.
  if (path !== '' && (scheme === 'http' || scheme === 'https')) return { error: `URL must not contain a path: ${clip(u)}`, kind: 'path' };
  return { url: { scheme, host: host.replace(/^\[|\]$/g, ''), port, hasPort, path } };
}

/** Whether a host is an IP literal (v4 or v6). */
export function isIpLiteral(host: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(host)) return true;
  return host.includes(':') && /^[0-9a-fA-F:.]+(%.+)?$/.test(host);
}

/** One `name=url` member of initial-cluster. */
export interface ClusterMember {
  name: string;
  url: string;
  /** Offsets in the value string of the whole item, the name and the URL. */
  offset: number;
  nameOffset: number;
  urlOffset: number;
  length: number;
}

/** Splits initial-cluster: items on commas, each `name=url`; names are not trimmed by etcd, URLs are. */
export function parseInitialCluster(value: string): { members: ClusterMember[]; malformed: { text: string; offset: number }[] } {
  const members: ClusterMember[] = [];
  const malformed: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    // etcd skips empty items (a trailing comma is harmless)
    if (part === '') {
      offset += 1;
      continue;
    }
    if (eq < 0) malformed.push({ text: part, offset });
    else {
      const rawUrl = part.slice(eq + 1);
      const lead = rawUrl.length - rawUrl.trimStart().length;
      members.push({
        name: part.slice(0, eq),
        url: rawUrl.trim(),
        offset,
        nameOffset: offset,
        urlOffset: offset + eq + 1 + lead,
        length: part.length,
      });
    }
    offset += part.length + 1;
  }
  return { members, malformed };
}
