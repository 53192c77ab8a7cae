// Records the real /metrics pages the metrics unit tests read (test/fixtures/metrics): two scrapes of a
// member of etcd 3.5 and of 3.4 around a write load, and two of a member whose disk is made slow by
// delaying every fdatasync with strace's fault injection (etcd is a static Go binary: no LD_PRELOAD); and a
// page of a member of a 5-member cluster once it has its peer round-trip histograms (etcd samples them about
// every 30 s, so the other pages, read sooner, have none).
//   node --import tsx scripts/record-metrics-fixtures.ts [loaded|slow|very-slow|peers]
// Needs strace. The pages are kept as etcd wrote them; the tests read them, never this script.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdBinaries } from '../test/harness/binaries';
import { EtcdCluster } from '../test/harness/etcdCluster';
import { freePorts } from '../test/harness/ports';

const OUT = join(__dirname, '..', 'test', 'fixtures', 'metrics');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function page(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`${url}/metrics: HTTP ${res.status}`);
  return res.text();
}

async function writes(endpoint: string, count: number): Promise<void> {
  const body = (i: number) =>
    JSON.stringify({ key: Buffer.from(`/load/${i}`).toString('base64'), value: Buffer.from('x'.repeat(512)).toString('base64') });
  for (let i = 0; i < count; i += 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, j) => fetch(`${endpoint}/v3/kv/put`, { method: 'POST', body: body(i + j) }).then((r) => r.text())),
    );
  }
}

async function loaded(version: '3.5' | '3.4'): Promise<void> {
  const cluster = await EtcdCluster.start({ version, size: 3 });
  try {
    const endpoint = cluster.endpoints[0];
    await writes(endpoint, 40);
    writeFileSync(join(OUT, `etcd-${version}-before.txt`), await page(endpoint));
    await writes(endpoint, 400);
    writeFileSync(join(OUT, `etcd-${version}-after.txt`), await page(endpoint));
  } finally {
    await cluster.destroy();
  }
}

/** A member of a 5-member etcd 3.5 cluster, read once every peer's round trip has been sampled. */
async function peers(): Promise<void> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 5 });
  try {
    const endpoint = cluster.endpoints[0];
    for (let waited = 0; ; waited += 1000) {
      const text = await page(endpoint);
      const peersSampled = new Set(
        [...text.matchAll(/^etcd_network_peer_round_trip_time_seconds_count\{To="([0-9a-f]+)"\}/gm)].map((m) => m[1]),
      );
      if (peersSampled.size === 4) {
        writeFileSync(join(OUT, 'etcd-3.5-peers.txt'), text);
        return;
      }
      if (waited > 120_000) throw new Error(`after 120 s, round trips to ${peersSampled.size} of 4 peers`);
      await sleep(1000);
    }
  } finally {
    await cluster.destroy();
  }
}

/** A single member whose every fdatasync waits `delayMs` first; its two pages are `<name>-before/after.txt`. */
async function slowDisk(delayMs: number, name: string, puts: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slow-disk-'));
  const [client, peer] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${client}`;
  const etcd = etcdBinaries('3.5').etcd;
  const child = spawn(
    'strace',
    [
      '-f',
      '-qq',
      '-o',
      '/dev/null',
      '-e',
      'trace=fdatasync',
      '-e',
      `inject=fdatasync:delay_enter=${delayMs * 1000}`,
      etcd,
      '--name',
      'slow',
      '--data-dir',
      join(dir, 'data'),
      '--listen-client-urls',
      endpoint,
      '--advertise-client-urls',
      endpoint,
      '--listen-peer-urls',
      `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peer}`,
      '--initial-cluster',
      `slow=http://127.0.0.1:${peer}`,
    ],
    { stdio: 'ignore', detached: true },
  );
  try {
    for (let i = 0; ; i++) {
      try {
        await page(endpoint);
        break;
      } catch (e) {
        if (i > 100) throw e;
        await sleep(200);
      }
    }
    await writes(endpoint, 16);
    writeFileSync(join(OUT, `${name}-before.txt`), await page(endpoint));
    await writes(endpoint, puts);
    writeFileSync(join(OUT, `${name}-after.txt`), await page(endpoint));
  } finally {
    // strace's tracee goes with its process group.
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'loaded') {
    await loaded('3.5');
    await loaded('3.4');
  }
  // Past etcd's 10 ms guidance, and past its mixin's 0.5 s fsync alert.
  if (!only || only === 'slow') await slowDisk(40, 'etcd-3.5-slow-disk', 120);
  if (!only || only === 'very-slow') await slowDisk(600, 'etcd-3.5-very-slow-disk', 24);
  if (!only || only === 'peers') await peers();
}

void main().then(
  () => console.log(`written to ${OUT}`),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
