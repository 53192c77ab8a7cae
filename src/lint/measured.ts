// The cluster's measured peer round trip beside the linter's view of heartbeat-interval and
// election-timeout: when the extension has refreshed a cluster whose peer URLs this configuration file
// names (initial-cluster, the advertised or listened peer URLs), the hover over either key says what the
// measured round trip calls for (src/metrics/judge.ts recommendedTimeouts) and what this file sets.
import type { ConfigDocument, Entry } from './document';

/** What the extension sends the language server after a refresh, per cluster with a measured round trip. */
export interface MeasuredPeers {
  cluster: string;
  /** Every member's peer URLs, as the member list gives them. */
  peerURLs: string[];
  /** The worst peer round-trip p99 over the cluster's links, in seconds. */
  roundTripSeconds: number;
  heartbeatMs: number;
  electionMs: number;
}

/** The notification the extension sends after each refresh: `{ clusters: MeasuredPeers[] }`. */
export const MEASURED_PEERS = 'etcdInspector/measuredPeers';

/** Checks a notification entry's shape (the server trusts nothing it is sent). */
export function isMeasuredPeers(value: unknown): value is MeasuredPeers {
  const v = value as Partial<MeasuredPeers> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.cluster === 'string' &&
    Array.isArray(v.peerURLs) &&
    v.peerURLs.every((u) => typeof u === 'string') &&
    [v.roundTripSeconds, v.heartbeatMs, v.electionMs].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
  );
}

/** The keys the hover adds to. */
const TIMEOUT_FLAGS = new Set(['heartbeat-interval', 'election-timeout']);
/** The keys that name peer URLs in a member's configuration. */
const PEER_FLAGS = new Set(['initial-cluster', 'initial-advertise-peer-urls', 'listen-peer-urls']);

/** The peer URLs a configuration names, normalized to scheme://host:port. */
function peerUrlsOf(doc: ConfigDocument): Set<string> {
  const urls = new Set<string>();
  for (const e of doc.entries) {
    if (!e.spec || !PEER_FLAGS.has(e.spec.name)) continue;
    const values = e.items ?? (e.value ?? '').split(',');
    for (const raw of values) {
      const url = e.spec.name === 'initial-cluster' ? raw.slice(raw.indexOf('=') + 1) : raw;
      const normal = normalize(url.trim());
      if (normal) urls.add(normal);
    }
  }
  return urls;
}

function normalize(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

const ms = (seconds: number): string => {
  const v = seconds * 1000;
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
};

/** This file's value of a flag, as written, or etcd's default. */
function setting(doc: ConfigDocument, name: string, fallback: number): string {
  const entry = doc.entries.find((e: Entry) => e.spec?.name === name);
  return entry?.value ? `${entry.value} ms` : `${fallback} ms (etcd's default)`;
}

/**
 * Markdown for the hover on heartbeat-interval or election-timeout, or undefined when the key
 * is another one or no measured cluster shares a peer URL with this file.
 */
export function measuredTimeoutsHover(doc: ConfigDocument, entry: Entry, measured: readonly MeasuredPeers[]): string | undefined {
  if (!entry.spec || !TIMEOUT_FLAGS.has(entry.spec.name)) return undefined;
  const ours = peerUrlsOf(doc);
  const matching = measured.filter((m) => m.peerURLs.some((u) => ours.has(normalize(u) ?? '')));
  if (matching.length === 0) return undefined;
  const heartbeat = setting(doc, 'heartbeat-interval', 100);
  const election = setting(doc, 'election-timeout', 1000);
  return matching
    .map(
      (m) =>
        `**Measured on cluster "${m.cluster.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`)}"**: worst peer round trip p99 ${ms(m.roundTripSeconds)} ` +
        `(etcd samples each link about every 30 s) → heartbeat about the round trip and election at least 10× it: ` +
        `**${m.heartbeatMs} ms** and **${m.electionMs} ms** suffice. This file: heartbeat ${heartbeat}, election ${election}.`,
    )
    .join('\n\n');
}
