// Shapes of the etcdInspector.* settings, shared by the extension host, the CLI and the tests.
import { normalizeEndpoint } from '../etcd/profile';

/** TLS files of a cluster profile, as paths on the machine running VS Code. */
export interface TlsSetting {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

/** One entry of the etcdInspector.clusters setting. The password is never here: it lives in SecretStorage. */
export interface ClusterSetting {
  name: string;
  endpoints: string[];
  tls?: TlsSetting;
  username?: string;
  ssh?: Record<string, unknown>;
}

/** The etcd versions whose configuration rules the linter knows. */
export type EtcdVersion = '3.4' | '3.5' | '3.6';

/** Checks an untrusted settings value and keeps only well-formed cluster entries, with a reason for each dropped one. */
export function parseClusterSettings(value: unknown): { clusters: ClusterSetting[]; problems: string[] } {
  const clusters: ClusterSetting[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { clusters, problems };
  if (!Array.isArray(value)) return { clusters, problems: ['etcdInspector.clusters must be an array'] };
  value.forEach((raw: unknown, index) => {
    const where = `etcdInspector.clusters[${index}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${where} is not an object`);
      return;
    }
    const entry = raw as Record<string, unknown>;
    if (typeof entry.name !== 'string' || entry.name.trim() === '') {
      problems.push(`${where} has no name`);
      return;
    }
    const given = Array.isArray(entry.endpoints)
      ? entry.endpoints.filter((e): e is string => typeof e === 'string' && e.trim() !== '')
      : [];
    // Each endpoint in the form the inspector compares and shows (scheme://host:port); a malformed one, or
    // one with a password in it, is dropped with the reason (the password is not repeated there).
    const endpoints: string[] = [];
    for (const e of given) {
      try {
        endpoints.push(normalizeEndpoint(e.trim()));
      } catch (error) {
        problems.push(`${where} ("${entry.name}"): ${(error as Error).message}`);
      }
    }
    if (endpoints.length === 0) {
      problems.push(`${where} ("${entry.name}") has no endpoints`);
      return;
    }
    const cluster: ClusterSetting = { name: entry.name, endpoints };
    if (typeof entry.tls === 'object' && entry.tls !== null) {
      const tls = entry.tls as Record<string, unknown>;
      const pick = (k: string): string | undefined => (typeof tls[k] === 'string' ? (tls[k] as string) : undefined);
      cluster.tls = { caFile: pick('caFile'), certFile: pick('certFile'), keyFile: pick('keyFile'), serverName: pick('serverName') };
    }
    if (typeof entry.username === 'string' && entry.username !== '') cluster.username = entry.username;
    if (typeof entry.ssh === 'object' && entry.ssh !== null) cluster.ssh = entry.ssh as Record<string, unknown>;
    clusters.push(cluster);
  });
  return { clusters, problems };
}
