// Where the real etcd binaries of the test harness live. etcd 3.5 comes from Debian trixie into the cache
// folder (scripts/setup-etcd.sh); etcd 3.4 is Debian bookworm's etcd-server/etcd-client package.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The etcd versions the harness can start. */
export type HarnessEtcdVersion = '3.4' | '3.5';

/** The harness's cache folder, outside the repository. */
export const CACHE_DIR = process.env.ETCD_INSPECTOR_CACHE ?? join(homedir(), '.cache', 'etcd-inspector');

/** Paths of etcd and etcdctl for a version; throws with the set-up command to run when they are missing. */
export function etcdBinaries(version: HarnessEtcdVersion): { etcd: string; etcdctl: string } {
  const dir = version === '3.5' ? join(CACHE_DIR, 'etcd-3.5', 'usr', 'bin') : '/usr/bin';
  const etcd = join(dir, 'etcd');
  const etcdctl = join(dir, 'etcdctl');
  if (!existsSync(etcd) || !existsSync(etcdctl)) {
    const how = version === '3.5' ? 'bash scripts/setup-etcd.sh' : 'apt-get install etcd-server etcd-client';
    throw new Error(`etcd ${version} binaries not found at ${dir}: run \`${how}\``);
  }
  return { etcd, etcdctl };
}

/** Path of etcd 3.5's etcdutl (beside its etcd in the cache folder); etcd 3.4 has none (its etcdctl restores). */
export function etcdutlBinary(): string {
  const etcdutl = join(CACHE_DIR, 'etcd-3.5', 'usr', 'bin', 'etcdutl');
  if (!existsSync(etcdutl)) throw new Error(`etcdutl 3.5 not found at ${etcdutl}: run \`bash scripts/setup-etcd.sh\``);
  return etcdutl;
}
