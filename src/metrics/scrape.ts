// Reads etcd's Prometheus /metrics page on a client URL and keeps the few series the inspector uses.
// The page is 150 kB; only lines with a wanted prefix are parsed.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { TlsFiles } from '../etcd/profile';

/** Metrics the inspector reads from a member. */
export interface MemberMetrics {
  quotaBackendBytes: number | null;
  hasLeader: boolean | null;
  leaderChangesSeen: number | null;
}

/** Parses the wanted series out of Prometheus text exposition. */
export function parseMetrics(text: string): MemberMetrics {
  const value = (name: string): number | null => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
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

/** GETs `<clientUrl>/metrics` within the deadline; rejects on any failure. */
export function scrapeMetrics(clientUrl: string, deadline: Date, tls?: TlsFiles): Promise<MemberMetrics> {
  return new Promise((resolve, reject) => {
    const url = new URL('/metrics', clientUrl);
    const https = url.protocol === 'https:';
    const options = https
      ? {
          ca: tls?.caFile ? readFileSync(tls.caFile) : undefined,
          cert: tls?.certFile ? readFileSync(tls.certFile) : undefined,
          key: tls?.keyFile ? readFileSync(tls.keyFile) : undefined,
          servername: tls?.serverName,
        }
      : {};
    const timeout = Math.max(1, deadline.getTime() - Date.now());
    const req = (https ? httpsRequest : httpRequest)(url, { ...options, timeout, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`/metrics answered HTTP ${String(res.statusCode)}`));
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(parseMetrics(body)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('deadline exceeded')));
    req.on('error', reject);
    req.end();
  });
}
