// Reads etcd's Prometheus /metrics page on a client URL and keeps the few series the inspector uses.
// The URL comes from the member list, so the server at the other end may be anything: the request ends at
// the refresh's deadline whatever the server does (a page that never ends, a trickle of bytes), at most
// MAX_METRICS_BYTES are read, only lines of wanted series are kept, and reading stops as soon as every
// wanted series has been seen. Every failure, stream errors included, rejects the one promise.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { TlsFiles } from '../etcd/profile';

/** Metrics the inspector reads from a member. */
export interface MemberMetrics {
  quotaBackendBytes: number | null;
  hasLeader: boolean | null;
  leaderChangesSeen: number | null;
}

/** etcd's page is about 150–300 KB; anything far beyond that is not etcd. */
export const MAX_METRICS_BYTES = 4 * 1024 * 1024;
/** A single exposition line is short; a longer one is skipped, not buffered. */
const MAX_LINE_BYTES = 64 * 1024;

const WANTED = ['etcd_server_quota_backend_bytes', 'etcd_server_has_leader', 'etcd_server_leader_changes_seen_total'] as const;

/** Parses the wanted series out of Prometheus text exposition. */
export function parseMetrics(text: string): MemberMetrics {
  const value = (name: string): number | null => {
    const match = new RegExp(`^${name}(?:\\{[^}\\n]*\\})?[ \\t]+(\\S+)`, 'm').exec(text);
    if (!match) return null;
    const n = Number(match[1]);
    return Number.isFinite(n) ? n : null;
  };
  const hasLeader = value('etcd_server_has_leader');
  return {
    quotaBackendBytes: value('etcd_server_quota_backend_bytes'),
    hasLeader: hasLeader === null ? null : hasLeader === 1,
    leaderChangesSeen: value('etcd_server_leader_changes_seen_total'),
  };
}

/** Keeps the wanted lines of a streamed page, bounded in memory whatever the page looks like. */
class WantedLines {
  private partial = '';
  private skipping = false;
  private readonly kept = new Map<string, string>();
  bytes = 0;

  /** Feeds a chunk; returns true once every wanted series has been seen. */
  push(chunk: string): boolean {
    this.bytes += Buffer.byteLength(chunk);
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.line(chunk.slice(start, nl));
      start = nl + 1;
    }
    const rest = chunk.slice(start);
    if (this.skipping) return this.done();
    if (this.partial.length + rest.length > MAX_LINE_BYTES) {
      this.partial = '';
      this.skipping = true;
    } else this.partial += rest;
    return this.done();
  }

  end(): string {
    if (!this.skipping) this.line('');
    return [...this.kept.values()].join('\n');
  }

  private line(tail: string): void {
    const line = this.skipping ? '' : this.partial + tail;
    this.partial = '';
    this.skipping = false;
    if (line.length > MAX_LINE_BYTES) return;
    const name = WANTED.find((w) => line.startsWith(w) && /[ \t{]/.test(line.charAt(w.length)));
    if (name && !this.kept.has(name)) this.kept.set(name, line);
  }

  private done(): boolean {
    return this.kept.size === WANTED.length;
  }
}

/** GETs `<clientUrl>/metrics`; settles by the deadline at the latest; rejects on any failure. */
export function scrapeMetrics(clientUrl: string, deadline: Date, tls?: TlsFiles): Promise<MemberMetrics> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined;
    let settled = false;
    const finish = (error: Error | null, result?: MemberMetrics): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Destroying ends the socket whatever the server keeps sending.
      req?.destroy();
      if (error) reject(error);
      else resolve(result as MemberMetrics);
    };
    const timer = setTimeout(() => finish(new Error('deadline exceeded reading /metrics')), Math.max(0, deadline.getTime() - Date.now()));
    try {
      const url = new URL('/metrics', clientUrl);
      const https = url.protocol === 'https:';
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const options = https
        ? {
            ca: tls?.caFile ? readFileSync(tls.caFile) : undefined,
            cert: tls?.certFile ? readFileSync(tls.certFile) : undefined,
            key: tls?.keyFile ? readFileSync(tls.keyFile) : undefined,
            // SNI carries host names only (RFC 6066); an IP there is deprecated in Node (DEP0123). The
            // certificate is still checked against the IP, or against serverName when given.
            servername: tls?.serverName ?? (isIP(host) ? '' : host),
          }
        : {};
      req = (https ? httpsRequest : httpRequest)(url, { ...options, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          finish(new Error(`/metrics answered HTTP ${String(res.statusCode)}`));
          return;
        }
        res.setEncoding('utf8');
        const lines = new WantedLines();
        res.on('data', (chunk: string) => {
          if (lines.push(chunk)) finish(null, parseMetrics(lines.end()));
          else if (lines.bytes > MAX_METRICS_BYTES)
            finish(new Error(`/metrics is larger than ${MAX_METRICS_BYTES / 1024 / 1024} MiB: not an etcd metrics page`));
        });
        res.on('end', () => finish(null, parseMetrics(lines.end())));
        res.on('error', (error) => finish(error));
        res.on('aborted', () => finish(new Error('/metrics connection closed mid-page')));
      });
      req.on('error', (error) => finish(error));
      req.end();
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
